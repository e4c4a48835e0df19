"""kg's tokenizer (kg/extract/tokenizer.py) against the tokenizer spaCy builds from
the same language defaults: the same tokens, spaces, offsets and norms for the
corpora and for every tokenizer exception in the contexts where spaCy's special
cases, affixes and special-case matcher meet."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import spacy
from spacy.attrs import IDX, NORM, ORTH, SPACY
from spacy.tokenizer import Tokenizer

from kg.extract.profiles import PROFILES
from kg.extract.tokenizer import CONFIG, KGTokenizer

ROOT = Path(__file__).resolve().parents[1]
BLANK = [lang for lang, profile in PROFILES.items() if profile.pipeline == "blank"]
ATTRS = [ORTH, NORM, SPACY, IDX]

# Where an exception may stand in news text; "{}" is the exception.
CONTEXTS = ["{}", '"{}",', "({}).", "{}'s", "—{}", "{}-{}", "x-{}", "{}-nya", "5-{}", "{} - {}", "{}  -{}",
            "Dr.-{}", "{}-Dr.", "{}-:-)"]


@cache
def _tokenizers(lang: str) -> tuple[KGTokenizer, Tokenizer]:
    kg = spacy.blank(lang, config=CONFIG).tokenizer
    return kg, spacy.blank(lang).tokenizer


def _tokens(doc) -> list:
    return doc.to_array(ATTRS).tolist()


def _corpus_texts() -> list[str]:
    paths = sorted((ROOT / "tests" / "data" / "articles").glob("*/*")) + sorted((ROOT / "seeds").glob("*"))
    return [p.read_text(encoding="utf-8") for p in paths if p.is_file()]


def test_the_tokenizer_is_used_by_blank_pipelines():
    from kg.extract.profiles import load_pipeline

    assert all(isinstance(load_pipeline(lang).tokenizer, KGTokenizer) for lang in BLANK)


@pytest.mark.parametrize("lang", BLANK)
def test_corpus_texts_tokenize_as_with_spacy(lang):
    kg, reference = _tokenizers(lang)
    for text in _corpus_texts():
        assert _tokens(kg(text)) == _tokens(reference(text))


def _lines(doc) -> list[list]:
    """(orth, norm, space, offset in the line) of each line's tokens."""
    lines: list[list] = [[]]
    start = 0
    for orth, norm, space, idx in _tokens(doc):
        if doc.vocab.strings[orth] == "\n":
            lines.append([])
            start = idx + 1
        else:
            lines[-1].append((orth, norm, space, idx - start))
    return lines


@pytest.mark.slow
@pytest.mark.parametrize("lang", BLANK)
def test_exceptions_tokenize_as_with_spacy(lang):
    """Every exception in every context, a line each: wherever the tokenizer alone
    (before it may hand the text to the complete one) tokenizes a line otherwise
    than spaCy's, it hands the line on."""
    kg, reference = _tokenizers(lang)
    exceptions = sorted(reference.rules)
    for context in CONTEXTS:
        text = "\n".join(context.replace("{}", e) for e in exceptions)
        alone, expected = _lines(Tokenizer.__call__(kg, text)), _lines(reference(text))
        assert len(alone) == len(expected)
        for line, (tokens, reference_tokens) in enumerate(zip(alone, expected)):
            if tokens != reference_tokens:
                assert kg.may_differ([orth for orth, *_ in tokens]), (text.split("\n")[line], context)


@pytest.mark.parametrize("lang", BLANK)
def test_whole_words_have_no_affixes(lang):
    """What makes a whole word safe in a set: spaCy cuts no prefix or suffix from
    it and splits it only at its hyphens."""
    kg, reference = _tokenizers(lang)
    for word in kg.whole_words:
        assert not reference.find_prefix(word) and not reference.find_suffix(word), word
        assert [m.group() for m in reference.find_infix(word)] == ["-"] * word.count("-"), word


def test_chains_of_whole_words_go_to_the_complete_tokenizer():
    kg, reference = _tokenizers("id")
    text = "Mereka membeli kupu-kupu-an dan anak-anak-anak di pasar."
    assert [t.text for t in kg(text)] == [t.text for t in reference(text)]
    assert "anak-anak" in [t.text for t in kg(text)]


@pytest.mark.parametrize("lang", BLANK)
@pytest.mark.parametrize("text", ["foo<a href=x>", "<a x>y", "<b/>x", "a<b/>", '"Hi', 'x"', "(ab", "ab", "", "—x", "<<a>"])
def test_prefix_finder_finds_what_spacy_searches(lang, text):
    from spacy import util

    from kg.extract.tokenizer import prefix_finder

    pattern = util.compile_prefix_regex(util.get_lang_class(lang).Defaults.prefixes)
    found, expected = prefix_finder(pattern)(text), pattern.search(text)
    assert (found and found.span()) == (expected and expected.span())
