"""Shared fixtures: the repository paths and one seed build per test session."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"

# The tests' `kg` subprocesses never hand their commands to a build server the
# developer may have running: they look for one in a directory of their own.
os.environ["KG_SERVER_DIR"] = tempfile.mkdtemp(prefix="kg-test-server-")


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """Build the seeds once into a temporary directory; returns (out_dir, report)."""
    from kg.build import build

    out = tmp_path_factory.mktemp("exports")
    report = build(SEEDS, out)
    return out, report


def serialized_by_pyoxigraph(triples, fmt: str = "TURTLE") -> bytes:
    """rdflib triples sorted as the export sorts them (subject, predicate, object in N3)
    and serialised by pyoxigraph: the bytes kg's own RDF writers must give."""
    import pyoxigraph
    from rdflib import URIRef

    from kg.export.rdf import PREFIXES

    def oxi(term):
        if isinstance(term, URIRef):
            return pyoxigraph.NamedNode(str(term))
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
        return pyoxigraph.Literal(str(term))

    ordered = sorted(triples, key=lambda t: (str(t[0]), str(t[1]), t[2].n3()))
    return pyoxigraph.serialize([pyoxigraph.Triple(oxi(s), oxi(p), oxi(o)) for s, p, o in ordered],
                                format=getattr(pyoxigraph.RdfFormat, fmt),
                                prefixes={name: str(ns) for name, ns in PREFIXES} if fmt == "TURTLE" else None)
