// The query page: saved questions, a SPARQL editor, the answer as a table and, for yearly
// series, a line chart drawn in SVG. Talks only to this server's /queries and /sparql.
// URL parameters: ?q=<saved question>&run=1 runs a saved question on load; ?query=<text> fills the editor.
"use strict";

const XSD = "http://www.w3.org/2001/XMLSchema#";
const NUMERIC = new Set(["decimal", "integer", "double", "float", "long", "int", "short", "nonNegativeInteger",
  "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong"].map((t) => XSD + t));
const PREFIXES = {
  "https://w3id.org/cn-ogi/def#": "ogi:", "https://w3id.org/cn-ogi/def/indicator/": "ind:",
  "https://w3id.org/cn-ogi/def/approximation/": "apx:", "https://w3id.org/cn-ogi/def/outcome/": "outcome:",
  "https://w3id.org/cn-ogi/def/applicant/": "applicant:", "https://w3id.org/cn-ogi/id/": "id:",
};
const COLOURS = ["#b3261e", "#1f5fa8", "#2e7d32", "#8e44ad", "#c77700", "#00838f", "#5d4037", "#c2185b",
  "#455a64", "#7cb342", "#3949ab", "#f4511e"];
const MAX_SERIES = COLOURS.length;
const $ = (id) => document.getElementById(id);
let questions = [];
let answer = null;

function compact(iri) {
  for (const [ns, prefix] of Object.entries(PREFIXES)) if (iri.startsWith(ns)) return prefix + iri.slice(ns.length);
  return iri;
}

function isNumber(term) { return term && term.type !== "uri" && NUMERIC.has(term.datatype); }
function isYear(name, terms) {
  const present = terms.filter(Boolean);
  return present.length > 0 && present.every((t) => t.datatype === XSD + "gYear" || (name === "year" && /^\d{4}$/.test(t.value)));
}

function setState(text, error = false) {
  $("state").textContent = text;
  $("state").classList.toggle("error", error);
}

function downloads(query) {
  for (const format of ["csv", "json"]) {
    $(format).href = "/sparql?" + new URLSearchParams({ query, format });
  }
}

async function loadQuestions() {
  const response = await fetch("/queries");
  questions = await response.json();
  const select = $("question");
  for (const q of questions) {
    const option = document.createElement("option");
    option.value = q.name;
    option.textContent = q.title;
    select.append(option);
  }
}

function choose(name) {
  const q = questions.find((x) => x.name === name);
  $("question").value = q ? q.name : "";
  $("description").textContent = q ? q.description : "";
  if (q) $("editor").value = q.query;
  downloads($("editor").value);
}

