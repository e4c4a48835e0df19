"""`kg push URL`: send the graph to a SPARQL 1.1 store over the Graph Store HTTP Protocol.

One named graph per article (its node, its assertions, the direct triples and
entity descriptions they need), one for the ontology and one for the merged
relations. Each graph is sent with PUT, which replaces that graph, so a rebuild
replaces exactly what it wrote and nothing else in the store.
"""
from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

from .errors import KGError
from .export.rdf import DOC, PREFIXES, doc_iri, oxigraph_triples, plain_triples
from .graph import KnowledgeGraph
from .ontology import KG, Ontology

ONTOLOGY_GRAPH = "https://w3id.org/kg-rbu/graph/ontology"
SUMMARY_GRAPH = "https://w3id.org/kg-rbu/graph/relations"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SUBJECT, _PREDICATE, _OBJECT = (f"http://www.w3.org/1999/02/22-rdf-syntax-ns#{n}" for n in ("subject", "predicate",
                                                                                             "object"))
_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
_POLARITY, _ATTRIBUTED, _MERGED = str(KG.polarity), str(KG.attributedTo), str(KG.MergedRelation)


def article_graph(doc_id: str) -> str:
    """The named graph that holds one article's statements."""
    return str(doc_iri(doc_id)).replace(str(DOC), "https://w3id.org/kg-rbu/graph/doc/")


def named_graphs(graph: KnowledgeGraph, ontology: Ontology) -> dict[str, list[tuple]]:
    """The named graphs to send, by graph IRI, as triples of the export (IRIs as str,
    literals as (text, language, datatype); see kg.export.rdf.plain_triples).

    Built from the export's triples indexed once, not from an rdflib graph: on a
    large corpus that is what keeps `kg push` fast."""
    full = plain_triples(graph, ontology)
    out: dict[str, list[tuple]] = {}
    onto: list[tuple] = []
    import pyoxigraph

    for path in ontology.files:
        with open(path, "rb") as fh:
            onto.extend(q.triple for q in pyoxigraph.parse(fh, pyoxigraph.RdfFormat.TURTLE))
    out[ONTOLOGY_GRAPH] = onto
    out[SUMMARY_GRAPH] = [(s, p, o) for s, pairs in sorted(full.items()) if (_TYPE, _MERGED) in pairs
                          for p, o in sorted(pairs, key=repr)]
    # Each assertion node by the article it is derived from.
    by_doc: dict[str, list[str]] = {}
    for s, pairs in full.items():
        for p, o in pairs:
            if p == _DERIVED:
                by_doc.setdefault(o, []).append(s)

    def describe(ent: str) -> list[tuple]:
        # An entity's labels, type and Wikidata link; not its relations (those come with evidence).
        return [(ent, p, o) for p, o in full.get(ent, ()) if not isinstance(o, str) or p == _TYPE
                or o.startswith("http://www.wikidata")]

    for article in graph.articles:
        doc_node = str(doc_iri(article.doc_id))
        g = {(doc_node, p, o) for p, o in full.get(doc_node, ())}
        for a in by_doc.get(doc_node, ()):
            pairs = full[a]
            g.update((a, p, o) for p, o in pairs)
            values = {}
            for p, o in pairs:
                values.setdefault(p, o)
            s, pred, obj = values.get(_SUBJECT), values.get(_PREDICATE), values.get(_OBJECT)
            if values.get(_POLARITY) == ("positive", None, None):
                g.add((s, pred, obj))
            for ent in (s, obj, values.get(_ATTRIBUTED)):
                if ent is not None:
                    g.update(describe(ent))
        out[article_graph(article.doc_id)] = sorted(g, key=repr)
    return out


def _turtle(triples: list[tuple]) -> bytes:
    import pyoxigraph

    if triples and isinstance(triples[0], pyoxigraph.Triple):
        items = triples
    else:
        items = list(oxigraph_triples(triples))
    return pyoxigraph.serialize(items, format=pyoxigraph.RdfFormat.TURTLE,
                                prefixes={name: str(ns) for name, ns in PREFIXES})


def push(graph: KnowledgeGraph, ontology: Ontology, url: str, timeout: float = 60.0) -> list[str]:
    """PUT every named graph to the store's Graph Store endpoint; returns the graph IRIs sent."""
    if not url.startswith(("http://", "https://")):
        raise KGError(f"{url}: not an http(s) Graph Store endpoint (e.g. http://127.0.0.1:7878/store)")
    sent = []
    for iri, g in sorted(named_graphs(graph, ontology).items()):
        body = _turtle(g)
        target = f"{url}{'&' if '?' in url else '?'}graph={urllib.parse.quote(iri, safe='')}"
        request = urllib.request.Request(target, data=body, method="PUT",
                                         headers={"Content-Type": "text/turtle; charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                if response.status >= 300:
                    raise KGError(f"{url}: the store answered {response.status} for graph {iri}")
        except urllib.error.HTTPError as exc:
            raise KGError(f"{url}: the store refused graph {iri}: HTTP {exc.code} {exc.reason}") from exc
        except urllib.error.URLError as exc:
            raise KGError(f"{url}: cannot reach the store ({exc.reason})") from exc
        sent.append(iri)
    return sent
