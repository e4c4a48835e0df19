"""Parallel extraction: sentences per second with one process and with several.

    python bench/parallel.py [--n 400] [--jobs 1 2] [--repeat 3] [--work /tmp/kg-parallel]

Extracts a synthetic corpus (bench/synth.py, generated once) through the build's
own streaming path (`extract_corpus`, no cache) with each number of jobs, and
prints the wall-clock sentences per second (median of --repeat runs) and the
speed-up over one job. Every pipeline, gazetteer and lexicon is loaded before the
clock starts, as `kg build` loads them once before forking its workers, so the
figure is extraction alone; the results of every run are checked to be those of
one process. The machine is shared: run it when it is otherwise idle, and read
the medians and the ratio.
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core per process: before numpy loads

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from kg.build import BuildReport, _Reader, extract_corpus
from kg.corpus import iter_corpus
from kg.extract.profiles import load_pipeline
from kg.model import SUPPORTED_LANGUAGES, Article
from kg.ontology import load_ontology

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=400, help="synthetic articles")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path("/tmp/kg-parallel"))
    args = ap.parse_args()
    corpus = args.work / f"corpus{args.n}"
    if not corpus.exists():
        subprocess.run([sys.executable, str(HERE / "synth.py"), str(corpus), "--n", str(args.n)], check=True)
    ontology = load_ontology()
    _Reader(ontology, None, False, frozenset(SUPPORTED_LANGUAGES)).prepare()  # loaded once, inherited by workers
    articles = [a for a in iter_corpus(corpus) if isinstance(a, Article)]
    sentences = sum(1 for a in articles for s in load_pipeline(a.lang)(a.text).sents if s.text.strip())
    print(f"{len(articles)} articles, {sentences} sentences; cores available: {len(os.sched_getaffinity(0))}")

    reference = None
    rates: dict[int, float] = {}
    for jobs in args.jobs:
        walls = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            results = list(extract_corpus(corpus, ontology, None, BuildReport(), jobs=jobs))
            walls.append(time.perf_counter() - start)
            assertions = [r.assertions for r in results]
            if reference is None:
                reference = assertions
            elif assertions != reference:
                raise SystemExit(f"--jobs {jobs} gave other results than --jobs {args.jobs[0]}")
        rates[jobs] = sentences / statistics.median(walls)
        print(f"jobs {jobs}: {rates[jobs]:8.0f} sentences/s  (median of {args.repeat}: "
              f"{', '.join(f'{w:.1f}' for w in walls)} s)", flush=True)
    base = rates.get(1)
    if base:
        for jobs, rate in rates.items():
            if jobs != 1:
                print(f"speed-up with {jobs} jobs: {rate / base:.2f}x one job")


if __name__ == "__main__":
    main()
