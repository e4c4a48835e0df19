"""RDF export: entities, direct triples for positive relations, assertion nodes
with qualifiers and PROV-O provenance, merged-relation nodes, and articles.

IRIs are derived from content only, so the same input gives the same IRIs and
a byte-identical file.
"""
from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV

from ..graph import Edge, KnowledgeGraph
from ..model import NEGATIVE, Article, Assertion
from ..ontology import ENT, KG, WD, Ontology
from ..warm import warm_state
from . import chunked, register
from .memo import RenderMemo, SortedBlocks

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
# predicate, object in N3), and write them as pyoxigraph would, so the bytes are
# those of pyoxigraph serialising `export_triples` sorted (tests check it).
_RDF_TYPE, _LABEL, _PREF, _ALT = str(RDF.type), str(RDFS.label), str(SKOS.prefLabel), str(SKOS.altLabel)
_XSD_INT, _XSD_DEC, _XSD_DATE, _XSD_URI = str(XSD.integer), str(XSD.decimal), str(XSD.date), str(XSD.anyURI)
_XSD_STRING = str(XSD.string)
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


@functools.lru_cache(maxsize=1 << 16)
def _ent(entity_id: str) -> str:
    """`entity_iri` as a str (entities recur in many triples)."""
    return str(entity_iri(entity_id))


@functools.lru_cache(maxsize=1 << 16)
def _doc(doc_id: str) -> str:
    """`doc_iri` as a str."""
    return str(doc_iri(doc_id))


@functools.lru_cache(maxsize=1024)
def _kg(name: str) -> str:
    return str(KG[name])


@functools.lru_cache(maxsize=1 << 16)
def _integer(value: int) -> tuple:
    return (str(value), None, _XSD_INT)


def plain_triples(graph: KnowledgeGraph, ontology: Ontology) -> dict[str, set | list]:
    """The triples of the export grouped by subject IRI: {subject: (predicate, object)
    pairs without duplicates}, with IRIs as str and literals as (lexical form, language,
    datatype) tuples."""
    out: dict[str, set | list] = dict(node_triples(graph, ontology))
    for edge in graph.edges:
        direct, nodes = edge_triples(edge)
        if direct is not None:
            out.setdefault(direct[0], set()).add(direct[1:])
        out.update(nodes)  # an edge's nodes are its own: their digests hold the edge's key
    return out


def node_triples(graph: KnowledgeGraph, ontology: Ontology, articles: bool = True) -> dict[str, set]:
    """The triples of the entities, merges and (unless `articles` is False) articles,
    grouped by subject (without the direct relation triples of `edge_triples`)."""
    out: dict[str, set] = {}

    def add(s: str, p: str, o) -> None:
        bucket = out.get(s)
        if bucket is None:
            bucket = out[s] = set()
        bucket.add((p, o))

    for entity in graph.entities.values():
        node = _ent(entity.id)
        add(node, _RDF_TYPE, _kg(entity.type))
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
        add(node, _RDF_TYPE, _kg("EntityMerge"))
        add(node, _kg("mergedInto"), _ent(m.canonical))
        add(node, _kg("mergedEntity"), _ent(m.merged))
        add(node, _kg("mergedName"), _lit(_clean(m.name)))
        add(node, _kg("mergeRule"), _lit(m.rule))
        if m.score is not None:
            add(node, _kg("mergeScore"), _plain_decimal(m.score))
    if articles:
        for article in graph.articles:
            out[_doc(article.doc_id)] = set(article_pairs(article))
    return out


def article_pairs(article: Article) -> list[tuple[str, object]]:
    """The (predicate, object) pairs of an article's node."""
    pairs = [(_RDF_TYPE, _K["Article"]), (_D["identifier"], _lit(_clean(article.doc_id)))]
    if article.title:
        pairs.append((_D["title"], _lit(_clean(article.title), article.lang)))
    date = _plain_date(article.date)
    if date is not None:
        pairs.append((_D["date"], date))
    if article.lang:
        pairs.append((_D["language"], _lit(article.lang)))
    if article.source:
        pairs.append((_D["source"], _lit(_clean(article.source))))
    if article.url:
        pairs.append((_K["url"], _lit(_clean(article.url), None, _XSD_URI)))
    return pairs


