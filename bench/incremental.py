"""Full build versus adding one article and rebuilding, on a synthetic corpus.

    python bench/incremental.py --n 1000 [--repeat 3] [--work /tmp/kg-bench]

Prints the median full-build time, the median time to add one article and
rebuild (extraction cache in place), and their ratio.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from kg.build import build

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path("/tmp/kg-bench"))
    args = ap.parse_args()
    corpus = args.work / f"corpus{args.n}"
    if not corpus.exists():
        subprocess.run([sys.executable, str(HERE / "synth.py"), str(corpus), "--n", str(args.n)], check=True)
    # The added article is a real one (a seed), as an analyst would add.
    extra = HERE.parent / "seeds"
    full, incremental = [], []
    for r in range(args.repeat):
        out = args.work / "out"
        shutil.rmtree(out, ignore_errors=True)
        start = time.perf_counter()
        report = build(corpus, out, full=True)
        full.append(time.perf_counter() - start)
        new = sorted(extra.iterdir())[r % 5]
        shutil.copy(new, corpus / f"added_{r}_{new.name}")
        start = time.perf_counter()
        again = build(corpus, out)
        incremental.append(time.perf_counter() - start)
        assert again.extracted == 1, again.extracted
        (corpus / f"added_{r}_{new.name}").unlink()
    f, i = statistics.median(full), statistics.median(incremental)
    print(f"corpus {args.n} articles ({report.read} read, {report.relations} relations, {report.entities} entities)")
    print(f"full build        median {f:7.2f} s  ({args.repeat} runs: {', '.join(f'{x:.1f}' for x in full)})")
    print(f"add one + rebuild median {i:7.2f} s  ({args.repeat} runs: {', '.join(f'{x:.1f}' for x in incremental)})")
    print(f"ratio incremental/full {i / f:.3f}")


if __name__ == "__main__":
    main()
