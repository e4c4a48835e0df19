"""spaCy's rule-based tokenizer, built in milliseconds instead of seconds.

spaCy turns every tokenizer exception into a special case when a tokenizer is
built, tokenizing the exception's text to find the tokens a special-case
matcher must look for. Indonesian has 16,000 exceptions, nearly all of them
reduplicated words kept whole ("anak-anak", "kupu-kupu"): five seconds at
every start, for words most articles never use.

`KGTokenizer` builds the same tokenizer with those whole hyphenated words in
a set consulted through `token_match` instead. Wherever spaCy would find such
a word as a special case (a whole string, or what is left as affixes are
cut) it also asks `token_match`, which keeps the string as one token; where
it looks up what one affix cut would leave, it cuts the affix anyway and asks
`token_match` next (no whole word has an affix of its own). Only one path
differs: spaCy's special-case matcher also joins an exception found as a run
of tokens *inside* a longer chain ("anak-anak-an" gives "anak-anak", "-",
"an"). A text where that can happen is rare and recognisable from its tokens,
and is tokenized again by the complete tokenizer, built the first time one is
met. tests/test_tokenizer.py compares the two tokenizers over the corpora and
over every exception.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from spacy import util
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import registry

_HYPHEN = "-"


def _whole_word(text: str, pieces: list[dict]) -> bool:
    """An exception that only keeps letters joined by hyphens together as one token."""
    return (len(pieces) == 1 and pieces[0].keys() == {ORTH} and _HYPHEN in text
            and all(part.isalpha() for part in text.split(_HYPHEN)))


def split_exceptions(exceptions: dict[str, list[dict]]) -> tuple[dict[str, list[dict]], frozenset[str]]:
    """(the exceptions that stay special cases, the hyphenated words kept whole by a set)."""
    special: dict[str, list[dict]] = {}
    whole: set[str] = set()
    for text, pieces in exceptions.items():
        if _whole_word(text, pieces):
            whole.add(text)
        else:
            special[text] = pieces
    return special, frozenset(whole)


def prefix_finder(pattern: re.Pattern) -> Callable:
    """`pattern.search` for spaCy's prefix regex, cheaper with the same results.

    spaCy joins the prefixes as "^a|^b|..." and searches: every position of every
    new word is tried against every prefix, though "^" fails past the first (a
    third of the time spent on a new word). Where every alternative starts with
    "^", `match` is the same search. A piece may hold a "|" of its own (spaCy's
    Indonesian prefixes have "<(b|i|...)\\s?/>|<a([^>]+)>"), leaving an alternative
    unanchored: that one can only be found past the start where its first
    character is, so the search runs only for words holding such a character.
    """
    try:
        from re import _parser

        tree = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - a private module: keep spaCy's search if it changes
        return pattern.search
    if tree.state.flags & (re.MULTILINE | re.IGNORECASE):
        return pattern.search
    items = list(tree)
    begin = (_parser.AT, _parser.AT_BEGINNING)
    if items[:1] == [begin]:
        return pattern.match
    if len(items) != 1 or items[0][0] != _parser.BRANCH:
        return pattern.search
    starts: set[str] = set()
    for branch in items[0][1][1]:
        first = list(branch)[:1]
        if first == [begin]:
            continue
        if not first or first[0][0] != _parser.LITERAL:
            return pattern.search
        starts.add(chr(first[0][1]))
    match, search = pattern.match, pattern.search
    if not starts:
        return match
    return lambda text: match(text) or (search(text) if any(c in text for c in starts) else None)


class KGTokenizer(Tokenizer):
    """spaCy's tokenizer with its whole-word hyphenated exceptions moved to a set.

    Its output is the output of the tokenizer spaCy builds from the same
    defaults: where the special-case matcher might have joined one of those
    words inside a longer chain, the text goes to that complete tokenizer.
    """

    def __init__(self, nlp: Language) -> None:
        defaults = nlp.Defaults
        special, self.whole_words = split_exceptions(defaults.tokenizer_exceptions)
        self._complete: Tokenizer | None = None
        self._make_complete = lambda: registry.tokenizers.get("spacy.Tokenizer.v1")()(nlp)
        base_match, whole = defaults.token_match, self.whole_words
        token_match: Callable | None = base_match
        if whole and base_match is None:
            token_match = whole.__contains__
        elif whole:
            def token_match(text: str):
                return text in whole or base_match(text)
        super().__init__(
            nlp.vocab,
            rules=special,
            prefix_search=prefix_finder(util.compile_prefix_regex(defaults.prefixes)) if defaults.prefixes else None,
            suffix_search=util.compile_suffix_regex(defaults.suffixes).search if defaults.suffixes else None,
            infix_finditer=util.compile_infix_regex(defaults.infixes).finditer if defaults.infixes else None,
            token_match=token_match,
            url_match=defaults.url_match,
        )
        strings = nlp.vocab.strings
        self._hyphen = strings.add(_HYPHEN)
        # Tokens a special case the matcher applies may leave where a whole word's
        # pieces were: those of exceptions holding a letter or a hyphen.
        self._special_orths = frozenset(
            strings.add(piece[ORTH]) for text, pieces in special.items()
            if _HYPHEN in text or any(c.isalpha() for c in text) for piece in pieces)

    def __call__(self, text: str) -> Doc:
        doc = super().__call__(text)
        if self.whole_words and _HYPHEN in text and self.may_differ(doc.to_array(ORTH).tolist()):
            return self.complete()(text)
        return doc

    def complete(self) -> Tokenizer:
        """The tokenizer spaCy builds with every exception a special case (built once)."""
        if self._complete is None:
            self._complete = self._make_complete()
            self._complete.max_cache_size = self.max_cache_size
        return self._complete

    def _flush_cache(self) -> None:
        super()._flush_cache()
        if self._complete is not None:
            self._complete._flush_cache()

    def may_differ(self, orths: list[int]) -> bool:
        """Whether spaCy's special-case matcher could have found one of the whole
        words in a doc of tokens `orths` as a run of tokens, and so tokenized it
        otherwise.

        Before the matcher runs, both tokenizers split a text alike. A word the
        matcher would find there is a run of letter tokens and "-" tokens; it is
        still one here unless a special case the matcher applied covers part of
        it, which leaves a special case's token next to a "-" (or holding one).
        """
        strings = self.vocab.strings
        hyphen, special = self._hyphen, self._special_orths
        last = len(orths) - 1
        links: list[int] = []  # "-" tokens between two words
        for i, orth in enumerate(orths):
            if orth == hyphen:
                if 0 < i < last and strings[orths[i - 1]].isalpha() and strings[orths[i + 1]].isalpha():
                    links.append(i)
            elif orth in special and (_HYPHEN in strings[orth] or (i > 0 and orths[i - 1] == hyphen)
                                      or (i < last and orths[i + 1] == hyphen)):
                return True
        run: list[int] = []
        for i in links + [-1]:
            if run and i == run[-1] + 2:
                run.append(i)
                continue
            words = [strings[orths[k + 1]] for k in run]
            if run:
                words.insert(0, strings[orths[run[0] - 1]])
            for start in range(len(words) - 1):
                for end in range(start + 2, len(words) + 1):
                    if _HYPHEN.join(words[start:end]) in self.whole_words:
                        return True
            run = [i]
        return False


@registry.tokenizers("kg.Tokenizer.v1")
def create_kg_tokenizer() -> Callable[[Language], KGTokenizer]:
    """The factory spaCy's config names: `[nlp.tokenizer] @tokenizers = "kg.Tokenizer.v1"`."""
    return KGTokenizer


#: The config a blank pipeline is made with to use it.
CONFIG = {"nlp": {"tokenizer": {"@tokenizers": "kg.Tokenizer.v1"}}}
