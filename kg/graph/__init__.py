"""Merge what extraction found across articles into one graph.

One edge per (subject, relation, object, polarity) carries every supporting
assertion. Merging is order-independent and idempotent: the same assertions in
any order, or twice, give the same graph.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from ..model import Article, Assertion, Entity, ExtractionResult


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

    def degree(self) -> Counter:
        """Mentions per entity over all edges (for sizing nodes)."""
        out: Counter = Counter()
        for e in self.edges:
            out[e.subject.id] += e.mentions
            out[e.object.id] += e.mentions
        return out


def _assertion_key(a: Assertion) -> tuple:
    return (a.evidence.doc_id, a.evidence.sentence_index, a.subject.id, a.relation, a.object.id, a.polarity,
            a.modality, a.attributed_to.id if a.attributed_to else "", a.agent or "", a.instrument or "",
            a.rule, a.confidence)


def merge(results: Iterable[ExtractionResult]) -> KnowledgeGraph:
    """Merge extraction results into one graph; a document seen twice counts once."""
    articles: dict[str, Article] = {}
    assertions: dict[tuple, Assertion] = {}
    names: dict[str, set[tuple[str, str]]] = {}
    for result in results:
        articles[result.article.doc_id] = result.article
        for ident, lang, text in result.surface_forms():
            names.setdefault(ident, set()).add((lang, text))
        for a in result.assertions:
            assertions[_assertion_key(a)] = a
    grouped: dict[tuple, list[Assertion]] = {}
    entities: dict[str, Entity] = {}
    for key in sorted(assertions):
        a = assertions[key]
        grouped.setdefault((a.subject.id, a.relation, a.object.id, a.polarity), []).append(a)
        for ent in (a.subject, a.object, a.attributed_to):
            if ent is not None:
                entities.setdefault(ent.id, ent)
    edges = tuple(Edge(group[0].subject, rel, group[0].object, pol, tuple(group))
                  for (s, rel, o, pol), group in sorted(grouped.items()))
    seen_as = {ident: tuple(sorted(names.get(ident, ()))) for ident in sorted(entities)}
    return KnowledgeGraph(dict(sorted(entities.items())), edges,
                          tuple(articles[k] for k in sorted(articles)), seen_as)
