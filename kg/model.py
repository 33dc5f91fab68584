"""Plain data classes handed from stage to stage. No RDF here.

Concept references (indicators, units, dimension values) are IRIs from the
reference data in ``ontology/``, held as plain strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Source:
    """A report file as read: its bytes' identity and decoded text."""

    path: str
    name: str
    sha256: str
    encoding: str
    format: str  # "text" or "markdown"
    text: str  # decoded original text


@dataclass(frozen=True)
class Text:
    """Normalised text (Simplified script, half-width forms, page furniture removed).

    ``origin[i]`` is the index in the original text of normalised character ``i``,
    so any span can be shown as the report wrote it.
    """

    text: str
    origin: tuple[int, ...]
    original: str

    def source(self, start: int, end: int) -> str:
        """The original text behind the normalised span ``[start, end)``."""
        if start >= end:
            return ""
        return self.original[self.origin[start] : self.origin[end - 1] + 1]


@dataclass(frozen=True)
class Part:
    """One numbered part of a report (一 … 六), as a span of the normalised text."""

    number: int
    heading: str
    role: str | None  # part concept IRI, or None when the heading is not recognised
    start: int
    end: int


@dataclass(frozen=True)
class Segments:
    """The report's layout: title, masthead line and parts."""

    title: str | None
    title_span: tuple[int, int] | None
    masthead: str | None
    parts: tuple[Part, ...]

    def part(self, role: str) -> Part | None:
        return next((p for p in self.parts if p.role == role), None)


@dataclass(frozen=True)
class Metric:
    """One stated figure."""

    indicator: str
    value: Decimal
    unit: str
    stated: str  # the value as written, e.g. "12.5万元"
    source_text: str  # the sentence or table row, original script
    approximation: str = "exact"  # local name in the approximation scheme
    dimensions: tuple[tuple[str, str], ...] = ()  # (dimension property IRI, concept IRI), sorted
    span: tuple[int, int] | None = None  # offsets of the figure in the normalised text
    table: str | None = None  # "proactive", "requests", "appeals"; None for prose
    about: tuple[str, ...] = ()  # what a prose figure counts: "platform/<key>", "publication/<key>"
    services: tuple[str, ...] = ()  # service concept IRIs a prose figure counts on (微博, 微信, ...)


@dataclass(frozen=True)
class Thing:
    """A platform, publication or legal document a report names; the same key in every report."""

    kind: str  # "platform", "publication", "document" or "service"
    key: str  # IRI key under {base}{kind}/ (a service: its concept IRI)
    name: str  # Simplified name
    kind_of: str | None = None  # type concept IRI
    hosted_on: tuple[str, ...] = ()  # service concept IRIs
    operated_by: tuple[tuple[str, str], ...] = ()  # (name, language)
    labels: tuple[tuple[str, str], ...] = ()  # (label, language) from the reference data
    discovered: bool = False  # found from context, not from the reference data
    launched: str | None = None  # "YYYY-MM", when the text states it

    @property
    def ref(self) -> str:
        """``kind/key``: the IRI path of the thing under the base."""
        return self.key if self.kind == "service" else f"{self.kind}/{self.key}"


@dataclass(frozen=True)
class Mention:
    """One place where the prose names a Thing."""

    thing: Thing
    span: tuple[int, int]  # offsets in the normalised text
    source_text: str  # the sentence, original script
    edition: str | None = None  # 2019 年版
    volumes: tuple[str, ...] = ()  # 第五十九集
    languages: tuple[str, ...] = ()  # BCP 47 tags of language versions (zh, en)


@dataclass(frozen=True)
class Diagnostic:
    """Something a user should know about a report: a warning or a figure not understood."""

    level: str  # "warning" or "note"
    code: str
    message: str
    table: str | None = None  # the standard-form table ("requests", "appeals") this leaves incomplete or missing


@dataclass(frozen=True)
class Agency:
    name: str  # Simplified Chinese name as the report writes it
    key: str  # IRI-safe identifier
    name_en: str | None = None
    level: str | None = None


@dataclass
class Report:
    """Everything the build knows about one report."""

    source: Source
    agency: Agency
    year: int
    title: str
    title_original: str
    script: str  # "Hans" or "Hant"
    edition: str  # edition concept IRI
    period: tuple[date, date] | None = None
    issued: date | None = None
    source_site: str | None = None
    metrics: list[Metric] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    parts: tuple[str, ...] = ()  # the parts found, in order: "一 overview", "七 ?" (heading not recognised)
    mentions: list[Mention] = field(default_factory=list)

    def warn(self, code: str, message: str, table: str | None = None) -> None:
        self.diagnostics.append(Diagnostic("warning", code, message, table))


class InputError(Exception):
    """A file that cannot be read as a report. The message names the problem in one line."""
