"""Stage 4d, prose: every figure in a report's prose becomes a Metric or a diagnostic; names become Mentions.

The build runs a spaCy pipeline over the normalised text of each prose section (the opening and
every part that is not a standard-form table). By default it is spaCy's blank Chinese pipeline,
whose character segmenter needs no model, plus the project's own components:

    ogi_figures    figures found on characters by ``kg.extract.quantities`` and merged into one token
                   each (a token-level matcher would split "1.15" or glue 万 to 条); figures inside
                   《titles》 or fixed expressions (和平共处五项原则) are dropped; qualifier, unit and value
                   ride on the span. It runs first: merging tokens would displace spans set earlier
    ogi_sentences  sentences (。！？；and line ends), kept as ``doc.spans["ogi_sentences"]``
    ogi_names      an entity ruler fed from the reference data (``kg.extract.names``): platforms,
                   services, publications and legal documents, as spans and ``doc.ents``
    ogi_meaning    each figure's indicator, dimensions, subject and services, or why it is not understood

``kg build --nlp NAME`` uses an installed trained pipeline instead; the components run after its own.

How a figure is read, within its sentence:

- Indicator: the indicator one of whose cues (space-separated words, all present) lies in the
  clause before the figure, since the previous figure; the nearest cue wins, then the longer.
  Without one, a figure after 其中 keeps the indicator of the figure it breaks down, a figure after
  、 that of the figure before; else the cue may follow the figure (219个驻外外交机构开通网站).
  In a clause with a rate word (每周), or right after a change word (增加), a figure is not a count
  for the year. 无 opening a short clause before a counted thing (无公开答复) is a stated zero.
- Subject: the platforms or publication named nearest before the figure (several when joined by
  、 和 及), or right after it when the cue came from there. Posts of the agency's own portal count
  as portal items. Services (微博, 微信 ...) named nearest before the figure say where it counts.
- Dimensions: the concept of each of the indicator's prose dimensions whose cue is nearest before
  the figure in its sentence; the indicator's default dimensions otherwise.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from kg.extract import names
from kg.extract.names import Hit
from kg.extract.quantities import Figure, figures, vague
from kg.extract.statements import sentences
from kg.model import Agency, Diagnostic, Mention, Metric, Report, Segments, Text
from kg.normalise import is_masthead, is_title
from kg.reference import DEF, Concept, vocabulary

COMPONENTS = ("ogi_figures", "ogi_sentences", "ogi_names", "ogi_meaning")
_CLAUSE = re.compile(r"[，,：:]")
_BREAK = re.compile(r"[，,：:；;。！？!?\n]")
_CLAUSE_OPENING_NONE = re.compile(r"(?:^|[，,：:；;。\n])\s*无")
_TITLE = re.compile(r"《[^《》\n]{0,80}》")
_JOINED = re.compile(r"^[\s、和及与“”\"]*(?:[(（][^()（）]{0,10}[)）])?[\s、和及与“”\"]*$")


@dataclass(frozen=True)
class Reading:
    """What a figure counts, or why that cannot be said."""

    indicator: Concept | None = None
    dimensions: tuple[tuple[str, str], ...] = ()
    about: tuple[Hit, ...] = ()
    services: tuple[str, ...] = ()
    why: str | None = None


@dataclass(frozen=True)
class _Context:
    """What the components know of the report: its agency, year and the short titles it introduced."""

    agency: Agency
    year: int
    aliases: dict = field(default_factory=dict)


# ---------------------------------------------------------------- the pipeline


@cache
def pipeline(model: str | None = None):
    """The spaCy pipeline, built once per process: a blank Chinese one, or the named trained one."""
    import spacy
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    Doc.set_extension("ogi", default=None, force=True)
    Span.set_extension("figure", default=None, force=True)
    Span.set_extension("hit", default=None, force=True)
    Span.set_extension("reading", default=None, force=True)
    functions = (_figures_component, _sentences_component, _names_component, _meaning_component)
    for name, func in zip(COMPONENTS, functions, strict=True):
        if not Language.has_factory(name):
            Language.component(name, func=func)
    nlp = spacy.load(model) if model else spacy.blank("zh")
    for name in COMPONENTS:
        nlp.add_pipe(name, last=True)
    return nlp


def _text(doc) -> str:
    """The Doc's text, built once (spaCy joins its tokens on every ``doc.text``)."""
    if "ogi_text" not in doc.user_data:
        doc.user_data["ogi_text"] = doc.text
    return doc.user_data["ogi_text"]


