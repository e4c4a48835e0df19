"""The JSON Lines records of `kg extract` (the format ../shared/eval/README.md defines).

Extraction results can be written as shards and merged later (`kg merge`), so
the records carry everything an Assertion holds and can be read back.
"""
from __future__ import annotations

import json
from typing import Iterable, Iterator

from .model import Article, Assertion, Entity, Evidence, ExtractionResult

FORMAT = "kg-extract/1"


def entity_record(entity: Entity) -> dict:
    """An entity as the scorer and `kg merge` read it."""
    rec = {"id": entity.id, "label": entity.label, "type": entity.type, "aliases": list(entity.aliases)}
    if entity.wikidata:
        rec["wikidata"] = entity.wikidata
    if not entity.in_ontology:
        rec["in_ontology"] = False
    return rec


def document_record(article: Article) -> dict:
    """The record that opens a document's relations."""
    return {"kind": "document", "doc": article.doc_id, "lang": article.lang, "date": article.date,
            "title": article.title, "source": article.source, "url": article.url,
            "sha256": article.sha256, "path": article.path}


def assertion_record(a: Assertion) -> dict:
    """One relation record."""
    rec = {
        "kind": "relation", "doc": a.evidence.doc_id, "relation": a.relation,
        "subject": entity_record(a.subject), "object": entity_record(a.object),
        "polarity": a.polarity, "modality": a.modality, "confidence": a.confidence,
        "sentence": a.evidence.sentence, "sentence_index": a.evidence.sentence_index,
        "char_start": a.evidence.char_start, "char_end": a.evidence.char_end, "lang": a.evidence.lang,
        "attributed_to": entity_record(a.attributed_to) if a.attributed_to else None,
        "agent": a.agent, "instrument": a.instrument, "doc_date": a.doc_date, "event_date": a.event_date,
        "trigger": a.trigger, "rule": a.rule,
    }
    return rec


def result_records(result: ExtractionResult) -> Iterator[dict]:
    """The document record (with the names seen), then one record per assertion."""
    rec = document_record(result.article)
    rec["names"] = [list(n) for n in result.surface_forms()]
    yield rec
    for a in result.assertions:
        yield assertion_record(a)


def dumps(record: dict) -> str:
    """One JSON line, stable key order, Unicode kept readable."""
    return json.dumps(record, ensure_ascii=False, sort_keys=False)


def _entity(rec: dict) -> Entity:
    return Entity(str(rec["id"]), str(rec.get("label") or rec["id"]), str(rec.get("type") or "Entity"),
                  tuple(rec.get("aliases") or ()), rec.get("wikidata"), bool(rec.get("in_ontology", True)))


def read_records(lines: Iterable[str], source: str = "<input>") -> Iterator[ExtractionResult]:
    """Read extraction records back into results (for `kg merge`)."""
    from .errors import KGError

    article: Article | None = None
    assertions: list[Assertion] = []
    names: tuple = ()
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise KGError(f"{source}:{n}: not JSON: {exc.msg}") from exc
        if rec.get("kind") == "document":
            if article is not None:
                yield ExtractionResult(article, tuple(assertions), names=names)
            names = tuple(tuple(n) for n in rec.get("names") or ())
            article = Article(doc_id=rec["doc"], text="", lang=rec.get("lang") or "", path=rec.get("path") or "",
                              title=rec.get("title"), date=rec.get("date"), source=rec.get("source"),
                              url=rec.get("url"), sha256=rec.get("sha256") or "")
            assertions = []
        elif rec.get("kind") == "relation":
            if article is None:
                raise KGError(f"{source}:{n}: a relation record before any document record")
            ev = Evidence(rec["doc"], rec.get("sentence") or "", int(rec.get("sentence_index") or 0),
                          int(rec.get("char_start") or 0), int(rec.get("char_end") or 0), rec.get("lang") or "")
            att = rec.get("attributed_to")
            assertions.append(Assertion(
                _entity(rec["subject"]), rec["relation"], _entity(rec["object"]), ev,
                polarity=rec.get("polarity", "positive"), modality=rec.get("modality", "asserted"),
                attributed_to=_entity(att) if att else None, agent=rec.get("agent"),
                instrument=rec.get("instrument"), doc_date=rec.get("doc_date"), event_date=rec.get("event_date"),
                confidence=float(rec.get("confidence", 0.5)), trigger=rec.get("trigger") or "",
                rule=rec.get("rule") or ""))
    if article is not None:
        yield ExtractionResult(article, tuple(assertions), names=names)


# The extraction cache (kg/build.py) stores one result per article in a compact
# form: one JSON array, each entity written once and referred to by its index.
# It reads back several times faster than the records above, which matters
# when a rebuild loads thousands of cached articles to extract one.
CACHE_FORMAT = "kg-cache/2"
_ARTICLE_FIELDS = ("doc_id", "lang", "path", "title", "date", "source", "url", "sha256", "removed_lines")


def pack_data(result: ExtractionResult) -> list:
    """One result as the cache stores it (article text left out: evidence holds the
    sentences): lists, strings, numbers and None, written as JSON or packed with marshal."""
    index: dict[Entity, int] = {}
    entities: list[list] = []

    def ref(entity: Entity | None) -> int:
        if entity is None:
            return -1
        if entity not in index:
            index[entity] = len(entities)
            entities.append([entity.id, entity.label, entity.type, list(entity.aliases), entity.wikidata,
                             entity.in_ontology])
        return index[entity]

    art = result.article
    rows = []
    for a in result.assertions:
        ev = a.evidence
        rows.append([ref(a.subject), a.relation, ref(a.object), None if ev.doc_id == art.doc_id else ev.doc_id,
                     ev.sentence, ev.sentence_index, ev.char_start, ev.char_end, ev.lang, a.polarity, a.modality,
                     ref(a.attributed_to), a.agent, a.instrument, a.doc_date, a.event_date, a.confidence,
                     a.trigger, a.rule])
    return [CACHE_FORMAT, [getattr(art, f) for f in _ARTICLE_FIELDS], [list(n) for n in result.surface_forms()],
            entities, rows]


def unpack_data(data: object) -> ExtractionResult:
    """Read back what `pack_data` made; raises ValueError if it is not that format."""
    if not isinstance(data, list) or len(data) != 5 or data[0] != CACHE_FORMAT:
        raise ValueError("not a kg-cache/2 entry")
    _, fields, names, table, rows = data
    article = Article(**dict(zip(_ARTICLE_FIELDS, fields)), text="")
    entities = [Entity(i, label, typ, tuple(aliases), wd, in_onto) for i, label, typ, aliases, wd, in_onto in table]
    doc_id = article.doc_id
    assertions = tuple(
        Assertion(entities[s], rel, entities[o], Evidence(ev_doc or doc_id, sentence, index, start, end, lang),
                  polarity=pol, modality=mod, attributed_to=entities[att] if att >= 0 else None, agent=agent,
                  instrument=instrument, doc_date=doc_date, event_date=event_date, confidence=conf,
                  trigger=trigger, rule=rule)
        for (s, rel, o, ev_doc, sentence, index, start, end, lang, pol, mod, att, agent, instrument, doc_date,
             event_date, conf, trigger, rule) in rows)
    return ExtractionResult(article, assertions, names=tuple(tuple(n) for n in names))
