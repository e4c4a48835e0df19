"""Word-sequence patterns of the lexicons, compiled for matching against a doc.

A pattern word matches a token when the folded surface forms are equal, when
the folded lemmas are equal, or, for a word ending in "*", when the token's
surface or lemma starts with the rest. "..." between words allows a gap of up
to GAP tokens. Lexicon words are lemmatised with the text's own pipeline, so
an analyst may write any inflected form.
"""
from __future__ import annotations

from dataclasses import dataclass

from .profiles import fold, lemmatize_phrase

GAP = 4  # tokens a "..." may skip
_MEMO_SIZE = 100_000  # distinct tokens whose candidates a PhraseSet remembers


@dataclass(frozen=True)
class Word:
    surface: str
    lemma: str
    prefix: bool = False

    def __post_init__(self) -> None:
        # The token keys (folded surface or lemma) this word accepts, for a set test.
        keys = (self.surface,) if self.lemma == "\x00" else (self.surface, self.lemma)
        object.__setattr__(self, "keys", frozenset(keys))

    def matches(self, surface: str, lemma: str) -> bool:
        """Whether a token (folded surface, folded lemma) is this word."""
        if self.prefix:
            return surface.startswith(self.surface) or lemma.startswith(self.surface)
        if self.lemma == "\x00":
            return surface == self.surface
        return surface in self.keys or lemma in self.keys


Phrase = tuple[Word | None, ...]  # None is a gap


def compile_phrase(lang: str, words: tuple[str, ...]) -> Phrase:
    """Compile a lexicon phrase (already split on spaces) into matchable words."""
    out: list[Word | None] = []
    for word in words:
        if word == "...":
            out.append(None)
        elif word.endswith("*") and len(word) > 1:
            stem = fold(word[:-1])
            out.append(Word(stem, stem, prefix=True))
        elif word.startswith("=") and len(word) > 1:
            # Surface form only: the lemma would merge it with other words
            # (Indonesian "dapat" 'can' and "mendapat" 'obtain' share a stem).
            out.append(Word(fold(word[1:]), "\x00"))
        else:
            for surface, lemma in lemmatize_phrase(lang, word):
                out.append(Word(surface, lemma))
    while out and out[-1] is None:
        out.pop()
    while out and out[0] is None:
        out.pop(0)
    return tuple(out)


def match_at(phrase: Phrase, surface: list[str], lemma: list[str], i: int, limit: int) -> int | None:
    """End (exclusive) of a match of `phrase` starting at token i, or None.

    A gap takes the fewest tokens that let the rest match."""
    if not phrase:
        return None
    if None not in phrase:  # the common case, without recursion
        end = i + len(phrase)
        if end > limit:
            return None
        for k, word in enumerate(phrase):
            if not word.matches(surface[i + k], lemma[i + k]):
                return None
        return end

    def step(k: int, j: int) -> int | None:
        if k == len(phrase):
            return j
        word = phrase[k]
        if word is None:
            for skip in range(0, GAP + 1):
                end = step(k + 1, j + skip)
                if end is not None:
                    return end
            return None
        if j >= limit or not word.matches(surface[j], lemma[j]):
            return None
        return step(k + 1, j + 1)

    return step(0, i)


class _Node:
    """A trie node over phrase words: children reached by a token's surface or
    lemma, children reached by its surface only ("=" words), phrases ending here."""

    __slots__ = ("any", "surface", "ends")

    def __init__(self) -> None:
        self.any: dict[str, _Node] = {}
        self.surface: dict[str, _Node] = {}
        self.ends: list[tuple[Phrase, object]] = []