def _none(text: str) -> list[int]:
    """Offsets of 无 opening a short clause (…，无公开答复): a stated zero of what follows, if a cue says what.

    Clauses about a 情况 are left to the stated zeros of ``kg.extract.statements``.
    """
    found = []
    for m in _CLAUSE_OPENING_NONE.finditer(text):
        stop = _BREAK.search(text, m.end())
        clause = text[m.end() : stop.start() if stop else len(text)]
        if 2 <= len(clause) <= 12 and "情况" not in clause:
            found.append(m.end() - 1)
    return found


def _spans(doc, found, label: str, attr: str):
    out = []
    for start, end, value in found:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None:
            span._.set(attr, value)
            out.append(span)
    return out


def _sentences_component(doc):
    """Sentences as spans; also the tokens' sentence starts when no parser has set them."""
    text = _text(doc)
    found = [(s, e, None) for s, e in sentences(text, 0, len(text))]
    doc.spans["ogi_sentences"] = _spans(doc, found, "SENTENCE", "reading")
    if len(doc) and not doc.has_annotation("DEP") and not doc.has_annotation("SENT_START"):
        import numpy
        from spacy.attrs import SENT_START

        starts = numpy.full((len(doc), 1), -1, dtype="int32")
        for span in doc.spans["ogi_sentences"]:
            starts[span.start, 0] = 1
        doc.from_array([SENT_START], starts.astype("uint64"))
    return doc


def _figures_component(doc):
    """Figures on characters, each merged into one token; none inside titles or fixed expressions."""
    from spacy.util import filter_spans

    text = _text(doc)
    blocked = [m.span() for m in _TITLE.finditer(text)]
    for phrase in vocabulary().lexicon("fixed-expression"):
        blocked.extend((m.start(), m.end()) for m in re.finditer(re.escape(phrase), text))
    found: list[tuple[int, int, Figure | None]] = [(f.start, f.end, f) for f in figures(text)]
    found += [(s, e, None) for s, e in vague(text)]  # 数千万: a figure without a value
    found += [(s, s + 1, Figure(Decimal(0), None, "exact", "无", s, s + 1)) for s in _none(text)]
    found = sorted(f for f in found if all(f[1] <= s or f[0] >= e for s, e in blocked))
    spans = filter_spans(_spans(doc, found, "FIGURE", "figure"))
    with doc.retokenize() as retokenizer:
        for span in spans:
            if len(span) > 1:
                retokenizer.merge(span)
    doc.spans["ogi_figures"] = _spans(doc, found, "FIGURE", "figure")
    return doc


def _names_component(doc):
    """The entity ruler: names of the reference data, and platforms found from context."""
    from spacy.util import filter_spans

    context: _Context = doc._.ogi or _Context(Agency("", "unknown"), 0)  # a Doc made outside ``extract``
    hits = names.find(_text(doc), context.agency, context.year, context.aliases)
    spans = _spans(doc, [(h.start, h.end, h) for h in hits], "", "hit")
    for span in spans:
        span.label_ = span._.hit.thing.kind.upper()
    doc.spans["ogi_names"] = spans
    doc.set_ents(filter_spans(spans), default="unmodified")  # a trained pipeline's other entities stay
    return doc


def _by_sentence(doc, group: str) -> list[list]:
    """The spans of ``doc.spans[group]``, one list per sentence of ``doc.spans["ogi_sentences"]``."""
    sentences_ = doc.spans["ogi_sentences"]
    starts = [s.start_char for s in sentences_]
    out: list[list] = [[] for _ in starts]
    for span in doc.spans[group]:
        i = bisect_right(starts, span.start_char) - 1
        if i >= 0 and span.start_char < sentences_[i].end_char:
            out[i].append(span)
    return out


def _meaning_component(doc):
    text = _text(doc)
    names_ = _by_sentence(doc, "ogi_names")
    for sentence, inside, named in zip(doc.spans["ogi_sentences"], _by_sentence(doc, "ogi_figures"), names_, strict=True):
        # the figure's own characters: a trained tokenizer's token may reach past it (信息2.5万条)
        found = [
            (f._.figure.start, f._.figure.end, f._.figure) if f._.figure else (f.start_char, f.end_char, None) for f in inside
        ]
        readings = read_sentence(text, sentence.start_char, sentence.end_char, found, [h._.hit for h in named])
        for span, reading in zip(inside, readings, strict=True):
            span._.reading = reading
    return doc


# ---------------------------------------------------------------- reading figures


@dataclass(frozen=True)
class _Cues:
    indicators: tuple[Concept, ...]
    by_iri: dict[str, Concept]
    dimension_concepts: dict[str, tuple[Concept, ...]]  # dimension property → concepts with cues
    needs_subject: frozenset[str]
    prose_dimensions: dict[str, tuple[str, ...]]
    rate: tuple[str, ...]
    change: tuple[str, ...]
    breakdown: tuple[str, ...]


