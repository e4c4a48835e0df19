"""The build end to end: exports, their validity, determinism and the cache."""
from __future__ import annotations

import shutil

import networkx as nx
import pyoxigraph
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.build import build
from kg.corpus import read_path

from .conftest import SEEDS, serialized_by_pyoxigraph


def test_build_writes_three_exports(seed_build):
    out, report = seed_build
    assert report.read == 5 and not report.skipped
    for name in ("graph.ttl", "graph.graphml", "graph.html"):
        assert (out / name).stat().st_size > 1000, name


def test_turtle_parses_with_rdflib_and_pyoxigraph_into_the_same_graph(seed_build):
    out, _ = seed_build
    rdflib_graph = Graph().parse(out / "graph.ttl", format="turtle")
    store = pyoxigraph.Store()
    with open(out / "graph.ttl", "rb") as fh:
        store.load(fh, pyoxigraph.RdfFormat.TURTLE)
    nt = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in store)
    oxi_graph = Graph().parse(data=nt, format="nt")
    assert len(rdflib_graph) > 100
    assert isomorphic(rdflib_graph, oxi_graph)


def test_graphml_loads_with_scalar_attributes(seed_build):
    out, _ = seed_build
    g = nx.read_graphml(out / "graph.graphml")
    assert g.number_of_nodes() > 5 and g.number_of_edges() > 5
    for _, data in g.nodes(data=True):
        assert all(isinstance(v, (str, int, float, bool)) for v in data.values())
    for _, _, data in g.edges(data=True):
        assert all(isinstance(v, (str, int, float, bool)) for v in data.values())
        assert data["relation"] and data["polarity"] in ("positive", "negative")


