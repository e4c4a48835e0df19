"""The command line through click's CliRunner and through a real subprocess."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from kg.cli import main

from .conftest import ROOT, SEEDS

COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_and_is_in_the_readme(name):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert main.commands[name].help and len(main.commands[name].help) > 20
    assert f"kg {name}" in readme, f"`kg {name}` is not documented in README.md"


def test_build_then_query_and_stats(tmp_path):
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(SEEDS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "articles read 5" in result.output
    q = runner.invoke(main, ["query", "SELECT ?o WHERE { ent:Belarus kg:allyOf ?o }", "--out", str(out),
                             "--format", "json"])
    assert q.exit_code == 0, q.output
    assert {"o": "https://w3id.org/kg-rbu/entity/Russia"} in json.loads(q.output)
    s = runner.invoke(main, ["stats", "--out", str(out)])
    assert s.exit_code == 0 and "relations by type" in s.output


def test_query_is_read_only_unless_allowed(tmp_path):
    runner = CliRunner()
    out = tmp_path / "out"
    runner.invoke(main, ["build", str(SEEDS), "--out", str(out), "--format", "turtle"])
    update = "INSERT DATA { ent:X kg:hosts ent:Y }"
    refused = runner.invoke(main, ["query", update, "--out", str(out)])
    assert refused.exit_code != 0 and "read-only" in refused.output
    allowed = runner.invoke(main, ["query", update, "--out", str(out), "--allow-update"])
    assert allowed.exit_code == 0


def test_csv_output_neutralises_formulas():
    from kg.query import format_rows

    text = format_rows(["x"], [["=HYPERLINK(\"http://evil\")"], ["+1"], ["-2"], ["@SUM(A1)"], ["plain"]], "csv")
    lines = text.splitlines()[1:]
    assert all(line.lstrip('"').startswith("'") for line in lines[:4])
    assert lines[4] == "plain"


def test_missing_export_gives_a_clear_message(tmp_path):
    result = CliRunner().invoke(main, ["query", "SELECT * WHERE { ?s ?p ?o }", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "graph.ttl" in result.output and "kg build" in result.output


def test_strict_build_fails_on_a_skipped_article(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "good.txt").write_text((SEEDS / "002_493b31309f41d34b.txt").read_text(encoding="utf-8"),
                                     encoding="utf-8")
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    runner = CliRunner()
    lenient = runner.invoke(main, ["build", str(corpus), "--out", str(tmp_path / "o")])
    assert lenient.exit_code == 0 and "skipped 1" in lenient.output
    strict = runner.invoke(main, ["build", str(corpus), "--out", str(tmp_path / "o"), "--strict"])
    assert strict.exit_code != 0 and "empty.txt" in strict.output


def test_extract_and_evaluate_in_a_real_subprocess(tmp_path):
    kg = [sys.executable, "-m", "kg.cli"]
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    done = subprocess.run(kg + ["extract", str(SEEDS / "002_493b31309f41d34b.txt")], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert records[0]["kind"] == "document" and records[0]["date"] == "2024-08-13"
    assert any(r["kind"] == "relation" and r["relation"] == "deploysTo" for r in records)
    gold = ROOT.parent / "shared" / "eval" / "seeds-gold.json"
    if not gold.exists():
        pytest.skip("shared evaluation kit not beside the repository")
    ev = subprocess.run(kg + ["evaluate", str(gold), str(SEEDS), "--json"], capture_output=True, text=True,
                        env=env, cwd=tmp_path, timeout=300)
    assert ev.returncode == 0, ev.stderr
    assert json.loads(ev.stdout)["dates_right"] == "3/3"


def test_version():
    assert CliRunner().invoke(main, ["--version"]).output.startswith("kg, version")


def test_only_cli_imports_click():
    for path in (ROOT / "kg").rglob("*.py"):
        if path.name != "cli.py":
            assert "import click" not in path.read_text(encoding="utf-8"), path
    assert isinstance(main, click.Group)
