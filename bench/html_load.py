"""Load time of the HTML view on a large synthetic graph, in headless Chromium.

    python bench/html_load.py [--nodes 2000] [--edges 10000] [--repeat 5] [--node-limit N] [--out /tmp/kg-bench]

Builds a `KnowledgeGraph` of random entities and relations directly from the
model records (no extraction), renders graph.html, opens it from file:// in
Debian's chromium through Playwright and prints, as the median of the runs:

- file size;
- data parsed: the embedded JSON parsed (ms after navigation start);
- layout stopped: the force layout settled or hit its time budget, physics off;
- usable: the network drawn on the canvas with the layout stopped;
- filter change: one relation filter unticked and the network redrawn;
- JS heap in use once ready (Chrome DevTools Protocol `Performance.getMetrics`).

It runs once with the page's default node limit and once with every entity
drawn. The machines are shared: read medians, not single runs.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
from pathlib import Path

from kg.export.html import NODE_LIMIT, render_html
from kg.graph import Edge, KnowledgeGraph
from kg.model import (
    ASSERTED,
    FUTURE,
    HYPOTHETICAL,
    NEGATIVE,
    POSITIVE,
    REPORTED,
    Article,
    Assertion,
    Entity,
    Evidence,
)

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
TYPES = ("Country", "Person", "ArmedGroup", "Organisation", "GovernmentBody", "City", "Region", "MilitarySite")
RELATIONS = ("attacks", "accuses", "condemns", "sanctions", "allyOf", "supports", "cooperatesWith", "meetsWith",
             "hosts", "deploysTo", "suppliesArmsTo", "threatens")
LANGS = ("en", "fr", "id", "ru", "uk")


def synthetic_graph(n_nodes: int, n_edges: int, seed: int = 1) -> KnowledgeGraph:
    """A graph with a few hubs and a long tail, like news coverage, with 1-3 dated sentences per edge."""
    rnd = random.Random(seed)
    entities = [Entity(f"E{i:05d}", f"Entity {i}", TYPES[i % len(TYPES)], (f"Сущность {i}", f"Entité {i}"))
                for i in range(n_nodes)]
    articles = [Article(f"synth/{d:05d}.txt", "", LANGS[d % len(LANGS)], title=f"Report {d}",
                        date=f"{2022 + d % 3}-{1 + d % 12:02d}-{1 + d % 28:02d}", source=f"Outlet {d % 40}")
                for d in range(max(1, n_edges // 3))]
    # Preferential attachment by rank: entity i is drawn with weight 1/(i+1)**0.8.
    weights = [1 / (i + 1) ** 0.8 for i in range(n_nodes)]
    keys: set[tuple[int, str, int, str]] = set()
    while len(keys) < n_edges:
        s, o = rnd.choices(range(n_nodes), weights, k=2)
        if s != o:
            keys.add((s, rnd.choice(RELATIONS), o, NEGATIVE if rnd.random() < 0.05 else POSITIVE))
    edges = []
    for s, rel, o, polarity in sorted(keys):
        assertions = []
        for k in range(rnd.choice((1, 1, 2, 3))):
            art = rnd.choice(articles)
            sentence = (f"{entities[s].label} {rel} {entities[o].label}, officials said; "
                        f"<script>alert({k})</script> according to {art.source}.")
            evidence = Evidence(art.doc_id, sentence, k, 0, len(sentence), art.lang)
            modality = rnd.choice((ASSERTED, REPORTED, REPORTED, HYPOTHETICAL, FUTURE))
            assertions.append(Assertion(entities[s], rel, entities[o], evidence, polarity=polarity, modality=modality,
                                        doc_date=art.date, confidence=0.6))
        edges.append(Edge(entities[s], rel, entities[o], polarity, tuple(assertions)))
    return KnowledgeGraph({e.id: e for e in entities}, tuple(edges), tuple(articles))


def measure(page_path: Path, browser) -> dict[str, float]:
    """Open the page once and read its timings and heap."""
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_path.as_uri())
    page.wait_for_function("() => window.kgGraph && window.kgGraph.ready", timeout=120_000)
    timing = page.evaluate("window.kgGraph.timing")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    # One filter change, timed inside the page up to the next drawn frame.
    filter_ms = page.evaluate("""() => new Promise(resolve => {
        const t0 = performance.now();
        document.querySelector('#rel-filters input').click();
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
    })""")
    shown = page.evaluate("[window.kgGraph.nodes.length, window.kgGraph.edges.length]")
    page.close()
    if errors:
        raise RuntimeError(f"console errors: {errors[:3]}")
    # The layout stops before the first frame is drawn; the page is usable once both have happened.
    return {"parsed": timing["parsed"], "layout stopped": timing["stable"],
            "usable": max(timing["stable"], timing.get("firstDraw", 0)), "filter": filter_ms,
            "heap": metrics.get("JSHeapUsedSize", 0) / 2**20, "nodes": shown[0], "edges": shown[1]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=2000)
    ap.add_argument("--edges", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--node-limit", type=int, default=NODE_LIMIT)
    ap.add_argument("--out", type=Path, default=Path("/tmp/kg-bench"))
    args = ap.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("Debian's chromium is not installed (scripts/ensure-chromium)")
    from playwright.sync_api import sync_playwright

    graph = synthetic_graph(args.nodes, args.edges)
    args.out.mkdir(parents=True, exist_ok=True)
    pages = {f"limit {args.node_limit}": args.node_limit, "all drawn": args.nodes}
    print(f"graph: {len(graph.entities)} entities, {len(graph.edges)} relations, "
          f"{sum(e.mentions for e in graph.edges)} sentences; median of {args.repeat} loads, ms after navigation start")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS, headless=True)
        for name, limit in pages.items():
            path = args.out / f"graph-{limit}.html"
            path.write_bytes(render_html(graph, node_limit=limit))
            runs = [measure(path, browser) for _ in range(args.repeat)]
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            each = ", ".join(f"{r['usable']:.0f}" for r in runs)
            print(f"{name}: {path.stat().st_size / 2**20:.1f} MiB; drawn {med['nodes']:.0f} entities, "
                  f"{med['edges']:.0f} relations")
            print(f"  data parsed {med['parsed']:.0f} ms, layout stopped {med['layout stopped']:.0f} ms, "
                  f"first drawn and usable {med['usable']:.0f} ms (runs: {each})")
            print(f"  one filter change redrawn in {med['filter']:.0f} ms; JS heap {med['heap']:.0f} MiB")
        browser.close()


if __name__ == "__main__":
    main()