def edge_triples(edge: Edge) -> tuple[tuple[str, str, str] | None, list[tuple[str, set | list]]]:
    """The triples one merged edge adds: the direct (subject, relation, object) triple of
    a positive edge (None otherwise), and the nodes of the edge: its merged-relation
    node (a set of pairs), then one node per assertion (a list of pairs in export order,
    by predicate IRI, which the Turtle writer relies on; two assertions with one IRI
    make one node, a set of their pairs)."""
    s, o, p = _ent(edge.subject.id), _ent(edge.object.id), _kg(edge.relation)
    merged, head = _merged_node(edge, s, p, o)
    nodes: dict[str, set | list] = {merged: head}
    supported_by, asr = _K["supportedBy"], str(ASR)
    for a in edge.assertions:
        node = asr + _assertion_digest(a)
        head.add((supported_by, node))
        pairs = _assertion_pairs(a, s, p, o)
        nodes[node] = pairs if node not in nodes else set(nodes[node]) | set(pairs)
    return ((s, p, o) if edge.polarity != NEGATIVE else None), list(nodes.items())


def _merged_node(edge: Edge, s: str, p: str, o: str) -> tuple[str, set]:
    """The merged-relation node of an edge and its pairs, but for kg:supportedBy."""
    merged = str(REL) + _digest(*edge.key)
    head = {(_RDF_TYPE, _K["MergedRelation"]), (_RS, s), (_RP, p), (_RO, o), (_K["polarity"], _lit(edge.polarity)),
            (_K["mentions"], _integer(edge.mentions)), (_K["sources"], _integer(edge.sources)),
            (_K["confidence"], _plain_decimal(edge.confidence))}
    for prop, value in ((_K["firstSeen"], edge.first_seen), (_K["lastSeen"], edge.last_seen)):
        date = _plain_date(value)
        if date is not None:
            head.add((prop, date))
    return merged, head


def _assertion_pairs(a: Assertion, s: str, p: str, o: str) -> list:
    """The pairs of one assertion's node, in export order."""
    ev = a.evidence
    pairs = [(_RO, o), (_RP, p), (_RS, s), (_RDF_TYPE, _K["Assertion"]), (_DERIVED, _doc(ev.doc_id))]
    if a.agent:
        pairs.append((_K["agent"], _lit(_clean(a.agent))))
    if a.attributed_to is not None:
        pairs.append((_K["attributedTo"], _ent(a.attributed_to.id)))
    pairs += ((_K["charEnd"], _integer(ev.char_end)), (_K["charStart"], _integer(ev.char_start)),
              (_K["confidence"], _plain_decimal(a.confidence)))
    for prop, value in ((_K["documentDate"], a.doc_date), (_K["eventDate"], a.event_date)):
        date = _plain_date(value)
        if date is not None:
            pairs.append((prop, date))
    if a.instrument:
        pairs.append((_K["instrument"], _lit(_clean(a.instrument))))
    pairs += ((_K["modality"], _lit(a.modality)), (_K["polarity"], _lit(a.polarity)),
              (_K["sentence"], _lit(_clean(ev.sentence), ev.lang)),
              (_K["sentenceIndex"], _integer(ev.sentence_index)))
    if a.trigger:
        pairs.append((_K["trigger"], _lit(_clean(a.trigger))))
    return pairs


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


def _ordered(pairs: set | list) -> list:
    """One subject's (predicate, object) pairs in export order: by predicate, then object
    in N3 (a list from `edge_triples` is in that order already)."""
    if isinstance(pairs, list):
        return pairs
    if len({p for p, _ in pairs}) == len(pairs):  # one object per predicate: no N3 needed
        return sorted(pairs, key=lambda po: po[0])
    return sorted(pairs, key=lambda po: (po[0], _n3_key(po[1])))


def sorted_triples(graph: KnowledgeGraph, ontology: Ontology) -> Iterator[tuple[str, str, object]]:
    """`plain_triples` in export order: by subject, predicate, then object in N3."""
    grouped = plain_triples(graph, ontology)
    for s in sorted(grouped):
        for p, o in _ordered(grouped[s]):
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


def _ntriples_lines(triples: Iterable[tuple[str, str, object]]) -> Iterator[str]:
    """Plain triples as N-Triples lines, as pyoxigraph writes them (a str is already a
    valid IRI: `entity_iri` and the namespaces quote what needs quoting)."""
    objects: dict = {}
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
        yield f"<{s}> <{p}> {obj} .\n"


def ntriples(graph: KnowledgeGraph, ontology: Ontology, memo: RenderMemo | None = None) -> Iterator[bytes]:
    """The N-Triples export: `sorted_triples`, as pyoxigraph writes them, in chunks."""
    return chunked(_ntriples_lines(sorted_triples(graph, ontology)))


