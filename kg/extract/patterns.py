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


@dataclass(frozen=True)
class Word:
    surface: str
    lemma: str
    prefix: bool = False

    def matches(self, surface: str, lemma: str) -> bool:
        """Whether a token (folded surface, folded lemma) is this word."""
        if self.prefix:
            return surface.startswith(self.surface) or lemma.startswith(self.surface)
        if self.lemma == "\x00":
            return surface == self.surface
        return surface in (self.surface, self.lemma) or lemma in (self.surface, self.lemma)


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
    """End (exclusive) of a match of `phrase` starting at token i, or None."""
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

    if not phrase:
        return None
    return step(0, i)


class PhraseSet:
    """Many phrases, indexed by their first word for speed, each with a payload."""

    def __init__(self) -> None:
        self._by_key: dict[str, list[tuple[Phrase, object]]] = {}
        self._prefixed: dict[str, list[tuple[Phrase, object]]] = {}  # by the stem's first two letters
        # Each phrase under its longest plain word (likely its rarest): a sentence
        # without that word cannot hold the phrase, which saves trying it at every token.
        self._anchored: dict[str, list[tuple[Phrase, object]]] = {}
        self._unanchored: list[tuple[Phrase, object]] = []

    def add(self, phrase: Phrase, payload: object) -> None:
        """Index a compiled phrase."""
        if not phrase:
            return
        plain = [w for w in phrase if w is not None and not w.prefix]
        if plain:
            anchor = max(plain, key=lambda w: len(w.surface))
            for key in {anchor.surface, anchor.lemma} - {"\x00"}:
                self._anchored.setdefault(key, []).append((phrase, payload))
        else:
            self._unanchored.append((phrase, payload))
        self._add_first(phrase, payload)

    def matches_at(self, surface: list[str], lemma: list[str], i: int, limit: int) -> list[tuple[int, object]]:
        """Every (end, payload) of a phrase that matches starting at token i."""
        candidates = self._by_key.get(surface[i], [])
        if lemma[i] != surface[i]:
            candidates = candidates + self._by_key.get(lemma[i], [])
        if self._prefixed:
            for key in {surface[i][:2], lemma[i][:2], surface[i][:1], lemma[i][:1]}:
                candidates = candidates + [c for c in self._prefixed.get(key, ())
                                           if c[0][0] is not None and c[0][0].matches(surface[i], lemma[i])]
        if not candidates:
            return []
        out = []
        seen = set()
        for phrase, payload in candidates:
            if id(phrase) in seen:
                continue
            seen.add(id(phrase))
            end = match_at(phrase, surface, lemma, i, limit)
            if end is not None:
                out.append((end, payload))
        return out

    def spans(self, surface: list[str], lemma: list[str], start: int, end: int) -> list[tuple[int, int, object]]:
        """Every match (start, end, payload) within [start, end)."""
        keys = set(surface[start:end]) | set(lemma[start:end])
        candidates: dict[int, tuple[Phrase, object]] = {}
        for key in keys:
            for item in self._anchored.get(key, ()):
                candidates[id(item[0])] = item
        for item in self._unanchored:
            candidates[id(item[0])] = item
        if not candidates:
            return []
        local = PhraseSet()
        for phrase, payload in candidates.values():
            local._add_first(phrase, payload)
        out = []
        for i in range(start, end):
            for stop, payload in local.matches_at(surface, lemma, i, end):
                out.append((i, stop, payload))
        # Candidates come from sets, whose order changes with the process's hash
        # seed: sort so that every tie is broken the same way in every run.
        return sorted(out, key=lambda m: (m[0], m[1], payload_order(m[2])))

    def _add_first(self, phrase: Phrase, payload: object) -> None:
        """Index by first word only (a per-sentence candidate set)."""
        first = phrase[0]
        assert first is not None
        if first.prefix:
            self._prefixed.setdefault(first.surface[:2], []).append((phrase, payload))
            return
        for key in {first.surface, first.lemma} - {"\x00"}:
            self._by_key.setdefault(key, []).append((phrase, payload))


def payload_order(payload: object) -> tuple:
    """A stable sort key for a match's payload (a trigger, a cue kind, a relation name)."""
    return (getattr(payload, "line", 0), str(getattr(payload, "relation", "")), str(getattr(payload, "words", payload)))
