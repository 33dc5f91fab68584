"""The ``kg`` command line."""

from __future__ import annotations

import glob
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from kg import __version__

app = typer.Typer(
    name="kg",
    help=(
        "Turn Chinese open-government-information annual reports (政府信息公开工作年度报告) "
        "into RDF.\n\n"
        "Start with [bold]kg build --out reports.ttl[/bold]: it parses the five bundled Ministry "
        "of Foreign Affairs reports (2011, 2012, 2019, 2023, 2024) into a Turtle file of "
        "reports, agencies and every figure of their standard tables, validated with SHACL. "
        "Give files or folders to build your own reports instead."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    add_completion=False,
)

SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf"}
_FILE_LINES = 100  # more reports than this: the per-file lines only with --verbose
EXIT_NOTHING_BUILT = 1
EXIT_SOME_REJECTED = 3
EXIT_INVALID = 4


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kg {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = None,
) -> None:
    """Turn Chinese open-government-information annual reports into RDF."""


def _say(message: str) -> None:
    typer.echo(message, err=True)


def expand(inputs: list[str]) -> tuple[list[Path], list[str]]:
    """Files from files, folders and glob patterns; and one error line per input that names nothing."""
    found: list[Path] = []
    errors: list[str] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES and not _page_asset(p))
            if not files:
                errors.append(f"{item}: folder holds no report files ({', '.join(sorted(SUFFIXES))})")
            found.extend(files)
        elif path.exists():
            found.append(path)
        elif glob.has_magic(item):
            matches = sorted(Path(p) for p in glob.glob(item, recursive=True) if Path(p).is_file())
            if not matches:
                errors.append(f"{item}: pattern matches no file")
            found.extend(matches)
        else:
            errors.append(f"{item}: no such file or folder")
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return unique, errors


def _page_asset(path: Path) -> bool:
    """A file saved with a web page (in ``page_files/`` beside ``page.html``), not a report of its own."""
    for folder in path.parents:
        for end in ("_files", ".files", "_file"):
            if folder.name.endswith(end) and any(
                (folder.parent / (folder.name[: -len(end)] + s)).is_file() for s in (".html", ".htm")
            ):
                return True
    return False