class _TurtleTerms:
    """Terms written as pyoxigraph's Turtle serialiser writes them, each made once.

    IRIs (prefixed names with their escapes, or <...>) are rendered by pyoxigraph
    itself, in batches (`prefetch`), except the digest-named nodes of this export,
    whose local name is always 16 hex digits; literals follow its rules: a valid
    integer or decimal bare, other typed literals with their datatype, strings with
    the N-Triples escapes. tests/test_build.py checks whole files against
    pyoxigraph's, and the literal rules on generated strings."""

    _PROBE = "urn:kg:probe"
    _INTEGER = re.compile(r"[+-]?[0-9]+")
    _DECIMAL = re.compile(r"[+-]?[0-9]*\.[0-9]+")
    _DIGEST_NODE = re.compile(r"[0-9a-f]{16}")

    def __init__(self) -> None:
        self.prefixes = {name: str(ns) for name, ns in PREFIXES}
        self.digest_spaces = {str(ns): name for name, ns in PREFIXES if name in ("asr", "rel", "mrg")}
        self.rendered: dict = {_RDF_TYPE: "a"}  # as a predicate; rdf:type is never an object here
        self.header = self._serialize([self._PROBE]).split("<" + self._PROBE + ">", 1)[0]

    def _serialize(self, iris: list[str]) -> str:
        import pyoxigraph

        probe = pyoxigraph.NamedNode(self._PROBE)
        value = pyoxigraph.Literal("x")
        return pyoxigraph.serialize([pyoxigraph.Triple(pyoxigraph.NamedNode(i), probe, value) for i in iris],
                                    format=pyoxigraph.RdfFormat.TURTLE, prefixes=self.prefixes).decode("utf-8")

    def prefetch(self, iris: Iterable[str]) -> None:
        """Render these IRIs (one pyoxigraph call for all that are new)."""
        new = sorted({i for i in iris if i not in self.rendered})
        if not new:
            return
        tail = f" <{self._PROBE}> \"x\" .\n"
        lines = self._serialize(new)[len(self.header):].splitlines(keepends=True)
        assert len(lines) == len(new) and all(line.endswith(tail) for line in lines)
        self.rendered.update(zip(new, (line[:-len(tail)] for line in lines)))

    def iri(self, iri: str) -> str:
        got = self.rendered.get(iri)
        if got is None:
            space, _, local = iri.rpartition("/")
            prefix = self.digest_spaces.get(space + "/")
            if prefix is not None and self._DIGEST_NODE.fullmatch(local):
                got = self.rendered[iri] = f"{prefix}:{local}"
            else:
                self.prefetch((iri,))
                got = self.rendered[iri]
        return got

    def literal(self, term: tuple) -> str:
        text, lang, datatype = term
        quoted = '"' + text.translate(_NT_ESCAPES) + '"'
        if lang:
            return f"{quoted}@{lang}"
        if datatype is None or datatype == _XSD_STRING:
            return quoted
        if (datatype == _XSD_INT and self._INTEGER.fullmatch(text)) or (
                datatype == _XSD_DEC and self._DECIMAL.fullmatch(text)):
            return text
        return f"{quoted}^^{self.iri(datatype)}"

    def term(self, term) -> str:
        """An IRI or a literal tuple, as Turtle."""
        got = self.rendered.get(term)
        if got is None:
            if isinstance(term, str):
                return self.iri(term)
            got = self.literal(term)
            if term[2] or len(term[0]) < 24:  # the repeated ones: numbers, dates, "positive"
                self.rendered[term] = got
        return got

    def block(self, subject: str, pairs: set | list) -> str:
        """The Turtle of one subject, its pairs in export order (`_ordered`)."""
        term, iri = self.term, self.iri
        lines, last = [], None
        for p, o in _ordered(pairs):
            if p == last:  # another object of the same predicate
                lines[-1] += f" , {term(o)}"
            else:
                lines.append(f"{iri(p)} {term(o)}")
                last = p
        return f"{iri(subject)} " + " ;\n\t".join(lines) + " .\n"

    def edge_blocks(self, edge: Edge, sha: dict[str, str],
                    previous: tuple[tuple[str, str, str], ...] = ()) -> tuple[tuple[str, str, str], ...]:
        """The (node, Turtle, content hash of the node's article) blocks of an edge's
        merged-relation and assertion nodes. An assertion block of `previous` (this
        edge's blocks as the last build rendered them) is reused when its node (a digest
        of the assertion) comes from the same article content: adding one mention to an
        edge of thousands renders one assertion block, not thousands."""
        s, o, p = _ent(edge.subject.id), _ent(edge.object.id), _kg(edge.relation)
        merged, head = _merged_node(edge, s, p, o)
        supported_by, asr = _K["supportedBy"], str(ASR)
        nodes = [asr + _assertion_digest(a) for a in edge.assertions]
        head.update((supported_by, node) for node in nodes)
        old = {node: (text, digest) for node, text, digest in previous if digest}
        blocks = [(merged, self.block(merged, head), "")]
        shared: dict[str, set] = {}
        if len(set(nodes)) < len(nodes):  # two assertions with one IRI: one node, their pairs
            counts = Counter(nodes)
            for node, a in zip(nodes, edge.assertions):
                if counts[node] > 1:
                    shared.setdefault(node, set()).update(_assertion_pairs(a, s, p, o))
        for node, a in zip(nodes, edge.assertions):
            digest = sha.get(a.evidence.doc_id, "")
            if node in shared:
                pairs = shared.pop(node, None)
                if pairs is not None:
                    blocks.append((node, self.block(node, pairs), ""))
                continue
            kept = old.get(node)
            if kept is not None and digest and kept[1] == digest:
                blocks.append((node, kept[0], digest))
            else:
                blocks.append((node, self.block(node, _assertion_pairs(a, s, p, o)), digest))
        return tuple(blocks)


