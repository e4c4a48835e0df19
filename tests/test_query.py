"""SPARQL over the built graph (kg/query.py) and the ready queries in queries/."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from kg.errors import QueryError
from kg.query import PREFIXES, load_store, run_query

from .conftest import ROOT

QUERIES = sorted((ROOT / "queries").glob("*.rq"))

# single_source_claims.rq as one would first write it: the file is reordered for
# speed and must keep giving exactly these rows.
PLAIN_SINGLE_SOURCE_CLAIMS = """
SELECT ?subject ?relation ?object ?confidence WHERE {
  ?r a kg:MergedRelation ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
     kg:polarity "positive" ; kg:sources 1 ; kg:confidence ?confidence .
  ?s rdfs:label ?subject . ?o rdfs:label ?object .
  BIND(STRAFTER(STR(?p), "#") AS ?relation)
}"""


@pytest.fixture(scope="module")
def graph_files(seed_build):
    out, _ = seed_build
    return [out / "graph.ttl", ROOT / "ontology" / "kg.ttl"]


def _select_variables(text: str) -> list[str]:
    return re.findall(r"\?(\w+)", re.search(r"^SELECT(.*?)WHERE", text, re.MULTILINE).group(1))


@pytest.mark.parametrize("rq", QUERIES, ids=[rq.stem for rq in QUERIES])
def test_every_ready_query_finds_rows_in_the_seed_graph(graph_files, rq):
    text = rq.read_text(encoding="utf-8")
    variables, rows = run_query(graph_files, text)
    assert variables == _select_variables(text)
    assert rows and all(len(row) == len(variables) for row in rows)


@pytest.mark.parametrize("rq", QUERIES, ids=[rq.stem for rq in QUERIES])
def test_the_store_kept_on_disk_answers_like_one_loaded_in_memory(graph_files, rq):
    """The on-disk store is compacted after loading; it must still hold every triple."""
    text = rq.read_text(encoding="utf-8")
    _, on_disk = run_query(graph_files, text)
    in_memory = load_store(graph_files, persistent=False)
    expected = [["" if term is None else term.value for term in solution]
                for solution in in_memory.query(PREFIXES + text)]
    assert Counter(map(tuple, on_disk)) == Counter(map(tuple, expected))


def test_single_source_claims_gives_the_rows_of_its_plain_form_by_confidence(graph_files):
    variables, rows = run_query(graph_files, (ROOT / "queries" / "single_source_claims.rq").read_text("utf-8"))
    plain_variables, plain_rows = run_query(graph_files, PLAIN_SINGLE_SOURCE_CLAIMS)
    assert variables == plain_variables
    assert rows and Counter(map(tuple, rows)) == Counter(map(tuple, plain_rows))
    confidences = [float(row[variables.index("confidence")]) for row in rows]
    assert confidences == sorted(confidences)


@pytest.mark.parametrize("query, answer", [
    ("ASK { ent:Belarus kg:allyOf ent:Russia }", "true"),
    ("ASK { ent:Belarus kg:allyOf ent:Atlantis }", "false"),
])
def test_ask_answers_true_or_false(graph_files, query, answer):
    assert run_query(graph_files, query) == (["ask"], [[answer]])


def test_construct_gives_subject_predicate_object_rows(graph_files):
    variables, rows = run_query(graph_files, "CONSTRUCT WHERE { ent:Belarus kg:allyOf ?o }")
    assert variables == ["subject", "predicate", "object"]
    assert ["https://w3id.org/kg-rbu/entity/Belarus", "https://w3id.org/kg-rbu/ontology#allyOf",
            "https://w3id.org/kg-rbu/entity/Russia"] in rows


def test_an_unbound_variable_is_an_empty_cell(graph_files):
    _, rows = run_query(graph_files, "SELECT ?o ?none WHERE { ent:Belarus kg:allyOf ?o OPTIONAL { ?o kg:no ?none } }")
    assert rows and all(row[1] == "" for row in rows)


def test_an_error_raised_while_reading_results_is_a_query_error(graph_files):
    # Oxigraph evaluates lazily: this SERVICE call fails only once results are read.
    with pytest.raises(QueryError, match="SPARQL error"):
        run_query(graph_files, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
