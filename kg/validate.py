"""`kg validate`: the ontology's SHACL shapes over the built graph."""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from .errors import KGError
from .ontology import DEFAULT_ONTOLOGY_DIR


def validate_graph(graph_path: Path, ontology_dir: Path = DEFAULT_ONTOLOGY_DIR) -> tuple[bool, str]:
    """(conforms, readable report)."""
    import pyshacl

    if not graph_path.exists():
        raise KGError(f"{graph_path}: not found; run `kg build` first")
    data = Graph().parse(graph_path, format="turtle")
    shapes = Graph().parse(ontology_dir / "shapes.ttl", format="turtle")
    ont = Graph()
    for name in ("kg.ttl", "entities.ttl"):
        ont.parse(ontology_dir / name, format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ont, inference="rdfs",
                                         abort_on_first=False, allow_warnings=True)
    return bool(conforms), str(text)
