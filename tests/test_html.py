"""The HTML view in a real headless Chromium (Debian's package, driven by Playwright)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.build import build

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
    page.wait_for_function("window.kgGraph && window.kgGraph.nodes.length > 0")
    return page, errors, requests


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
    page.close()
