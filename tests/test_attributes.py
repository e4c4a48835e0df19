"""The tables that answer for French's attribute ruler and lemmatizer
(kg/extract/attributes.py) against those components themselves: every
attribute of every token the same, for the corpora, odd French and random
text (whitespace tokens are where the ruler does most)."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.attrs import (DEP, ENT_IOB, ENT_TYPE, HEAD, IDX, IS_PUNCT, IS_SPACE, LEMMA, LOWER, MORPH, NORM, ORTH, POS,
                         SENT_START, SPACY, TAG)
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from kg.extract.attributes import AttributeTable, LemmaTable, use_tables
from kg.extract.profiles import load_pipeline

ROOT = Path(__file__).resolve().parents[1]
ATTRS = [ORTH, NORM, LOWER, SPACY, IDX, TAG, POS, MORPH, DEP, HEAD, LEMMA, SENT_START, ENT_IOB, ENT_TYPE, IS_SPACE,
         IS_PUNCT]


def _state(doc: Doc) -> tuple:
    """Every token attribute, and the morphology and lemma as text."""
    return doc.to_array(ATTRS).tolist(), [(str(t.morph), t.lemma_, t.tag_, t.pos_, t.dep_) for t in doc]


@cache
def _french():
    nlp = load_pipeline("fr")
    ruler, lemmatizer = nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer")
    assert isinstance(ruler, AttributeTable) and isinstance(lemmatizer, LemmaTable)
    return nlp, ruler, lemmatizer


def _check(texts) -> None:
    """Each text through the pipeline up to the parser, then through spaCy's two
    components and through the tables: the same tokens after each."""
    nlp, ruler, lemmatizer = _french()
    for doc in nlp.pipe(texts, disable=["attribute_ruler", "lemmatizer"]):
        spacy_doc, table_doc = doc.copy(), doc.copy()
        ruler.ruler(spacy_doc)
        ruler(table_doc)
        assert _state(table_doc) == _state(spacy_doc), doc.text
        lemmatizer.lemmatizer(spacy_doc)
        lemmatizer(table_doc)
        assert _state(table_doc) == _state(spacy_doc), doc.text


def test_the_french_pipeline_uses_the_tables_under_the_components_names():
    nlp, _, _ = _french()
    assert nlp.pipe_names[-2:] == ["attribute_ruler", "lemmatizer"]


def test_corpus_texts_get_the_attributes_spacy_sets():
    paths = sorted((ROOT / "tests" / "data" / "articles").glob("*/*")) + sorted((ROOT / "seeds").glob("*"))
    _check([p.read_text(encoding="utf-8") for p in paths if p.is_file()])


def test_odd_french_gets_the_attributes_spacy_sets():
    from tests.test_tokenizer import FRENCH

    _check(FRENCH + ["", " ", "\n", "  \n\t x", "a\u00a0b", "Fin.\n\n\nDébut   «  cité  » \r\n"])


WORDS = ["l'armée", "d'Ukraine", "Poutine", "a", "dit", "que", "la", "Russie", "ne", "pas", "États-Unis", "M.", ",",
         ".", "«", "»", "—", "2023", "10 %", "qu'il", "soutient", "Kiev", "aujourd'hui", "etc.", "x", "OTAN", "?"]
SPACES = [" ", " ", " ", "", "  ", "\n", "\n\n", " \n ", "\t", "\u00a0", "\r\n", "   "]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.tuples(st.sampled_from(WORDS) | st.text(min_size=1, max_size=4), st.sampled_from(SPACES)),
                      max_size=30))
def test_random_text_gets_the_attributes_spacy_sets(parts):
    _check(["".join(word + space for word, space in parts)])


def _blank_doc(nlp, rows) -> Doc:
    """A doc of words with POS and DEP set by hand."""
    doc = Doc(nlp.vocab, words=[word for word, _, _ in rows], spaces=[True] * len(rows))
    for token, (_, pos, dep) in zip(doc, rows):
        token.pos_, token.dep_ = pos, dep
    return doc


def test_a_ruler_of_overlapping_patterns_is_applied_in_pattern_order():
    nlp = spacy.blank("fr")
    ruler = AttributeRuler(nlp.vocab)
    ruler.add([[{"POS": "NOUN"}], [{"LOWER": "paris"}]], {"TAG": "N"})
    ruler.add([[{"LOWER": {"IN": ["paris", "kiev"]}}]], {"TAG": "CITY", "POS": "PROPN"})
    ruler.add([[{"IS_SPACE": True, "DEP": {"NOT_IN": [""]}}]], {"DEP": "dep", "MORPH": "_"})
    ruler.add([[{"TEXT": "a", "POS": "VERB"}]], {"LEMMA": "avoir", "NORM": "a"}, index=-1)
    ruler.add([[{"POS": "NOUN", "LENGTH": 5}]], {"TAG": "N5"})
    rows = [("Paris", "PROPN", "nsubj"), ("a", "VERB", "ROOT"), ("paris", "NOUN", "obj"), ("\n", "SPACE", "dep"),
            ("Kiev", "NOUN", ""), ("a", "AUX", ""), ("ville", "NOUN", "obl"), ("\n", "SPACE", ""), ("x", "X", "")]
    table = AttributeTable(ruler)
    assert AttributeTable.readable(ruler)
    for _ in range(2):  # the table answers from its memo the second time
        spacy_doc, table_doc = _blank_doc(nlp, rows), _blank_doc(nlp, rows)
        ruler(spacy_doc)
        table(table_doc)
        assert _state(table_doc) == _state(spacy_doc)
    assert [t.tag_ for t in table_doc][:3] == ["CITY", "", "N5"]  # the last pattern wins


@pytest.mark.parametrize("patterns", [
    [[{"TEXT": "a"}, {"TEXT": "b"}]],  # two tokens
    [[{"TEXT": "a", "OP": "?"}]],  # an operator
    [[{"_": {"x": 1}}]],  # an extension
    [[{"ENT_TYPE": "GPE"}]],  # an attribute not read here
])
def test_a_ruler_the_table_cannot_read_stays(patterns):
    nlp = spacy.blank("fr")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add(patterns, {"TAG": "X"})
    assert not AttributeTable.readable(ruler)
    use_tables(nlp)
    assert nlp.get_pipe("attribute_ruler") is ruler
