"""RDF export: entities, direct triples for positive relations, assertion nodes
with qualifiers and PROV-O provenance, merged-relation nodes, and articles.

IRIs are derived from content only, so the same input gives the same IRIs and
a byte-identical file.
"""
from __future__ import annotations

import hashlib
from urllib.parse import quote

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV

from ..graph import KnowledgeGraph
from ..model import NEGATIVE, Assertion, Entity
from ..ontology import ENT, KG, WD, Ontology
from . import register

DOC = Namespace("https://w3id.org/kg-rbu/doc/")
ASR = Namespace("https://w3id.org/kg-rbu/assertion/")
REL = Namespace("https://w3id.org/kg-rbu/relation/")


def entity_iri(entity_id: str) -> URIRef:
    """The IRI of an entity; any name gives a valid IRI."""
    return ENT[quote(entity_id, safe="/")]


def doc_iri(doc_id: str) -> URIRef:
    """The IRI of an article."""
    return DOC[quote(doc_id, safe="")]


def _digest(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def assertion_iri(a: Assertion) -> URIRef:
    """A content-derived IRI for one assertion."""
    return ASR[_digest(a.evidence.doc_id, a.evidence.sentence_index, a.subject.id, a.relation, a.object.id,
                       a.polarity, a.modality, a.attributed_to.id if a.attributed_to else "", a.agent or "",
                       a.instrument or "", a.rule, a.trigger, a.confidence)]


def _clean(text: str) -> str:
    """Drop characters that XML-based tools and some RDF parsers reject."""
    return "".join(c for c in text if c in "\t\n\r" or (ord(c) >= 0x20 and not 0xD800 <= ord(c) <= 0xDFFF
                                                      and c not in "\ufffe\uffff"))


def _decimal(value: float) -> Literal:
    """An xsd:decimal in canonical form (what other RDF tools normalise to)."""
    text = repr(round(float(value), 3))
    return Literal(text if "." in text else text + ".0", datatype=XSD.decimal)


def _date(value: str | None) -> Literal | None:
    if value and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return Literal(value, datatype=XSD.date)
    return None


PREFIXES = (("kg", KG), ("ent", ENT), ("doc", DOC), ("asr", ASR), ("rel", REL), ("wd", WD), ("skos", SKOS),
            ("prov", PROV), ("dcterms", DCTERMS), ("owl", OWL), ("rdf", RDF), ("rdfs", RDFS), ("xsd", XSD))


def build_rdf(graph: KnowledgeGraph, ontology: Ontology) -> Graph:
    """The rdflib graph of the export (for `kg push` and tests)."""
    g = Graph()
    for prefix, ns in PREFIXES:
        g.bind(prefix, ns)
    for triple in export_triples(graph, ontology):
        g.add(triple)
    return g


def export_triples(graph: KnowledgeGraph, ontology: Ontology) -> set:
    """Every triple of the export, as rdflib terms (a plain set: far faster than Graph.add)."""
    g: set = set()
    for entity in graph.entities.values():
        _entity(g, entity, ontology)
        for lang, text in graph.seen_as.get(entity.id, ()):
            g.add((entity_iri(entity.id), KG.seenAs, Literal(_clean(text), lang=lang or None)))
    for article in graph.articles:
        node = doc_iri(article.doc_id)
        g.add((node, RDF.type, KG.Article))
        g.add((node, DCTERMS.identifier, Literal(_clean(article.doc_id))))
        if article.title:
            g.add((node, DCTERMS.title, Literal(_clean(article.title), lang=article.lang or None)))
        if _date(article.date) is not None:
            g.add((node, DCTERMS.date, _date(article.date)))
        if article.lang:
            g.add((node, DCTERMS.language, Literal(article.lang)))
        if article.source:
            g.add((node, DCTERMS.source, Literal(_clean(article.source))))
        if article.url:
            g.add((node, KG.url, Literal(_clean(article.url), datatype=XSD.anyURI)))
    for edge in graph.edges:
        s, o, p = entity_iri(edge.subject.id), entity_iri(edge.object.id), KG[edge.relation]
        if edge.polarity != NEGATIVE:
            g.add((s, p, o))  # the direct triple simple SPARQL reads
        merged = REL[_digest(*edge.key)]
        g.add((merged, RDF.type, KG.MergedRelation))
        g.add((merged, RDF.subject, s))
        g.add((merged, RDF.predicate, p))
        g.add((merged, RDF.object, o))
        g.add((merged, KG.polarity, Literal(edge.polarity)))
        g.add((merged, KG.mentions, Literal(edge.mentions, datatype=XSD.integer)))
        g.add((merged, KG.sources, Literal(edge.sources, datatype=XSD.integer)))
        g.add((merged, KG.confidence, _decimal(edge.confidence)))
        for prop, value in ((KG.firstSeen, edge.first_seen), (KG.lastSeen, edge.last_seen)):
            if _date(value) is not None:
                g.add((merged, prop, _date(value)))
        for a in edge.assertions:
            node = assertion_iri(a)
            g.add((merged, KG.supportedBy, node))
            _assertion(g, node, a)
    return g


def _entity(g: Graph, entity: Entity, ontology: Ontology) -> None:
    node = entity_iri(entity.id)
    g.add((node, RDF.type, KG[entity.type]))
    g.add((node, RDFS.label, Literal(_clean(entity.label))))
    ind = ontology.individuals.get(entity.id)
    if ind is not None:
        for lang, text in ind.labels:
            prop = SKOS.prefLabel if text == ind.pref_label and lang == "en" else SKOS.altLabel
            g.add((node, prop, Literal(_clean(text), lang=lang or None)))
    else:
        g.add((node, SKOS.prefLabel, Literal(_clean(entity.label))))
        for alias in entity.aliases:
            g.add((node, SKOS.altLabel, Literal(_clean(alias))))
    if entity.wikidata:
        g.add((node, OWL.sameAs, WD[entity.wikidata]))


def _assertion(g: Graph, node: URIRef, a: Assertion) -> None:
    g.add((node, RDF.type, KG.Assertion))
    g.add((node, RDF.subject, entity_iri(a.subject.id)))
    g.add((node, RDF.predicate, KG[a.relation]))
    g.add((node, RDF.object, entity_iri(a.object.id)))
    g.add((node, KG.polarity, Literal(a.polarity)))
    g.add((node, KG.modality, Literal(a.modality)))
    g.add((node, KG.confidence, _decimal(a.confidence)))
    g.add((node, KG.sentence, Literal(_clean(a.evidence.sentence), lang=a.evidence.lang or None)))
    g.add((node, KG.sentenceIndex, Literal(a.evidence.sentence_index, datatype=XSD.integer)))
    g.add((node, KG.charStart, Literal(a.evidence.char_start, datatype=XSD.integer)))
    g.add((node, KG.charEnd, Literal(a.evidence.char_end, datatype=XSD.integer)))
    g.add((node, PROV.wasDerivedFrom, doc_iri(a.evidence.doc_id)))
    if a.trigger:
        g.add((node, KG.trigger, Literal(_clean(a.trigger))))
    if a.attributed_to is not None:
        g.add((node, KG.attributedTo, entity_iri(a.attributed_to.id)))
    if a.agent:
        g.add((node, KG.agent, Literal(_clean(a.agent))))
    if a.instrument:
        g.add((node, KG.instrument, Literal(_clean(a.instrument))))
    for prop, value in ((KG.documentDate, a.doc_date), (KG.eventDate, a.event_date)):
        if _date(value) is not None:
            g.add((node, prop, _date(value)))


def _oxi(term):
    import pyoxigraph

    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if term.language:
        return pyoxigraph.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
    return pyoxigraph.Literal(str(term))


def _fast(fmt_name: str):
    """Serialise with pyoxigraph (Rust): sorted triples, so the bytes are stable."""
    def write(graph: KnowledgeGraph, ontology: Ontology) -> bytes:
        import pyoxigraph

        fmt = getattr(pyoxigraph.RdfFormat, fmt_name)
        triples = sorted(export_triples(graph, ontology), key=lambda t: (str(t[0]), str(t[1]), t[2].n3()))
        oxi = (pyoxigraph.Triple(_oxi(s), _oxi(p), _oxi(o)) for s, p, o in triples)
        prefixes = {name: str(ns) for name, ns in PREFIXES} if fmt_name == "TURTLE" else None
        return pyoxigraph.serialize(oxi, format=fmt, prefixes=prefixes)
    return write


def _jsonld(graph: KnowledgeGraph, ontology: Ontology) -> bytes:
    data = build_rdf(graph, ontology).serialize(format="json-ld", encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")


register("turtle", "graph.ttl", "RDF Turtle for SPARQL (entities, relations, evidence)")(_fast("TURTLE"))
register("ntriples", "graph.nt", "RDF N-Triples")(_fast("N_TRIPLES"))
register("jsonld", "graph.jsonld", "RDF JSON-LD")(_jsonld)
