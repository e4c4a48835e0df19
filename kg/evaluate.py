"""`kg evaluate`: extraction over a corpus scored with the shared scorer's rules."""
from __future__ import annotations

import json
from pathlib import Path

from . import scorer
from .build import BuildReport, extract_corpus
from .errors import KGError
from .ontology import load_ontology
from .records import result_records


def evaluate(gold_path: Path, corpus: Path) -> tuple[dict, dict[str, list[str]]]:
    """(figures as the scorer prints them with --json, misses and extras per document)."""
    try:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KGError(f"{gold_path}: not a readable gold file ({exc})") from exc
    if not isinstance(gold, dict) or "documents" not in gold:
        raise KGError(f"{gold_path}: not a kg-gold/1 file (no 'documents')")
    relations: dict[str, list] = {}
    documents: dict[str, dict] = {}
    for result in extract_corpus(corpus, load_ontology(), None, BuildReport()):
        for rec in result_records(result):
            doc = str(rec.get("doc", "")).rsplit("/", 1)[-1]
            if rec["kind"] == "document":
                documents[doc] = rec
            else:
                relations.setdefault(doc, []).append(rec)
    totals = {"core": scorer.Tally(), "structural": scorer.Tally(), "negation": scorer.Tally()}
    per_lang: dict[str, scorer.Tally] = {}
    dates = {"right": 0, "wrong": 0}
    errors: dict[str, list[str]] = {}
    for g in gold["documents"]:
        res = scorer.score_doc(g, relations.get(g["doc"], []))
        for tier, tally in res.items():
            totals[tier].add(tally)
        per_lang.setdefault(g.get("lang", "?"), scorer.Tally()).add(res["core"])
        if g.get("date"):
            got = (documents.get(g["doc"]) or {}).get("date") or ""
            dates["right" if str(got)[:10] == g["date"] else "wrong"] += 1
        errors[g["doc"]] = [f"[{tier}] {e}" for tier in ("core", "structural", "negation") for e in res[tier].errors]
    figures = {
        "core": totals["core"].figures(),
        "structural": totals["structural"].figures(),
        "negation_recall": totals["negation"].figures()["recall"],
        "dates_right": f'{dates["right"]}/{dates["right"] + dates["wrong"]}',
        "core_by_language": {k: v.figures() for k, v in sorted(per_lang.items())},
    }
    return figures, errors
