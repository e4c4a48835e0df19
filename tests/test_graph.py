"""Invariants of merging and exporting, checked with generated assertions."""
from __future__ import annotations

import io

import networkx as nx
import pyoxigraph
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.export import REGISTRY
from kg.export.graphml import to_networkx, write_graphml
from kg.export.rdf import build_rdf, export_triples
from kg.graph import merge
from kg.model import Article, Assertion, Entity, Evidence, ExtractionResult
from kg.ontology import load_ontology

from .conftest import serialized_by_pyoxigraph

ONTOLOGY = load_ontology()
RELATIONS = sorted(ONTOLOGY.relations)
KNOWN = [ONTOLOGY.individuals[i].entity() for i in ("Belarus", "Russia", "Ukraine", "WagnerGroup",
                                                   "AlexanderLukashenko")]
# Names the ontology lacks, hostile on purpose: quotes, brackets, RTL text, emoji, control characters.
names = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20)
new_entities = names.map(lambda n: Entity("new/Person/" + n, n, "Person", (n.upper(),), None, False))
entities = st.one_of(st.sampled_from(KNOWN), new_entities)


@st.composite
def assertions(draw):
    doc = draw(st.sampled_from(["a.txt", "b dir/c.md", "d#1.jsonl"]))
    sentence = draw(st.text(max_size=60))
    return Assertion(
        subject=draw(entities), relation=draw(st.sampled_from(RELATIONS)), object=draw(entities),
        evidence=Evidence(doc, sentence, draw(st.integers(0, 50)), 0, len(sentence), draw(st.sampled_from(["en", "ru"]))),
        polarity=draw(st.sampled_from(["positive", "negative"])),
        modality=draw(st.sampled_from(["asserted", "reported", "hypothetical", "future"])),
        doc_date=draw(st.sampled_from([None, "2024-08-13", "2022-12-03"])),
        confidence=draw(st.sampled_from([0.5, 0.7, 0.85])))


def results(items: list[Assertion]) -> list[ExtractionResult]:
    by_doc: dict[str, list[Assertion]] = {}
    for a in items:
        by_doc.setdefault(a.evidence.doc_id, []).append(a)
    return [ExtractionResult(Article(doc, "", "en", title="t <b>", date="2024-01-01"), tuple(v))
            for doc, v in by_doc.items()]


FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.lists(assertions(), max_size=12), st.randoms())
def test_merge_is_order_independent_and_idempotent(items, rnd):
    one = merge(results(items))
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert merge(results(shuffled)) == one
    assert merge(results(items) + results(items)) == one


@FAST
@given(st.lists(assertions(), min_size=1, max_size=8))
def test_turtle_round_trips_through_two_parsers(items):
    graph = build_rdf(merge(results(items)), ONTOLOGY)
    text = graph.serialize(format="turtle")
    back = Graph().parse(data=text, format="turtle")
    assert isomorphic(graph, back)
    store = pyoxigraph.Store()
    store.load(text.encode("utf-8"), pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(back)


@FAST
@given(st.lists(assertions(), min_size=1, max_size=8))
def test_graphml_loads_with_scalar_attributes(tmp_path_factory, items):
    path = tmp_path_factory.mktemp("g") / "g.graphml"
    path.write_bytes(write_graphml(merge(results(items)), ONTOLOGY))
    g = nx.read_graphml(path)
    for _, _, data in g.edges(data=True):
        assert all(isinstance(v, (str, int, float, bool)) for v in data.values())


@FAST
@given(st.lists(assertions(), max_size=8))
def test_graphml_writer_writes_what_networkx_writes(items):
    graph = merge(results(items))
    expected = io.BytesIO()
    nx.write_graphml(to_networkx(graph), expected, encoding="utf-8", prettyprint=True)
    assert write_graphml(graph, ONTOLOGY) == expected.getvalue()


@FAST
@given(st.lists(assertions(), max_size=8))
def test_turtle_writer_writes_what_pyoxigraph_writes(items):
    """Hostile names and sentences: the writer's escapes and prefixed names are pyoxigraph's."""
    graph = merge(results(items))
    assert REGISTRY["turtle"].render(graph, ONTOLOGY) == serialized_by_pyoxigraph(export_triples(graph, ONTOLOGY))


def test_negative_relations_are_never_direct_triples():
    ev = Evidence("x.txt", "Belarus has ruled out joining the war.", 0, 0, 38, "en")
    a = Assertion(KNOWN[0], "joinsWarAgainst", KNOWN[2], ev, polarity="negative")
    g = build_rdf(merge(results([a])), ONTOLOGY)
    from kg.ontology import ENT, KG

    assert (ENT.Belarus, KG.joinsWarAgainst, ENT.Ukraine) not in g
    assert len(list(g.subjects(KG.polarity, None))) == 2  # the assertion and the merged relation
