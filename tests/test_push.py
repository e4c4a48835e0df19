"""`kg push` against a real Oxigraph server started and stopped by the test."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

from .conftest import SEEDS

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def oxigraph(tmp_path):
    beside = Path(sys.executable).parent / "oxigraph"  # the venv's bin may not be on PATH
    exe = str(beside) if beside.exists() else shutil.which("oxigraph")
    if exe is None:
        pytest.fail("the oxigraph server (PyPI package `oxigraph`) is not installed: install the test extras")
    port = _free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def _select(base: str, query: str) -> list[dict]:
    req = urllib.request.Request(base + "/query?query=" + urllib.parse.quote(query),
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.load(resp)["results"]["bindings"]


def test_push_round_trips_through_a_real_server(oxigraph, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(main, ["push", oxigraph + "/store", str(corpus), "--out", str(out)])
    assert result.exit_code == 0, result.output
    graphs = _select(oxigraph, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert len(graphs) == 5 + 2  # five articles, the ontology, the merged relations
    hosts = _select(oxigraph, """SELECT ?o WHERE { GRAPH ?g {
        <https://w3id.org/kg-rbu/entity/Belarus> <https://w3id.org/kg-rbu/ontology#hosts> ?o } }""")
    assert {"type": "uri", "value": "https://w3id.org/kg-rbu/entity/WagnerGroup"} in [h["o"] for h in hosts]

    before = _select(oxigraph, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"]["value"]
    again = runner.invoke(main, ["push", oxigraph + "/store", str(corpus), "--out", str(out)])
    assert again.exit_code == 0
    after = _select(oxigraph, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"]["value"]
    assert before == after  # pushing twice replaces, never duplicates


def test_push_to_nowhere_gives_a_clear_message(tmp_path):
    result = CliRunner().invoke(main, ["push", f"http://127.0.0.1:{_free_port()}/store", str(SEEDS),
                                       "--out", str(tmp_path)])
    assert result.exit_code != 0 and "cannot reach the store" in result.output
