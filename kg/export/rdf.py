"""RDF export: entities, direct triples for positive relations, assertion nodes
with qualifiers and PROV-O provenance, merged-relation nodes, and articles.

IRIs are derived from content only, so the same input gives the same IRIs and
a byte-identical file.
"""
from __future__ import annotations

import functools
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV

from ..graph import KnowledgeGraph
from ..model import NEGATIVE, Assertion
from ..ontology import ENT, KG, WD, Ontology
from . import register

DOC = Namespace("https://w3id.org/kg-rbu/doc/")
ASR = Namespace("https://w3id.org/kg-rbu/assertion/")
REL = Namespace("https://w3id.org/kg-rbu/relation/")
MRG = Namespace("https://w3id.org/kg-rbu/merge/")


def entity_iri(entity_id: str) -> URIRef:
    """The IRI of an entity; any name gives a valid IRI."""
    return ENT[quote(entity_id, safe="/")]


def doc_iri(doc_id: str) -> URIRef:
    """The IRI of an article."""
    return DOC[quote(doc_id, safe="")]


def _digest(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def _assertion_digest(a: Assertion) -> str:
    return _digest(a.evidence.doc_id, a.evidence.sentence_index, a.subject.id, a.relation, a.object.id,
                   a.polarity, a.modality, a.attributed_to.id if a.attributed_to else "", a.agent or "",
                   a.instrument or "", a.rule, a.trigger, a.confidence)


_UNCLEAN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    """Drop characters that XML-based tools and some RDF parsers reject."""
    if _UNCLEAN.search(text) is None:  # nearly always: no copy, no per-character loop
        return text
    return "".join(c for c in text if c in "\t\n\r" or (ord(c) >= 0x20 and not 0xD800 <= ord(c) <= 0xDFFF
                                                      and c not in "\ufffe\uffff"))


PREFIXES = (("kg", KG), ("ent", ENT), ("doc", DOC), ("asr", ASR), ("rel", REL), ("mrg", MRG), ("wd", WD), ("skos", SKOS),
            ("prov", PROV), ("dcterms", DCTERMS), ("owl", OWL), ("rdf", RDF), ("rdfs", RDFS), ("xsd", XSD))


def build_rdf(graph: KnowledgeGraph, ontology: Ontology) -> Graph:
    """The rdflib graph of the export (for JSON-LD and tests)."""
    g = Graph()
    for prefix, ns in PREFIXES:
        g.bind(prefix, ns)
    for triple in export_triples(graph, ontology):
        g.add(triple)
    return g


def export_triples(graph: KnowledgeGraph, ontology: Ontology) -> set:
    """Every triple of the export as rdflib terms: `plain_triples`, converted (for
    JSON-LD and the tests)."""
    out: set = set()
    for subject, pairs in plain_triples(graph, ontology).items():
        node = URIRef(subject)
        for p, o in pairs:
            if isinstance(o, str):
                out.add((node, URIRef(p), URIRef(o)))
            else:
                text, lang, datatype = o
                out.add((node, URIRef(p), Literal(text, lang=lang, datatype=URIRef(datatype) if datatype else None)))
    return out


# The triples of the export are made without rdflib terms (the slow part): an
# IRI is a str, a literal a (lexical form, language, datatype) tuple. The Turtle
# and N-Triples writers sort them as rdflib terms would be sorted, by (subject,
# predicate, object in N3), and pyoxigraph serialises them, so the bytes are
# those of serialising `export_triples` sorted (tests/test_build.py checks it).
_RDF_TYPE, _LABEL, _PREF, _ALT = str(RDF.type), str(RDFS.label), str(SKOS.prefLabel), str(SKOS.altLabel)
_XSD_INT, _XSD_DEC, _XSD_DATE, _XSD_URI = str(XSD.integer), str(XSD.decimal), str(XSD.date), str(XSD.anyURI)
_K = {name: str(KG[name]) for name in (
    "seenAs", "Article", "url", "MergedRelation", "polarity", "mentions", "sources", "confidence", "firstSeen",
    "lastSeen", "supportedBy", "Assertion", "modality", "sentence", "sentenceIndex", "charStart", "charEnd",
    "trigger", "attributedTo", "agent", "instrument", "documentDate", "eventDate")}
_D = {name: str(DCTERMS[name]) for name in ("identifier", "title", "date", "language", "source")}
_SAMEAS, _DERIVED = str(OWL.sameAs), str(PROV.wasDerivedFrom)
_RS, _RP, _RO = str(RDF.subject), str(RDF.predicate), str(RDF.object)


def _lit(text: str, lang: str | None = None, datatype: str | None = None) -> tuple:
    return (text, lang.lower() if lang else None, datatype)


def _plain_date(value: str | None) -> tuple | None:
    if value and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return (value, None, _XSD_DATE)
    return None


@functools.lru_cache(maxsize=4096)
def _plain_decimal(value: float) -> tuple:
    text = repr(round(float(value), 3))
    return (text if "." in text else text + ".0", None, _XSD_DEC)


def _memo_str(make_iri):
    """`make_iri` as a str, each IRI made once (entities and articles recur in many triples)."""
    made: dict[str, str] = {}

    def iri(key: str) -> str:
        value = made.get(key)
        if value is None:
            value = made[key] = str(make_iri(key))
        return value

    return iri


def plain_triples(graph: KnowledgeGraph, ontology: Ontology) -> dict[str, set | list]:
    """The triples of the export grouped by subject IRI: {subject: (predicate, object)
    pairs without duplicates}, with IRIs as str and literals as (lexical form, language,
    datatype) tuples."""
    out: dict[str, set | list] = {}

    def add(s: str, p: str, o) -> None:
        bucket = out.get(s)
        if bucket is None:
            bucket = out[s] = set()
        bucket.add((p, o))

    ent = _memo_str(entity_iri)

    for entity in graph.entities.values():
        node = ent(entity.id)
        add(node, _RDF_TYPE, str(KG[entity.type]))
        add(node, _LABEL, _lit(_clean(entity.label)))
        ind = ontology.individuals.get(entity.id)
        if ind is not None:
            for lang, text in ind.labels:
                prop = _PREF if text == ind.pref_label and lang == "en" else _ALT
                add(node, prop, _lit(_clean(text), lang))
        else:
            add(node, _PREF, _lit(_clean(entity.label)))
            for alias in entity.aliases:
                add(node, _ALT, _lit(_clean(alias)))
        if entity.wikidata:
            add(node, _SAMEAS, str(WD[entity.wikidata]))
        for lang, text in graph.seen_as.get(entity.id, ()):
            add(node, _K["seenAs"], _lit(_clean(text), lang))
    for m in graph.merges:  # as `_merge` writes them
        node = str(MRG[_digest(m.canonical, m.merged)])
        add(node, _RDF_TYPE, str(KG.EntityMerge))
        add(node, str(KG.mergedInto), ent(m.canonical))
        add(node, str(KG.mergedEntity), ent(m.merged))
        add(node, str(KG.mergedName), _lit(_clean(m.name)))
        add(node, str(KG.mergeRule), _lit(m.rule))
        if m.score is not None:
            add(node, str(KG.mergeScore), _plain_decimal(m.score))
    doc = _memo_str(doc_iri)
    for article in graph.articles:
        node = doc(article.doc_id)
        add(node, _RDF_TYPE, _K["Article"])
        add(node, _D["identifier"], _lit(_clean(article.doc_id)))
        if article.title:
            add(node, _D["title"], _lit(_clean(article.title), article.lang))
        date = _plain_date(article.date)
        if date is not None:
            add(node, _D["date"], date)
        if article.lang:
            add(node, _D["language"], _lit(article.lang))
        if article.source:
            add(node, _D["source"], _lit(_clean(article.source)))
        if article.url:
            add(node, _K["url"], _lit(_clean(article.url), None, _XSD_URI))
    relations: dict[str, str] = {}
    supported_by, assertion_class, asr, rel = _K["supportedBy"], _K["Assertion"], str(ASR), str(REL)
    k_polarity, k_modality, k_confidence, k_sentence = _K["polarity"], _K["modality"], _K["confidence"], _K["sentence"]
    k_index, k_start, k_end = _K["sentenceIndex"], _K["charStart"], _K["charEnd"]
    integers: dict[int, tuple] = {}

    def integer(value: int) -> tuple:
        lit = integers.get(value)
        if lit is None:
            lit = integers[value] = (str(value), None, _XSD_INT)
        return lit

    for edge in graph.edges:
        s, o = ent(edge.subject.id), ent(edge.object.id)
        p = relations.get(edge.relation)
        if p is None:
            p = relations[edge.relation] = str(KG[edge.relation])
        if edge.polarity != NEGATIVE:
            add(s, p, o)
        merged = rel + _digest(*edge.key)
        add(merged, _RDF_TYPE, _K["MergedRelation"])
        add(merged, _RS, s)
        add(merged, _RP, p)
        add(merged, _RO, o)
        add(merged, _K["polarity"], _lit(edge.polarity))
        add(merged, _K["mentions"], (str(edge.mentions), None, _XSD_INT))
        add(merged, _K["sources"], (str(edge.sources), None, _XSD_INT))
        add(merged, _K["confidence"], _plain_decimal(edge.confidence))
        for prop, value in ((_K["firstSeen"], edge.first_seen), (_K["lastSeen"], edge.last_seen)):
            date = _plain_date(value)
            if date is not None:
                add(merged, prop, date)
        for a in edge.assertions:  # the bulk of the triples: one list per assertion, no call per triple
            node = asr + _assertion_digest(a)
            add(merged, supported_by, node)
            ev = a.evidence
            pairs = [(_RDF_TYPE, assertion_class), (_RS, ent(a.subject.id)),
                     (_RP, p if a.relation == edge.relation else str(KG[a.relation])), (_RO, ent(a.object.id)),
                     (k_polarity, _lit(a.polarity)), (k_modality, _lit(a.modality)),
                     (k_confidence, _plain_decimal(a.confidence)), (k_sentence, _lit(_clean(ev.sentence), ev.lang)),
                     (k_index, integer(ev.sentence_index)), (k_start, integer(ev.char_start)),
                     (k_end, integer(ev.char_end)), (_DERIVED, doc(ev.doc_id))]
            if a.trigger:
                pairs.append((_K["trigger"], _lit(_clean(a.trigger))))
            if a.attributed_to is not None:
                pairs.append((_K["attributedTo"], ent(a.attributed_to.id)))
            if a.agent:
                pairs.append((_K["agent"], _lit(_clean(a.agent))))
            if a.instrument:
                pairs.append((_K["instrument"], _lit(_clean(a.instrument))))
            for prop, value in ((_K["documentDate"], a.doc_date), (_K["eventDate"], a.event_date)):
                date = _plain_date(value)
                if date is not None:
                    pairs.append((prop, date))
            bucket = out.get(node)
            if bucket is None:
                out[node] = pairs  # a list: every predicate once, so no duplicates (and half the memory)
            else:  # two assertions with one IRI: their triples are one set
                out[node] = set(bucket) | set(pairs)
    return out


def _quote_n3(text: str) -> str:
    """rdflib's N3 quoting of a lexical form (Literal._quote_encode), for the sort key."""
    if "\n" in text:
        encoded = text.replace("\\", "\\\\")
        if '"""' in text:
            encoded = encoded.replace('"""', '\\"\\"\\"')
        if encoded[-1] == '"' and encoded[-2] != "\\":
            encoded = encoded[:-1] + "\\" + '"'
        return '"""' + encoded.replace("\r", "\\r") + '"""'
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r") + '"'


def _n3_key(term) -> str:
    """The N3 form rdflib gives a term: what the export sorts objects by."""
    if isinstance(term, str):
        return f"<{term}>"
    text, lang, datatype = term
    if lang:
        return f"{_quote_n3(text)}@{lang}"
    if datatype:
        return f"{_quote_n3(text)}^^<{datatype}>"
    return _quote_n3(text)


def sorted_triples(graph: KnowledgeGraph, ontology: Ontology) -> Iterator[tuple[str, str, object]]:
    """`plain_triples` in export order: by subject, predicate, then object in N3."""
    grouped = plain_triples(graph, ontology)
    for s in sorted(grouped):
        pairs = grouped[s]
        if len({p for p, _ in pairs}) == len(pairs):  # one object per predicate: no N3 needed
            ordered = sorted(pairs, key=lambda po: po[0])
        else:
            ordered = sorted(pairs, key=lambda po: (po[0], _n3_key(po[1])))
        for p, o in ordered:
            yield s, p, o


def oxigraph_triples(triples: Iterable[tuple[str, str, object]]):
    """pyoxigraph Triples of plain (IRI str, IRI str, IRI str or literal tuple) triples."""
    import pyoxigraph

    NamedNode, Literal_, Triple = pyoxigraph.NamedNode, pyoxigraph.Literal, pyoxigraph.Triple
    nodes: dict[str, object] = {}

    def iri(value: str):
        node = nodes.get(value)
        if node is None:
            node = nodes[value] = NamedNode(value)
        return node

    literals: dict[tuple, object] = {}
    for s, p, o in triples:
        if isinstance(o, str):
            obj = iri(o)
        else:
            obj = literals.get(o)
            if obj is None:
                text, lang, datatype = o
                if lang:
                    obj = Literal_(text, language=lang)
                elif datatype:
                    obj = Literal_(text, datatype=iri(datatype))
                else:
                    obj = Literal_(text)
                if datatype or len(text) < 24:  # the repeated ones: numbers, dates, "positive"
                    literals[o] = obj
        yield Triple(iri(s), iri(p), obj)


# N-Triples string escapes exactly as pyoxigraph writes them (its N-Triples output
# is then the text below byte for byte; tests/test_build.py checks it).
_NT_ESCAPES = str.maketrans({**{chr(c): f"\\u{c:04X}" for c in (*range(0x20), 0x7F)},
                             "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r",
                             '"': '\\"', "\\": "\\\\"})


def _ntriples_chunks(triples: Iterable[tuple[str, str, object]], size: int = 1 << 20) -> Iterator[bytes]:
    """Plain triples as N-Triples, as pyoxigraph writes them, in chunks of about `size`
    bytes (a str is already a valid IRI: `entity_iri` and the namespaces quote what
    needs quoting). Chunks, so a large graph's text is never all in memory at once."""
    objects: dict = {}
    lines: list[str] = []
    length = 0
    for s, p, o in triples:
        obj = objects.get(o)
        if obj is None:
            if isinstance(o, str):
                obj = f"<{o}>"
            else:
                text, lang, datatype = o
                quoted = '"' + text.translate(_NT_ESCAPES) + '"'
                obj = f"{quoted}@{lang}" if lang else f"{quoted}^^<{datatype}>" if datatype else quoted
            if not isinstance(o, tuple) or o[2] or len(o[0]) < 24:  # the repeated ones
                objects[o] = obj
        line = f"<{s}> <{p}> {obj} .\n"
        lines.append(line)
        length += len(line)
        if length >= size:
            yield "".join(lines).encode("utf-8")
            lines, length = [], 0
    if lines:
        yield "".join(lines).encode("utf-8")


class _ChunkReader(io.RawIOBase):
    """A readable binary stream over an iterator of byte chunks (for pyoxigraph.parse)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._buffer = chunks, b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._buffer:
            self._buffer = next(self._chunks, b"")
            if not self._buffer:
                return 0
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


def _fast(fmt_name: str):
    """Serialise with pyoxigraph (Rust): sorted triples, so the bytes are stable. The
    triples reach it as N-Triples text it parses itself, streamed, which is several
    times faster than making a Python object per term and holds little memory."""
    def write(graph: KnowledgeGraph, ontology: Ontology) -> bytes:
        import pyoxigraph

        chunks = _ntriples_chunks(sorted_triples(graph, ontology))
        if fmt_name == "N_TRIPLES":
            return b"".join(chunks)
        parsed = pyoxigraph.parse(io.BufferedReader(_ChunkReader(chunks), 1 << 20), pyoxigraph.RdfFormat.N_TRIPLES)
        return pyoxigraph.serialize(parsed, format=getattr(pyoxigraph.RdfFormat, fmt_name),
                                    prefixes={name: str(ns) for name, ns in PREFIXES})
    return write


def _jsonld(graph: KnowledgeGraph, ontology: Ontology) -> bytes:
    data = build_rdf(graph, ontology).serialize(format="json-ld", encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")


register("turtle", "graph.ttl", "RDF Turtle for SPARQL (entities, relations, evidence)")(_fast("TURTLE"))
register("ntriples", "graph.nt", "RDF N-Triples")(_fast("N_TRIPLES"))
register("jsonld", "graph.jsonld", "RDF JSON-LD")(_jsonld)
