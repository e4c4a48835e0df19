"""Typed records passed between the stages: read -> extract -> merge -> export."""
from __future__ import annotations

from dataclasses import dataclass, field

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "fr", "id", "ru", "uk")

POSITIVE, NEGATIVE = "positive", "negative"
POLARITIES: tuple[str, ...] = (POSITIVE, NEGATIVE)

ASSERTED, REPORTED, HYPOTHETICAL, FUTURE = "asserted", "reported", "hypothetical", "future"
MODALITIES: tuple[str, ...] = (ASSERTED, REPORTED, HYPOTHETICAL, FUTURE)


@dataclass(frozen=True)
class Article:
    """One article as read from the corpus, boilerplate removed.

    `text` is what extraction reads; evidence offsets point into it.
    `doc_id` is the path relative to the corpus root (POSIX separators), with
    `#N` appended for the N-th record of a JSON Lines / JSON array file.
    """

    doc_id: str
    text: str
    lang: str
    path: str = ""
    title: str | None = None
    date: str | None = None  # publication date, ISO YYYY-MM-DD
    source: str | None = None
    url: str | None = None
    sha256: str = ""  # of the raw record, so an edit is a new version
    removed_lines: int = 0  # boilerplate lines dropped by the reader


@dataclass(frozen=True)
class Skipped:
    """An input the reader could not use, with the reason in plain words."""

    path: str
    reason: str


@dataclass(frozen=True)
class Entity:
    """A resolved entity: an ontology individual or a name the ontology lacks."""

    id: str  # local name, e.g. "Belarus" or "new/Person/Ivan_Petrov"
    label: str  # English preferred label where known
    type: str  # class local name: Country, Person, Region, ...
    aliases: tuple[str, ...] = ()
    wikidata: str | None = None
    in_ontology: bool = True


@dataclass(frozen=True)
class Mention:
    """Where an entity is named in a sentence (token and character spans)."""

    entity: Entity
    start: int  # token index in the doc
    end: int  # exclusive
    char_start: int
    char_end: int
    text: str
    agent: str | None = None  # the body that acted, e.g. "Ministry of Defence"
    kind: str = "name"  # name | demonym | metonym | title | pronoun


@dataclass(frozen=True)
class Evidence:
    """The sentence an assertion comes from."""

    doc_id: str
    sentence: str
    sentence_index: int
    char_start: int  # of the sentence within Article.text
    char_end: int
    lang: str


@dataclass(frozen=True)
class Assertion:
    """One relation read out of one sentence, with its qualifiers."""

    subject: Entity
    relation: str  # local name from relations.md, e.g. "deploysTo"
    object: Entity
    evidence: Evidence
    polarity: str = POSITIVE
    modality: str = ASSERTED
    attributed_to: Entity | None = None
    agent: str | None = None
    instrument: str | None = None
    doc_date: str | None = None
    event_date: str | None = None
    confidence: float = 0.5
    trigger: str = ""  # the words that fired the rule, for debugging and display
    rule: str = ""  # which rule produced it


@dataclass(frozen=True)
class ExtractionResult:
    """Everything extraction found in one article."""

    article: Article
    assertions: tuple[Assertion, ...] = ()
    mentions: tuple[tuple[int, Mention], ...] = field(default=())  # (sentence index, mention)
    names: tuple[tuple[str, str, str], ...] = ()  # (entity id, lang, surface form) seen in the article

    def surface_forms(self) -> tuple[tuple[str, str, str], ...]:
        """Distinct (entity id, lang, text) of the names this article used, sorted."""
        if self.names:
            return self.names
        return tuple(sorted({(m.entity.id, self.article.lang, m.text) for _, m in self.mentions}))
