"""Merge what extraction found across articles into one graph.

One edge per (subject, relation, object, polarity) carries every supporting
assertion. Entities the ontology lacks are deduplicated across documents and
languages first (see `kg.graph.dedupe`), and the merges are kept on the graph
for analysts to check. Merging is order-independent and idempotent: the same
assertions in any order, or twice, give the same graph.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Iterable

from ..model import Article, Assertion, Entity, ExtractionResult
from ..ontology import Ontology, load_ontology
from .dedupe import DEFAULT_MERGES_FILE, EntityMerge, MergeRules, load_merge_rules, resolve_entities
from .names import NameTables, load_name_tables

if TYPE_CHECKING:
    from .incremental import MergeState

__all__ = ["Edge", "EntityMerge", "KnowledgeGraph", "MergeRules", "load_merge_rules", "load_name_tables", "merge"]


@dataclass(frozen=True)
class Edge:
    """A merged relation with all of its evidence."""

    subject: Entity
    relation: str
    object: Entity
    polarity: str
    assertions: tuple[Assertion, ...]

    @property
    def key(self) -> tuple[str, str, str, str]:
        """The identity of the edge."""
        return (self.subject.id, self.relation, self.object.id, self.polarity)

    @property
    def mentions(self) -> int:
        """How many assertions support it."""
        return len(self.assertions)

    @property
    def documents(self) -> tuple[str, ...]:
        """The distinct documents it comes from."""
        return tuple(sorted({a.evidence.doc_id for a in self.assertions}))

    @property
    def sources(self) -> int:
        """Independent sources: the number of distinct documents."""
        return len(self.documents)

    @property
    def _dates(self) -> list[str]:
        return [d for d in (a.event_date or a.doc_date for a in self.assertions) if d]

    @property
    def first_seen(self) -> str | None:
        """Earliest event (or document) date."""
        return min(self._dates, default=None)

    @property
    def last_seen(self) -> str | None:
        """Latest event (or document) date."""
        return max(self._dates, default=None)

    @property
    def confidence(self) -> float:
        """Noisy-or of the best assertion per document: independent reports add up."""
        best: dict[str, float] = {}
        for a in self.assertions:
            best[a.evidence.doc_id] = max(best.get(a.evidence.doc_id, 0.0), a.confidence)
        doubt = 1.0
        for value in best.values():
            doubt *= 1.0 - value
        return round(1.0 - doubt, 3)

    @property
    def modality(self) -> str:
        """The most common modality of its assertions (ties broken by name)."""
        counts = Counter(a.modality for a in self.assertions)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


@dataclass(frozen=True)
class KnowledgeGraph:
    """Entities, merged edges and the articles they come from."""

    entities: dict[str, Entity]
    edges: tuple[Edge, ...]
    articles: tuple[Article, ...]
    seen_as: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # id -> (lang, text)
    merges: tuple[EntityMerge, ...] = ()  # the entities deduplication merged away, and why

    def degree(self) -> Counter:
        """Mentions per entity over all edges (for sizing nodes); computed once per graph."""
        known = self.__dict__.get("_degree")
        if known is None:
            known = Counter()
            for e in self.edges:
                known[e.subject.id] += e.mentions
                known[e.object.id] += e.mentions
            self.__dict__["_degree"] = known  # a frozen dataclass: its fields are unchanged
        return Counter(known)


def _assertion_key(a: Assertion) -> tuple:
    return (a.evidence.doc_id, a.evidence.sentence_index, a.subject.id, a.relation, a.object.id, a.polarity,
            a.modality, a.attributed_to.id if a.attributed_to else "", a.agent or "", a.instrument or "",
            a.rule, a.confidence)


def _group_key(a: Assertion) -> tuple[str, str, str, str]:
    """The edge an assertion belongs to: its subject, relation, object and polarity."""
    return a.subject.id, a.relation, a.object.id, a.polarity


def _keep(assertions: dict[tuple, Assertion], a: Assertion) -> None:
    """Keep one assertion per key; should two differ elsewhere (evidence text, dates),
    the one kept does not depend on the order of the results."""
    key = _assertion_key(a)
    kept = assertions.get(key)
    if kept is None or (kept != a and repr(a) < repr(kept)):
        assertions[key] = a


def _onto_canonical(a: Assertion, canonical: dict[str, Entity], symmetric: set[str]) -> Assertion:
    """The assertion between the canonical entities of its own (a symmetric relation's
    subject first in id order); the same object when the merges leave it untouched,
    for memos keyed by it."""
    subject, obj = canonical[a.subject.id], canonical[a.object.id]
    if a.relation in symmetric and obj.id < subject.id:
        subject, obj = obj, subject
    by = canonical[a.attributed_to.id] if a.attributed_to is not None else None
    if subject == a.subject and obj == a.object and by == a.attributed_to:
        return a
    return replace(a, subject=subject, object=obj, attributed_to=by)


def merge(results: Iterable[ExtractionResult], *, ontology: Ontology | None = None,
          rules: MergeRules | None = None, names: NameTables | None = None, dedupe: bool = True,
          state: MergeState | None = None) -> KnowledgeGraph:
    """Merge extraction results into one graph; a document seen twice counts once.

    Entities the ontology lacks are deduplicated (unless `dedupe` is False)
    with the `names` tables and the analyst's `rules`; left out, they are read
    from ontology/names.yaml and ontology/merges.yaml, and `ontology` is the
    default ontology (its labels are the aliases a new name may match, its
    symmetric relations are kept in subject < object order).

    With a `state` (kg.graph.incremental), the graph is merged from what it kept
    of the last merge, at the cost of the documents that changed since.
    """
    if state is not None:
        results = list(results)
        ontology = ontology if ontology is not None else load_ontology()
        names = names if names is not None else load_name_tables()
        rules = rules if rules is not None else load_merge_rules(names, DEFAULT_MERGES_FILE)
        graph = state.update(results, ontology=ontology, rules=rules, names=names, dedupe=dedupe)
        if graph is not None:
            return graph
    articles: dict[str, Article] = {}
    assertions: dict[tuple, Assertion] = {}
    seen: dict[str, set[tuple[str, str]]] = {}
    for result in results:
        articles[result.article.doc_id] = result.article
        for ident, lang, text in result.surface_forms():
            seen.setdefault(ident, set()).add((lang, text))
        for a in result.assertions:
            _keep(assertions, a)
    merges: tuple[EntityMerge, ...] = ()
    ordered = sorted(assertions)
    if dedupe:
        assertions, seen, merges, ordered = _deduplicate(assertions, ordered, seen, ontology, rules, names)
    grouped: dict[tuple, list[Assertion]] = {}
    entities: dict[str, Entity] = {}
    for key in ordered:
        a = assertions[key]
        grouped.setdefault(_group_key(a), []).append(a)
        for ent in (a.subject, a.object, a.attributed_to):
            if ent is not None:
                entities.setdefault(ent.id, ent)
    edges = tuple(Edge(group[0].subject, rel, group[0].object, pol, tuple(group))
                  for (s, rel, o, pol), group in sorted(grouped.items()))
    seen_as = {ident: tuple(sorted(seen.get(ident, ()))) for ident in sorted(entities)}
    return KnowledgeGraph(dict(sorted(entities.items())), edges,
                          tuple(articles[k] for k in sorted(articles)), seen_as, merges)


def _deduplicate(assertions: dict[tuple, Assertion], ordered: list[tuple], seen: dict[str, set[tuple[str, str]]],
                 ontology: Ontology | None, rules: MergeRules | None, names: NameTables | None,
                 ) -> tuple[dict[tuple, Assertion], dict[str, set[tuple[str, str]]], tuple[EntityMerge, ...],
                            list[tuple]]:
    """Rewrite the assertions onto the canonical entities (see kg.graph.dedupe); with
    them, their keys in order (`ordered` is the keys of `assertions` sorted)."""
    ontology = ontology if ontology is not None else load_ontology()
    names = names if names is not None else load_name_tables()
    rules = rules if rules is not None else load_merge_rules(names, DEFAULT_MERGES_FILE)
    entities: dict[str, Entity] = {}
    documents: dict[str, set[str]] = {}
    for key in ordered:
        a = assertions[key]
        for ent in (a.subject, a.object, a.attributed_to):
            if ent is not None:
                entities.setdefault(ent.id, ent)
                documents.setdefault(ent.id, set()).add(a.evidence.doc_id)
    if not any(not e.in_ontology for e in entities.values()):
        return assertions, seen, (), ordered
    resolution = resolve_entities(
        entities, tables=names, rules=rules, ontology=ontology,
        languages={i: sorted({lang for lang, _ in seen.get(i, ()) if lang}) for i in entities},
        documents={i: len(d) for i, d in documents.items()})
    canonical = resolution.canonical
    if not resolution.merges:
        return assertions, seen, (), ordered
    symmetric = {name for name, rel in ontology.relations.items() if rel.symmetric}
    rewritten: dict[tuple, Assertion] = {}
    changed = False
    for key in ordered:  # two spellings in one sentence become one assertion: keep the first by key
        a = assertions[key]
        moved = _onto_canonical(a, canonical, symmetric)
        if moved is a:
            rewritten.setdefault(key, a)
        else:
            rewritten.setdefault(_assertion_key(moved), moved)
            changed = True
    merged_seen: dict[str, set[tuple[str, str]]] = {}
    for ident, forms in seen.items():
        merged_seen.setdefault(canonical[ident].id if ident in canonical else ident, set()).update(forms)
    # Unchanged, the keys are still in order; rewritten, nearly so (a fast sort).
    return rewritten, merged_seen, resolution.merges, sorted(rewritten) if changed else ordered
