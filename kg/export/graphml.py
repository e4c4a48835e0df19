"""GraphML for Gephi and Cytoscape: scalar attributes only."""
from __future__ import annotations

import io

import networkx as nx

from ..graph import KnowledgeGraph
from ..ontology import Ontology
from . import register
from .rdf import _clean


def to_networkx(graph: KnowledgeGraph) -> nx.MultiDiGraph:
    """A MultiDiGraph with one node per entity and one edge per merged relation."""
    g = nx.MultiDiGraph()
    degree = graph.degree()
    for ent in graph.entities.values():
        g.add_node(_clean(ent.id), label=_clean(ent.label), type=ent.type, wikidata=ent.wikidata or "",
                   aliases=_clean("; ".join(ent.aliases)), mentions=int(degree.get(ent.id, 0)))
    for edge in graph.edges:
        g.add_edge(_clean(edge.subject.id), _clean(edge.object.id), key=_clean("|".join(edge.key)),
                   relation=edge.relation, polarity=edge.polarity, modality=edge.modality,
                   mentions=edge.mentions, sources=edge.sources, confidence=float(edge.confidence),
                   first_seen=edge.first_seen or "", last_seen=edge.last_seen or "",
                   evidence=_clean(edge.assertions[0].evidence.sentence) if edge.assertions else "")
    return g


@register("graphml", "graph.graphml", "GraphML for Gephi and Cytoscape")
def write_graphml(graph: KnowledgeGraph, ontology: Ontology) -> bytes:
    """Serialise the graph as GraphML."""
    buf = io.BytesIO()
    nx.write_graphml(to_networkx(graph), buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()