@cache
def _cues() -> _Cues:
    vocab = vocabulary()
    indicators = tuple(c for c in vocab.concepts.values() if c.scheme == f"{DEF}indicator/scheme")
    by_dimension: dict[str, list[Concept]] = {}
    for concept in vocab.concepts.values():
        if concept.cues and concept.scheme in vocab.dimension_of:
            by_dimension.setdefault(vocab.dimension_of[concept.scheme], []).append(concept)
    return _Cues(
        indicators=tuple(c for c in indicators if c.cues),
        by_iri={c.iri: c for c in indicators},
        dimension_concepts={k: tuple(v) for k, v in by_dimension.items()},
        needs_subject=vocab.needs_subject,
        prose_dimensions=vocab.prose_dimensions,
        rate=vocab.lexicon("rate"),
        change=vocab.lexicon("change"),
        breakdown=vocab.lexicon("breakdown"),
    )


def _nearest(concepts, window: str, after: bool = False) -> list[Concept]:
    """The concepts whose cue is nearest the figure in ``window`` (before it, or ``after`` it); ties all returned.

    A cue is as near as its farthest word; between equally near cues the longer wins.
    """
    best: tuple[int, int] | None = None
    chosen: list[Concept] = []
    for concept in concepts:
        for words in concept.cues:
            if after:
                starts = [window.find(w) for w in words]
                if min(starts) < 0:
                    continue
                score = (-max(starts), sum(map(len, words)))
            else:
                ends = [window.rfind(w) + len(w) for w in words if w in window]
                if len(ends) < len(words):
                    continue
                score = (min(ends), sum(map(len, words)))
            if best is None or score > best:
                best, chosen = score, [concept]
            elif score == best and concept not in chosen:
                chosen.append(concept)
    return chosen


def _group(hits: list[Hit], text: str, at: int, after: bool = False) -> tuple[Hit, ...]:
    """The hits nearest ``at`` (before it, or after it) joined only by 、 和 及 与 and quotes."""
    ordered = [h for h in hits if (h.start >= at if after else h.end <= at)]
    if not ordered:
        return ()
    if after:
        group = [ordered[0]]
        for hit in ordered[1:]:
            if not _JOINED.match(text[group[-1].end : hit.start]):
                break
            group.append(hit)
        return tuple(group)
    group = [ordered[-1]]
    for hit in reversed(ordered[:-1]):
        if not _JOINED.match(text[hit.end : group[0].start]):
            break
        group.insert(0, hit)
    return tuple(group)


@dataclass(frozen=True)
class _Place:
    """Where a figure stands in its sentence."""

    start: int  # the figure
    end: int
    sentence_start: int
    clause_start: int  # after the last ，：before the figure
    clause_end: int  # the next ，：or figure after it
    local: str  # the clause before the figure, since the previous figure
    between: str  # the text since the previous figure


def read_sentence(text: str, start: int, end: int, found, hits: list[Hit]) -> list[Reading]:
    """A Reading for each figure (start, end, Figure or None for a vague amount) of the sentence ``text[start:end]``."""
    cues = _cues()
    readings: list[Reading] = []
    previous_end, head = start, None
    for i, (fig_start, fig_end, figure) in enumerate(found):
        clause_start = max((m.end() for m in _CLAUSE.finditer(text, start, fig_start)), default=start)
        limit = found[i + 1][0] if i + 1 < len(found) else end
        place = _Place(
            start=fig_start,
            end=fig_end,
            sentence_start=start,
            clause_start=clause_start,
            clause_end=next((m.start() for m in _CLAUSE.finditer(text, fig_end, limit)), limit),
            local=text[max(clause_start, previous_end) : fig_start],
            between=text[previous_end:fig_start],
        )
        previous = readings[-1] if readings else None
        if previous is not None and previous.indicator and any(w in place.between for w in cues.breakdown):
            head = previous
        readings.append(_read(text, place, figure, previous, head, hits))
        previous_end = fig_end
    return readings


def _indicator(text: str, place: _Place, previous: Reading | None, head: Reading | None) -> tuple[list[Concept], bool]:
    """The candidate indicators, and whether their cue follows the figure."""
    cues = _cues()
    chosen = _nearest(cues.indicators, place.local)
    if chosen:
        return chosen, False
    if head is not None:
        return [head.indicator], False
    if place.between.lstrip().startswith("、") and previous is not None and previous.indicator:
        return [previous.indicator], False
    return _nearest(cues.indicators, text[place.end : place.clause_end], after=True), True


