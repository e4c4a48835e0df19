"""The interactive HTML view: one self-contained file, no network access.

The page inlines vis-network from the installed pyvis package (pyvis's own
template links a CDN) and embeds the graph as JSON in a non-executable script
element. Article text only ever reaches the page through `textContent`, and the
JSON is escaped so that no sequence in it can close the element.
"""
from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path

from ..graph import KnowledgeGraph
from ..ontology import Ontology
from . import register


@functools.lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    import pyvis

    lib = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(encoding="utf-8")


def safe_json(value: object) -> str:
    """JSON that is inert inside an HTML <script> element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def graph_data(graph: KnowledgeGraph) -> dict:
    """The data the page shows."""
    degree = graph.degree()
    nodes = [{"id": e.id, "label": e.label, "type": e.type, "aliases": list(e.aliases),
              "wikidata": e.wikidata, "mentions": int(degree.get(e.id, 0))} for e in graph.entities.values()]
    edges = []
    for i, edge in enumerate(graph.edges):
        edges.append({
            "id": f"e{i}", "from": edge.subject.id, "to": edge.object.id, "relation": edge.relation,
            "polarity": edge.polarity, "modality": edge.modality, "mentions": edge.mentions,
            "sources": edge.sources, "confidence": edge.confidence, "first_seen": edge.first_seen,
            "last_seen": edge.last_seen, "langs": sorted({a.evidence.lang for a in edge.assertions}),
            "evidence": [{"doc": a.evidence.doc_id, "sentence": a.evidence.sentence, "lang": a.evidence.lang,
                          "polarity": a.polarity, "modality": a.modality,
                          "attributed_to": a.attributed_to.label if a.attributed_to else None,
                          "agent": a.agent, "instrument": a.instrument} for a in edge.assertions],
        })
    docs = {a.doc_id: {"title": a.title, "date": a.date, "source": a.source, "lang": a.lang} for a in graph.articles}
    return {"nodes": nodes, "edges": edges, "docs": docs}


@register("html", "graph.html", "self-contained interactive HTML view")
def write_html(graph: KnowledgeGraph, ontology: Ontology) -> bytes:
    """Render the page."""
    template = resources.files("kg.export").joinpath("templates/graph.html").read_text(encoding="utf-8")
    js, css = _vis_assets()
    # The data goes in last, so nothing in article text can be taken for a marker.
    page = (template.replace("/*VIS_CSS*/", css)
            .replace("/*VIS_JS*/", js.replace("</script", "<\\/script"))
            .replace("/*KG_DATA*/", safe_json(graph_data(graph))))
    return page.encode("utf-8")