@app.command()
def build(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            help="Report files (.txt, .md, .html, .pdf), folders (searched recursively) or quoted glob patterns. "
            "None: the bundled corpus of five Ministry of Foreign Affairs reports.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Output file. Its suffix picks the format: .ttl (Turtle), .nt (N-Triples), .nq (N-Quads), "
            ".trig (TriG) or .jsonld (JSON-LD); the quad formats give each report its own named graph.",
        ),
    ] = Path("reports.ttl"),
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="Output format, overriding the suffix: turtle, ntriples, nquads, trig or json-ld."),
    ] = None,
    catalog: Annotated[
        Path | None,
        typer.Option(help="Also write the dataset description (DCAT, VoID, the output's size and SHA-256) to this Turtle file."),
    ] = None,
    base: Annotated[
        str, typer.Option(help="Base IRI for the data (reports, agencies, figures).")
    ] = "https://w3id.org/cn-ogi/id/",
    validate: Annotated[bool, typer.Option("--validate/--no-validate", help="Check the graph with the SHACL shapes.")] = True,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes; 0 means one per CPU.", min=0)] = 1,
    diagnostics: Annotated[
        Path | None,
        typer.Option(help="Also write every warning and every figure not understood to this JSON Lines file."),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Print figures not understood, too.")] = False,
    nlp: Annotated[
        str | None,
        typer.Option(
            "--nlp",
            help="An installed trained spaCy pipeline (e.g. zh_core_web_sm) to read the prose with; "
            "the project's rules run after it. Default: spaCy's blank Chinese pipeline, which needs no model.",
        ),
    ] = None,
) -> None:
    """Parse reports into one RDF file of reports, agencies and their figures.

    Reads each report (UTF-8, GB18030/GBK or Big5; plain text or Markdown), finds its
    title, agency, year and parts, reads the standard tables and the stated figures,
    and writes them under the cn-ogi ontology together with the ontology itself.
    The file is written atomically: a failed build leaves no partial output.

    [bold]Examples[/bold]

      kg build --out reports.ttl                 [dim]# the bundled corpus[/dim]

      kg build reports/ --out all.nt -j 0        [dim]# a folder, N-Triples, all CPUs[/dim]

      kg build "2023/*.md" --diagnostics d.jsonl [dim]# a glob; diagnostics to a file[/dim]

    [bold]Exit status[/bold]: 0 built; 1 nothing could be built; 3 built, but some inputs were
    rejected (each named on stderr); 4 built, but the graph violates the SHACL shapes.
    """
    from kg.background import Workers
    from kg.catalog import Ledger, write_catalog
    from kg.rdf import report_graph
    from kg.reference import vocabulary
    from kg.resources import bundled_corpus
    from kg.write import Writer, format_for

    if inputs:
        paths, errors = expand(inputs)
    else:
        paths, errors = bundled_corpus(), []
    for error in errors:
        _say(f"error: {error}")
    try:
        out_format = format_for(out, fmt)
    except ValueError as exc:
        _say(f"error: {out}: {exc}")
        raise typer.Exit(EXIT_NOTHING_BUILT) from None
    if not paths:
        _say("error: no report files to build; nothing written")
        raise typer.Exit(EXIT_NOTHING_BUILT)
    if nlp:
        from kg.extract.prose import pipeline

        try:
            pipeline(nlp)  # loaded once here; worker processes inherit it
        except (OSError, ImportError, ValueError) as exc:
            _say(f"error: --nlp {nlp}: not an installed spaCy pipeline ({str(exc).splitlines()[0][:120]})")
            raise typer.Exit(EXIT_NOTHING_BUILT) from None

    stats = _Stats(keep_files=verbose)
    stats.rejected = len(errors)  # an input naming no report file is rejected too: the summary says so
    notes = _Lines(diagnostics) if diagnostics else None  # JSON Lines, streamed to a file renamed at the end
    seen: dict[tuple[str, int], str] = {}
    shared: set = set()  # triples about agencies, platforms and publications already written
    summaries = tempfile.TemporaryFile("w+", encoding="utf-8")  # N-Triples on disk, not in memory, until the end
    vocabulary()  # needed here and in the workers: loaded once, before they fork
    writer = Writer(out, out_format)
    ledger = Ledger(base)
    workers = None
    try:
        from kg.rdf import reference_graph

        workers = Workers(paths, (os.cpu_count() or 1) if jobs == 0 else jobs, nlp)  # parsing starts now
        ledger.write_reference(writer, reference_graph())
        for done, (path, result) in enumerate(workers.reports(), start=1):
            _progress(done, len(paths))
            if isinstance(result, Exception):
                stats.rejected += 1
                _say(f"error: {path}: {result}")
                if notes:
                    notes.add({"file": str(path), "level": "error", "message": str(result)})
                continue
            key = (result.agency.key, result.year)
            if key in seen:
                stats.rejected += 1
                _say(f"error: {path}: a second report for {result.agency.name} {result.year} (first: {seen[key]}); skipped")
                continue
            seen[key] = str(path)
            graph = report_graph(result, base)
            if validate:
                from kg.validate import summary

                summaries.write(summary(graph).serialize(format="nt"))  # for the cross-report shapes, checked at the end
                _shacl(stats, workers.validate(graph.serialize(format="nt"), tag=result.source.name))
            ledger.write_report(writer, _once(graph, shared, base))
            stats.add(result)
            for d in result.diagnostics:
                if d.level == "warning" or verbose:
                    _say(f"{d.level}: {result.source.name}: {d.message}")
                if notes:
                    notes.add({"file": str(path), "level": d.level, "code": d.code, "message": d.message})
        if not stats.reports:
            writer.abort()
            _say(f"error: none of the {len(paths)} inputs could be read as a report; nothing written")
            raise typer.Exit(EXIT_NOTHING_BUILT)
        ledger.finish(writer)
        if validate:
            summaries.seek(0)
            _shacl(stats, workers.validate(summaries.read(), shared=True, tag="across reports"))
            described = "".join(part.serialize(format="nt") for part in ledger.parts(writer, ledger.byte_size))
            _shacl(stats, workers.validate(described, tag="dataset description"))
            _shacl(stats, workers.findings())
        writer.commit()
        workers.close()
    except BaseException:
        writer.abort()
        if notes:
            notes.abort()
        if workers:
            workers.close(failed=True)
        raise
    finally:
        summaries.close()
    if catalog:
        write_catalog(catalog, ledger, writer)
    if notes:
        notes.commit()
    if len(stats.files) <= _FILE_LINES or verbose:
        _say("\n".join(stats.files))
    _say(stats.summary(out, out_format, writer.triples, validate))
    if stats.findings.get("Violation"):
        raise typer.Exit(EXIT_INVALID)
    if stats.rejected or errors:
        raise typer.Exit(EXIT_SOME_REJECTED)