async function run() {
  const query = $("editor").value;
  downloads(query);
  $("run").disabled = true;
  document.body.dataset.state = "running";
  setState("running…");
  const started = performance.now();
  try {
    const response = await fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json" },
      body: new URLSearchParams({ query }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${response.status}: ${text.trim()}`);
    answer = JSON.parse(text);
    const took = Math.round(performance.now() - started);
    if ("boolean" in answer) {
      setState(`answer: ${answer.boolean} (${took} ms)`);
      $("table").replaceChildren();
      hideChart();
    } else {
      const n = answer.results.bindings.length;
      setState(`${n} row${n === 1 ? "" : "s"} in ${took} ms`);
      renderTable(answer);
      renderChart(answer);
    }
    document.body.dataset.state = "done";
  } catch (error) {
    setState(error.message, true);
    $("table").replaceChildren();
    hideChart();
    document.body.dataset.state = "error";
  } finally {
    $("run").disabled = false;
  }
}

function renderTable(data) {
  const vars = data.head.vars;
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const v of vars) {
    const th = document.createElement("th");
    th.textContent = v;
    head.append(th);
  }
  const body = table.createTBody();
  for (const binding of data.results.bindings) {
    const tr = body.insertRow();
    for (const v of vars) {
      const td = tr.insertCell();
      const term = binding[v];
      if (!term) {
        td.className = "unbound";
        td.title = "not stated / no value";
      } else {
        td.textContent = term.type === "uri" ? compact(term.value) : term.value;
        if (term.type === "uri") td.title = term.value;
        if (isNumber(term)) td.className = "number";
      }
    }
  }
  $("table").replaceChildren(table);
}

function hideChart() {
  $("chart").hidden = true;
  $("chart-controls").hidden = true;
}

// A chart needs a year column and a numeric one; series are the rows' other labels.
function chartPlan(data) {
  const vars = data.head.vars;
  const rows = data.results.bindings;
  const column = (v) => rows.map((r) => r[v]);
  const year = vars.find((v) => isYear(v, column(v)));
  if (!year) return null;
  const measures = vars.filter((v) => v !== year && column(v).some(isNumber) && column(v).every((t) => !t || isNumber(t)));
  if (!measures.length) return null;
  const labels = vars.filter((v) => v !== year && !measures.includes(v) && column(v).every((t) => !t || t.type === "literal"));
  // the fewest label columns that, with the year, tell the rows apart
  const key = [];
  const unique = () => new Set(rows.map((r) => [year, ...key].map((v) => (r[v] ? r[v].value : "")).join("\u0001"))).size === rows.length;
  for (const v of labels) {
    if (unique()) break;
    key.push(v);
  }
  if (!unique()) return null;
  // name each series by its key and by labels that are constant within it, left out when the same for all
  const seriesOf = (r) => key.map((v) => (r[v] ? r[v].value : "")).join(" ");
  const naming = labels.filter((v) => {
    const within = new Map();
    for (const r of rows) {
      const s = seriesOf(r);
      const value = r[v] ? r[v].value : "";
      if (within.has(s) && within.get(s) !== value) return false;
      within.set(s, value);
    }
    return new Set(within.values()).size > 1;
  });
  return { year, measures, seriesOf, name: (r) => naming.map((v) => (r[v] ? r[v].value : "")).join(" ") };
}

function renderChart(data) {
  const plan = chartPlan(data);
  if (!plan) return hideChart();
  const select = $("measure");
  const previous = select.value;
  select.replaceChildren(...plan.measures.map((m) => new Option(m, m)));
  select.value = plan.measures.includes(previous) ? previous : plan.measures[0];
  $("chart-controls").hidden = plan.measures.length < 2;
  select.onchange = () => drawChart(data, plan, select.value);
  drawChart(data, plan, select.value);
}

function drawChart(data, plan, measure) {
  const rows = data.results.bindings;
  const years = [...new Set(rows.map((r) => r[plan.year] && r[plan.year].value).filter(Boolean))].sort();
  const series = new Map();
  for (const r of rows) {
    const id = plan.seriesOf(r);
    if (!series.has(id)) series.set(id, { name: plan.name(r) || measure, points: new Map() });
    if (r[plan.year] && r[measure]) {
      const approximate = r.qualifier && !["exact", "确数"].includes(r.qualifier.value);
      series.get(id).points.set(r[plan.year].value, { value: Number(r[measure].value), approximate, row: r });
    }
  }
  const shown = [...series.values()].filter((s) => s.points.size).slice(0, MAX_SERIES);
  if (!shown.length) return hideChart();
  const values = shown.flatMap((s) => [...s.points.values()].map((p) => p.value));
  const [low, high] = niceRange(Math.min(0, ...values), Math.max(...values));
  const W = 900, H = 340, left = 78, right = 16, top = 16, bottom = 36;
  const legendRows = Math.ceil(shown.length / 3);
  const height = H + legendRows * 18;
  // years on a time scale, so that years without a report show as distance
  const first = Number(years[0]), span = Number(years[years.length - 1]) - first;
  const x = (y) => left + 12 + (span ? ((Number(y) - first) * (W - left - right - 24)) / span : (W - left - right - 24) / 2);
  const y = (v) => top + (H - top - bottom) * (1 - (v - low) / (high - low || 1));
  const svg = el("svg", { viewBox: `0 0 ${W} ${height}`, role: "img", "aria-label": `${measure} by ${plan.year}` });
  const axis = el("g", { class: "axis" });
  for (const tick of ticks(low, high)) {
    axis.append(el("line", { x1: left, x2: W - right, y1: y(tick), y2: y(tick) }));
    axis.append(text(left - 6, y(tick) + 4, formatNumber(tick), { "text-anchor": "end" }));
  }
  for (const yr of years) axis.append(text(x(yr), H - bottom + 18, yr, { "text-anchor": "middle" }));
  svg.append(axis);
  shown.forEach((s, i) => {
    const g = el("g", { class: "series", "data-name": s.name });
    const colour = COLOURS[i % COLOURS.length];
    // a gap where a year is not stated: absent is not zero
    let d = "";
    let pen = false;
    for (const yr of years) {
      const p = s.points.get(yr);
      if (!p) { pen = false; continue; }
      d += `${pen ? "L" : "M"}${x(yr).toFixed(1)},${y(p.value).toFixed(1)}`;
      pen = true;
    }
    g.append(el("path", { d, stroke: colour }));
    for (const [yr, p] of s.points) {
      const dot = el("circle", { cx: x(yr), cy: y(p.value), r: 4, stroke: colour, fill: colour, "stroke-width": 2,
        class: p.approximate ? "approximate" : "exact" });
      const label = `${s.name} ${yr}: ${formatNumber(p.value)}${p.approximate ? ` (${p.row.qualifier.value})` : ""}`;
      dot.append(el("title", {}, label));
      g.append(dot);
    }
    svg.append(g);
    const lx = left + (i % 3) * 280, ly = H + 4 + Math.floor(i / 3) * 18;
    const legend = el("g", { class: "legend" });
    legend.append(el("rect", { x: lx, y: ly, width: 12, height: 12, fill: colour }));
    legend.append(text(lx + 18, ly + 11, s.name));
    svg.append(legend);
  });
  const caption = el("figcaption", {}, `${measure} by ${plan.year}. Gaps: not stated. Hollow points: approximate figures.` +
    (series.size > shown.length ? ` First ${shown.length} of ${series.size} series.` : ""), false);
  $("chart").replaceChildren(svg, caption);
  $("chart").hidden = false;
}

function el(name, attrs, content, svgNamespace = true) {
  const node = svgNamespace ? document.createElementNS("http://www.w3.org/2000/svg", name) : document.createElement(name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (content !== undefined) node.textContent = content;
  return node;
}

function text(x, y, content, attrs = {}) { return el("text", { x, y, ...attrs }, content); }

function niceRange(low, high) {
  if (low === high) return [low - 1, high + 1];
  const step = niceStep((high - low) / 5);
  return [Math.floor(low / step) * step, Math.ceil(high / step) * step];
}

function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
}

function ticks(low, high) {
  const step = niceStep((high - low) / 5);
  const out = [];
  for (let t = low; t <= high + step / 2; t += step) out.push(Math.round(t * 1e6) / 1e6);
  return out;
}

function formatNumber(n) {
  return new Intl.NumberFormat("zh-CN", { notation: Math.abs(n) >= 1e5 ? "compact" : "standard", maximumFractionDigits: 2 }).format(n);
}

async function start() {
  const params = new URLSearchParams(location.search);
  try {
    await loadQuestions();
  } catch (error) {
    setState(`could not load the saved questions: ${error.message}`, true);
  }
  if (params.get("query")) {
    $("editor").value = params.get("query");
    choose("");
  } else {
    choose(params.get("q") || (questions[0] && questions[0].name));
  }
  $("question").addEventListener("change", (e) => choose(e.target.value));
  $("editor").addEventListener("input", () => { $("question").value = ""; $("description").textContent = ""; });
  $("editor").addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); } });
  $("run").addEventListener("click", run);
  document.body.dataset.state = "ready";
  if (params.get("run")) run();
}

start();
