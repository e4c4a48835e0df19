"""GraphML for Gephi and Cytoscape: scalar attributes only.

`to_networkx` defines the graph (one node per entity, one edge per merged
relation); `write_graphml` writes the bytes networkx's `write_graphml` writes for
it (tests/test_build.py and tests/test_graph.py check it) without building the
networkx graph and its XML tree, and takes each edge's element from the memo
when the last build rendered the same edge.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..graph import Edge, KnowledgeGraph
from ..ontology import Ontology
from . import register
from .memo import RenderMemo, edge_pieces
from .rdf import _clean

if TYPE_CHECKING:
    import networkx as nx

_NODE_ATTRS = (("label", "string"), ("type", "string"), ("wikidata", "string"), ("aliases", "string"),
               ("mentions", "long"))
_EDGE_ATTRS = (("relation", "string"), ("polarity", "string"), ("modality", "string"), ("mentions", "long"),
               ("sources", "long"), ("confidence", "double"), ("first_seen", "string"), ("last_seen", "string"),
               ("evidence", "string"))
_HEAD = ("<?xml version='1.0' encoding='utf-8'?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://graphml.graphdrawing.org/"
         "xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">")
# ElementTree's escapes, as networkx's writer gets them.
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;",
                       "\t": "&#9;"})


def _node_values(graph: KnowledgeGraph) -> list[tuple[str, tuple]]:
    degree = graph.degree()
    return [(_clean(ent.id), (_clean(ent.label), ent.type, ent.wikidata or "", _clean("; ".join(ent.aliases)),
                              int(degree.get(ent.id, 0))))
            for ent in graph.entities.values()]


def _edge_values(edge: Edge) -> tuple[str, str, str, tuple]:
    return (_clean(edge.subject.id), _clean(edge.object.id), _clean("|".join(edge.key)),
            (edge.relation, edge.polarity, edge.modality, edge.mentions, edge.sources, float(edge.confidence),
             edge.first_seen or "", edge.last_seen or "",
             _clean(edge.assertions[0].evidence.sentence) if edge.assertions else ""))


def to_networkx(graph: KnowledgeGraph) -> nx.MultiDiGraph:
    """A MultiDiGraph with one node per entity and one edge per merged relation."""
    import networkx as nx

    g = nx.MultiDiGraph()
    for node, values in _node_values(graph):
        g.add_node(node, **dict(zip((name for name, _ in _NODE_ATTRS), values)))
    for edge in graph.edges:
        source, target, key, values = _edge_values(edge)
        g.add_edge(source, target, key=key, **dict(zip((name for name, _ in _EDGE_ATTRS), values)))
    return g


def _data(keys: list[str], values: tuple) -> str:
    return "".join(f'  <data key="{k}">{str(v).translate(_TEXT)}</data>\n' for k, v in zip(keys, values))


@register("graphml", "graph.graphml", "GraphML for Gephi and Cytoscape")
def write_graphml(graph: KnowledgeGraph, ontology: Ontology, memo: RenderMemo | None = None) -> bytes:
    """Serialise the graph as GraphML."""
    nodes = _node_values(graph)
    declared = [(name, kind, "node") for name, kind in _NODE_ATTRS] if nodes else []
    declared += [(name, kind, "edge") for name, kind in _EDGE_ATTRS] if graph.edges else []
    ids = [f"d{i}" for i in range(len(declared))]
    node_keys, edge_keys = ids[:len(_NODE_ATTRS)] if nodes else [], ids[len(_NODE_ATTRS) if nodes else 0:]

    def element(edge: Edge) -> str:
        source, target, key, values = _edge_values(edge)
        return (f'<edge source="{source.translate(_ATTR)}" target="{target.translate(_ATTR)}" '
                f'id="{key.translate(_ATTR)}">\n{_data(edge_keys, values)}</edge>\n')

    parts = [_HEAD]
    parts += [f'<key id="{i}" for="{where}" attr.name="{name}" attr.type="{kind}"/>\n'
              for i, (name, kind, where) in reversed(list(zip(ids, declared)))]
    parts.append('<graph edgedefault="directed">')
    parts += [f'<node id="{node.translate(_ATTR)}">\n{_data(node_keys, values)}</node>\n' for node, values in nodes]
    # networkx writes the edges by source node, then by target in the order the
    # target was first reached from that source, then in the order they were added.
    elements = edge_pieces(memo, "graphml", graph, element)
    by_source: dict[str, dict[str, list[str]]] = {node: {} for node, _ in nodes}
    for edge, text in zip(graph.edges, elements):
        source, target = _clean(edge.subject.id), _clean(edge.object.id)
        by_source.setdefault(source, {}).setdefault(target, []).append(text)
    for targets in by_source.values():
        for texts in targets.values():
            parts += texts
    parts.append("</graph></graphml>")
    return "".join(parts).encode("utf-8")
