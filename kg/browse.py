"""Look into a built graph: entities, the names and entities merged into them, one entity's relations."""
from __future__ import annotations

import hashlib
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from .errors import KGError
from .query import run_query

ENT = "https://w3id.org/kg-rbu/entity/"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c) or "\u0400" <= c <= "\u04ff").strip()


@dataclass(frozen=True)
class EntityRow:
    """One entity of the built graph."""

    id: str
    label: str
    type: str
    relations: int
    names: tuple[str, ...]


def entities(graph_ttl: Path) -> list[EntityRow]:
    """Every entity with its relation count and the surface forms merged into it."""
    _, rows = run_query([graph_ttl], """
        SELECT ?e ?label ?type (COUNT(DISTINCT ?r) AS ?n) (GROUP_CONCAT(DISTINCT ?seen; SEPARATOR="\\u001f") AS ?names)
        WHERE {
          ?e rdfs:label ?label ; a ?t .
          FILTER(STRSTARTS(STR(?t), STR(kg:)))
          BIND(STRAFTER(STR(?t), "#") AS ?type)
          OPTIONAL { ?r a kg:MergedRelation . { ?r rdf:subject ?e } UNION { ?r rdf:object ?e } }
          OPTIONAL { ?e kg:seenAs ?seen }
        } GROUP BY ?e ?label ?type ORDER BY DESC(?n) ?label""")
    return [EntityRow(unquote(r[0][len(ENT):]), r[1], r[2], int(r[3] or 0),
                      tuple(sorted(filter(None, r[4].split("\x1f"))))) for r in rows]


@dataclass(frozen=True)
class MergeRow:
    """One entity deduplication merged into another (see kg.graph.dedupe)."""

    canonical: str  # the entity id that stayed
    merged: str  # the id that was merged into it
    name: str  # the merged entity's label
    rule: str  # override | ontology-alias | exact | transliteration | fuzzy
    score: float | None  # the rapidfuzz ratio of a fuzzy merge


def merges(graph_ttl: Path) -> dict[str, list[MergeRow]]:
    """The merges recorded in the built graph (kg:EntityMerge nodes), by the id that stayed."""
    _, rows = run_query([graph_ttl], """
        SELECT ?into ?from ?name ?rule ?score WHERE {
          ?m a kg:EntityMerge ; kg:mergedInto ?into ; kg:mergedEntity ?from ; kg:mergedName ?name ;
             kg:mergeRule ?rule .
          OPTIONAL { ?m kg:mergeScore ?score }
        } ORDER BY ?into ?from""")
    out: dict[str, list[MergeRow]] = {}
    for into, merged, name, rule, score in rows:
        row = MergeRow(unquote(into[len(ENT):]), unquote(merged[len(ENT):]), name, rule,
                       float(score) if score else None)
        out.setdefault(row.canonical, []).append(row)
    return out


def find_entity(graph_ttl: Path, name: str) -> EntityRow:
    """The entity any of whose labels or seen names is `name` (case and accents ignored)."""
    want = _fold(name)
    _, rows = run_query([graph_ttl], """
        SELECT DISTINCT ?e ?n WHERE { ?e rdfs:label ?l . { ?e rdfs:label ?n } UNION { ?e skos:prefLabel ?n }
        UNION { ?e skos:altLabel ?n } UNION { ?e kg:seenAs ?n } }""")
    ids = sorted({r[0] for r in rows if _fold(r[1]) == want})
    if not ids:
        raise KGError(f"no entity named {name!r} in {graph_ttl}; try `kg entities`")
    table = {row.id: row for row in entities(graph_ttl)}
    return table[unquote(ids[0][len(ENT):])]


def relations_of(graph_ttl: Path, entity_id: str) -> list[tuple[str, str, str, str, str, str]]:
    """(subject, relation, object, polarity, mentions, strongest evidence sentence) for one entity."""
    iri = f"<{ENT}{quote(entity_id, safe='/')}>"
    _, rows = run_query([graph_ttl], f"""
        SELECT ?s ?rel ?o ?pol ?mentions ?sentence ?conf WHERE {{
          ?r a kg:MergedRelation ; rdf:subject ?si ; rdf:predicate ?p ; rdf:object ?oi ; kg:polarity ?pol ;
             kg:mentions ?mentions ; kg:supportedBy ?a .
          ?a kg:sentence ?sentence ; kg:confidence ?conf .
          FILTER(?si = {iri} || ?oi = {iri})
          ?si rdfs:label ?s . ?oi rdfs:label ?o . BIND(STRAFTER(STR(?p), "#") AS ?rel)
        }} ORDER BY ?rel ?s ?o DESC(?conf)""")
    best: dict[tuple, tuple] = {}
    for s, rel, o, pol, mentions, sentence, _ in rows:
        best.setdefault((s, rel, o, pol), (s, rel, o, pol, mentions, sentence))
    return list(best.values())


def add_articles(paths: list[Path], corpus: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Copy article files (or directories of them) into the corpus.

    Returns (copied, refused with reason). An exact duplicate by content is
    refused; a name already taken gets a numeric suffix.
    """
    corpus.mkdir(parents=True, exist_ok=True)
    seen = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in corpus.rglob("*") if p.is_file()}
    copied, refused = [], []
    files = [f for p in paths for f in ([p] if p.is_file() else sorted(x for x in p.rglob("*") if x.is_file()))]
    for src in files:
        if src.name.startswith("."):
            continue
        digest = hashlib.sha256(src.read_bytes()).hexdigest()
        if digest in seen:
            refused.append((src, f"same content as {seen[digest].name}"))
            continue
        target = corpus / src.name
        n = 1
        while target.exists():
            target = corpus / f"{src.stem}-{n}{src.suffix}"
            n += 1
        shutil.copy2(src, target)
        seen[digest] = target
        copied.append(target)
    return copied, refused
