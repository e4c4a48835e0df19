"""Merging again from the last merge's state (kg.graph.incremental) gives `merge`'s graph."""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.graph import merge
from kg.graph.dedupe import MergeRules
from kg.graph.incremental import MergeState
from kg.graph.names import load_name_tables
from kg.model import Article, Assertion, Entity, Evidence, ExtractionResult
from kg.ontology import load_ontology

ONTOLOGY = load_ontology()
TABLES = load_name_tables()
RULES = MergeRules()
OPTIONS = {"ontology": ONTOLOGY, "rules": RULES, "names": TABLES}
KNOWN = [ONTOLOGY.individuals[i].entity() for i in ("Belarus", "Russia", "Ukraine", "Poland", "SergeiShoigu")]
# Spellings of invented people in several scripts (deduplication merges some of them), two labels
# for one id ("Ivan Petrov" and "IVAN Petrov" fold alike), and a name the ontology knows (Шойгу).
SPELLINGS = [("Ivan Petrov", "en"), ("IVAN Petrov", "en"), ("Иван Петров", "ru"), ("Ivan Petroff", "fr"),
             ("Pavel Latushko", "en"), ("Павло Латушко", "uk"), ("Pavel Latouchko", "fr"), ("Сергей Шойгу", "ru")]
RELATIONS = ["officialOf", "accuses", "meetsWith", "threatens"]  # meetsWith is symmetric


def new(label: str) -> Entity:
    return Entity(f"new/Person/{'_'.join(TABLES.exact_key(label).split())}", label, "Person", (), None, False)


def result(doc: str, version: int, rnd: random.Random) -> ExtractionResult:
    """An article's result: a few assertions between invented people and states."""
    assertions, names = [], []
    for index in range(rnd.randint(0, 4)):
        label, lang = rnd.choice(SPELLINGS)
        person = new(label)
        other = rnd.choice(KNOWN + [new(rnd.choice(SPELLINGS)[0])])
        sentence = f"{label} v{version} {index}."
        ev = Evidence(doc, sentence, rnd.randint(0, 2), 0, len(sentence), lang)
        by = rnd.choice([None, None, rnd.choice(KNOWN)])
        assertions.append(Assertion(person, rnd.choice(RELATIONS), other, ev, polarity=rnd.choice(["positive", "negative"]),
                                    attributed_to=by, doc_date="2024-07-01", confidence=0.8))
        names.append((person.id, lang, label))
    return ExtractionResult(Article(doc, f"text of {doc} v{version}", "en", date="2024-07-01"), tuple(assertions),
                            names=tuple(sorted(set(names))))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False), st.booleans())
def test_each_update_equals_a_merge_from_scratch(rnd, dedupe):
    docs = [f"d{i}.txt" for i in range(8)]
    current = {d: result(d, 0, rnd) for d in rnd.sample(docs, 4)}
    state = MergeState()
    for step in range(12):
        graph = state.update(list(current.values()), **OPTIONS, dedupe=dedupe)
        assert graph == merge(list(current.values()), **OPTIONS, dedupe=dedupe), step
        action = rnd.random()
        doc = rnd.choice(docs)
        if action < 0.4:
            current[doc] = result(doc, step + 1, rnd)  # added or edited
        elif action < 0.8:
            current.pop(doc, None)
        else:  # the same results in another order
            items = list(current.items())
            rnd.shuffle(items)
            current = dict(items)


def test_an_edge_no_change_touched_is_the_same_object():
    rnd = random.Random(3)
    results = [result(f"d{i}.txt", 0, rnd) for i in range(6)]
    state = MergeState()
    before = state.update(results, **OPTIONS)
    ev = Evidence("z.txt", "Poland accuses Russia.", 0, 0, 22, "en")
    extra = ExtractionResult(Article("z.txt", ev.sentence, "en"), (Assertion(KNOWN[3], "accuses", KNOWN[1], ev),))
    after = state.update(results + [extra], **OPTIONS)
    assert after == merge(results + [extra], **OPTIONS)
    old = {e.key: e for e in before.edges}
    assert all(e is old[e.key] for e in after.edges if e.key != ("Poland", "accuses", "Russia", "positive"))


