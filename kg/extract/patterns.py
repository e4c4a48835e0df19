"""Word-sequence patterns of the lexicons, compiled for matching against a doc.

A pattern word matches a token when the folded surface forms are equal, when
the folded lemmas are equal, or, for a word ending in "*", when the token's
surface or lemma starts with the rest. "..." between words allows a gap of up
to GAP tokens. Lexicon words are lemmatised with the text's own pipeline, so
an analyst may write any inflected form.
"""
from __future__ import annotations

import functools
from bisect import bisect_left
from itertools import compress, repeat
from operator import ne
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from ..errors import LexiconError
from .profiles import fold, lemmatize_phrase

if TYPE_CHECKING:
    from .gazetteer import Gazetteer

GAP = 4  # tokens a "..." may skip
MOVES_SIZE = 500_000  # moves a phrase set remembers (see PhraseSet._move)
NO_MOVE, LEAF = -1, -2  # PhraseSet._move: no phrase goes on; phrases end and none goes on
# A move of a phrase set's walk: the state reached, the payloads of the phrases
# ending there, and the keys a next token needs (surface or lemma) to go on.
Move = tuple[int, tuple[object, ...], frozenset[str]]

#: The word lists of ontology/lexicons/clauses.yaml, per language.
CLAUSE_KINDS = frozenset({"control", "infinitive", "unless"})


def load_clause_words(lang: str, directory: Path | str) -> dict[str, tuple[str, ...]]:
    """One language's lists of `clauses.yaml` (control verbs, infinitive markers);
    none if the file is absent. An unknown kind or a list that is not of words
    is refused with the file and line."""
    path = Path(directory) / "clauses.yaml"
    return dict(_clause_words(str(path)).get(lang, {}))


@functools.lru_cache(maxsize=8)
def _clause_words(path: str) -> dict[str, dict[str, tuple[str, ...]]]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise LexiconError(path, f"not valid YAML: {getattr(exc, 'problem', exc)}",
                           mark.line + 1 if mark else None) from exc
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    if root is None:
        return out
    if not isinstance(root, yaml.MappingNode):
        raise LexiconError(path, "expected a mapping of language -> {kind: [words]}", root.start_mark.line + 1)
    for lang_node, kinds in root.value:
        if not isinstance(kinds, yaml.MappingNode):
            raise LexiconError(path, f"{lang_node.value}: expected a mapping of kind -> [words]",
                               kinds.start_mark.line + 1)
        lists = out.setdefault(str(lang_node.value), {})
        for kind_node, words in kinds.value:
            line = kind_node.start_mark.line + 1
            if kind_node.value not in CLAUSE_KINDS:
                raise LexiconError(path, f"unknown kind {kind_node.value!r}; allowed: {sorted(CLAUSE_KINDS)}", line)
            if not isinstance(words, yaml.SequenceNode) or not all(
                    isinstance(w, yaml.ScalarNode) for w in words.value):
                raise LexiconError(path, f"{kind_node.value}: expected a list of words", line)
            lists[kind_node.value] = tuple(str(w.value).strip() for w in words.value if str(w.value).strip())
    return out


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
            for surface, lemma in _lemmatized(lang, word):
                out.append(Word(surface, lemma))
    while out and out[-1] is None:
        out.pop()
    while out and out[0] is None:
        out.pop(0)
    return tuple(out)


@functools.lru_cache(maxsize=100_000)
def _lemmatized(lang: str, word: str) -> tuple[tuple[str, str], ...]:
    """(folded surface, folded lemma) of each token of a lexicon word; the same
    words recur across triggers, prepositions and cues (tokenising and
    lemmatising them is most of the cost of compiling a lexicon)."""
    return lemmatize_phrase(lang, word)


def _short(keys: frozenset[str]) -> bool:
    return max(map(len, keys)) < 5


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


def _segments(phrase: Phrase) -> tuple[Phrase, ...] | None:
    """The runs of words between the gaps of a gapped phrase, or None where two
    gaps touch (their skips add up, which `match_at` handles)."""
    segments: list[Phrase] = []
    run: list[Word] = []
    for word in phrase:
        if word is None:
            if not run:
                return None
            segments.append(tuple(run))
            run = []
        else:
            run.append(word)
    segments.append(tuple(run))
    return tuple(segments)


