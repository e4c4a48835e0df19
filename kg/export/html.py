"""The interactive HTML view: one self-contained file, no network access.

The page inlines vis-network from the installed pyvis package (pyvis's own
template links a CDN) and embeds the graph as JSON in a non-executable script
element. Article text only ever reaches the page through `textContent`, and the
JSON is escaped so that no sequence in it can close the element.

Large graphs stay usable because the page draws at most `node_limit` entities
at first (the most connected under the current filters; a control raises the
limit, and any entity found by search is drawn whatever its rank) and stops the
layout after `layout_budget_ms` milliseconds.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from ..errors import ExportError
from ..graph import Edge, KnowledgeGraph
from ..ontology import Ontology
from . import chunked, register
from .memo import RenderMemo, edge_pieces
from .rdf import _digest

#: Entities drawn when the page opens; the analyst can raise it in the page.
NODE_LIMIT = 200
#: The force layout stops after this long even if it has not settled.
LAYOUT_BUDGET_MS = 2500


@functools.lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    from importlib.util import find_spec

    spec = find_spec("pyvis")  # its files, without importing it (that takes a second)
    if spec is None or not spec.submodule_search_locations:
        raise ExportError("pyvis is not installed: the HTML view needs its vis-network files")
    lib = Path(spec.submodule_search_locations[0]) / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(encoding="utf-8")


def safe_json(value: object) -> str:
    """JSON that is inert inside an HTML <script> element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def edge_data(edge: Edge) -> dict:
    """What the page shows of one merged edge; its id is the digest of its RDF node."""
    evidence = [{"doc": a.evidence.doc_id, "sentence": a.evidence.sentence, "lang": a.evidence.lang,
                 "date": a.event_date or a.doc_date, "polarity": a.polarity, "modality": a.modality,
                 "attributed_to": a.attributed_to.label if a.attributed_to else None,
                 "agent": a.agent, "instrument": a.instrument} for a in edge.assertions]
    return {
        "id": _digest(*edge.key), "from": edge.subject.id, "to": edge.object.id, "relation": edge.relation,
        "polarity": edge.polarity, "modality": edge.modality, "mentions": edge.mentions,
        "sources": edge.sources, "confidence": edge.confidence, "first_seen": edge.first_seen,
        "last_seen": edge.last_seen, "langs": sorted({ev["lang"] for ev in evidence}),
        # The time slider shows an edge when one of its dates is in the window.
        "dates": sorted({ev["date"] for ev in evidence if ev["date"]}),
        "evidence": evidence,
    }


def _frame(graph: KnowledgeGraph, node_limit: int, layout_budget_ms: int) -> dict:
    """The page data but the edges: entities, articles and settings."""
    degree = graph.degree()
    nodes = [{"id": e.id, "label": e.label, "type": e.type, "aliases": list(e.aliases),
              "seen_as": [list(form) for form in graph.seen_as.get(e.id, ())],  # (lang, text) used in articles
              "wikidata": e.wikidata, "mentions": int(degree.get(e.id, 0))} for e in graph.entities.values()]
    docs = {a.doc_id: {"title": a.title, "date": a.date, "source": a.source, "lang": a.lang} for a in graph.articles}
    return {"nodes": nodes, "edges": [], "docs": docs,
            "settings": {"node_limit": node_limit, "layout_budget_ms": layout_budget_ms}}


def graph_data(graph: KnowledgeGraph, *, node_limit: int = NODE_LIMIT,
               layout_budget_ms: int = LAYOUT_BUDGET_MS) -> dict:
    """The data the page shows, and the settings it starts with."""
    return {**_frame(graph, node_limit, layout_budget_ms), "edges": [edge_data(edge) for edge in graph.edges]}


def _data_parts(graph: KnowledgeGraph, node_limit: int, layout_budget_ms: int,
                memo: RenderMemo | None) -> Iterator[str]:
    """`safe_json(graph_data(...))` in pieces, each edge's JSON one of them (from the
    memo when the last build rendered it)."""
    edges = edge_pieces(memo, "html", graph, lambda edge: safe_json(edge_data(edge)))
    head, sep, tail = safe_json(_frame(graph, node_limit, layout_budget_ms)).partition('"edges":[]')
    assert sep, "the edges' place in the page data"
    yield head + '"edges":['
    for i, edge in enumerate(edges):
        yield "," + edge if i else edge
    yield "]" + tail


def render_html(graph: KnowledgeGraph, *, node_limit: int = NODE_LIMIT,
                layout_budget_ms: int = LAYOUT_BUDGET_MS, memo: RenderMemo | None = None) -> bytes:
    """The page for `graph`, drawing at most `node_limit` entities when it opens."""
    return b"".join(html_chunks(graph, node_limit=node_limit, layout_budget_ms=layout_budget_ms, memo=memo))


def html_chunks(graph: KnowledgeGraph, *, node_limit: int = NODE_LIMIT, layout_budget_ms: int = LAYOUT_BUDGET_MS,
                memo: RenderMemo | None = None) -> Iterator[bytes]:
    """`render_html` in chunks (see `chunked`)."""
    template = resources.files("kg.export").joinpath("templates/graph.html").read_text(encoding="utf-8")
    js, css = _vis_assets()
    page = template.replace("/*VIS_CSS*/", css).replace("/*VIS_JS*/", js.replace("</script", "<\\/script"))
    # The data goes in last, so nothing in article text can be taken for a marker.
    before, marker, after = page.partition("/*KG_DATA*/")
    assert marker and "/*KG_DATA*/" not in after, "one place for the data in the template"
    return chunked([before, *_data_parts(graph, node_limit, layout_budget_ms, memo), after])


@register("html", "graph.html", "self-contained interactive HTML view")
def write_html(graph: KnowledgeGraph, ontology: Ontology, memo: RenderMemo | None = None) -> Iterator[bytes]:
    """Render the page with the default settings."""
    return html_chunks(graph, memo=memo)