def test_two_builds_are_byte_identical(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    build(SEEDS, a)
    build(SEEDS, b, full=True)
    for name in ("graph.ttl", "graph.graphml", "graph.html"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_no_relation_comes_from_a_boilerplate_line(seed_build):
    _, report = seed_build
    sentences = [a.evidence.sentence for e in report.graph.edges for a in e.assertions]
    assert sentences
    for marker in ("Baca juga", "More Stories", "KEYWORD", "automatically generated", "JURNAS VIDEO"):
        assert not any(marker in s for s in sentences), marker


def test_evidence_points_into_the_article_text(seed_build):
    _, report = seed_build
    texts = {a.doc_id: read_path(SEEDS / a.doc_id)[0].text for a in report.graph.articles}
    for edge in report.graph.edges:
        for a in edge.assertions:
            ev = a.evidence
            assert texts[ev.doc_id][ev.char_start:ev.char_end].strip() == ev.sentence


def test_rebuild_reuses_the_cache_and_extracts_only_what_changed(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    out = tmp_path / "out"
    first = build(corpus, out)
    assert (first.extracted, first.reused) == (5, 0)
    again = build(corpus, out)
    assert (again.extracted, again.reused) == (0, 5)
    (corpus / "extra.txt").write_text(
        "MINSK, 4 March 2024 - Belarus accused Ukraine of provocations on the border.\n", encoding="utf-8")
    added = build(corpus, out)
    assert (added.extracted, added.reused) == (1, 5)
    (corpus / "extra.txt").unlink()
    removed = build(corpus, out)
    assert removed.read == 5
    assert all(a.evidence.doc_id != "extra.txt" for e in removed.graph.edges for a in e.assertions)


def test_corrupted_cache_entry_is_re_extracted(tmp_path):
    out = tmp_path / "out"
    build(SEEDS, out)
    entries = sorted((out / ".kg-cache").glob("*/*/*.json"))
    packs = sorted((out / ".kg-cache").glob("*/*.pack"))
    assert len(entries) == 5 and len(packs) == 1
    packs[0].write_bytes(b"\x00garbage{")  # the corpus's packed entries: each is read from its file
    again = build(SEEDS, out)
    assert (again.extracted, again.reused) == (0, 5)
    entries[0].write_bytes(b"\x00garbage{")  # the pack was rewritten: it still holds the entry
    assert (build(SEEDS, out).extracted, build(SEEDS, out).reused) == (0, 5)
    packs[0].unlink()
    entries[0].write_bytes(b"\x00garbage{")
    again = build(SEEDS, out)
    assert (again.extracted, again.reused) == (1, 4)


def test_render_memo_reuses_unchanged_edges_and_ignores_a_bad_memo(tmp_path):
    from kg.export import REGISTRY
    from kg.export.memo import MEMO_FILE, RenderMemo
    from kg.ontology import load_ontology

    out = tmp_path / "out"
    first = build(SEEDS, out)
    memo_file = next((out / ".kg-cache").glob(f"*/{MEMO_FILE}"))
    exports = {name: (out / name).read_bytes() for name in ("graph.ttl", "graph.graphml", "graph.html")}
    memo = RenderMemo(memo_file)
    assert len(memo.old) == 3 * len(first.graph.edges)  # one piece per edge per format
    rendered = {REGISTRY[f].filename: REGISTRY[f].render(first.graph, load_ontology(), memo)
                for f in ("turtle", "graphml", "html")}
    assert rendered == exports and (memo.hits, memo.misses) == (len(memo.old), 0)  # every piece reused
    build(SEEDS, out)
    assert {name: (out / name).read_bytes() for name in exports} == exports
    memo_file.write_bytes(b"\x00garbage{")
    assert RenderMemo(memo_file).old == {}
    build(SEEDS, out)
    assert {name: (out / name).read_bytes() for name in exports} == exports


def test_hosts_query_finds_belarus_hosting_wagner_with_the_indonesian_sentence(seed_build):
    from kg.query import run_query

    out, _ = seed_build
    _, rows = run_query([out / "graph.ttl"], """
        SELECT ?sentence WHERE {
          ?s kg:hosts ?o .
          ?a rdf:subject ent:Belarus ; rdf:predicate kg:hosts ; rdf:object ent:WagnerGroup ; kg:sentence ?sentence .
        }""")
    assert rows, "Belarus hosts Wagner Group not found"
    assert any("Wagner" in r[0] for r in rows)


@pytest.mark.parametrize("fmt", ["ntriples", "jsonld"])
def test_other_rdf_formats_parse(tmp_path, fmt):
    from kg.export import REGISTRY

    out = tmp_path / "o"
    build(SEEDS, out, formats=(fmt,))
    parser = {"ntriples": "nt", "jsonld": "json-ld"}[fmt]
    assert len(Graph().parse(out / REGISTRY[fmt].filename, format=parser)) > 100


def test_parallel_extraction_gives_the_same_graph(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    for f in sorted(SEEDS.iterdir()):  # enough articles for several batches
        for n in range(3):
            (corpus / f"copy{n}_{f.name}").write_bytes(f.read_bytes())
    one = build(corpus, tmp_path / "one", full=True, jobs=1, formats=("turtle",))
    two = build(corpus, tmp_path / "two", full=True, jobs=2, formats=("turtle",))
    assert one.read == two.read == 20
    assert (tmp_path / "one" / "graph.ttl").read_bytes() == (tmp_path / "two" / "graph.ttl").read_bytes()


def test_builds_in_separate_processes_are_byte_identical(tmp_path):
    """Python randomises string hashing per process: no set order may leak into the output."""
    import os
    import subprocess
    import sys

    digests = set()
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(SEEDS), "--out", str(out), "-q",
                               "--format", "turtle", "--format", "graphml"], env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        digests.add(((out / "graph.ttl").read_bytes(), (out / "graph.graphml").read_bytes()))
    assert len(digests) == 1


def test_rebuild_reads_only_changed_files_and_sees_edits_renames_and_removals(tmp_path, monkeypatch):
    import os

    import kg.build

    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    out = tmp_path / "out"
    first = build(corpus, out, formats=("turtle",))
    assert (first.files_parsed, first.extracted) == (5, 5)
    assert all(a.text == "" for a in first.graph.articles)  # streamed: no article text is kept
    same = build(corpus, out, formats=("turtle",))
    assert (same.files_parsed, same.extracted, same.reused) == (0, 0, 5)
    assert same.graph.edges == first.graph.edges and same.graph.articles == first.graph.articles

    names = sorted(p.name for p in corpus.iterdir())
    # Touched, not changed: metadata differs, bytes do not -> neither parsed nor extracted.
    os.utime(corpus / names[0], ns=(1_000_000_000, 1_000_000_000))
    touched = build(corpus, out, formats=("turtle",))
    assert (touched.files_parsed, touched.extracted) == (0, 0)

    # Edited with the same size and the old modification time: the changed ctime gives it away.
    path = corpus / names[1]
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Belarus", "Belarux", 1), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    edited = build(corpus, out, formats=("turtle",))
    assert (edited.files_parsed, edited.extracted, edited.reused) == (1, 1, 4)

    # Renamed: a new document; the old name's evidence leaves the graph.
    (corpus / names[2]).rename(corpus / ("renamed_" + names[2]))
    renamed = build(corpus, out, formats=("turtle",))
    assert (renamed.files_parsed, renamed.extracted) == (1, 1)
    docs = {a.doc_id for a in renamed.graph.articles}
    assert "renamed_" + names[2] in docs and names[2] not in docs
    assert all(a.evidence.doc_id != names[2] for e in renamed.graph.edges for a in e.assertions)

    # Removed.
    (corpus / names[3]).unlink()
    removed = build(corpus, out, formats=("turtle",))
    assert (removed.read, removed.files_parsed, removed.extracted) == (4, 0, 0)
    assert names[3] not in {a.doc_id for a in removed.graph.articles}

    # --full reads and extracts everything.
    full = build(corpus, out, formats=("turtle",), full=True)
    assert (full.files_parsed, full.extracted, full.reused) == (4, 4, 0)
    assert full.graph.edges == removed.graph.edges

    # A new pipeline version (rules, ontology or lexicons changed) starts a new cache.
    monkeypatch.setattr(kg.build, "pipeline_version", lambda ontology, lexicons: "0123456789abcdef")
    changed = build(corpus, out, formats=("turtle",))
    assert (changed.files_parsed, changed.extracted) == (4, 4)
    assert [p.name for p in (out / ".kg-cache").iterdir()] == ["0123456789abcdef"]


def test_rebuild_output_matches_a_full_build_byte_for_byte(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    build(corpus, tmp_path / "inc")
    (corpus / "extra.txt").write_text(
        "MINSK, 4 March 2024 - Belarus accused Ukraine of provocations on the border.\n", encoding="utf-8")
    again = build(corpus, tmp_path / "inc")
    assert again.extracted == 1
    next(corpus.glob("002_*")).unlink()  # edges lose evidence: the memo's pieces of them do not fit
    build(corpus, tmp_path / "inc")
    build(corpus, tmp_path / "full", full=True)
    for name in ("graph.ttl", "graph.graphml", "graph.html"):
        assert (tmp_path / "inc" / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name


def test_fast_rdf_writers_match_the_rdflib_terms(seed_build):
    """The Turtle and N-Triples writers skip rdflib; their bytes must be those of
    serialising `export_triples` sorted as rdflib orders terms."""
    from kg.export import REGISTRY
    from kg.export.rdf import export_triples
    from kg.ontology import load_ontology

    _, report = seed_build
    ontology = load_ontology()
    triples = export_triples(report.graph, ontology)
    assert REGISTRY["turtle"].render(report.graph, ontology) == serialized_by_pyoxigraph(triples, "TURTLE")
    assert REGISTRY["ntriples"].render(report.graph, ontology) == serialized_by_pyoxigraph(triples, "N_TRIPLES")
