"""The reference data in ``ontology/`` as plain Python objects for the parsing stages.

Everything a parser matches on (table labels, prose cues, part headings, page
furniture, known agencies) is read from the Turtle files here, so a maintainer
teaches the parser new wording by editing data, not code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import QB, RDF, SKOS

from kg.resources import data_dir

OGI = Namespace("https://w3id.org/cn-ogi/def#")
DEF = "https://w3id.org/cn-ogi/def/"

# The files that are written into every output as reference data.
PUBLISHED_FILES = ("ogi.ttl", "concepts.ttl", "media.ttl", "legacy-form.ttl")

_SQUASH = re.compile(r"[\W_]+")


def squash(text: str) -> str:
    """A label as compared: no white space, punctuation or quotes."""
    return _SQUASH.sub("", text)


def scheme_iri(name: str) -> str:
    """The IRI of one of the project's concept schemes, e.g. ``scheme_iri("outcome")``."""
    return f"{DEF}{name}/scheme"


def concept_iri(scheme: str, local: str) -> str:
    return f"{DEF}{scheme}/{local}"


@dataclass(frozen=True)
class Concept:
    iri: str
    scheme: str
    label_zh: str
    label_en: str
    match: tuple[str, ...]  # squashed hidden labels (table cues)
    cues: tuple[tuple[str, ...], ...]  # prose cues: words that must all occur
    zero_cues: tuple[tuple[str, ...], ...]
    suffix_cues: tuple[str, ...]
    notation: str | None
    broader: str | None
    column: int | None
    default_unit: str | None
    defaults: tuple[str, ...]
    measure_words: tuple[str, ...]
    form_part: str | None

    @property
    def local(self) -> str:
        return self.iri.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class KnownAgency:
    key: str
    names: tuple[str, ...]
    name_en: str | None
    level: str | None


class Vocabulary:
    """All concepts, schemes and lexicon entries of the reference data."""

    def __init__(self, graph: Graph) -> None:
        self.concepts: dict[str, Concept] = {}
        for subject in sorted(set(graph.subjects(SKOS.inScheme, None))):  # sorted: the same order in every process
            concept = _concept(graph, subject)
            self.concepts[concept.iri] = concept
        self.dimension_of = {
            str(code_list): str(prop)
            for prop, code_list in graph.subject_objects(QB.codeList)
            if (prop, RDF.type, QB.DimensionProperty) in graph
        }
        self.agencies = tuple(
            KnownAgency(
                key=str(graph.value(a, SKOS.notation)),
                names=tuple(sorted({str(n) for p in (SKOS.prefLabel, SKOS.altLabel) for n in graph.objects(a, p) if _zh(n)})),
                name_en=_label(graph, a, "en") or None,
                level=str(graph.value(a, OGI.agencyLevel) or "") or None,
            )
            for a in sorted(graph.subjects(SKOS.inScheme, URIRef(scheme_iri("agency"))))
        )
        self._lexicon = {
            str(s): tuple(str(o) for o in graph.objects(s, SKOS.hiddenLabel))
            for s in graph.subjects(SKOS.hiddenLabel, None)
            if str(s).startswith(DEF + "lexicon/")
        }
        # rows of the old statistics form (legacy-form.ttl): row concept -> (indicator, dimension values)
        self.form_rows = {
            str(s): (str(i), tuple(sorted(str(o) for o in graph.objects(s, OGI.rowDimension))))
            for s, i in graph.subject_objects(OGI.rowIndicator)
        }
        self.names = known_names(graph)
        self.needs_subject = frozenset(str(s) for s, o in graph.subject_objects(OGI.needsSubject) if o.toPython() is True)
        self.prose_dimensions = {
            str(s): tuple(sorted(str(o) for o in graph.objects(s, OGI.proseDimension)))
            for s in set(graph.subjects(OGI.proseDimension, None))
        }

    def scheme(self, name: str) -> list[Concept]:
        """The concepts of a scheme, by column order then IRI."""
        iri = scheme_iri(name)
        found = [c for c in self.concepts.values() if c.scheme == iri]
        return sorted(found, key=lambda c: (c.column or 0, c.iri))

    def in_form_part(self, part: str) -> list[Concept]:
        """The indicators whose table is in the given part of the standard form."""
        return sorted((c for c in self.concepts.values() if c.form_part == concept_iri("part", part)), key=lambda c: c.iri)

    def lexicon(self, local: str) -> tuple[str, ...]:
        return self._lexicon.get(f"{DEF}lexicon/{local}", ())

    def dimension(self, concept_iri_: str) -> str:
        """The dimension property whose code list holds this concept."""
        return self.dimension_of[self.concepts[concept_iri_].scheme]

    def children(self, iri: str) -> list[Concept]:
        return [c for c in self.concepts.values() if c.broader == iri]


def _zh(term: object) -> bool:
    return isinstance(term, Literal) and (term.language or "").startswith("zh")


