"""Names in prose: platforms, services, publications and legal documents, found on characters.

- Known names come from the reference data (``ontology/platforms.ttl``, ``publications.ttl`` and the
  services of ``media.ttl``), longest first; a ``quotedOnly`` name counts only inside quotes.
- A quoted name followed by a context word is a platform found from context and marked
  discovered: “X”公众号, “A”、“B”等司局新媒体平台, “中国之声”“新闻晚高峰”节目; so is a quoted
  name ending in such a word (“中央预决算公开平台”). Quoted slogans listed in the lexicon never are.
- A 《title》 is a legal or policy document when it ends like one (法, 条例, 办法, 通知 ...), a
  programme when 节目 or 栏目 follows, otherwise a publication whose kind comes from its ending or
  the word after it (《中国外交》年度白皮书). Editions (2019 年版), volumes (第五十九、六十集) and
  language versions (中文、英文版) are read from the title and the brackets after it;
  “(以下简称《条例》)” makes the short title name the same document.
- A platform right after a launch verb (开通) in a clause with a year and month gets that date.

All keys come from the Simplified text, so a Traditional report names the same things.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from urllib.parse import quote

from kg.model import Agency, Thing
from kg.reference import DEF, KnownName, squash, vocabulary

_QUOTE = re.compile(r"[“\"]([^“”\"\n]{1,30})[”\"]")
_PAREN = r"(?:\s*[(（][^()（）\n]{1,10}[)）])?"
_TITLE = re.compile(r"《([^《》\n]{1,80})》")
_EDITION = re.compile(r"\s*(?:[(（]\s*)?(\d{4}(?:\s*[-—–/]\s*\d{4})?)\s*(?:年\s*)?(?:版|[)）])|\s+(\d{4}(?:/\d{4})?)\s*$")
_AFTER_TITLE = re.compile(r"^\s*[(（]([^()（）]{1,24})[)）]")
_ALIAS = re.compile(r"^\s*[(（]\s*以下简称\s*《([^《》]{1,20})》\s*[)）]")
_VOLUMES = re.compile(r"第?([零〇一二三四五六七八九十百\d]+)[集卷册辑]?")
_LANGUAGES = {"中文": "zh", "英文": "en", "法文": "fr", "俄文": "ru", "西班牙文": "es", "阿拉伯文": "ar", "日文": "ja"}
_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月")
_CLAUSE = re.compile(r"[，,；;。！？!?：:\n]")


@dataclass(frozen=True)
class Hit:
    """A name found in the text: the thing it names and where."""

    thing: Thing
    start: int
    end: int
    edition: str | None = None
    volumes: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    posts_indicator: str | None = None  # the indicator of items this platform published, when not ind:posts


@dataclass(frozen=True)
class _Lexicon:
    known: re.Pattern[str] | None
    by_name: dict[str, KnownName | str]  # name → known thing, or a service concept IRI
    titles: dict[str, KnownName]  # squashed title → known publication or document
    platform_cues: tuple[tuple[str, str | None, str | None], ...]  # (cue, platform type IRI, service IRI), longest first
    publication_cues: tuple[tuple[str, str], ...]
    document_cues: tuple[tuple[str, str], ...]
    not_platforms: frozenset[str]
    launch: tuple[str, ...]
    service_names: dict[str, str]  # service concept IRI → zh-Hans name


@cache
def _lexicon() -> _Lexicon:
    vocab = vocabulary()
    by_name: dict[str, KnownName | str] = {}
    titles: dict[str, KnownName] = {}
    for known in vocab.names:
        for name in known.names:
            if known.kind == "platform" or known.bare:
                by_name.setdefault(name, known)
            if known.kind != "platform":
                titles[squash(name)] = known
    service_names = {}
    platform_cues: list[tuple[str, str | None, str | None]] = []
    cues: dict[str, list[tuple[str, str]]] = {"platform-type": [], "publication-type": [], "document-type": []}
    for concept in vocab.concepts.values():
        scheme = concept.scheme.removeprefix(DEF).removesuffix("/scheme")
        if scheme == "service":
            service_names[concept.iri] = concept.label_zh
            for name in {concept.label_zh, *concept.match}:
                by_name.setdefault(name, concept.iri)
                platform_cues.append((name, f"{DEF}platform-type/account", concept.iri))
        elif scheme in cues:
            cues[scheme].extend(("".join(words), concept.iri) for words in concept.cues)
    platform_cues.extend((cue, iri, None) for cue, iri in cues["platform-type"])
    names = sorted(by_name, key=lambda n: (-len(n), n))
    return _Lexicon(
        known=re.compile("|".join(re.escape(n) for n in names)) if names else None,
        by_name=by_name,
        titles=titles,
        platform_cues=tuple(sorted(platform_cues, key=lambda c: (-len(c[0]), c[0]))),
        publication_cues=tuple(sorted(cues["publication-type"], key=lambda c: (-len(c[0]), c[0]))),
        document_cues=tuple(sorted(cues["document-type"], key=lambda c: (-len(c[0]), c[0]))),
        not_platforms=frozenset(vocab.lexicon("not-a-platform")),
        launch=vocab.lexicon("launch"),
        service_names=service_names,
    )


def _known_thing(known: KnownName, agency: Agency) -> Thing:
    key, name = known.key, known.label("zh-Hans")
    labels = known.labels
    if known.agency_relative:
        key, name = f"{agency.key}-{known.key}", f"{agency.name}{name}"
        labels = ((name, "zh-Hans"),) + (((f"{agency.name_en} {known.label('en')}", "en"),) if agency.name_en else ())
    return Thing(
        kind=known.kind,
        key=key,
        name=name,
        kind_of=known.kind_of,
        hosted_on=known.hosted_on,
        operated_by=known.operated_by,
        labels=labels,
    )


def find(text: str, agency: Agency, year: int, aliases: dict[str, Thing] | None = None) -> list[Hit]:
    """Every name in ``text``, in text order, none overlapping.

    ``aliases`` holds the short titles a report introduces (以下简称《条例》); pass the same dict for
    every section of one report.
    """
    start, end = 0, len(text)
    aliases = {} if aliases is None else aliases
    lex = _lexicon()
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def add(hit: Hit) -> None:
        hits.append(hit)
        taken.append((hit.start, hit.end))

    for m in _TITLE.finditer(text, start, end):
        hit = _title(text, m, agency, aliases)
        if hit is not None:
            add(hit)
    quotes = [(m.start(), m.end(), m.group(1)) for m in _QUOTE.finditer(text, start, end)]
    quoted = {(s + 1, e - 1) for s, e, _ in quotes}
    if lex.known is not None:
        for m in lex.known.finditer(text, start, end):
            entry = lex.by_name[m.group(0)]
            if not free(m.start(), m.end()):
                continue
            if isinstance(entry, str):
                if not any(s < m.start() and m.end() < e for s, e, _ in quotes):  # a service, not inside a quoted name
                    add(Hit(Thing("service", entry, lex.service_names[entry]), m.start(), m.end()))
            elif not entry.quoted_only or (m.start(), m.end()) in quoted:
                add(Hit(_known_thing(entry, agency), m.start(), m.end(), posts_indicator=entry.posts_indicator))
    for hit in _discovered(text, quotes, lex, end):
        if free(hit.start, hit.end):
            add(hit)
    hits.sort(key=lambda h: h.start)
    return [_launched(text, h, lex, year) if h.thing.kind == "platform" else h for h in hits]


def _discovered(text: str, quotes: list[tuple[int, int, str]], lex: _Lexicon, end: int) -> list[Hit]:
    """Quoted names that context shows to be platforms: a group of quotes followed by a context word."""
    found: list[Hit] = []
    i = 0
    while i < len(quotes):
        group = [quotes[i]]
        while i + 1 < len(quotes) and re.fullmatch(rf"{_PAREN}\s*[、，,和及与]?\s*", text[group[-1][1] : quotes[i + 1][0]]):
            i += 1
            group.append(quotes[i])
        i += 1
        context = _context(text[group[-1][1] : min(end, group[-1][1] + 20)], lex)
        for s, e, name in group:
            if name in lex.not_platforms or re.search(r"[、，,。；;：:！？!?]", name):
                continue  # a slogan or a phrase, not a name
            own = next((c for c in lex.platform_cues if name.endswith(c[0]) and len(name) > len(c[0]) + 1), None)
            cue = context or own
            if cue is None:
                continue
            _, kind_of, service = cue
            operator = re.match(r"\s*[(（]([^()（）]{1,10}[司局厅处办室中心])[)）]", text[e:end])
            found.append(
                Hit(
                    Thing(
                        kind="platform",
                        key=quote(name, safe=""),
                        name=name,
                        kind_of=kind_of,
                        hosted_on=(service,) if service else (),
                        operated_by=((operator.group(1), "zh-Hans"),) if operator else (),
                        labels=((name, "zh-Hans"),),
                        discovered=True,
                    ),
                    s + 1,
                    e - 1,
                )
            )
    return found


def _context(after: str, lex: _Lexicon) -> tuple[str, str | None, str | None] | None:
    """The context cue after a group of quoted names: right after it (or two characters on), or after 等 and four more."""
    after = re.sub(rf"^{_PAREN}\s*", "", after)
    gap = 5 if after.startswith("等") else 2
    for i in range(min(gap, len(after)) + 1):
        if re.search(r"[，,。；;“]", after[:i]):
            break
        if cue := next((c for c in lex.platform_cues if after.startswith(c[0], i)), None):
            return cue
    return None


def _title(text: str, m: re.Match[str], agency: Agency, aliases: dict[str, Thing]) -> Hit | None:
    """The thing a 《title》 names, with the edition, volumes and language versions stated around it."""
    lex = _lexicon()
    title = m.group(1).strip()
    edition = None
    if e := _EDITION.search(title):
        edition = re.sub(r"\s+", "", e.group(1) or e.group(2))
        title = (title[: e.start()] + title[e.end() :]).strip()
    after = text[m.end() : m.end() + 30]
    volumes: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    if p := _AFTER_TITLE.match(after):
        inner = p.group(1)
        if "版" in inner:
            languages = tuple(_LANGUAGES[w] for w in re.split(r"[、,，和及]", inner.replace("版", "")) if w in _LANGUAGES)
        elif re.search(r"[集卷册辑]", inner):
            volumes = tuple(f"第{v}{inner[-1]}" for v in _VOLUMES.findall(inner.removeprefix("第")) if v)
    flat = squash(title)
    known = lex.titles.get(flat)
    if flat in aliases:
        thing = aliases[flat]
    elif known is not None:
        thing = _known_thing(known, agency)
    elif re.match(r"^\s*(?:节目|栏目)", after):
        programme = f"{DEF}platform-type/programme"
        thing = Thing("platform", quote(flat, safe=""), title, programme, labels=((title, "zh-Hans"),), discovered=True)
    else:
        doc = next((iri for cue, iri in lex.document_cues if flat.endswith(cue)), None)
        if doc is not None:
            thing = Thing("document", quote(flat, safe=""), title, doc, labels=((title, "zh-Hans"),))
        else:
            head = after[:6]
            kind_of = next(
                (iri for cue, iri in lex.publication_cues if flat.endswith(cue) or head.lstrip("年度").startswith(cue)),
                f"{DEF}publication-type/publication",
            )
            thing = Thing("publication", quote(flat, safe=""), title, kind_of, labels=((title, "zh-Hans"),))
    if alias := _ALIAS.match(after):
        aliases[squash(alias.group(1))] = thing
    return Hit(thing, m.start(), m.end(), edition, volumes, languages)


def _launched(text: str, hit: Hit, lex: _Lexicon, year: int) -> Hit:
    """The hit with the platform's launch month when its clause says 2011年4月…开通“X”."""
    window = max(0, hit.start - 60)
    clause_start = max((m.end() for m in _CLAUSE.finditer(text, window, hit.start)), default=window)
    before = text[clause_start : hit.start].rstrip('“"的 ')
    verb = next((v for v in lex.launch if before.endswith(v)), None)
    date = _DATE.search(before)
    if verb is None or date is None or not 1 <= int(date.group(2)) <= 12:
        return hit
    launched = f"{int(date.group(1) or year):04d}-{int(date.group(2)):02d}"
    return replace(hit, thing=replace(hit.thing, launched=launched))