def _match_segments(segments: tuple[Phrase, ...], surface: list[str], lemma: list[str], i: int,
                    limit: int) -> int | None:
    """`match_at` for a phrase cut by `_segments`: the same first match (each gap
    as short as lets the rest match), with a loop per run instead of a call per word."""
    first = segments[0]
    j = i + len(first)
    if j > limit:
        return None
    for k, word in enumerate(first):
        if not word.matches(surface[i + k], lemma[i + k]):  # type: ignore[union-attr]
            return None
    return _match_rest(segments, 1, surface, lemma, j, limit)


def _match_rest(segments: tuple[Phrase, ...], n: int, surface: list[str], lemma: list[str], j: int,
                limit: int) -> int | None:
    if n == len(segments):
        return j
    run = segments[n]
    size = len(run)
    for at in range(j, min(j + GAP, limit - size) + 1):  # a run past the limit cannot match
        for k, word in enumerate(run):
            if not word.matches(surface[at + k], lemma[at + k]):  # type: ignore[union-attr]
                break
        else:
            end = _match_rest(segments, n + 1, surface, lemma, at + size, limit)
            if end is not None:
                return end
    return None


class _Node:
    """A trie node over phrase words: children reached by a token's surface or
    lemma, children reached by its surface only ("=" words), phrases ending here."""

    __slots__ = ("any", "surface", "ends")

    def __init__(self) -> None:
        self.any: dict[str, _Node] = {}
        self.surface: dict[str, _Node] = {}
        self.ends: list[tuple[Phrase, object]] = []


class TokenKeys:
    """The folded surface and lemma of every token of a doc, and where each key
    occurs: phrase sets then visit only the tokens a match can start at (or
    must contain), instead of testing every token of every sentence."""

    def __init__(self, surface: list[str], lemma: list[str]) -> None:
        self.surface = surface
        self.lemma = lemma
        positions: dict[str, list[int]] = {}
        add = positions.setdefault
        for i, s in enumerate(surface):
            add(s, []).append(i)
        # Most lemmas are their surface (and then indexed once): find the others at
        # C speed. A lemma that is also some token's surface puts its positions
        # out of order: sorted again.
        mixed = []
        for i in compress(range(len(lemma)), map(ne, surface, lemma)):
            at = positions.get(lemma[i])
            if at is None:
                positions[lemma[i]] = [i]
            else:
                at.append(i)
                mixed.append(at)
        for at in mixed:
            at.sort()
        self.positions = positions
        self._starts: dict[object, list[int]] = {}  # phrase set or gazetteer -> tokens
        self._anchors: dict[PhraseSet, tuple[list[int], list[tuple[int, ...]]]] = {}
        self._words: dict[int, list[int]] = {}  # id(word) -> tokens
        self._firsts: dict[PhraseSet, list[Move]] = {}  # see first_moves

    def starts(self, phrases: PhraseSet | Gazetteer) -> list[int]:
        """The tokens (in order) at which a plain phrase of the set (or a label
        of the gazetteer) may start: those with one of its `first_keys`."""
        found = self._starts.get(phrases)
        if found is None:
            found = self._starts[phrases] = self._at(phrases.first_keys)
        return found

    def first_moves(self, phrases: PhraseSet) -> list[Move]:
        """The move of the set's trie from its root on each token of `starts`
        (the first step of every walk), looked up for the whole doc at once."""
        found = self._firsts.get(phrases)
        if found is None:
            starts = self.starts(phrases)
            surface, lemma = self.surface, self.lemma
            found = list(map(phrases.moves.get, zip(repeat(0), map(surface.__getitem__, starts),
                                                    map(lemma.__getitem__, starts))))
            if None in found:
                for k, i in enumerate(starts):
                    if found[k] is None:
                        found[k] = phrases.move(0, surface[i], lemma[i])
            self._firsts[phrases] = found
        return found

    def anchors(self, phrases: PhraseSet) -> tuple[list[int], list[tuple[int, ...]]]:
        """Where the anchor words of the set's gapped phrases stand in the doc
        (token positions in order), and at each the phrases it wakes that may
        match somewhere in the doc: those all of whose words it holds.

        A sentence then tries only those: a phrase that lacks a word in the
        whole doc lacks it in every sentence, and a common anchor ("military")
        wakes only the few phrases of its own that the doc can hold."""
        found = self._anchors.get(phrases)
        if found is None:
            by_anchor, gapped = phrases.by_anchor, phrases.gapped_words
            keys = self.positions.keys()
            possible: dict[int, bool] = {}  # phrase index -> all its words in the doc
            live: dict[str, tuple[int, ...]] = {}  # anchor key -> the phrases it wakes here
            for key in self._present(phrases.anchor_keys):
                wakes = []
                for index in by_anchor[key]:
                    ok = possible.get(index)
                    if ok is None:
                        ok = possible[index] = not any(map(keys.isdisjoint, gapped[index]))
                    if ok:
                        wakes.append(index)
                if wakes:
                    live[key] = tuple(wakes)
            hits = sorted((i, key) for key in live for i in self.positions[key])
            where = [i for i, _ in hits]
            wake = [live[key] for _, key in hits]
            found = self._anchors[phrases] = (where, wake)
        return found

    def at(self, word: Word) -> list[int]:
        """The tokens (in order) that may be a word: those with one of its keys,
        or, for a "*" word, a surface or lemma starting with its stem."""
        found = self._words.get(id(word))
        if found is None:
            if word.prefix:
                found = self._at([k for k in self.positions if k.startswith(word.surface)])
            else:
                found = self._at(word.keys)
            self._words[id(word)] = found
        return found

    def _present(self, keys) -> list[str]:
        if isinstance(keys, (set, frozenset)):
            return list(self.positions.keys() & keys)  # at C speed, walking the smaller side
        positions = self.positions
        return [k for k in keys if k in positions]

    def _at(self, keys) -> list[int]:
        keys = self._present(keys)
        if not keys:
            return []
        positions = self.positions
        if len(keys) == 1:
            return positions[keys[0]]
        return sorted(set().union(*map(positions.__getitem__, keys)))


