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

from rdflib import RDF, Graph, URIRef

from .errors import KGError
from .export.rdf import DOC, build_rdf, doc_iri
from .graph import KnowledgeGraph
from .ontology import KG, Ontology

ONTOLOGY_GRAPH = "https://w3id.org/kg-rbu/graph/ontology"
SUMMARY_GRAPH = "https://w3id.org/kg-rbu/graph/relations"


def article_graph(doc_id: str) -> str:
    """The named graph that holds one article's statements."""
    return str(doc_iri(doc_id)).replace(str(DOC), "https://w3id.org/kg-rbu/graph/doc/")


def named_graphs(graph: KnowledgeGraph, ontology: Ontology) -> dict[str, Graph]:
    """The named graphs to send, by graph IRI."""
    full = build_rdf(graph, ontology)
    out: dict[str, Graph] = {}
    onto = Graph()
    for path in ontology.files:
        onto.parse(path, format="turtle")
    out[ONTOLOGY_GRAPH] = onto
    summary = Graph()
    for node in full.subjects(RDF.type, KG.MergedRelation):
        for p, o in full.predicate_objects(node):
            summary.add((node, p, o))
    out[SUMMARY_GRAPH] = summary
    for article in graph.articles:
        g = Graph()
        doc_node = doc_iri(article.doc_id)
        for p, o in full.predicate_objects(doc_node):
            g.add((doc_node, p, o))
        for a in full.subjects(URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), doc_node):
            for p, o in full.predicate_objects(a):
                g.add((a, p, o))
            s, pred, obj = full.value(a, RDF.subject), full.value(a, RDF.predicate), full.value(a, RDF.object)
            if str(full.value(a, KG.polarity)) == "positive":
                g.add((s, pred, obj))
            for ent in (s, obj, full.value(a, KG.attributedTo)):
                if ent is not None:
                    for p, o in full.predicate_objects(ent):
                        if not isinstance(o, URIRef) or p == RDF.type or str(o).startswith("http://www.wikidata"):
                            g.add((ent, p, o))
        out[article_graph(article.doc_id)] = g
    return out


def push(graph: KnowledgeGraph, ontology: Ontology, url: str, timeout: float = 60.0) -> list[str]:
    """PUT every named graph to the store's Graph Store endpoint; returns the graph IRIs sent."""
    if not url.startswith(("http://", "https://")):
        raise KGError(f"{url}: not an http(s) Graph Store endpoint (e.g. http://127.0.0.1:7878/store)")
    sent = []
    for iri, g in sorted(named_graphs(graph, ontology).items()):
        body = g.serialize(format="turtle", encoding="utf-8")
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