class _Lines:
    """JSON Lines written as they come into a temporary file beside ``path``; ``commit`` renames it into place."""

    def __init__(self, path: Path) -> None:
        self.path = path
        handle, self.tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        self.out = os.fdopen(handle, "w", encoding="utf-8", newline="\n")

    def add(self, record: dict) -> None:
        self.out.write(json.dumps(record, ensure_ascii=False) + "\n")

    def commit(self) -> None:
        self.out.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self.out.close()
        Path(self.tmp).unlink(missing_ok=True)


def _shacl(stats: _Stats, done: list) -> None:
    """Count and print SHACL findings: (where, findings) pairs from the workers."""
    for where, findings in done:
        for finding in findings:
            stats.findings[finding.severity] = stats.findings.get(finding.severity, 0) + 1
            _say(f"shacl {finding.severity.lower()}: {where}: {finding.focus}: {finding.message}")


def _once(graph, written: set, base: str):
    """The graph, less the triples about shared nodes (agency, platforms, publications) an earlier report wrote."""
    nodes = tuple(f"{base}{kind}/" for kind in ("agency", "platform", "publication", "document"))
    for subject in [s for s in set(graph.subjects()) if str(s).startswith(nodes)]:
        for triple in list(graph.triples((subject, None, None))):
            if triple in written:
                graph.remove(triple)
            else:
                written.add(triple)
    return graph


