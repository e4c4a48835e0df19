"""Lexicons load for every language, and a bad entry names its file and line."""
from __future__ import annotations

import shutil

import pytest

from kg.errors import LexiconError, OntologyError
from kg.extract.patterns import load_clause_words
from kg.lexicon import load_lexicon, parse_lexicon
from kg.model import SUPPORTED_LANGUAGES
from kg.ontology import DEFAULT_ONTOLOGY_DIR, load_ontology

RELATIONS = frozenset(load_ontology().relations)


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_every_language_has_a_lexicon_covering_the_core_relations(lang):
    lexicon = load_lexicon(lang, RELATIONS)
    covered = {t.relation for t in lexicon.triggers}
    core = {r for r, rel in load_ontology().relations.items() if rel.tier == "core"}
    assert core <= covered, sorted(core - covered)
    for kind in ("negation", "hypothetical", "speech", "coordinators"):
        assert lexicon.cue(kind), f"{lang}: no {kind} cues"


@pytest.mark.parametrize("text, message, line", [
    ("language: xx\nrelations:\n  deploysTo:\n    - words: send\n      prep: [to]\n", "unknown key", 4),
    ("language: xx\nrelations:\n  invades:\n    - words: invade\n", "unknown relation 'invades'", None),
    ("language: xx\nrelations:\n  deploysTo:\n    - words: send\n      object: inside\n", "object must be", 4),
    ("language: xx\nrelations: [\n", "not valid YAML", None),
    ("language: xx\ncues:\n  negatoin: [not]\n", "unknown cue kind", None),
])
def test_bad_lexicon_names_the_problem(text, message, line):
    with pytest.raises(LexiconError) as err:
        parse_lexicon(text, "xx.yaml", RELATIONS)
    assert message in str(err.value) and "xx.yaml" in str(err.value)
    if line:
        assert err.value.line == line


def test_broken_ontology_is_refused_with_the_file_name(tmp_path):
    broken = tmp_path / "ontology"
    shutil.copytree(DEFAULT_ONTOLOGY_DIR, broken)
    (broken / "entities.ttl").write_text("@prefix ent: <x> .\nent:a ent:b", encoding="utf-8")
    with pytest.raises(OntologyError) as err:
        load_ontology(broken)
    assert "entities.ttl" in str(err.value)


@pytest.mark.parametrize("text, message, line", [
    ("en:\n  controls: [allow]\n", "unknown kind 'controls'", 2),
    ("en:\n  control: allow\n", "expected a list of words", 2),
    ("en: [allow]\n", "expected a mapping", 1),
    ("en:\n  control: [allow\n", "not valid YAML", None),
])
def test_bad_clause_words_name_the_problem(tmp_path, text, message, line):
    (tmp_path / "clauses.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        load_clause_words("en", tmp_path)
    assert message in str(err.value) and "clauses.yaml" in str(err.value)
    if line:
        assert err.value.line == line


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_every_language_lists_control_verbs(lang):
    assert load_clause_words(lang, DEFAULT_ONTOLOGY_DIR / "lexicons").get("control")
