# Vendored verbatim from the shared evaluation kit (eval/score.py) so that `kg evaluate`
# computes exactly the figures of the official scorer. Do not edit: replace it.
"""Score extracted relations against a gold file (format kg-gold/1).

Usage:
    python3 score.py GOLD.json PREDICTIONS.jsonl [--json] [--verbose]

PREDICTIONS.jsonl is what `kg extract --format jsonl` prints: one JSON object
per line, either a document record

    {"kind": "document", "doc": "002_x.txt", "lang": "id", "date": "2024-08-13", ...}

or a relation record

    {"kind": "relation", "doc": "002_x.txt", "relation": "deploysTo",
     "subject": {"id": "...", "label": "Belarus", "aliases": [...], "type": "Country"},
     "object":  {...}, "polarity": "positive", "modality": "asserted", ...}

Only the standard library is used, so the script runs anywhere.
See README.md beside this file for the rules.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field

STRUCTURAL = {"leaderOf", "officialOf", "memberOf", "partOf", "locatedIn", "borders"}
SYMMETRIC = {"allyOf", "cooperatesWith", "conductsExerciseWith", "meetsWith",
             "signsAgreementWith", "borders"}


# Letters that Unicode does not decompose into a base letter plus a mark.
_SPECIAL = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
                          "ß": "ss", "ı": "i", "’": "'", "ʼ": "'"})
# A plain Cyrillic -> Latin transliteration (Russian and Ukrainian letters), so
# that a Cyrillic label can meet a Latin gold name; gold lists the variants.
_CYR = dict(zip("абвгґдеёєжзиіїйклмнопрстуфхцчшщъыьэюя",
                ["a", "b", "v", "g", "g", "d", "e", "e", "ye", "zh", "z", "i", "i", "yi", "y",
                 "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch",
                 "sh", "shch", "", "y", "", "e", "yu", "ya"]))


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)  # camelCase ids
    text = re.sub(r"[\W_]+", " ", text.lower()).strip()
    return re.sub(r"^the ", "", text)


def norm(name: str) -> str:
    """Lower-case, strip accents and punctuation, drop a leading 'the'."""
    return _fold(name)


def forms(name: str) -> set[str]:
    """The normalised name, plus its Latin transliteration if it has Cyrillic."""
    folded = _fold(name)
    out = {folded} if folded else set()
    if re.search(r"[\u0400-\u04ff]", folded):
        out.add("".join(_CYR.get(c, c) for c in folded))
    return out


def entity_names(entity: dict) -> set[str]:
    names = {entity.get("label") or ""}
    names.update(entity.get("aliases") or [])
    if entity.get("wikidata"):
        names.add(str(entity["wikidata"]))
    ident = str(entity.get("id") or "")
    if ident:
        names.add(re.split(r"[/#:]", ident)[-1].replace("_", " "))
    return set().union(*(forms(n) for n in names if n))


@dataclass
class Pattern:
    subject: set[str]
    relation: str
    object: set[str]

    @classmethod
    def parse(cls, triple: list) -> "Pattern":
        s, r, o = triple[:3]
        return cls(set().union(*(forms(x) for x in s.split("|"))), r,
                   set().union(*(forms(x) for x in o.split("|"))))

    def matches(self, pred: "Pred") -> bool:
        if pred.relation != self.relation:
            return False
        forward = bool(self.subject & pred.subject) and bool(self.object & pred.object)
        if forward or self.relation not in SYMMETRIC:
            return forward
        return bool(self.subject & pred.object) and bool(self.object & pred.subject)


@dataclass
class Item:
    """A gold item: satisfied when any of its alternative patterns matches."""
    alternatives: list[Pattern]
    text: str

    @classmethod
    def parse(cls, raw) -> "Item":
        triples = raw["any"] if isinstance(raw, dict) else [raw]
        return cls([Pattern.parse(t) for t in triples], json.dumps(raw, ensure_ascii=False))

    def matches(self, pred: "Pred") -> bool:
        return any(p.matches(pred) for p in self.alternatives)


@dataclass(frozen=True)
class Pred:
    subject: frozenset
    relation: str
    object: frozenset
    key: tuple
    text: str


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list = field(default_factory=list)

    def add(self, other: "Tally") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.errors += other.errors

    def figures(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


def load_predictions(path: str) -> tuple[dict, dict]:
    """Return ({doc: [relation records]}, {doc: document record})."""
    relations: dict[str, list] = {}
    documents: dict[str, dict] = {}
    with open(path, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                sys.exit(f"{path}:{line_no}: not JSON: {exc}")
            doc = str(rec.get("doc", "")).rsplit("/", 1)[-1]
            if rec.get("kind") == "document":
                documents[doc] = rec
            elif rec.get("kind", "relation") == "relation":
                relations.setdefault(doc, []).append(rec)
    return relations, documents


def to_pred(rec: dict) -> Pred:
    s, o = entity_names(rec.get("subject") or {}), entity_names(rec.get("object") or {})
    rel = str(rec.get("relation", ""))
    key_s = (rec.get("subject") or {}).get("id") or min(s, default="")
    key_o = (rec.get("object") or {}).get("id") or min(o, default="")
    if rel in SYMMETRIC:
        key_s, key_o = sorted([str(key_s), str(key_o)])
    text = f'{(rec.get("subject") or {}).get("label")} {rel} {(rec.get("object") or {}).get("label")}'
    return Pred(frozenset(s), rel, frozenset(o), (key_s, rel, key_o), text)


def score_doc(gold: dict, recs: list) -> dict:
    positive, negative = {}, {}
    for rec in recs:
        pred = to_pred(rec)
        bucket = negative if rec.get("polarity") == "negative" else positive
        bucket.setdefault(pred.key, pred)

    items = {k: [Item.parse(x) for x in gold.get(k, [])]
             for k in ("required", "structural", "optional", "negated", "wrong")}
    result = {}
    for tier, required_key in (("core", "required"), ("structural", "structural")):
        in_tier = (lambda r: r in STRUCTURAL) if tier == "structural" else (lambda r: r not in STRUCTURAL)
        preds = [p for p in positive.values() if in_tier(p.relation)]
        tally = Tally()
        for item in items[required_key]:
            if any(item.matches(p) for p in preds):
                tally.tp += 1
            else:
                tally.fn += 1
                tally.errors.append(f"missed  {item.text}")
        acceptable = items["required"] + items["structural"] + items["optional"]
        forbidden = items["negated"] + items["wrong"]
        for p in preds:
            if any(i.matches(p) for i in forbidden) or not any(i.matches(p) for i in acceptable):
                tally.fp += 1
                tally.errors.append(f"extra   {p.text}")
        result[tier] = tally

    # Negation: explicitly denied facts should come out with negative polarity.
    neg = Tally()
    expected = items["negated"] + [Item.parse(x[:3]) for x in gold.get("polarity", [])
                                   if x[3] == "negative"]
    for item in expected:
        if any(item.matches(p) for p in negative.values()):
            neg.tp += 1
        else:
            neg.fn += 1
            neg.errors.append(f"not negated  {item.text}")
    result["negation"] = neg
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold")
    ap.add_argument("predictions")
    ap.add_argument("--json", action="store_true", help="print figures as JSON")
    ap.add_argument("--verbose", action="store_true", help="list misses and extras")
    args = ap.parse_args()

    with open(args.gold, encoding="utf-8") as fh:
        gold = json.load(fh)
    relations, documents = load_predictions(args.predictions)

    totals = {"core": Tally(), "structural": Tally(), "negation": Tally()}
    per_lang: dict[str, Tally] = {}
    dates = {"right": 0, "wrong": 0}
    report_docs = {}
    for g in gold["documents"]:
        res = score_doc(g, relations.get(g["doc"], []))
        for tier, tally in res.items():
            totals[tier].add(tally)
        per_lang.setdefault(g.get("lang", "?"), Tally()).add(res["core"])
        if g.get("date"):
            got = (documents.get(g["doc"]) or {}).get("date") or ""
            dates["right" if str(got)[:10] == g["date"] else "wrong"] += 1
        report_docs[g["doc"]] = {t: r.figures() for t, r in res.items()}
        if args.verbose and not args.json:
            print(f"== {g['doc']} ({g.get('lang')})")
            for tier in ("core", "structural", "negation"):
                for e in res[tier].errors:
                    print(f"   [{tier}] {e}")

    out = {
        "core": totals["core"].figures(),
        "structural": totals["structural"].figures(),
        "negation_recall": totals["negation"].figures()["recall"],
        "dates_right": f'{dates["right"]}/{dates["right"] + dates["wrong"]}',
        "core_by_language": {k: v.figures() for k, v in sorted(per_lang.items())},
        "documents": report_docs,
    }
    if args.json:
        print(json.dumps(out, indent=1))
    else:
        for lang, fig in out["core_by_language"].items():
            print(f"core[{lang}]  P={fig['precision']:.3f} R={fig['recall']:.3f} F1={fig['f1']:.3f}")
        print(f"structural  P={out['structural']['precision']:.3f} R={out['structural']['recall']:.3f} "
              f"F1={out['structural']['f1']:.3f}")
        print(f"negation recall={out['negation_recall']:.3f}  dates right={out['dates_right']}")
        c = out["core"]
        print(f"core  P={c['precision']:.3f} R={c['recall']:.3f} F1={c['f1']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
