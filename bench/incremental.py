"""Full build versus adding one article and rebuilding, on a synthetic corpus.

    python bench/incremental.py --n 1000 [--repeat 3] [--work /tmp/kg-bench] [--subprocess]

Prints the median full-build time, the median time to add one article and
rebuild (extraction cache in place), and their ratio. By default both builds
run in this process, one after the other; with --subprocess each is a fresh
`kg build` process, as a user runs it: the full build does not profit from
the extractor's memo caches warmed by the previous run (a synthetic corpus is
repetitive, so they make an in-process full build several times faster), and
the rebuild pays for starting Python and loading the new article's pipeline.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from kg.build import BuildReport, build

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path("/tmp/kg-bench"))
    ap.add_argument("--subprocess", action="store_true", help="time each build as a fresh `kg build` process")
    args = ap.parse_args()
    corpus = args.work / f"corpus{args.n}"
    if not corpus.exists():
        subprocess.run([sys.executable, str(HERE / "synth.py"), str(corpus), "--n", str(args.n)], check=True)
    # The added article is a real one (a seed), as an analyst would add.
    extra = HERE.parent / "seeds"
    for stale in corpus.glob("added_*"):  # left by an interrupted run
        stale.unlink()
    full, incremental = [], []
    def run_build(out: Path, full_build: bool) -> BuildReport:
        if not args.subprocess:
            return build(corpus, out, full=full_build)
        subprocess.run([sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(out), "-q", "-j", "1",
                        *(["--full"] if full_build else [])], check=True)
        return BuildReport(**{k: v for k, v in json.loads((out / "build.json").read_text()).items()
                              if k in ("read", "extracted", "reused", "files_parsed", "relations", "entities")})

    for r in range(args.repeat):
        out = args.work / "out"
        shutil.rmtree(out, ignore_errors=True)
        start = time.perf_counter()
        report = run_build(out, True)
        full.append(time.perf_counter() - start)
        new = sorted(extra.iterdir())[r % 5]
        shutil.copy(new, corpus / f"added_{r}_{new.name}")
        start = time.perf_counter()
        again = run_build(out, False)
        incremental.append(time.perf_counter() - start)
        if again.extracted != 1:  # the rules changed under us (someone is editing kg/extract): not a figure
            raise SystemExit(f"the rebuild extracted {again.extracted} articles, not 1: was kg/extract, the "
                             "ontology or a lexicon edited during the run? Run again.")
        print(f"run {r + 1}: full {full[-1]:.2f} s, add one + rebuild {incremental[-1]:.2f} s "
              f"(files parsed {again.files_parsed})", flush=True)
        (corpus / f"added_{r}_{new.name}").unlink()
    f, i = statistics.median(full), statistics.median(incremental)
    print(f"corpus {args.n} articles ({report.read} read, {report.relations} relations, {report.entities} entities)")
    print(f"full build        median {f:7.2f} s  ({args.repeat} runs: {', '.join(f'{x:.1f}' for x in full)})")
    print(f"add one + rebuild median {i:7.2f} s  ({args.repeat} runs: {', '.join(f'{x:.1f}' for x in incremental)})")
    print(f"ratio incremental/full {i / f:.3f}  ({'fresh kg build processes' if args.subprocess else 'in one process'})")


if __name__ == "__main__":
    main()
