"""A doc's dependency parse read as token columns, for the rules of a parsed
language (French): the subject of a trigger's verb, and the verb's mood.

spaCy's Token objects are made anew at every access (`doc[i]`, `tok.head`,
each of `tok.children`), and reading a token's morphology parses its
features: walking the parse through them cost the French rules a tenth of
their time. The columns are read from the doc's arrays once, the children of
each token are listed once, and the mood of a morphology is kept by its hash.
tests/test_parse.py checks them against the Token attributes.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy
from spacy.attrs import DEP, HEAD, LOWER, MORPH, POS
from spacy.symbols import PRON
from spacy.tokens import Doc

# Dependencies that lead from a verb to the verb or noun whose subject it shares.
_UP = frozenset({"conj", "xcomp", "advcl", "obj", "obl", "obl:arg", "obl:mod"})
_SUBJECTS = frozenset({"nsubj", "nsubj:pass"})
_RELATIVE = frozenset({"acl:relcl", "acl"})
_OBJECTS = frozenset({"obj", "iobj", "obl:arg"})
# Clauses of their own: a name inside one is not the argument of the token above.
_CLAUSES = frozenset({"acl:relcl", "acl", "ccomp", "advcl", "appos", "conj"})

_MOODS: dict[int, tuple[bool, bool]] = {}  # morphology hash -> (conditional, future)
_LABELS: dict[int, str] = {}  # dependency label hash -> label (a model has a few dozen)


class Mention(Protocol):
    """What the parse reads of an argument: its tokens [start, end)."""

    start: int
    end: int


class Parse:
    """Heads, dependency labels, POS and lower-case forms of a doc's tokens."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        n = len(doc)
        array = doc.to_array([HEAD, DEP, POS, LOWER, MORPH]) if n else numpy.zeros((0, 5), dtype="uint64")
        # HEAD is an offset from the token, negative ones wrapped into uint64.
        self.heads: list[int] = (array[:, 0].astype(numpy.int64) + numpy.arange(n)).tolist()
        hashes = array[:, 1].tolist()
        self.deps: list[str] = list(map(_LABELS.get, hashes))  # looked up at C speed; new labels next
        if None in self.deps:
            strings = doc.vocab.strings
            for k, h in enumerate(hashes):
                if self.deps[k] is None:
                    self.deps[k] = _LABELS[h] = strings[h]
        self.pos: list[int] = array[:, 2].tolist()
        self._lower: list[int] = array[:, 3].tolist()
        self._morph: list[int] = array[:, 4].tolist()
        self._children: list[list[int]] | None = None

    def children(self, i: int) -> list[int]:
        """The tokens whose head is token i, in order (spaCy's `Token.children`)."""
        if self._children is None:
            self._children = [[] for _ in self.heads]
            for k, head in enumerate(self.heads):
                if head != k:
                    self._children[head].append(k)
        return self._children[i]

    def lower(self, i: int) -> str:
        """The lower-case form of token i."""
        return self.doc.vocab.strings[self._lower[i]]

    def mood(self, i: int) -> tuple[bool, bool]:
        """(conditional, future): whether token i's morphology has Mood=Cnd, Tense=Fut."""
        key = self._morph[i]
        found = _MOODS.get(key)
        if found is None:
            if len(_MOODS) > 100_000:
                _MOODS.clear()
            morph = self.doc[i].morph
            found = _MOODS[key] = ("Cnd" in morph.get("Mood"), "Fut" in morph.get("Tense"))
        return found

    def subject(self, args: Sequence[Mention], ts: int, te: int, is_control: Callable[[int], bool]) -> list:
        """The arguments that are the nominal subject of the verb of the trigger at
        [ts, te), from the parse; `is_control(i)`: whether token i is a control verb.

        The trigger's head is its first token whose head lies outside it. From
        there up to five steps: a pronoun subject ends the search ("qui" aside;
        "X a déclaré qu'elle renforçait...": the speaker's clause is tried
        instead); a coordinated, complement or adverbial verb, or an object, has
        the subject of its head; a relative clause has the noun it qualifies."""
        heads, deps = self.heads, self.deps
        verb = ts
        for k in range(ts, te):
            if not ts <= heads[k] < te:
                verb = k
                break
        for _ in range(5):
            subj = [c for c in self.children(verb) if deps[c] in _SUBJECTS]
            if subj and self.pos[subj[0]] == PRON and self.lower(subj[0]) != "qui":
                if deps[verb] == "ccomp":
                    verb = heads[verb]
                    continue
                return []
            if subj and self.lower(subj[0]) != "qui":
                return self.args_at(args, subj[0])
            # The root is its own head: it "moves" to itself, as the rules did
            # when this was read from Token objects (a new object at every access,
            # so never the same one).
            if deps[verb] in _UP:
                complement = deps[verb] == "xcomp"
                verb = heads[verb]
                if complement and is_control(verb):
                    # "a permis à Moscou d'utiliser ...": the object of a control verb does it.
                    for child in self.children(verb):
                        if deps[child] in _OBJECTS:
                            found = self.args_at(args, child)
                            if found:
                                return found
                continue
            if deps[verb] in _RELATIVE:
                target = heads[verb]
                if deps[target] == "appos":  # "la Biélorussie, un allié ... qui apporte"
                    target = heads[target]
                return self.args_at(args, target)
            break
        return []

    def args_at(self, args: Sequence[Mention], i: int) -> list:
        """The argument at token i, or the nearest one in its subtree (not in
        clauses of their own), and those coordinated with token i."""
        own = [a for a in args if a.start <= i < a.end]
        if own:
            group = own[:1]
        else:
            inside = []
            stack = [i]
            while stack:
                node = stack.pop()
                for child in self.children(node):
                    if self.deps[child] in _CLAUSES:
                        continue
                    stack.append(child)
                    inside.append(child)
            near = sorted((abs(a.start - i), a.start, id(a)) for a in args
                          if any(a.start <= k < a.end for k in inside))
            group = [a for a in args if near and id(a) == near[0][2]]
        if not group:
            return []
        for child in self.children(i):
            if self.deps[child] == "conj":
                group += [a for a in args if a.start <= child < a.end]
        return group