def _label(graph: Graph, subject: URIRef, lang: str) -> str:
    for label in graph.objects(subject, SKOS.prefLabel):
        if isinstance(label, Literal) and (label.language or "") == lang:
            return str(label)
    return ""


def _words(graph: Graph, subject: URIRef, prop: URIRef) -> tuple[tuple[str, ...], ...]:
    return tuple(sorted(tuple(str(o).split()) for o in graph.objects(subject, prop)))


def _concept(graph: Graph, s: URIRef) -> Concept:
    column = graph.value(s, OGI.columnOrder)
    unit = graph.value(s, OGI.defaultUnit)
    notation = graph.value(s, SKOS.notation)
    broader = graph.value(s, SKOS.broader)
    part = graph.value(s, OGI.formPart)
    return Concept(
        iri=str(s),
        scheme=str(graph.value(s, SKOS.inScheme)),
        label_zh=_label(graph, s, "zh-Hans"),
        label_en=_label(graph, s, "en"),
        match=tuple(sorted({squash(str(o)) for o in graph.objects(s, SKOS.hiddenLabel)}, key=lambda m: (-len(m), m))),
        cues=_words(graph, s, OGI.cue),
        zero_cues=_words(graph, s, OGI.zeroCue),
        suffix_cues=tuple(sorted(str(o) for o in graph.objects(s, OGI.suffixCue))),
        notation=str(notation) if notation is not None else None,
        broader=str(broader) if broader is not None else None,
        column=int(column) if column is not None else None,
        default_unit=str(unit) if unit is not None else None,
        defaults=tuple(sorted(str(o) for o in graph.objects(s, OGI.defaultDimension))),
        measure_words=tuple(sorted(str(o) for o in graph.objects(s, OGI.measureWord))),
        form_part=str(part) if part is not None else None,
    )


def ontology_files() -> list[Path]:
    return sorted(data_dir("ontology").glob("*.ttl"))


@cache
def vocabulary() -> Vocabulary:
    """The reference data, parsed once per process."""
    graph = Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    return Vocabulary(graph)


@dataclass(frozen=True)
class KnownName:
    """A platform, publication or legal document the reference data knows by name (ontology/platforms.ttl, publications.ttl)."""

    kind: str  # "platform", "publication" or "document"
    key: str  # skos:notation: the IRI key
    labels: tuple[tuple[str, str], ...]  # (text, language) of skos:prefLabel
    names: tuple[str, ...]  # names matched in the Simplified text
    kind_of: str | None = None  # platform, publication or document type concept IRI
    hosted_on: tuple[str, ...] = ()
    operated_by: tuple[tuple[str, str], ...] = ()  # (name, language)
    quoted_only: bool = False  # a name counts only inside quotes
    bare: bool = False  # a title recognised without 《》
    agency_relative: bool = False  # the reporting agency's own platform (its portal)
    posts_indicator: str | None = None  # indicator of the items this platform published, instead of posts

    def label(self, lang: str) -> str:
        return next((text for text, language in self.labels if language == lang), "")


def known_names(graph: Graph) -> tuple[KnownName, ...]:
    """Every platform, publication and legal document of the reference data, by kind and key."""
    kinds = {OGI.Platform: "platform", OGI.Publication: "publication", OGI.LegalDocument: "document"}
    found = []
    for cls, kind in kinds.items():
        for s in sorted(graph.subjects(RDF.type, cls)):
            if (s, SKOS.notation, None) not in graph:
                continue
            labels = tuple(sorted((str(o), o.language or "") for o in graph.objects(s, SKOS.prefLabel)))
            names = {
                str(o) for p in (SKOS.prefLabel, SKOS.hiddenLabel) for o in graph.objects(s, p) if o.language in ("zh-Hans", "zh")
            }
            kind_of = graph.value(s, OGI.platformType) or graph.value(s, OGI.publicationType) or graph.value(s, OGI.documentType)
            posts = graph.value(s, OGI.postsIndicator)
            found.append(
                KnownName(
                    kind=kind,
                    key=str(graph.value(s, SKOS.notation)),
                    labels=labels,
                    names=tuple(sorted(names, key=lambda n: (-len(n), n))),
                    kind_of=str(kind_of) if kind_of is not None else None,
                    hosted_on=tuple(sorted(str(o) for o in graph.objects(s, OGI.hostedOn))),
                    operated_by=tuple(sorted((str(o), o.language or "") for o in graph.objects(s, OGI.operatedBy))),
                    quoted_only=_flag(graph, s, OGI.quotedOnly),
                    bare=_flag(graph, s, OGI.bare),
                    agency_relative=_flag(graph, s, OGI.agencyRelative),
                    posts_indicator=str(posts) if posts is not None else None,
                )
            )
    return tuple(found)


def _flag(graph: Graph, subject: URIRef, prop: URIRef) -> bool:
    value = graph.value(subject, prop)
    return value is not None and value.toPython() is True