class PhraseSet:
    """Many phrases, each with a payload, matched against a doc's token keys.

    Plain phrases (no gap, no "*" word) live in a trie walked from the tokens
    that one of them starts with. The others (gapped) are tried one by one,
    only in a window holding their anchor (of their plain words, the one
    fewest gapped phrases of the set share) and every other plain word, and
    there only from the tokens their first word may be.
    """

    def __init__(self) -> None:
        self._trie = _Node()
        self.first_keys: set[str] = set()  # every surface or lemma a plain phrase may begin with
        # Gapped phrases, each with the keys of its plain words (one must stand
        # in the window for every word, or the phrase cannot match there).
        self._gapped: list[tuple[Phrase, object, tuple[frozenset[str], ...]]] = []
        self._runs: list[tuple[Phrase, ...] | None] = []  # each gapped phrase cut at its gaps (_segments)
        self._by_anchor: dict[str, list[int]] | None = None  # anchor key -> indices into _gapped
        self._anchor_keys: frozenset[str] = frozenset()
        self._gapped_words: list[tuple[frozenset[str], ...]] = []
        self._unanchored: list[int] = []  # gapped phrases without a plain word: always tried
        self._reset_moves()

    def _reset_moves(self) -> None:
        # The trie read as a lazily built automaton: a state is the set of trie
        # nodes one walk has reached (state 0 the root), and a move from a state on
        # a token's (surface, lemma) is computed once and then looked up. A walk
        # then costs one dict lookup a token, whatever the number of nodes; the
        # moves are few, as a corpus repeats its words.
        self._states: list[tuple[_Node, ...]] = [(self._trie,)]
        self._state_ids: dict[tuple[int, ...], int] = {(id(self._trie),): 0}
        self._moves: dict[tuple[int, str, str], Move] = {}

    def add(self, phrase: Phrase, payload: object) -> None:
        """Index a compiled phrase."""
        if not phrase:
            return
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
            self.first_keys.update(phrase[0].keys)  # type: ignore[union-attr]
            self._reset_moves()  # states hold the trie's nodes as they were
            return
        plain = [w for w in phrase if w is not None and not w.prefix]
        self._gapped.append((phrase, payload, tuple(dict.fromkeys(w.keys for w in plain))))
        self._runs.append(_segments(phrase) if None in phrase else None)
        self._by_anchor = None  # chosen again, over every gapped phrase, on the next match

    @property
    def plain(self) -> bool:
        """Whether every phrase of the set is plain (no gap, no "*" word)."""
        return not self._gapped

    @property
    def by_anchor(self) -> dict[str, list[int]]:
        """The gapped phrases (indices) each anchor key wakes."""
        if self._by_anchor is None:
            self._choose_anchors()
        assert self._by_anchor is not None
        return self._by_anchor

    @property
    def anchor_keys(self) -> frozenset[str]:
        """The keys of the gapped phrases' anchors."""
        if self._by_anchor is None:
            self._choose_anchors()
        return self._anchor_keys

    @property
    def gapped_words(self) -> list[tuple[frozenset[str], ...]]:
        """The keys of each gapped phrase's plain words, by phrase index."""
        if self._by_anchor is None:
            self._choose_anchors()
        return self._gapped_words

    def _choose_anchors(self) -> None:
        # A word many phrases share ("military" in "supply ... military aid",
        # "military ... exercise", ...) would wake them all in every sentence
        # that has it; the rarest word of each phrase wakes few.
        shared: dict[frozenset[str], int] = {}
        for _, _, words in self._gapped:
            for keys in words:
                shared[keys] = shared.get(keys, 0) + 1
        self._by_anchor, self._unanchored = {}, []
        for index, (_, _, words) in enumerate(self._gapped):
            if not words:
                self._unanchored.append(index)
                continue
            # Short words ("be", "a", ",") are common in any text, whatever the lexicon.
            anchor = min(words, key=lambda keys: (_short(keys), shared[keys]))
            for key in sorted(anchor):
                self._by_anchor.setdefault(key, []).append(index)
        self._anchor_keys = frozenset(self._by_anchor)
        self._gapped_words = [words for _, _, words in self._gapped]

    @property
    def moves(self) -> dict[tuple[int, str, str], Move]:
        """The moves made so far, by (state, surface, lemma) (see `move`)."""
        return self._moves

    def move(self, state: int, surface: str, lemma: str) -> Move:
        """The move from `state` on a token (remembered)."""
        found = self._moves.get((state, surface, lemma))
        return found if found is not None else self._move(state, surface, lemma)

    def _move(self, state: int, surface: str, lemma: str) -> Move:
        """The state reached from `state` on a token, and the payloads of the
        phrases that end there (each phrase once: a phrase may end at several
        nodes, by its words' surface or lemma); NO_MOVE where no phrase goes on,
        LEAF where phrases end and none goes on."""
        step: list[_Node] = []
        for node in self._states[state]:
            children = node.any
            if children:
                child = children.get(surface)
                if child is not None:
                    step.append(child)
                if lemma != surface:
                    child = children.get(lemma)
                    if child is not None:
                        step.append(child)
            if node.surface:
                child = node.surface.get(surface)
                if child is not None:
                    step.append(child)
        if not step:
            move: Move = (NO_MOVE, (), frozenset())
        else:
            seen: set[int] = set()
            payloads = []
            for node in step:
                for phrase, payload in node.ends:
                    if id(phrase) not in seen:
                        seen.add(id(phrase))
                        payloads.append(payload)
            ident = tuple(map(id, step))
            target = self._state_ids.get(ident)
            if target is None:
                target = self._state_ids[ident] = len(self._states)
                self._states.append(tuple(step))
            onward = frozenset(key for node in step for key in (*node.any, *node.surface))
            if not onward:
                target = LEAF  # the phrases end here: the walk stops without another lookup
            # In payload order (a stable sort): the matches of one walk then come
            # sorted as `spans` returns them, with no sort of its own.
            move = (target, tuple(sorted(payloads, key=payload_order)), onward)
        if len(self._moves) >= MOVES_SIZE:
            self._moves.clear()
        self._moves[(state, surface, lemma)] = move
        return move

    def _trie_at(self, surface: list[str], lemma: list[str], i: int, limit: int) -> list[tuple[int, object]]:
        """(end, payload) of the plain phrases that match from token i, each phrase once."""
        out: list[tuple[int, object]] = []
        moves = self._moves
        state, j = 0, i
        while j < limit:
            move = moves.get((state, surface[j], lemma[j]))
            if move is None:
                move = self._move(state, surface[j], lemma[j])
            state, payloads, _ = move
            j += 1
            for payload in payloads:
                out.append((j, payload))
            if state < 0:
                break
        return out

    def matches_at(self, keys: TokenKeys, i: int, limit: int) -> list[tuple[int, object]]:
        """Every (end, payload) of a phrase that matches starting at token i."""
        surface, lemma = keys.surface, keys.lemma
        out = self._trie_at(surface, lemma, i, limit)
        for phrase, payload, _ in self._gapped:
            end = match_at(phrase, surface, lemma, i, limit)
            if end is not None:
                out.append((end, payload))
        return out

    def spans(self, keys: TokenKeys, start: int, end: int) -> list[tuple[int, int, object]]:
        """Every match (start, end, payload) within [start, end), in order of
        start, end and payload."""
        out = []
        surface, lemma = keys.surface, keys.lemma
        starts = keys.starts(self)
        lo = bisect_left(starts, start)
        hi = bisect_left(starts, end, lo)
        if lo < hi:
            moves = self._moves
            firsts = keys.first_moves(self)
            for k in range(lo, hi):  # _trie_at, inline: this is the rules' inner loop
                i = starts[k]
                state, payloads, onward = firsts[k]
                for payload in payloads:
                    out.append((i, i + 1, payload))
                j = i + 1
                # A token with neither key among the onward ones makes no move.
                while j < end and (surface[j] in onward or lemma[j] in onward):
                    move = moves.get((state, surface[j], lemma[j]))
                    if move is None:
                        move = self._move(state, surface[j], lemma[j])
                    state, payloads, onward = move
                    j += 1
                    for payload in payloads:  # none on NO_MOVE
                        out.append((i, j, payload))
        # A tie must not depend on trie or lexicon order: matches are sorted by
        # start, end and payload, so that every tie is broken the same way in
        # every run. The walks above give them in that order already (starts in
        # order, each walk's ends in order, each move's payloads in order), so
        # only gapped matches call for a sort.
        if self._gapped:
            gapped = self._gapped_spans(keys, start, end)
            if gapped:
                out += gapped
                if len(out) > 1:
                    out.sort(key=lambda m: (m[0], m[1], payload_order(m[2])))
        return out

    def _gapped_spans(self, keys: TokenKeys, start: int, end: int) -> list[tuple[int, int, object]]:
        """Matches of the gapped phrases whose anchor stands in [start, end)."""
        where, wake = keys.anchors(self)  # chooses the anchors if the set changed
        chosen = set(self._unanchored)
        k = bisect_left(where, start)
        while k < len(where) and where[k] < end:
            chosen.update(wake[k])
            k += 1
        out = []
        surface, lemma = keys.surface, keys.lemma
        present: set[str] | None = None  # the keys of the window
        for index in chosen:
            phrase, payload, words = self._gapped[index]
            if len(words) > 1:
                if present is None:
                    present = set(surface[start:end])
                    present.update(lemma[start:end])
                if any(map(present.isdisjoint, words)):
                    continue
            at = keys.at(phrase[0])  # type: ignore[arg-type]
            k = bisect_left(at, start)
            runs = self._runs[index]
            while k < len(at) and at[k] < end:
                if runs is None:
                    stop = match_at(phrase, surface, lemma, at[k], end)
                else:
                    stop = _match_segments(runs, surface, lemma, at[k], end)
                if stop is not None:
                    out.append((at[k], stop, payload))
                k += 1
        return out


_ORDERS: dict[int, tuple[tuple, object]] = {}  # id(payload) -> (key, payload kept alive)


def payload_order(payload: object) -> tuple:
    """A stable sort key for a match's payload (a trigger, a cue kind, a relation name)."""
    cached = _ORDERS.get(id(payload))
    if cached is not None and cached[1] is payload:
        return cached[0]
    key = (getattr(payload, "line", 0), str(getattr(payload, "relation", "")), str(getattr(payload, "words", payload)))
    _ORDERS[id(payload)] = (key, payload)
    return key
