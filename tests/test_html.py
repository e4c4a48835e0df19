"""The HTML view in a real headless Chromium (Debian's package, driven by Playwright)."""
from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from kg.build import build
from kg.export.html import graph_data, render_html, safe_json
from kg.export.memo import RenderMemo
from kg.graph import Edge, KnowledgeGraph
from kg.model import Article, Assertion, Entity, Evidence

from .conftest import ROOT, SEEDS

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = ROOT / "tests" / "artifacts"

HOSTILE = """MINSK, 4 March 2024 - <script>window.__pwned = 1</script> Belarus accused Ukraine of provocations <img src=x onerror="window.__pwned = 2"> on the border.
Belarus summoned the envoy of Ukraine after a <a href="javascript:window.__pwned=3">drone</a> crossed the border, the ministry said.
"""


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is not installed: run scripts/ensure-chromium (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus")
    for f in SEEDS.iterdir():
        shutil.copy(f, corpus / f.name)
    (corpus / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    build(corpus, out, formats=("html",))
    return out / "graph.html"


def _open(browser, page_path: Path):
    page = browser.new_page()
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:", "about:")) else None)
    page.goto(page_path.as_uri())
    # A function, not an expression string: the page's CSP forbids the eval that a string would need.
    page.wait_for_function("() => window.kgGraph && window.kgGraph.ready && window.kgGraph.nodes.length > 0")
    return page, errors, requests


def _count(page, what: str = "edges") -> int:
    return page.evaluate(f"window.kgGraph.{what}.length")


def _drawn_dates(page) -> list[list[str]]:
    """The evidence dates of every relation drawn."""
    return page.evaluate("window.kgGraph.edges.getIds().map(id => window.kgGraph.edgeData(id).dates)")


def _drag_thumb(page, selector: str, to_fraction: float) -> None:
    """Drag a range input's thumb with the mouse to a fraction of its track."""
    box = page.locator(selector).bounding_box()
    value, top = (float(v) for v in page.eval_on_selector(selector, "e => [e.value, e.max]"))
    thumb = 14  # px, the width the page's CSS gives the thumb

    def x(fraction: float) -> float:
        return box["x"] + thumb / 2 + fraction * (box["width"] - thumb)

    y = box["y"] + box["height"] / 2
    page.mouse.move(x(value / top if top else 0), y)
    page.mouse.down()
    page.mouse.move(x(to_fraction), y, steps=8)
    page.mouse.up()


def test_page_loads_offline_without_errors(browser, built):
    page, errors, requests = _open(browser, built)
    external = page.evaluate("document.querySelectorAll('script[src], link[href], iframe, img[src]').length")
    assert external == 0  # everything is inline: no CDN, no file beside the page
    assert errors == []
    assert requests == []
    assert page.locator("#counts").inner_text().endswith("relations shown")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "graph.png"))
    page.close()


def test_search_any_alias_and_read_evidence_by_clicking(browser, built):
    page, errors, _ = _open(browser, built)
    page.fill("#search", "Лукашенко")
    hit = page.locator("#search-results button.hit").first
    assert "Alexander Lukashenko" in hit.inner_text()
    hit.click()
    assert "Alexander Lukashenko" in page.locator("#panel h2").first.inner_text()
    page.locator("#panel li").first.click()
    evidence = page.locator("#panel .ev")
    assert evidence.count() >= 1
    assert "modality" in evidence.first.inner_text()
    assert errors == []
    page.close()


def test_relation_filter_hides_edges(browser, built):
    page, _, _ = _open(browser, built)
    before = page.evaluate("window.kgGraph.edges.length")
    page.locator("#rel-filters input[value=meetsWith]").click()
    after = page.evaluate("window.kgGraph.edges.length")
    assert 0 < after < before
    page.close()


def test_hostile_article_text_runs_nothing(browser, built):
    page, errors, requests = _open(browser, built)
    page.fill("#search", "Belarus")
    page.locator("#search-results button.hit").first.click()
    page.locator("#panel li", has_text="accuses").first.click()
    assert "provocations" in page.locator("#panel").inner_text()
    assert "<script>" in page.locator("#panel").inner_text()  # shown as text
    # Open every edge's evidence: the hostile sentences are shown as text, never run.
    page.evaluate("window.kgGraph.edges.getIds().forEach(function (id) { window.kgGraph.showEdge(id); })")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#panel script, #panel img, #panel a[href^=javascript]").count() == 0
    assert requests == []
    assert errors == []
    page.close()


def test_time_slider_by_keyboard_mouse_and_play(browser, built):
    page, errors, _ = _open(browser, built)
    dates = page.evaluate("document.getElementById('time-to').max")
    assert int(dates) >= 2  # the seeds and the planted article have at least three dates
    page.locator("#show-undated").click()
    dated = _count(page)
    assert 0 < dated
    # Keyboard: the latest-date handle down to the earliest date, then back.
    page.locator("#time-to").focus()
    page.keyboard.press("Home")
    earliest = _count(page)
    assert 0 < earliest < dated
    label = page.locator("#time-label").inner_text()
    first = label.split(" — ")[0]
    assert label.startswith(f"{first} — {first}")
    assert all(first in d for d in _drawn_dates(page))
    page.keyboard.press("ArrowRight")
    assert earliest <= _count(page) <= dated
    page.keyboard.press("End")
    assert _count(page) == dated
    # Mouse: drag the earliest-date handle to the far right; only the last date's edges stay.
    _drag_thumb(page, "#time-from", 1.0)
    assert page.eval_on_selector("#time-from", "e => e.value") == dates
    latest = _count(page)
    assert 0 < latest < dated
    last = page.locator("#time-label").inner_text().split(" — ")[0]
    assert last != first
    assert all(last in d for d in _drawn_dates(page))
    # The handles never cross: the latest-date one stops at the other.
    page.locator("#time-to").focus()
    page.keyboard.press("Home")
    assert page.eval_on_selector("#time-to", "e => e.value") == dates
    assert _count(page) == latest
    page.locator("#time-from").focus()
    page.keyboard.press("Home")
    assert _count(page) == dated
    # Play grows the window one date at a time up to the last date.
    page.locator("#time-to").focus()
    page.keyboard.press("Home")
    page.evaluate("""window.__counts = [];
        new MutationObserver(() => window.__counts.push(window.kgGraph.edges.length))
            .observe(document.getElementById('counts'), {childList: true, characterData: true, subtree: true});""")
    page.locator("#play").click()
    assert page.locator("#play").get_attribute("aria-pressed") == "true"
    page.wait_for_function("() => document.getElementById('play').getAttribute('aria-pressed') === 'false'",
                           timeout=20_000)
    seen = page.evaluate("window.__counts")
    assert seen == sorted(seen) and seen[0] < seen[-1] == dated
    assert errors == []
    page.close()


