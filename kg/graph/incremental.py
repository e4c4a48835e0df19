"""Merging again after a few articles changed, at the cost of what changed.

A build server (`kg server`) merges nearly the same results build after build.
`merge` goes through every assertion of the corpus each time: at 10,000
articles, 1.5 s of a rebuild that should take a fraction of that. `MergeState`
keeps what the last merge worked out, document by document, and `update`
applies only the documents added, removed or extracted again since:

- their assertions (one per key, as `merge` keeps them) leave or join the
  indexes of surface forms and of the first value seen for each entity;
- entity resolution, which is global, runs again on those indexes; the
  documents that name an entity whose canonical entity changed are rewritten
  again, with the others;
- their rewritten assertions leave or join the edges they belong to, and only
  those edges are made again: every other edge is the same object as last time,
  which the render memo recognises.

The result equals `merge` of the same results (tests/test_merge_state.py
checks it over random additions, edits and removals). It relies on each
document's assertions having keys no other document has, which holds when a
document id comes from one result and its assertions' evidence names that
document; a set of results where it does not (`update` answers None) is left to
`merge`.
"""
from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Assertion, Entity, ExtractionResult
from ..ontology import Ontology
from . import Edge, KnowledgeGraph, _assertion_key, _group_key, _keep, _onto_canonical
from .dedupe import EntityMerge, MergeRules, resolve_entities
from .names import NameTables


@dataclass
class _Doc:
    """One document's share of the merge."""

    result: ExtractionResult
    raw: list[tuple[tuple, Assertion]]  # its assertions by key, in key order, before deduplication
    forms: frozenset[tuple[str, str, str]]  # (entity id, lang, text) it names
    first: dict[str, tuple[tuple, Entity]]  # entity id -> its first (key, value) in `raw`
    merged: list[tuple[tuple, Assertion]] | None = None  # after deduplication, by key
    merged_first: dict[str, tuple[tuple, Entity]] | None = None  # the same, over `merged`


class _FirstIndex:
    """Per entity id: the documents whose assertions name it, and its value at the
    first key that names it over all of them (what `merge` keeps: the first in key order)."""

    def __init__(self) -> None:
        self.docs: dict[str, set[str]] = {}
        self.first: dict[str, tuple[tuple, Entity]] = {}

    def add(self, doc_id: str, first: dict[str, tuple[tuple, Entity]]) -> None:
        for ident, found in first.items():
            self.docs.setdefault(ident, set()).add(doc_id)
            known = self.first.get(ident)
            if known is None or found[0] < known[0]:
                self.first[ident] = found

    def remove(self, doc_id: str, first: dict[str, tuple[tuple, Entity]],
               first_of: Callable[[str], dict[str, tuple[tuple, Entity]]]) -> None:
        """Take a document out; `first_of(d)` is what another document gave `add`."""
        for ident, found in first.items():
            docs = self.docs[ident]
            docs.discard(doc_id)
            if not docs:
                del self.docs[ident], self.first[ident]
            elif self.first[ident][0] == found[0]:  # it held the first: look through the rest
                self.first[ident] = min((first_of(d)[ident] for d in docs), key=lambda kv: kv[0])


def _entities(a: Assertion):
    return (a.subject, a.object, a.attributed_to) if a.attributed_to is not None else (a.subject, a.object)


def _firsts(pairs: list[tuple[tuple, Assertion]]) -> dict[str, tuple[tuple, Entity]]:
    first: dict[str, tuple[tuple, Entity]] = {}
    for key, a in pairs:
        for ent in _entities(a):
            first.setdefault(ent.id, (key, ent))
    return first


