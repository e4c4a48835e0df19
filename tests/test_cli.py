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


def test_add_refuses_duplicates_and_rebuilds(tmp_path):
    corpus = tmp_path / "corpus"
    src = SEEDS / "002_493b31309f41d34b.txt"
    runner = CliRunner()
    first = runner.invoke(main, ["add", str(src), "--corpus", str(corpus), "--out", str(tmp_path / "o")])
    assert first.exit_code == 0 and "added 1" in first.output and "extracted 1" in first.output
    again = runner.invoke(main, ["add", str(src), "--corpus", str(corpus), "--out", str(tmp_path / "o")])
    assert again.exit_code == 0 and "added 0" in again.output
    assert sorted(p.name for p in corpus.iterdir()) == [src.name]


def test_show_finds_an_entity_by_any_alias_and_entities_lists_merges(tmp_path):
    runner = CliRunner()
    out = tmp_path / "out"
    runner.invoke(main, ["build", str(SEEDS), "--out", str(out), "--format", "turtle"])
    for name in ("Лукашенко", "Loukachenko", "lukashenko"):
        shown = runner.invoke(main, ["show", name, "--out", str(out)])
        assert shown.exit_code == 0, shown.output
        assert shown.output.startswith("Alexander Lukashenko (Person")
        assert "leaderOf Belarus" in shown.output and "«" in shown.output
    missing = runner.invoke(main, ["show", "Nobody Atall", "--out", str(out)])
    assert missing.exit_code != 0 and "kg entities" in missing.output
    listed = runner.invoke(main, ["entities", "--merges", "--out", str(out)])
    assert listed.exit_code == 0
    belarus = listed.output.split("Belarus", 1)[1].split("\n", 2)[1]
    assert "Biélorussie" in belarus and "Belarusia" in belarus


def test_config_file_sets_defaults(tmp_path, monkeypatch):
    corpus = tmp_path / "articles"
    corpus.mkdir()
    (corpus / "a.txt").write_text((SEEDS / "004_6a78c5cc85ba6fb9.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "kg.toml").write_text('corpus = "articles"\nout = "built"\nformats = ["turtle"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "built" / "graph.ttl").exists() and not (tmp_path / "built" / "graph.html").exists()
    (tmp_path / "kg.toml").write_text('corpsu = "x"\n', encoding="utf-8")
    bad = CliRunner().invoke(main, ["build"])
    assert bad.exit_code != 0 and "kg.toml" in bad.output and "corpsu" in bad.output


def test_shard_extract_then_merge_gives_the_exports_of_one_build(tmp_path):
    """Two shards extracted independently (one through a real subprocess), merged: the
    same bytes as `kg build` over the whole corpus."""
    runner = CliRunner()
    built = runner.invoke(main, ["build", str(SEEDS), "--out", str(tmp_path / "built"), "-q"])
    assert built.exit_code == 0, built.output
    shards = [tmp_path / "shards" / f"shard-{i}.jsonl" for i in range(2)]
    done = subprocess.run([sys.executable, "-m", "kg.cli", "extract", str(SEEDS), "--shard", "0/2", "-o",
                           str(shards[0])], check=False, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    assert done.returncode == 0, done.stderr
    one = runner.invoke(main, ["extract", str(SEEDS), "--shard", "1/2", "-o", str(shards[1])])
    assert one.exit_code == 0, one.output
    docs = [[json.loads(line)["doc"] for line in s.read_text(encoding="utf-8").splitlines()
             if json.loads(line)["kind"] == "document"] for s in shards]
    assert sorted(docs[0] + docs[1]) == sorted(p.name for p in SEEDS.iterdir())
    assert docs[0] and docs[1] and not set(docs[0]) & set(docs[1])
    merged = runner.invoke(main, ["merge", *map(str, shards), "--out", str(tmp_path / "merged")])
    assert merged.exit_code == 0, merged.output
    assert "articles 5 from 2 shard(s)" in merged.output
    for name in ("graph.ttl", "graph.graphml", "graph.html"):
        assert (tmp_path / "merged" / name).read_bytes() == (tmp_path / "built" / name).read_bytes(), name


def test_shard_option_is_checked(tmp_path):
    result = CliRunner().invoke(main, ["extract", str(SEEDS), "--shard", "2/2"])
    assert result.exit_code != 0 and "0 <= I < N" in result.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    merged = CliRunner().invoke(main, ["merge", str(bad), "--out", str(tmp_path / "o")])
    assert merged.exit_code != 0 and "bad.jsonl:1" in merged.output


def test_merge_help_in_a_real_subprocess():
    done = subprocess.run([sys.executable, "-m", "kg.cli", "merge", "--help"], check=False, capture_output=True,
                          text=True,
                          timeout=120)
    assert done.returncode == 0 and "SHARD" in done.stdout


def test_query_store_is_kept_on_disk_and_follows_the_graph(tmp_path):
    """The loaded graph is kept beside graph.ttl; a new graph.ttl is loaded afresh."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_text("<https://w3id.org/kg-rbu/entity/A> <https://w3id.org/kg-rbu/ontology#hosts> "
                                   "<https://w3id.org/kg-rbu/entity/B> .\n", encoding="utf-8")
    runner = CliRunner()
    ask = ["query", "SELECT ?o WHERE { ent:A kg:hosts ?o }", "--out", str(out), "--format", "csv"]
    first = runner.invoke(main, ask)
    assert first.exit_code == 0 and "entity/B" in first.output
    stores = sorted(p.name for p in out.glob(".kg-store-*"))
    assert len(stores) == 1
    assert "entity/B" in runner.invoke(main, ask).output
    (out / "graph.ttl").write_text("<https://w3id.org/kg-rbu/entity/A> <https://w3id.org/kg-rbu/ontology#hosts> "
                                   "<https://w3id.org/kg-rbu/entity/Cee> .\n", encoding="utf-8")
    again = runner.invoke(main, ask)
    assert again.exit_code == 0 and "entity/Cee" in again.output and "entity/B" not in again.output
    assert len(list(out.glob(".kg-store-*"))) == 1 and sorted(p.name for p in out.glob(".kg-store-*")) != stores
