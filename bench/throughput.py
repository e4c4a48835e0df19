"""Extraction throughput per language on one core: sentences and words per second.

    python bench/throughput.py [--repeat 5] [--corpus tests/data/articles] [--extra seeds]
    python bench/throughput.py --corpus /tmp/synth --extra ''   # a larger corpus (bench/synth.py)

Loads each language's pipeline, gazetteer and lexicon first (not timed), then
times extraction over that language's test articles, repeated; prints the
median. Rates are per CPU second of this process (one core; BLAS is held to one
thread), which a busy shared machine disturbs less than the wall clock; the
wall-clock median is printed beside. "pipeline" is the share of the time spent
in spaCy (tokenizer, lemmas, sentences; the parser for French).

spaCy's tokenizer caches each distinct word; a corpus of news repeats most of
its words, so a long build runs mostly warm. "sent/s" is measured with that
cache emptied before every pass (flush_tokenizer_cache: each article read once
per pass, the words repeated across the test articles still hit), "warm" with
it kept. Only the tokenizer is made cold: the per-word memos of lemmas,
sentence classes and token columns (kg/extract/profiles.py, gazetteer.py) keep
what earlier passes filled, as they do across the articles of a build.
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core: before numpy loads

import argparse
import statistics
import time
from pathlib import Path

from kg.corpus import iter_corpus
from kg.extract import Extractor
from kg.extract.profiles import flush_tokenizer_cache, load_pipeline
from kg.model import Article
from kg.ontology import load_ontology


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[1] / "tests/data/articles")
    ap.add_argument("--extra", default=str(Path(__file__).resolve().parents[1] / "seeds"),
                    help="a second corpus directory read with --corpus ('' for none)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--copies", type=int, default=1, help="copies of each article per timed pass")
    args = ap.parse_args()
    extractor = Extractor(load_ontology())
    by_lang: dict[str, list[Article]] = {}
    for root in (args.corpus, Path(args.extra)) if args.extra else (args.corpus,):
        for item in iter_corpus(root):
            if isinstance(item, Article):
                by_lang.setdefault(item.lang, []).append(item)
    print(f"{'lang':<5} {'path':<7} {'sentences':>9} {'words':>7} {'sent/s':>7} {'words/s':>8} {'wall sent/s':>11}"
          f" {'warm sent/s':>11} {'pipeline':>8}  (median of {args.repeat})")
    for lang in sorted(by_lang):
        articles = by_lang[lang] * args.copies
        extractor.prepare(lang)
        list(extractor.extract_many(articles[:2]))  # warm caches
        nlp = load_pipeline(lang)
        docs = list(nlp.pipe(a.text for a in articles))
        sentences = sum(1 for d in docs for s in d.sents if s.text.strip())
        words = sum(1 for d in docs for t in d if t.is_alpha)
        cpu, wall, pipe, warm = [], [], [], []
        for _ in range(args.repeat):
            flush_tokenizer_cache(nlp)
            start, start_wall = time.process_time(), time.perf_counter()
            for _ in extractor.extract_many(articles):
                pass
            cpu.append(time.process_time() - start)
            wall.append(time.perf_counter() - start_wall)
            start = time.process_time()
            for _ in extractor.extract_many(articles):
                pass
            warm.append(time.process_time() - start)
            flush_tokenizer_cache(nlp)
            start = time.process_time()
            for _ in nlp.pipe(a.text for a in articles):
                pass
            pipe.append(time.process_time() - start)
        median = statistics.median(cpu)
        path = "parser" if lang == "fr" else "rules"
        print(f"{lang:<5} {path:<7} {sentences:>9} {words:>7} {sentences / median:>7.0f} {words / median:>8.0f}"
              f" {sentences / statistics.median(wall):>11.0f} {sentences / statistics.median(warm):>11.0f}"
              f" {statistics.median(pipe) / median:>8.0%}")


if __name__ == "__main__":
    main()