def _progress(done: int, total: int) -> None:
    if total < 20:
        return
    step = max(1, total // 20)
    if done % step == 0 or done == total:
        end = "\n" if done == total or not sys.stderr.isatty() else "\r"
        sys.stderr.write(f"parsed {done}/{total} reports{end}")
        sys.stderr.flush()


class _Stats:
    def __init__(self, keep_files: bool = False) -> None:
        self.keep_files = keep_files  # else at most _FILE_LINES + 1 per-file lines: memory stays flat
        self.reports = 0
        self.metrics = 0
        self.warnings = 0
        self.not_understood = 0
        self.rejected = 0
        self.years: set[int] = set()
        self.agencies: set[str] = set()
        self.findings: dict[str, int] = {}
        self.files: list[str] = []  # one line a report: format, parts read, metrics, warnings

    def add(self, report) -> None:
        warnings = sum(d.level == "warning" for d in report.diagnostics)
        parts = " ".join(report.parts) or "none"
        if self.keep_files or len(self.files) <= _FILE_LINES:
            read = f"{report.source.format}, parts {parts}; {len(report.metrics)} metrics, {warnings} warnings"
            self.files.append(f"  {report.source.name}: {read}")
        self.reports += 1
        self.metrics += len(report.metrics)
        self.warnings += sum(d.level == "warning" for d in report.diagnostics)
        self.not_understood += sum(d.code == "figure-not-understood" for d in report.diagnostics)
        self.years.add(report.year)
        self.agencies.add(report.agency.key)

    def summary(self, out: Path, fmt: str, triples: int, validated: bool) -> str:
        from kg.write import MEDIA_TYPES

        years = f"{min(self.years)}–{max(self.years)}" if len(self.years) > 1 else str(min(self.years))
        shacl = "not validated"
        if validated:
            violations = self.findings.get("Violation", 0)
            warnings = self.findings.get("Warning", 0)
            shacl = "SHACL: conforms" if not violations else f"SHACL: {violations} violations"
            shacl += f", {warnings} shape warnings" if warnings else ""
        return (
            f"Wrote {out} ({MEDIA_TYPES[fmt]}, {triples} triples): {self.reports} report{'' if self.reports == 1 else 's'} "
            f"of {len(self.agencies)} {'agency' if len(self.agencies) == 1 else 'agencies'} ({years}), "
            f"{self.metrics} metrics, {self.warnings} warnings, {self.not_understood} figures not understood, "
            f"{self.rejected} inputs rejected; {shacl}."
        )


@app.command()
def query(
    question: Annotated[
        str | None,
        typer.Argument(
            help="A saved question's name (see --list), a .rq file, or the text of a SPARQL query.", show_default=False
        ),
    ] = None,
    list_: Annotated[bool, typer.Option("--list", "-l", help="List the saved questions with their titles.")] = False,
    graph: Annotated[
        list[Path] | None,
        typer.Option("--graph", "-g", help="Query these graph files (.ttl, .nt, .nq, .trig, .rdf, .jsonld) or report files "
                     "instead of the bundled corpus. Repeat for several."),
    ] = None,
    endpoint: Annotated[str | None, typer.Option(help="Send the query to this SPARQL endpoint URL instead.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json (SPARQL JSON results).")] = "table",
    timeout: Annotated[float, typer.Option(help="Seconds to wait for a remote endpoint.")] = 60.0,
) -> None:
    """Ask a question of the graph: a saved question, a .rq file or a SPARQL query.

    With no --graph or --endpoint it asks the bundled corpus (built once into a cached store).

    [bold]Examples[/bold]

      kg query --list                                   [dim]# the saved questions[/dim]

      kg query press-conferences                        [dim]# one of them, as a table[/dim]

      kg query fees --graph reports.ttl -f csv          [dim]# on a graph you built[/dim]

      kg query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --endpoint http://127.0.0.1:8000/sparql
    """
    from kg.query import catalogue, resolve, run_local, run_remote, table
    from kg.workers import QueryError

    if list_:
        for q in catalogue():
            typer.echo(f"{q.name:28} {q.title}")
        return
    if question is None:
        _say("error: give a saved question, a .rq file or a query; `kg query --list` shows the saved questions")
        raise typer.Exit(2)
    if fmt not in ("table", "csv", "json"):
        _say(f"error: unknown format {fmt!r}; choose table, csv or json")
        raise typer.Exit(2)
    try:
        _, text = resolve(question)
    except LookupError as exc:
        _say(f"error: {exc}")
        raise typer.Exit(2) from None
    try:
        if endpoint:
            answer = run_remote(text, endpoint, fmt, timeout)
        else:
            answer = run_local(text, _query_store(graph), fmt)
    except QueryError as exc:
        _say(f"error: {exc.message}")
        raise typer.Exit(1) from None
    if fmt == "table" and answer.lstrip().startswith(b"{"):
        typer.echo(table(answer))
    else:
        sys.stdout.buffer.write(answer if answer.endswith(b"\n") else answer + b"\n")


def _query_store(graph: list[Path] | None):
    """An open store: the given files loaded in memory, or the bundled corpus's cached store."""
    import pyoxigraph

    from kg.store import bundled_store, load

    if not graph:
        return pyoxigraph.Store.read_only(str(bundled_store(_say)))
    missing = [str(p) for p in graph if not p.is_file()]
    if missing:
        _say(f"error: {', '.join(missing)}: no such file")
        raise typer.Exit(2)
    store, loaded = load(graph)
    for error in loaded.errors:
        _say(f"error: {error}")
    if loaded.errors and not loaded.triples:
        raise typer.Exit(1)
    return store


@app.command()
def serve(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            help="Graph files (.ttl, .nt, .nq, .trig, .rdf, .jsonld) and report files or folders to serve. "
            "None: the bundled corpus (built once into a cached store).",
            show_default=False,
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Address to listen on. The default answers this machine only.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port; 0 picks a free one.", min=0, max=65535)] = 8000,
    timeout: Annotated[float, typer.Option(help="Seconds a query may run before it is stopped (503).", min=0.01)] = 10.0,
    max_rows: Annotated[int, typer.Option(help="Rows (or triples) an answer may have (413 beyond).", min=1)] = 10_000,
    workers: Annotated[int, typer.Option(help="Query worker processes (queries answered at once).", min=1)] = 2,
    memory: Annotated[
        bool, typer.Option("--memory/--on-disk", help="Workers hold the graph in memory (faster) or read it from disk.")
    ] = True,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Processes parsing report files; 0 means one per CPU.", min=0)] = 1,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not log each request.")] = False,
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint with a query page.

    [bold]/sparql[/bold] speaks the SPARQL 1.1 Protocol (GET, form POST, application/sparql-query POST),
    with JSON, XML, CSV and TSV results and Turtle, N-Triples, JSON-LD and RDF/XML graphs; without a
    query it returns the service description. [bold]/[/bold] is a query page with the saved questions,
    a table, a chart of yearly series and downloads.

    Safe to expose: updates, SERVICE and LOAD are refused; each query has a time limit and a result
    limit; it listens on 127.0.0.1 unless --host says otherwise.

    [bold]Examples[/bold]

      kg serve                                  [dim]# the bundled corpus on http://127.0.0.1:8000/[/dim]

      kg serve reports.ttl --port 3030          [dim]# a graph you built[/dim]

      kg serve my-reports/ --timeout 30 --max-rows 100000
    """
    import shutil
    import signal
    import tempfile

    from kg.query import catalogue
    from kg.rdf import PREFIXES
    from kg.serve import Endpoint, make_server
    from kg.store import bundled_store, default_size, graph_sizes, load
    from kg.workers import Pool

    scratch = None
    if inputs:
        paths, errors = expand(inputs)
        for error in errors:
            _say(f"error: {error}")
        scratch = Path(tempfile.mkdtemp(prefix="kg-serve-"))
        store, loaded = load(paths, scratch / "store", jobs=(os.cpu_count() or 1) if jobs == 0 else jobs)
        for error in loaded.errors:
            _say(f"error: {error}")
        store.flush()
        del store
        if not loaded.triples:
            shutil.rmtree(scratch, ignore_errors=True)
            _say("error: nothing to serve: no input could be loaded")
            raise typer.Exit(EXIT_NOTHING_BUILT)
        store_dir = scratch / "store"
    else:
        store_dir = bundled_store(_say)
    import pyoxigraph

    reader = pyoxigraph.Store.read_only(str(store_dir))
    graphs, triples = graph_sizes(reader), default_size(reader)
    del reader
    try:
        pool = Pool(store_dir, workers, timeout, prefixes=PREFIXES, in_memory=memory)
    except RuntimeError as exc:
        _say(f"error: {exc}")
        raise typer.Exit(EXIT_NOTHING_BUILT) from None
    try:
        server = make_server(Endpoint(pool, graphs, triples, max_rows, catalogue(), quiet), host, port)
    except OSError as exc:
        pool.close()
        _say(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}")
        raise typer.Exit(EXIT_NOTHING_BUILT) from None
    bound_host, bound_port = server.server_address[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    if host not in ("127.0.0.1", "::1", "localhost"):
        _say(f"warning: listening on {host}, reachable from other machines (read-only, with limits)")
    if not pool.isolated:
        _say("note: query workers could not be cut off from the network; SERVICE and LOAD are still refused")
    _say(
        f"Serving {triples} triples in {len(graphs)} graphs. SPARQL endpoint: http://{shown}:{bound_port}/sparql ; "
        f"query page: http://{shown}:{bound_port}/ (limits: {timeout:g} s, {max_rows:,} rows; Ctrl-C stops)"
    )
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        pool.close()
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


@app.command()
def load(
    endpoint: Annotated[
        str,
        typer.Option(
            help="The store's SPARQL 1.1 Graph Store endpoint, e.g. http://127.0.0.1:8890/sparql-graph-crud-auth (Virtuoso), "
            "http://127.0.0.1:3030/ds/data (Fuseki), http://127.0.0.1:7878/store (Oxigraph).",
            show_default=False,
        ),
    ],
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files written by kg build (.nq, .trig, .jsonld, .ttl, .nt). None: the bundled corpus, built now.",
            show_default=False,
        ),
    ] = None,
    user: Annotated[str | None, typer.Option(help="User name, for stores that want one (Virtuoso: dba).")] = None,
    password: Annotated[
        str | None, typer.Option(help="Password; or set KG_LOAD_PASSWORD.", envvar="KG_LOAD_PASSWORD", show_envvar=False)
    ] = None,
    graph: Annotated[
        str | None, typer.Option(help="Graph IRI for triples outside named graphs (Turtle and N-Triples files).")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the store to answer one request.", min=0.1)] = 120.0,
) -> None:
    """Load graphs into a triple store: one HTTP PUT per named graph (SPARQL 1.1 Graph Store Protocol).

    PUT replaces the store's copy of each graph, so loading the same build twice leaves the store
    as it was. Quad files (N-Quads, TriG, JSON-LD from kg build) keep their graphs: one per report,
    one for the reference data, one for the dataset description. Stops at the first refusal.

    [bold]Examples[/bold]

      kg load --endpoint http://127.0.0.1:8890/sparql-graph-crud-auth --user dba --password dba

      kg build --out reports.nq && kg load reports.nq --endpoint http://127.0.0.1:3030/ds/data

    [bold]Exit status[/bold]: 0 loaded; 1 the store could not be reached, refused the credentials or
    rejected a graph (named on stderr), or a file could not be read.
    """
    import subprocess
    import tempfile

    from kg.load import LoadError, Store
    from kg.load import load as push

    missing = [str(p) for p in files or [] if not p.is_file()]
    if missing:
        _say(f"error: {', '.join(missing)}: no such file")
        raise typer.Exit(EXIT_NOTHING_BUILT)
    with tempfile.TemporaryDirectory(prefix="kg-load-") as scratch:
        if not files:
            files = [Path(scratch) / "reports.nq"]
            built = subprocess.run([sys.executable, "-m", "kg", "build", "--out", str(files[0]), "--no-validate"])
            if built.returncode not in (0, EXIT_SOME_REJECTED):
                raise typer.Exit(EXIT_NOTHING_BUILT)
        try:
            summary = push(files, Store(endpoint, user, password, timeout), graph)
        except LoadError as exc:
            _say(f"error: {exc}")
            raise typer.Exit(EXIT_NOTHING_BUILT) from None
    _say(summary.line())


@app.command(name="validate")
def validate_command(
    graphs: Annotated[
        list[Path],
        typer.Argument(
            help="RDF files: .ttl (Turtle), .nt (N-Triples), .nq (N-Quads), .trig, .jsonld (JSON-LD).", show_default=False
        ),
    ],
    report: Annotated[
        Path | None, typer.Option("--report", help="Also write the machine-readable SHACL validation report here (Turtle).")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes; 0 means one per CPU.", min=0)] = 0,
    engine: Annotated[
        str, typer.Option(help="SHACL engine: turbo (pyshacl-turbo, fast) or pyshacl (the reference engine, slow).")
    ] = "turbo",
) -> None:
    """Check graphs against the SHACL shapes: structure, provenance, and the tables' arithmetic.

    Each report is checked with the reference data, in parallel; agencies and figures carried
    from one year's report into the next are checked once across reports. Prints what is wrong
    grouped by report and severity, each problem named by the figure or report it concerns.

    [bold]Examples[/bold]

      kg validate reports.ttl

      kg validate reports.nq --report shacl-report.ttl -j 2

    [bold]Exit status[/bold]: 0 no violations (warnings allowed); 1 a file could not be read;
    4 the graph violates the shapes.
    """
    import time

    from kg.validate import check, headline, load, render, report_graph

    started = time.perf_counter()
    try:
        graph = load(graphs)
        outcome = check(graph, jobs, engine)
    except ValueError as exc:
        _say(f"error: {exc}")
        raise typer.Exit(EXIT_NOTHING_BUILT) from None
    text = render(outcome)
    if text:
        typer.echo(text)
    if report:
        tmp = report.with_name(report.name + ".part")
        report_graph(outcome).serialize(tmp, format="turtle")
        tmp.replace(report)
    _say(headline(outcome, time.perf_counter() - started))
    if outcome.violations:
        raise typer.Exit(EXIT_INVALID)