class PhraseSet:
    """Many phrases, each with a payload, matched against a doc's token keys.

    Plain phrases (no gap, no "*" word) live in a trie walked token by token;
    the others are indexed by their first word and tried one by one, only in a
    window holding one of their anchors (their longest plain word, likely their
    rarest) when they have one.
    """

    def __init__(self) -> None:
        self._trie = _Node()
        self._by_key: dict[str, list[tuple[Phrase, object, frozenset[str] | None]]] = {}
        self._prefixed: dict[str, list[tuple[Phrase, object, frozenset[str] | None]]] = {}  # stem's first 2 letters
        self._memo: dict[tuple[str, str], list] = {}

    def add(self, phrase: Phrase, payload: object) -> None:
        """Index a compiled phrase."""
        if not phrase:
            return
        self._memo.clear()
        if all(w is not None and not w.prefix for w in phrase):
            nodes = [self._trie]
            for word in phrase:
                assert word is not None
                step = []
                for node in nodes:
                    if word.lemma == "\x00":
                        step.append(node.surface.setdefault(word.surface, _Node()))
                    else:
                        step += [node.any.setdefault(key, _Node()) for key in sorted(word.keys)]
                nodes = step
            for node in nodes:
                node.ends.append((phrase, payload))
            return
        plain = [w for w in phrase if w is not None and not w.prefix]
        anchors = None
        if plain:
            anchor = max(plain, key=lambda w: len(w.surface))
            anchors = frozenset({anchor.surface, anchor.lemma} - {"\x00"})
        entry = (phrase, payload, anchors)
        first = phrase[0]
        assert first is not None
        if first.prefix:
            self._prefixed.setdefault(first.surface[:2], []).append(entry)
            return
        for key in {first.surface, first.lemma} - {"\x00"}:
            self._by_key.setdefault(key, []).append(entry)

    def _trie_at(self, surface: list[str], lemma: list[str], i: int, limit: int) -> dict[int, tuple[int, object]]:
        """The plain phrases that match from token i: id(phrase) -> (end, payload)."""
        out: dict[int, tuple[int, object]] = {}
        nodes = [self._trie]
        j = i
        while nodes and j < limit:
            s, lem = surface[j], lemma[j]
            step = []
            for node in nodes:
                child = node.any.get(s)
                if child is not None:
                    step.append(child)
                if lem != s:
                    child = node.any.get(lem)
                    if child is not None:
                        step.append(child)
                child = node.surface.get(s)
                if child is not None:
                    step.append(child)
            j += 1
            for node in step:
                for phrase, payload in node.ends:
                    out.setdefault(id(phrase), (j, payload))
            nodes = step
        return out

    def _candidates(self, surface: str, lemma: str) -> list:
        """The gapped or prefixed entries whose first word a token (folded surface,
        lemma) may be; memoised, since the same words recur in every sentence."""
        key = (surface, lemma)
        found = self._memo.get(key)
        if found is not None:
            return found
        candidates = self._by_key.get(surface, [])
        if lemma != surface:
            more = self._by_key.get(lemma)
            if more:
                candidates = candidates + more
        if self._prefixed:
            for prefix in {surface[:2], lemma[:2], surface[:1], lemma[:1]}:
                for entry in self._prefixed.get(prefix, ()):
                    if entry[0][0].matches(surface, lemma):
                        candidates = candidates + [entry]
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.clear()
        self._memo[key] = candidates
        return candidates

    def matches_at(self, surface: list[str], lemma: list[str], i: int, limit: int) -> list[tuple[int, object]]:
        """Every (end, payload) of a phrase that matches starting at token i."""
        out = list(self._trie_at(surface, lemma, i, limit).values())
        seen: set[int] = set()
        for phrase, payload, _ in self._candidates(surface[i], lemma[i]):
            if id(phrase) in seen:
                continue
            seen.add(id(phrase))
            end = match_at(phrase, surface, lemma, i, limit)
            if end is not None:
                out.append((end, payload))
        return out

    def spans(self, surface: list[str], lemma: list[str], start: int, end: int,
              present: set[str] | None = None) -> list[tuple[int, int, object]]:
        """Every match (start, end, payload) within [start, end).

        `present` may give the keys of a window holding [start, end) (a
        sentence), which saves computing them per call."""
        out = []
        trie = self._trie
        generic = bool(self._by_key or self._prefixed)
        by_key, prefixed = self._by_key, bool(self._prefixed)
        for i in range(start, end):
            s, lem = surface[i], lemma[i]
            if s in trie.any or lem in trie.any or s in trie.surface:
                out += [(i, stop, payload) for stop, payload in self._trie_at(surface, lemma, i, end).values()]
            if not generic or not (prefixed or s in by_key or lem in by_key):
                continue
            candidates = self._candidates(s, lem)
            if not candidates:
                continue
            seen: set[int] = set()
            for phrase, payload, anchors in candidates:
                if id(phrase) in seen:
                    continue
                seen.add(id(phrase))
                if anchors is not None:
                    if present is None:
                        present = set(surface[start:end]) | set(lemma[start:end])
                    if anchors.isdisjoint(present):
                        continue
                stop = match_at(phrase, surface, lemma, i, end)
                if stop is not None:
                    out.append((i, stop, payload))
        # Matches come in trie and lexicon order, but a tie must not depend on
        # it: sort so that every tie is broken the same way in every run.
        return sorted(out, key=lambda m: (m[0], m[1], payload_order(m[2])))


_ORDERS: dict[int, tuple[tuple, object]] = {}  # id(payload) -> (key, payload kept alive)


def payload_order(payload: object) -> tuple:
    """A stable sort key for a match's payload (a trigger, a cue kind, a relation name)."""
    cached = _ORDERS.get(id(payload))
    if cached is not None and cached[1] is payload:
        return cached[0]
    key = (getattr(payload, "line", 0), str(getattr(payload, "relation", "")), str(getattr(payload, "words", payload)))
    _ORDERS[id(payload)] = (key, payload)
    return key