def _large_graph(n_nodes: int, n_edges: int) -> KnowledgeGraph:
    """A tree over every entity (so each has a neighbour) plus edges drawn towards a few hubs."""
    rnd = random.Random(3)
    ents = [Entity(f"E{i:04d}", f"Entity {i}", ("Country", "Person", "City")[i % 3], (f"Сущность-{i}",))
            for i in range(n_nodes)]
    arts = [Article(f"a{d}.txt", "", "en", title=f"Report {d}", date=f"2024-{1 + d % 12:02d}-01", source="Wire")
            for d in range(24)]
    pairs = {(i, rnd.randrange(i)) for i in range(1, n_nodes)}
    while len(pairs) < n_edges:
        s, o = rnd.choices(range(n_nodes), [1 / (i + 1) for i in range(n_nodes)], k=2)
        if s != o:
            pairs.add((s, o))
    edges = []
    for s, o in sorted(pairs):
        art = rnd.choice(arts)
        sentence = f"{ents[s].label} accuses {ents[o].label}. <img src=x onerror=\"window.__pwned=1\">"
        a = Assertion(ents[s], "accuses", ents[o], Evidence(art.doc_id, sentence, 0, 0, len(sentence), "en"),
                      doc_date=art.date)
        edges.append(Edge(ents[s], "accuses", ents[o], "positive", (a,)))
    return KnowledgeGraph({e.id: e for e in ents}, tuple(edges), tuple(arts))


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    path = tmp_path_factory.mktemp("large") / "graph.html"
    path.write_bytes(render_html(_large_graph(600, 2400), node_limit=100))
    return path


def test_large_graph_loads_with_a_node_limit(browser, large):
    page, errors, requests = _open(browser, large)
    assert _count(page, "nodes") == 100
    assert page.locator("#counts").inner_text().startswith("100 of 600 entities")
    # Raise the limit by keyboard (the input steps by 50), then draw everything.
    page.locator("#node-limit").focus()
    page.keyboard.press("ArrowUp")
    assert _count(page, "nodes") == 150
    page.locator("#show-all").click()
    assert _count(page, "nodes") == 600
    assert _count(page) == 2400
    # The source filter keeps the relations read in matching documents.
    page.fill("#source-filter", "Report 3")
    docs = page.evaluate("""window.kgGraph.edges.getIds().map(id =>
        window.kgGraph.edgeData(id).evidence.map(ev => ev.doc).join(' '))""")
    assert 0 < len(docs) < 2400
    assert all("a3.txt" in d for d in docs)
    page.fill("#source-filter", "")
    page.evaluate("window.kgGraph.edges.getIds().slice(0, 200).forEach(function (id) { window.kgGraph.showEdge(id); })")
    assert page.evaluate("window.__pwned") is None
    assert errors == []
    assert requests == []
    page.close()


def test_search_draws_an_entity_outside_the_limit(browser, large):
    page, errors, _ = _open(browser, large)
    assert page.evaluate("window.kgGraph.nodes.get('E0599')") is None  # a leaf, far from the top 100
    page.fill("#search", "сущность-599")
    page.locator("#search-results button.hit").first.click()
    assert page.evaluate("window.kgGraph.nodes.get('E0599') !== null")
    assert page.evaluate("window.kgGraph.network.getSelectedNodes()") == ["E0599"]
    assert "Entity 599" in page.locator("#panel h2").first.inner_text()
    # It is drawn with its neighbours, and each of its relations can be read.
    neighbours = page.evaluate("window.kgGraph.network.getConnectedNodes('E0599')")
    assert neighbours
    page.locator("#panel li").first.click()
    assert "accuses" in page.locator("#panel h2").first.inner_text()
    page.locator("#unpin").click()
    assert page.evaluate("window.kgGraph.nodes.get('E0599')") is None
    assert _count(page, "nodes") == 100
    assert errors == []
    page.close()


def test_page_data_put_together_from_edge_pieces_is_the_whole_graph_data(tmp_path):
    """The page's data is assembled from each edge's JSON (from the memo on a rebuild);
    it must be exactly the JSON of the whole graph's data."""
    graph = _large_graph(40, 120)
    whole = safe_json(graph_data(graph)).encode("utf-8")
    assert whole in render_html(graph)
    memo = RenderMemo(tmp_path / "memo")
    render_html(graph, memo=memo)
    memo.save()
    again = RenderMemo(tmp_path / "memo")
    assert whole in render_html(graph, memo=again) and again.misses == 0 and again.hits == len(graph.edges)