class MergeState:
    """What the last merge worked out, kept by a long-running process (see the module
    docstring); `update` merges the next results from it."""

    def __init__(self) -> None:
        self._reset(None)

    def _reset(self, options: tuple | None) -> None:
        self.options = options
        self.refused: list[ExtractionResult] = []
        self.docs: dict[str, _Doc] = {}
        self.forms: dict[str, Counter] = {}  # entity id -> (lang, text) -> documents naming it so
        self.named = _FirstIndex()  # over the assertions before deduplication
        self.kept = _FirstIndex()  # over the assertions after it
        self.canonical: dict[str, Entity] | None = None  # None: deduplication merged nothing
        self.merges: tuple[EntityMerge, ...] = ()
        self.scores: dict[tuple[str, str], float | None] = {}  # the last resolution's fuzzy scores
        self.groups: dict[tuple, list[tuple[tuple, Assertion]]] = {}
        self.edges: dict[tuple, Edge] = {}
        self.order: list[tuple] = []  # the group keys, sorted

    def update(self, results: list[ExtractionResult], *, ontology: Ontology, rules: MergeRules,
               names: NameTables, dedupe: bool = True):
        """The merged graph of `results` (as `merge` would make it), or None where the
        results do not fit the state's assumptions (the state is then emptied)."""
        options = (id(ontology), id(rules), id(names), dedupe)
        if options != self.options:
            self._reset(options)
        refused = {id(r) for r in self.refused}
        current: dict[str, ExtractionResult] = {}
        for result in results:
            if current.setdefault(result.article.doc_id, result) is not result or id(result) in refused:
                self._reset(None)
                return None
        gone = [d for d, doc in self.docs.items() if current.get(d) is not doc.result]
        new = [r for d, r in current.items() if (doc := self.docs.get(d)) is None or doc.result is not r]
        try:
            return self._apply(gone, new, ontology, rules, names, dedupe)
        except _Unfit as unfit:
            self._reset(None)
            self.refused = [unfit.args[0]]  # not tried again while it is among the results
            return None
        except BaseException:
            self._reset(None)
            raise

    def _apply(self, gone: list[str], new: list[ExtractionResult], ontology: Ontology, rules: MergeRules,
               names: NameTables, dedupe: bool):
        touched: set[tuple] = set()  # the groups (edges) that gain or lose an assertion
        for d in gone:
            doc = self.docs.pop(d)
            self._forget_forms(doc)
            self.named.remove(d, doc.first, lambda other: self.docs[other].first)
            self._ungroup(doc, touched)
        added = [self._doc(r) for r in new]
        for doc in added:
            self.docs[doc.result.article.doc_id] = doc
            for ident, lang, text in doc.forms:
                counts = self.forms.get(ident)
                if counts is None:
                    counts = self.forms[ident] = Counter()
                counts[(lang, text)] += 1
            self.named.add(doc.result.article.doc_id, doc.first)

        canonical, merges = self._resolve(ontology, rules, names) if dedupe else (None, ())
        again = self._rewritten_again(canonical, {id(d) for d in added})
        self.canonical, self.merges = canonical, merges
        symmetric = {name for name, rel in ontology.relations.items() if rel.symmetric}

        for doc in again:
            self._ungroup(doc, touched)
        joining: dict[tuple, list[tuple[tuple, Assertion]]] = {}
        for doc in added + again:
            self._rewrite(doc, canonical, symmetric)
            self.kept.add(doc.result.article.doc_id, doc.merged_first)
            for key, a in doc.merged:
                joining.setdefault(_group_key(a), []).append((key, a))
        fresh = [group for group in joining if group not in self.groups]
        for group, pairs in joining.items():
            touched.add(group)
            known = self.groups.setdefault(group, [])
            if len(pairs) * 8 < len(known):
                for pair in pairs:
                    insort(known, pair)
            else:  # a sort of the whole is cheaper (keys are unique: the assertions are never compared)
                known.extend(pairs)
                known.sort(key=lambda pair: pair[0])
        if len(fresh) * 8 < len(self.order):
            for group in fresh:
                insort(self.order, group)
        else:
            self.order.extend(fresh)
            self.order.sort()
        for group in touched:
            pairs = self.groups.get(group)
            if pairs:
                first = pairs[0][1]
                self.edges[group] = Edge(first.subject, first.relation, first.object, first.polarity,
                                         tuple(a for _, a in pairs))
            else:
                del self.groups[group]
                self.edges.pop(group, None)
                del self.order[bisect_left(self.order, group)]

        entities = {ident: self.kept.first[ident][1] for ident in sorted(self.kept.first)}
        seen: dict[str, set[tuple[str, str]]] = {}
        for ident, forms in self.forms.items():
            if canonical is not None and ident in canonical:
                ident = canonical[ident].id
            seen.setdefault(ident, set()).update(forms)
        articles = sorted(self.docs)
        return KnowledgeGraph(entities, tuple(self.edges[g] for g in self.order),
                              tuple(self.docs[d].result.article for d in articles),
                              {ident: tuple(sorted(seen.get(ident, ()))) for ident in entities}, merges)

    def _doc(self, result: ExtractionResult) -> _Doc:
        """A document's assertions, one per key as `merge` keeps them."""
        doc_id = result.article.doc_id
        by_key: dict[tuple, Assertion] = {}
        for a in result.assertions:
            if a.evidence.doc_id != doc_id:  # its key could be another document's
                raise _Unfit(result)
            _keep(by_key, a)
        raw = sorted(by_key.items(), key=lambda kv: kv[0])
        return _Doc(result, raw, frozenset(result.surface_forms()), _firsts(raw))

    def _forget_forms(self, doc: _Doc) -> None:
        for ident, lang, text in doc.forms:
            counts = self.forms[ident]
            counts[(lang, text)] -= 1
            if not counts[(lang, text)]:
                del counts[(lang, text)]
                if not counts:
                    del self.forms[ident]

    def _resolve(self, ontology: Ontology, rules: MergeRules, names: NameTables
                 ) -> tuple[dict[str, Entity] | None, tuple[EntityMerge, ...]]:
        """Entity resolution over all documents, as `merge` runs it (None: nothing merged)."""
        entities = {ident: found[1] for ident, found in sorted(self.named.first.items())}
        if all(e.in_ontology for e in entities.values()):
            return None, ()
        resolution = resolve_entities(
            entities, tables=names, rules=rules, ontology=ontology,
            languages={i: sorted({lang for lang, _ in self.forms.get(i, ())}) for i in entities},
            documents={i: len(self.named.docs[i]) for i in entities}, scores=self.scores)
        self.scores = resolution.scores
        if not resolution.merges:
            return None, ()
        return resolution.canonical, resolution.merges

    def _rewritten_again(self, canonical: dict[str, Entity] | None, added: set[int]) -> list[_Doc]:
        """The documents kept from last time whose rewriting the new resolution changes."""
        before = self.canonical
        if before is None and canonical is None:
            return []
        if before is None or canonical is None:
            ids = set(self.docs)
        else:
            ids = set()
            for ident in self.named.docs:
                if before.get(ident) != canonical.get(ident):
                    ids.update(self.named.docs[ident])
        return [self.docs[d] for d in sorted(ids) if id(self.docs[d]) not in added]

    def _ungroup(self, doc: _Doc, touched: set[tuple]) -> None:
        self.kept.remove(doc.result.article.doc_id, doc.merged_first, lambda other: self.docs[other].merged_first)
        for key, a in doc.merged:
            group = _group_key(a)
            pairs = self.groups[group]
            del pairs[bisect_left(pairs, (key,))]
            touched.add(group)

    @staticmethod
    def _rewrite(doc: _Doc, canonical: dict[str, Entity] | None, symmetric: set[str]) -> None:
        """The document's assertions onto the canonical entities, as `merge` rewrites them."""
        if canonical is None:
            doc.merged, doc.merged_first = doc.raw, doc.first
            return
        out: dict[tuple, Assertion] = {}
        for key, a in doc.raw:  # two spellings in one sentence become one assertion: the first by key
            moved = _onto_canonical(a, canonical, symmetric)
            out.setdefault(key if moved is a else _assertion_key(moved), moved)
        doc.merged = sorted(out.items(), key=lambda kv: kv[0])
        doc.merged_first = _firsts(doc.merged)


class _Unfit(Exception):
    """The results break an assumption of MergeState (see the module docstring)."""

