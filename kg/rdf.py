"""Stage 5, RDF: a Report becomes triples under the cn-ogi ontology.

IRIs are minted from what identifies a thing, never from build order:
agency key, report year, indicator and dimension values. The same thing in two
reports or two builds gets the same IRI.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, QB, RDF, RDFS, SKOS, XSD

from kg.model import Mention, Report, Thing
from kg.reference import DEF, OGI, PUBLISHED_FILES, vocabulary
from kg.resources import data_dir

DEFAULT_BASE = "https://w3id.org/cn-ogi/id/"
APX = Namespace(f"{DEF}approximation/")
MEDIA_TYPES = {"text": "text/plain", "markdown": "text/markdown", "html": "text/html", "pdf": "application/pdf"}
IANA = "https://www.iana.org/assignments/media-types/"

PREFIXES = {
    "ogi": str(OGI),
    "ind": f"{DEF}indicator/",
    "applicant": f"{DEF}applicant/",
    "outcome": f"{DEF}outcome/",
    "matter": f"{DEF}matter/",
    "route": f"{DEF}route/",
    "result": f"{DEF}result/",
    "apx": str(APX),
    "u": f"{DEF}unit/",
    "edition": f"{DEF}edition/",
    "content": f"{DEF}content/",
    "proposal": f"{DEF}proposal/",
    "role": f"{DEF}role/",
    "service": f"{DEF}service/",
    "ptype": f"{DEF}platform-type/",
    "pubtype": f"{DEF}publication-type/",
    "doctype": f"{DEF}document-type/",
    "part": f"{DEF}part/",
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "prov": "http://www.w3.org/ns/prov#",
    "qb": str(QB),
    "org": "http://www.w3.org/ns/org#",
    "qudt": "http://qudt.org/schema/qudt/",
    "unit": "http://qudt.org/vocab/unit/",
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "sdmx-concept": "http://purl.org/linked-data/sdmx/2009/concept#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "void": "http://rdfs.org/ns/void#",
    "spdx": "http://spdx.org/rdf/terms#",
}


def bind(graph: Graph) -> Graph:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


@cache
def reference_graph() -> Graph:
    """The ontology and the shared concept schemes, written once into every output."""
    graph = bind(Graph())
    for name in PUBLISHED_FILES:
        graph.parse(data_dir("ontology") / name, format="turtle")
    return graph


def report_iri(report: Report, base: str = DEFAULT_BASE) -> URIRef:
    return URIRef(f"{base}report/{report.agency.key}/{report.year}")


def _local(iri: str) -> str:
    return iri.replace("#", "/").rsplit("/", 1)[-1]


def report_graph(report: Report, base: str = DEFAULT_BASE) -> Graph:
    """All triples one report contributes (the reference data not included)."""
    g = bind(Graph(store="SimpleMemory"))
    add = g.add
    r = report_iri(report, base)
    agency = URIRef(f"{base}agency/{report.agency.key}")
    source = URIRef(f"{base}source/{report.source.sha256}")
    dataset = URIRef(f"{r}/dataset")
    original = "zh-Hant" if report.script == "Hant" else "zh-Hans"
    year = Literal(str(report.year), datatype=XSD.gYear)

    add((agency, RDF.type, OGI.Agency))
    add((agency, SKOS.prefLabel, Literal(report.agency.name, lang="zh-Hans")))
    if report.agency.name_en:
        add((agency, SKOS.prefLabel, Literal(report.agency.name_en, lang="en")))
    if report.agency.level:
        add((agency, OGI.agencyLevel, Literal(report.agency.level)))

    add((r, RDF.type, OGI.Report))
    add((r, DCTERMS.title, Literal(report.title, lang="zh-Hans")))
    add((r, RDFS.label, Literal(report.title, lang="zh-Hans")))
    if report.title_original and report.title_original != report.title and original == "zh-Hant":
        add((r, DCTERMS.title, Literal(" ".join(report.title_original.split()), lang="zh-Hant")))
    add((r, DCTERMS.publisher, agency))
    add((r, OGI.year, year))
    add((r, OGI.templateEdition, URIRef(report.edition)))
    add((r, OGI.script, Literal(report.script)))
    add((r, OGI.sourceFile, source))
    if report.period:
        add((r, OGI.periodStart, Literal(report.period[0].isoformat(), datatype=XSD.date)))
        add((r, OGI.periodEnd, Literal(report.period[1].isoformat(), datatype=XSD.date)))
    if report.issued:
        add((r, DCTERMS.issued, Literal(report.issued.isoformat(), datatype=XSD.date)))
    if report.source_site:
        add((r, OGI.sourceSite, Literal(report.source_site, lang="zh-Hans")))
    for table in sorted({d.table for d in report.diagnostics if d.table}):
        add((r, OGI.incompleteTable, URIRef(f"{DEF}part/{table}")))

    add((source, RDF.type, OGI.SourceFile))
    add((source, DCTERMS.identifier, Literal(report.source.name)))
    add((source, OGI.sha256, Literal(report.source.sha256, datatype=XSD.hexBinary)))
    add((source, OGI.encoding, Literal(report.source.encoding)))
    add((source, DCAT.mediaType, URIRef(IANA + MEDIA_TYPES[report.source.format])))

    add((dataset, RDF.type, QB.DataSet))
    add((dataset, QB.structure, OGI.dsd))
    add((dataset, RDFS.label, Literal(f"{report.title} 中的数字", lang="zh-Hans")))
    add((dataset, DCTERMS.source, r))

    vocab = vocabulary()
    seen: Counter[str] = Counter()
    for metric in report.metrics:
        key = "/".join([_local(metric.indicator)] + [f"{_local(p)}={_local(v)}" for p, v in metric.dimensions])
        if metric.table is None:  # stated in prose: never the IRI of the same figure in a table
            key += "/text" + (f"/about={'+'.join(ref.split('/', 1)[1] for ref in metric.about)}" if metric.about else "")
            key += f"/service={'+'.join(_local(s) for s in metric.services)}" if metric.services else ""
        seen[key] += 1
        m = URIRef(f"{r}/metric/{key}" + (f"/{seen[key]}" if seen[key] > 1 else ""))
        add((m, RDF.type, OGI.Metric))
        add((m, RDF.type, QB.Observation))
        add((m, QB.dataSet, dataset))
        add((m, OGI.reportedIn, r))
        add((m, OGI.indicator, URIRef(metric.indicator)))
        add((m, OGI.year, year))
        add((m, OGI.value, Literal(metric.value, datatype=XSD.decimal)))
        add((m, OGI.unit, URIRef(metric.unit)))
        add((m, OGI.approximation, APX[metric.approximation]))
        add((m, OGI.statedValue, Literal(metric.stated)))
        add((m, OGI.sourceText, Literal(metric.source_text, lang=original)))
        if metric.table:
            add((m, OGI.inTable, URIRef(f"{DEF}part/{metric.table}")))
        if metric.span:
            add((m, OGI.charStart, Literal(metric.span[0], datatype=XSD.integer)))
            add((m, OGI.charEnd, Literal(metric.span[1], datatype=XSD.integer)))
        for ref in metric.about:
            add((m, OGI.about, URIRef(base + ref)))
        for service in metric.services:
            add((m, OGI.service, URIRef(service)))
        for prop, value in metric.dimensions:
            add((m, URIRef(prop), URIRef(value)))
        label = vocab.concepts[metric.indicator].label_zh
        dims = "，".join(vocab.concepts[v].label_zh for _, v in metric.dimensions)
        add((m, RDFS.label, Literal(f"{report.year} {label}" + (f"（{dims}）" if dims else ""), lang="zh-Hans")))
    for mention in report.mentions:
        add_mention(g, r, mention, original, base)
    return g


def thing_iri(thing: Thing, base: str = DEFAULT_BASE) -> URIRef:
    """``{base}platform/<key>``, ``{base}publication/<key>``, ``{base}document/<key>``; a service is its concept."""
    return URIRef(thing.key if thing.kind == "service" else base + thing.ref)


_THING_CLASS = {"platform": OGI.Platform, "publication": OGI.Publication, "document": OGI.LegalDocument}
_KIND_OF = {"platform": OGI.platformType, "publication": OGI.publicationType, "document": OGI.documentType}


def add_mention(g: Graph, report: URIRef, mention: Mention, original: str, base: str = DEFAULT_BASE) -> None:
    """A Mention node (sentence, offsets, edition, volumes, languages), the report's ogi:mentions and the thing itself."""
    thing, add = mention.thing, g.add
    t = thing_iri(thing, base)
    add((report, OGI.mentions, t))
    n = URIRef(f"{report}/mention/{mention.span[0]}-{mention.span[1]}")
    add((n, RDF.type, OGI.Mention))
    add((n, OGI.mentionOf, t))
    add((n, OGI.reportedIn, report))
    add((n, OGI.sourceText, Literal(mention.source_text, lang=original)))
    add((n, OGI.charStart, Literal(mention.span[0], datatype=XSD.integer)))
    add((n, OGI.charEnd, Literal(mention.span[1], datatype=XSD.integer)))
    if mention.edition:
        add((n, OGI.edition, Literal(mention.edition)))
    for volume in mention.volumes:
        add((n, OGI.volume, Literal(volume, lang="zh-Hans")))
    for language in mention.languages:
        add((n, DCTERMS.language, Literal(language, datatype=XSD.language)))
    if thing.kind == "service":
        return
    add((t, RDF.type, _THING_CLASS[thing.kind]))
    labels = thing.labels or ((thing.name, "zh-Hans"),)
    for text, lang in labels:
        add((t, DCTERMS.title if thing.kind != "platform" else SKOS.prefLabel, Literal(text, lang=lang or None)))
        if thing.kind != "platform":
            add((t, RDFS.label, Literal(text, lang=lang or None)))
    if thing.kind_of:
        add((t, _KIND_OF[thing.kind], URIRef(thing.kind_of)))
    if thing.kind == "platform":
        add((t, OGI.discovered, Literal(thing.discovered)))
        for service in thing.hosted_on:
            add((t, OGI.hostedOn, URIRef(service)))
        for name, lang in thing.operated_by:
            add((t, OGI.operatedBy, Literal(name, lang=lang or None)))
        if thing.launched:
            add((t, OGI.launched, Literal(thing.launched, datatype=XSD.gYearMonth)))