def test_results_it_cannot_decompose_are_left_to_merge():
    rnd = random.Random(5)
    one, two = result("a.txt", 0, rnd), result("a.txt", 1, rnd)  # one document id, two results
    state = MergeState()
    assert state.update([one, two], **OPTIONS) is None
    assert merge([one, two], **OPTIONS, state=state) == merge([one, two], **OPTIONS)
    ev = Evidence("elsewhere.txt", "Poland accuses Russia.", 0, 0, 22, "en")  # evidence naming another document
    odd = ExtractionResult(Article("b.txt", ev.sentence, "en"), (Assertion(KNOWN[3], "accuses", KNOWN[1], ev),))
    assert state.update([one, odd], **OPTIONS) is None
    assert merge([one, odd], **OPTIONS, state=state) == merge([one, odd], **OPTIONS)
    assert state.update([one], **OPTIONS) == merge([one], **OPTIONS)  # usable again once it is gone


@pytest.mark.parametrize("seed", range(3))
def test_a_new_spelling_that_changes_the_canonical_entity_rewrites_older_documents(seed):
    rnd = random.Random(seed)
    first = [result(f"d{i}.txt", 0, rnd) for i in range(5)]
    state = MergeState()
    state.update(first, **OPTIONS)
    # Three more documents naming Павло Латушко make his spelling the most named.
    more = []
    for i in range(3):
        person, ev = new("Павло Латушко"), Evidence(f"e{i}.txt", "Павло Латушко.", 0, 0, 14, "uk")
        more.append(ExtractionResult(Article(f"e{i}.txt", ev.sentence, "uk"),
                                     (Assertion(person, "officialOf", KNOWN[0], ev),),
                                     names=((person.id, "uk", "Павло Латушко"),)))
    assert state.update(first + more, **OPTIONS) == merge(first + more, **OPTIONS)
    assert state.update(first, **OPTIONS) == merge(first, **OPTIONS)


# ------------------------------------------------------------------ the Turtle file's blocks, kept warm
def _expected(subjects: dict[str, str], pieces: list[tuple]) -> bytes:
    blocks = dict(subjects)
    for piece in pieces:
        blocks.update((node, text) for node, text, _ in piece)
    return b"".join(blocks[node].encode() for node in sorted(blocks))


@settings(max_examples=30, deadline=None)
@given(st.randoms(use_true_random=False))
def test_kept_blocks_write_what_sorting_every_block_writes(rnd):
    from kg.export.memo import SortedBlocks

    layout = SortedBlocks()
    pieces = {}  # edge -> its piece: the same object while the edge is unchanged
    subjects = {}
    for step in range(15):
        for _ in range(rnd.randint(0, 40 if step == 0 else 4)):
            edge = rnd.randrange(60)
            if rnd.random() < 0.3:
                pieces.pop(edge, None)
            else:  # blocks named after the edge, some texts the same as before
                pieces[edge] = tuple((f"n{edge}-{i}", f"text {edge} {i} {rnd.randrange(2)}\n", "")
                                     for i in range(rnd.randint(1, 4)))
        for _ in range(rnd.randint(0, 3)):
            node = f"s{rnd.randrange(20)}"
            if rnd.random() < 0.3:
                subjects.pop(node, None)
            else:
                subjects[node] = f"subject {node} {rnd.randrange(3)}\n"
        subjects = dict(subjects)  # a build hands over a new dict each time
        got = b"".join(layout.chunks(subjects, list(pieces.values()), per_chunk=7))
        assert got == _expected(subjects, list(pieces.values())), step


def test_kept_blocks_refuse_two_blocks_for_one_node_and_recover():
    from kg.export.memo import SortedBlocks

    layout = SortedBlocks()
    one = (("a", "A\n", ""), ("b", "B\n", ""))
    assert b"".join(layout.chunks({"s": "S\n"}, [one])) == b"A\nB\nS\n"
    with pytest.raises(ValueError):
        b"".join(layout.chunks({"s": "S\n"}, [one, (("b", "other\n", ""),)]))
    assert b"".join(layout.chunks({"t": "T\n"}, [one])) == b"A\nB\nT\n"  # started again, not half-changed
