"""Full build versus adding one article and rebuilding, on a synthetic corpus.

    python bench/incremental.py --n 1000 [--repeat 3] [--work /tmp/kg-bench] [--subprocess]

Prints the median full-build time, the median time to add one article and
rebuild (extraction cache in place), and their ratio. By default both builds
run in this process, one after the other; with --subprocess each is a fresh
`kg build` process, as a user runs it: the full build does not profit from
the extractor's memo caches warmed by the previous run (a synthetic corpus is
repetitive, so they make an in-process full build several times faster), and
the rebuild pays for starting Python and loading the new article's pipeline.

With --server, a build server (`kg server start`, all five languages, in a
socket directory of its own under WORK) is started first (its start-up is
printed, not counted). The full build is still timed as a fresh
`kg build --full --no-server` process, what building the corpus from scratch
costs; then the server builds the corpus once (reading its cache back), the
article is added and the timed rebuild is a `kg build` client of the server.
For comparison it also times `kg build --full` through the server, which is
faster than a fresh process and, after the first run, helped by the extractor's
memos warmed by the previous full builds.
"""
from __future__ import annotations

import argparse
import json
import os
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
    ap.add_argument("--server", action="store_true", help="time the rebuild through a build server (see above)")
    args = ap.parse_args()
    env = dict(os.environ)
    if args.server:
        args.subprocess = True
        env["KG_SERVER_DIR"] = str(args.work / "server")
        (args.work / "server").mkdir(mode=0o700, parents=True, exist_ok=True)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kg.cli", "server", "start"], check=True, env=env)
        print(f"server started in {time.perf_counter() - start:.1f} s (not counted)", flush=True)
    corpus = args.work / f"corpus{args.n}"
    if not corpus.exists():
        subprocess.run([sys.executable, str(HERE / "synth.py"), str(corpus), "--n", str(args.n)], check=True)
    # The added article is a real one (a seed), as an analyst would add.
    extra = HERE.parent / "seeds"
    for stale in corpus.glob("added_*"):  # left by an interrupted run
        stale.unlink()
    full, incremental, served_full = [], [], []

    def run_build(out: Path, full_build: bool, served: bool = False) -> BuildReport:
        if not args.subprocess:
            return build(corpus, out, full=full_build)
        subprocess.run([sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(out), "-q", "-j", "1",
                        *(["--full"] if full_build else []), *([] if served else ["--no-server"])],
                       check=True, env=env)
        return BuildReport(**{k: v for k, v in json.loads((out / "build.json").read_text()).items()
                              if k in ("read", "extracted", "reused", "files_parsed", "relations", "entities")})

    for r in range(args.repeat):
        out = args.work / "out"
        shutil.rmtree(out, ignore_errors=True)
        start = time.perf_counter()
        report = run_build(out, True)
        full.append(time.perf_counter() - start)
        if args.server:
            run_build(out, False, served=True)  # the server reads the cache in once
        new = sorted(extra.iterdir())[r % 5]
        shutil.copy(new, corpus / f"added_{r}_{new.name}")
        start = time.perf_counter()
        again = run_build(out, False, served=args.server)
        incremental.append(time.perf_counter() - start)
        if again.extracted != 1:  # the rules changed under us (someone is editing kg/extract): not a figure
            raise SystemExit(f"the rebuild extracted {again.extracted} articles, not 1: was kg/extract, the "
                             "ontology or a lexicon edited during the run? Run again.")
        print(f"run {r + 1}: full {full[-1]:.2f} s, add one + rebuild {incremental[-1]:.2f} s "
              f"(files parsed {again.files_parsed})", flush=True)
        if args.server:
            start = time.perf_counter()
            run_build(out, True, served=True)
            served_full.append(time.perf_counter() - start)
            print(f"       full build through the server {served_full[-1]:.2f} s", flush=True)
        (corpus / f"added_{r}_{new.name}").unlink()
    if args.server:
        subprocess.run([sys.executable, "-m", "kg.cli", "server", "stop"], check=True, env=env)
    f, i = statistics.median(full), statistics.median(incremental)
    print(f"corpus {args.n} articles ({report.read} read, {report.relations} relations, {report.entities} entities)")
    print(f"full build        median {f:7.2f} s  ({args.repeat} runs: {', '.join(f'{x:.1f}' for x in full)})")
    print(f"add one + rebuild median {i:7.2f} s  ({args.repeat} runs: {', '.join(f'{x:.1f}' for x in incremental)})")
    how = ("rebuild through a build server, full build a fresh process" if args.server
           else "fresh kg build processes" if args.subprocess else "in one process")
    print(f"ratio incremental/full {i / f:.3f}  ({how})")
    if served_full:
        sf = statistics.median(served_full)
        print(f"full build through the server median {sf:7.2f} s ({', '.join(f'{x:.1f}' for x in served_full)}); "
              f"ratio against it {i / sf:.3f}")


if __name__ == "__main__":
    main()