def turtle(graph: KnowledgeGraph, ontology: Ontology, memo: RenderMemo | None = None) -> Iterator[bytes]:
    """The Turtle export, in chunks: `plain_triples` sorted as `sorted_triples` orders
    them, one block per subject, byte for byte what pyoxigraph writes for them, without
    handing it every triple (several times faster). With a memo, an edge rendered by
    the last build is not rendered again; in a warm process (kg server), neither is an
    article, and the file is assembled from what the last build encoded (SortedBlocks)."""
    state = warm_state()
    key = str(memo.path) if memo is not None and memo.path is not None and state.enabled else None
    layout = state.kept("turtle-blocks", key, SortedBlocks) if key is not None else None
    terms = state.kept("turtle-terms", key, _TurtleTerms)
    grouped = node_triples(graph, ontology, articles=layout is None)
    for edge in graph.edges:  # the direct triples belong to the subject's block
        if edge.polarity != NEGATIVE:
            grouped.setdefault(_ent(edge.subject.id), set()).add((_kg(edge.relation), _ent(edge.object.id)))
    articles: list[tuple[str, tuple]] = []  # warm: each article's node and the fields its block depends on
    if layout is not None:
        for article in graph.articles:
            node = _doc(article.doc_id)
            fields = (article.doc_id, article.title, article.date, article.lang, article.source, article.url)
            articles.append((node, fields))
            if fields not in layout.articles:  # new or changed: rendered with the other subjects
                grouped[node] = set(article_pairs(article))
    iris = set(grouped)
    for pairs in grouped.values():
        iris.update(o for _, o in pairs if isinstance(o, str))
        iris.update(p for p, _ in pairs)
    iris.update(_doc(a.doc_id) for a in graph.articles)
    iris.update(_K.values())
    iris.update((_RS, _RP, _RO, _DERIVED))
    iris.discard(_RDF_TYPE)
    terms.prefetch(iris)
    subjects = {s: terms.block(s, pairs) for s, pairs in grouped.items()}
    sha = {a.doc_id: a.sha256 for a in graph.articles}
    if memo is None:
        pieces = [terms.edge_blocks(edge, sha) for edge in graph.edges]
    else:
        pieces = memo.edge_pieces("ttl", graph,
                                  lambda edge: terms.edge_blocks(edge, sha, memo.previous("ttl", edge) or ()))
    if not subjects and not pieces:  # pyoxigraph writes an empty graph as nothing, not even the prefixes
        return
    yield terms.header.encode("utf-8")
    if layout is not None:
        for node, fields in articles:
            if node not in subjects:
                subjects[node] = layout.articles[fields]
        layout.articles = {fields: subjects[node] for node, fields in articles}
        yield from layout.chunks(subjects, pieces)
        return
    blocks = list(subjects.items())
    for edge_blocks in pieces:
        blocks.extend((node, text) for node, text, _ in edge_blocks)
    blocks.sort()
    yield from chunked(text for _, text in blocks)


def _jsonld(graph: KnowledgeGraph, ontology: Ontology, memo: RenderMemo | None = None) -> bytes:
    data = build_rdf(graph, ontology).serialize(format="json-ld", encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")


register("turtle", "graph.ttl", "RDF Turtle for SPARQL (entities, relations, evidence)")(turtle)
register("ntriples", "graph.nt", "RDF N-Triples")(ntriples)
register("jsonld", "graph.jsonld", "RDF JSON-LD")(_jsonld)
