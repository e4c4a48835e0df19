"""Language profiles (kg/extract/profiles.py): the blank pipelines' one sentence
component gives the sentence starts of the two it stands for, kg_newline_sentences
then spaCy's sentencizer, on the corpora and on random text."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.attrs import SENT_START

from kg.extract.profiles import PROFILES, flush_tokenizer_cache, load_pipeline, warm_tokenizer
from kg.extract.tokenizer import CONFIG

ROOT = Path(__file__).resolve().parents[1]
BLANK = [lang for lang, profile in PROFILES.items() if profile.pipeline == "blank"]


@cache
def _two_components(lang: str):
    nlp = spacy.blank(lang, config=CONFIG)
    nlp.add_pipe("kg_newline_sentences")
    nlp.add_pipe("sentencizer")
    return nlp


def _starts(lang: str, text: str) -> tuple[list, list]:
    """SENT_START by the pipeline's component and by the two it stands for."""
    nlp, reference = load_pipeline(lang), _two_components(lang)
    doc = nlp.get_pipe("kg_sentences")(nlp.make_doc(text))
    expected = reference.make_doc(text)
    for _, component in reference.pipeline:
        expected = component(expected)
    return doc.to_array(SENT_START).tolist(), expected.to_array(SENT_START).tolist()


def test_blank_pipelines_have_one_sentence_component():
    assert all(load_pipeline(lang).pipe_names == ["kg_sentences", "kg_word_lemmas"] for lang in BLANK)


def _corpus_texts() -> list[str]:
    paths = sorted((ROOT / "tests" / "data" / "articles").glob("*/*")) + sorted((ROOT / "seeds").glob("*"))
    return [p.read_text(encoding="utf-8") for p in paths if p.is_file()]


@pytest.mark.parametrize("lang", BLANK)
def test_corpus_sentences_as_with_the_sentencizer(lang):
    for text in _corpus_texts():
        for tail in ("", "\n", " . . ! x", "…\n\n", "?» Next"):
            found, expected = _starts(lang, text + tail)
            assert found == expected


PIECES = ["Minsk", "minsk", "Ukraine", "said", "«", "»", "“", "”", '"', "-", "—", ".", "!", "?", "…", "...", "?!",
          "。", "！", "؟", ",", ";", ":", "(", ")", "1.", "U.S.", "Mr.", " ", "  ", "\n", "\n\n", " \n ", "\t"]


@pytest.mark.parametrize("lang", BLANK)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.sampled_from(PIECES), max_size=40), glue=st.lists(st.sampled_from(["", " "]), max_size=40))
def test_random_sentences_as_with_the_sentencizer(lang, pieces, glue):
    text = "".join(piece + sep for piece, sep in zip(pieces, glue + [" "] * len(pieces)))
    found, expected = _starts(lang, text)
    assert found == expected


def test_a_long_unpunctuated_line_is_cut():
    """MAX_SENTENCE_TOKENS still applies inside the one component."""
    from kg.extract.profiles import MAX_SENTENCE_TOKENS

    doc = load_pipeline("en")("word " * (3 * MAX_SENTENCE_TOKENS))
    assert max(len(sent) for sent in doc.sents) <= MAX_SENTENCE_TOKENS


@pytest.mark.parametrize("lang", BLANK)
def test_cold_extraction_tokenizes_as_warm(lang):
    """flush_tokenizer_cache empties what warm_tokenizer filled: a text read
    after it gives the same tokens as one read warm."""
    nlp = load_pipeline(lang)
    text = _corpus_texts()[0]
    warm_tokenizer(nlp, text)
    warm = [t.text_with_ws for t in nlp(text)]
    flush_tokenizer_cache(nlp)
    warm_tokenizer(nlp, text)
    assert [t.text_with_ws for t in nlp(text)] == warm