def _read(text: str, place: _Place, figure: Figure | None, previous: Reading | None, head: Reading | None, hits) -> Reading:
    cues = _cues()
    if figure is None:
        return Reading(why="an amount without a number")
    if any(w in text[place.clause_start : place.start] for w in cues.rate):
        return Reading(why="a rate (每周…), not a count for the year")
    if any(place.local.rstrip().endswith(w) for w in cues.change):
        return Reading(why="a difference from another figure (增加…), not a count")
    if figure.stated == "无":  # a stated zero: what follows 无 says of what, or it is no figure at all
        chosen, after = _nearest(cues.indicators, text[place.end : place.clause_end], after=True), True
        if len(chosen) != 1:
            return Reading()
    else:
        chosen, after = _indicator(text, place, previous, head)
    if not chosen:
        return Reading(why="no indicator cue")
    if len(chosen) > 1:
        return Reading(why="several indicator cues (" + ", ".join(c.label_zh for c in chosen) + ")")
    indicator = chosen[0]
    subjects = [h for h in hits if h.thing.kind in ("platform", "publication")]
    about = _group(subjects, text, place.end if after else place.start, after)
    if after:
        about = tuple(h for h in about if h.end <= place.clause_end)
    platforms = [h for h in about if h.thing.kind == "platform"]
    if indicator.iri in cues.needs_subject:
        if not platforms:
            return Reading(why=f"no platform named for {indicator.label_zh}")
        counted_as = {h.posts_indicator for h in platforms}
        if len(counted_as) == 1 and None not in counted_as:  # the portal's posts are portal items
            indicator = cues.by_iri[counted_as.pop()]
    services = [h for h in hits if h.thing.kind == "service"]
    on = tuple(sorted({h.thing.key for h in _group(services, text, place.start)})) if platforms else ()
    dims = {vocabulary().dimension(d): d for d in indicator.defaults}
    own = False  # a dimension value named in the figure's own clause
    for prop in cues.prose_dimensions.get(indicator.iri, ()):
        value = _nearest(cues.dimension_concepts.get(prop, ()), text[place.sentence_start : place.start])
        if len(value) == 1:
            dims[prop] = value[0].iri
            own = own or bool(_nearest(value, place.local))
    if head is not None and chosen == [head.indicator] and not own:
        return Reading(why=f"a part of {indicator.label_zh} (其中…) by something the reference data does not name")
    return Reading(indicator, tuple(sorted(dims.items())), about, on)


# ---------------------------------------------------------------- the stage


def prose_spans(text: Text, segments: Segments, table_parts: frozenset[str]) -> list[tuple[int, int]]:
    """The prose of a report: its opening (title and masthead lines left out) and every part not a table."""
    first = segments.parts[0].start if segments.parts else len(text.text)
    spans = []
    pos = 0
    for line in text.text[:first].split("\n"):
        if line.strip() and not is_title(line) and not is_masthead(line):
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    spans.extend((p.start, p.end) for p in segments.parts if p.role not in table_parts)
    return spans


def extract(text: Text, spans: list[tuple[int, int]], report: Report, model: str | None = None) -> None:
    """Metrics, not-understood figures and mentions from the prose spans of one report."""
    nlp = pipeline(model)
    context = _Context(report.agency, report.year)
    docs = []
    for start, end in spans:
        doc = nlp.make_doc(text.text[start:end])
        doc._.ogi = context
        docs.append((start, doc))
    for offset, doc in zip((o for o, _ in docs), nlp.pipe(d for _, d in docs), strict=True):
        _collect(doc, offset, text, report)


def _collect(doc, offset: int, text: Text, report: Report) -> None:
    vocab = vocabulary()
    names_, figures_ = _by_sentence(doc, "ogi_names"), _by_sentence(doc, "ogi_figures")
    for sentence, named, inside in zip(doc.spans["ogi_sentences"], names_, figures_, strict=True):
        source = text.source(offset + sentence.start_char, offset + sentence.end_char).strip()
        for span in named:
            hit: Hit = span._.hit
            where = (offset + hit.start, offset + hit.end)
            report.mentions.append(Mention(hit.thing, where, source, hit.edition, hit.volumes, hit.languages))
        for span in inside:
            figure: Figure | None = span._.figure
            reading: Reading = span._.reading
            if reading.indicator is None and reading.why is None:
                continue  # 无 before no counted thing
            if reading.indicator is None:
                stated = _text(doc)[span.start_char : span.end_char].strip()
                report.diagnostics.append(Diagnostic("note", "figure-not-understood", f"{reading.why}: {stated!r} in: {source}"))
                continue
            indicator = reading.indicator
            report.metrics.append(
                Metric(
                    indicator=indicator.iri,
                    value=figure.value,
                    unit=figure.unit or indicator.default_unit or f"{DEF}unit/count",
                    stated=figure.stated,
                    source_text=source,
                    approximation=figure.approximation,
                    dimensions=tuple((p, v) for p, v in reading.dimensions if v in vocab.concepts),
                    span=(offset + figure.start, offset + figure.end),
                    about=tuple(sorted({h.thing.ref for h in reading.about})),
                    services=reading.services,
                )
            )
