"""The build server (`kg server`): commands run in a real server process give what
they give in their own process, and a warm process's rebuilds match full builds."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from kg import server as kg_server
from kg.build import build
from kg.warm import warm_state

from .conftest import SEEDS

KG = [sys.executable, "-m", "kg.cli"]
EXPORTS = ("graph.ttl", "graph.graphml", "graph.html")
ARTICLE = "MINSK, 4 March 2024 - Belarus accused Ukraine of provocations on the border.\n"


@pytest.fixture()
def warm():
    """This process keeps its state between builds, as a server does; put back after."""
    state = warm_state()
    state.enabled = True
    try:
        yield state
    finally:
        state.__init__()


def test_warm_rebuilds_match_full_builds_after_adding_editing_and_removing(tmp_path, warm):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    inc = tmp_path / "inc"
    build(corpus, inc)
    warm.flush()

    def check(step: str) -> None:
        warm.flush()  # what the server does once the client has its answer
        full = tmp_path / f"full-{step}"
        state, warm.enabled = warm.enabled, False
        try:
            build(corpus, full, full=True)
        finally:
            warm.enabled = state
        for name in EXPORTS:
            assert (inc / name).read_bytes() == (full / name).read_bytes(), (step, name)

    (corpus / "extra.txt").write_text(ARTICLE, encoding="utf-8")
    assert build(corpus, inc).extracted == 1
    assert warm.results, "the warm process kept the results of the build"
    check("added")
    # The same document, one word more in its sentence: the assertion's node keeps its
    # digest, but its block (the sentence) must not come from the last build.
    (corpus / "extra.txt").write_text(ARTICLE.replace("the border", "the western border"), encoding="utf-8")
    assert build(corpus, inc).extracted == 1
    check("edited")
    assert "western border" in (inc / "graph.ttl").read_text(encoding="utf-8")
    next(corpus.glob("002_*")).unlink()
    build(corpus, inc)
    check("removed")


def test_warm_state_rereads_a_file_another_process_rewrote(tmp_path, warm):
    path = tmp_path / "data.json"
    path.write_text("1", encoding="utf-8")
    assert warm.read(path, lambda p: json.loads(p.read_text())) == 1
    assert warm.read(path, lambda p: pytest.fail("read again although unchanged")) == 1
    tmp = tmp_path / "new.json"
    tmp.write_text("22", encoding="utf-8")
    os.replace(tmp, path)  # how kg writes its files: a new inode
    assert warm.read(path, lambda p: json.loads(p.read_text())) == 22


# ------------------------------------------------------------ a real server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server of this checkout, in a private socket directory, with French and
    Indonesian (the seeds' languages) loaded."""
    home = tmp_path_factory.mktemp("srv")
    env = dict(os.environ, KG_SERVER_DIR=str(home), PYTHONIOENCODING="utf-8")
    started = subprocess.run(KG + ["server", "start", "--lang", "fr", "--lang", "id", "--idle", "600"],
                             capture_output=True, text=True, env=env, timeout=300)
    assert started.returncode == 0, started.stderr + "".join(p.read_text() for p in home.glob("*.log"))
    assert "ready" in started.stdout
    yield env
    subprocess.run(KG + ["server", "stop"], env=env, timeout=60, capture_output=True)


def _status(env) -> dict:
    done = subprocess.run(KG + ["server", "status", "--json"], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _kg(env, *args, cwd=None):
    return subprocess.run(KG + list(args), capture_output=True, text=True, env=env, cwd=cwd, timeout=600)


def test_a_build_in_the_server_writes_what_a_build_in_its_own_process_writes(tmp_path, server):
    before = _status(server)["commands"]
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    # Relative paths: the command runs in the client's working directory.
    served = _kg(server, "build", "corpus", "--out", "served", cwd=tmp_path)
    assert served.returncode == 0, served.stderr
    assert "articles read 5, extracted 5" in served.stdout
    assert _status(server)["commands"] == before + 1
    alone = _kg(server, "build", "corpus", "--out", "alone", "--no-server", cwd=tmp_path)
    assert alone.returncode == 0, alone.stderr
    assert _status(server)["commands"] == before + 1, "--no-server ran in the server"
    for name in EXPORTS:
        assert (tmp_path / "served" / name).read_bytes() == (tmp_path / "alone" / name).read_bytes(), name
    # kg query in the server loads the graph in memory, not into an on-disk store, and keeps it.
    count = ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?r a kg:MergedRelation }", "--out", "served", "--format", "json"]
    first = _kg(server, *count, cwd=tmp_path)
    relations = json.loads((tmp_path / "served" / "build.json").read_text(encoding="utf-8"))["relations"]
    assert first.returncode == 0 and json.loads(first.stdout)[0]["n"] == str(relations), first.stderr
    assert _status(server)["held_stores"] == 1
    assert _kg(server, *count, cwd=tmp_path).stdout == first.stdout
    assert not list((tmp_path / "served").glob(".kg-store-*")), "a query in the server built a disk store"
    alone = _kg(server, *count, "--no-server", cwd=tmp_path)
    assert alone.stdout == first.stdout and list((tmp_path / "served").glob(".kg-store-*"))

    added = tmp_path / "new" / "minsk.txt"
    added.parent.mkdir()
    added.write_text(ARTICLE, encoding="utf-8")
    again = _kg(server, "add", str(added), "--corpus", "corpus", "--out", "served", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "extracted 1, reused 5" in again.stdout
    assert _status(server)["held_stores"] == 0, "the copy of the old graph was kept"
    _kg(server, "build", "corpus", "--out", "alone", "--no-server", "--full", cwd=tmp_path)
    _status(server)  # the server has done its deferred writes before it answers
    for name in EXPORTS:
        assert (tmp_path / "served" / name).read_bytes() == (tmp_path / "alone" / name).read_bytes(), name
    # Its deferred writes (render memo, cache pack, manifest) went where the client was.
    assert list((tmp_path / "served" / ".kg-cache").glob("*/render-memo.bin"))
    assert list((tmp_path / "served" / ".kg-cache").glob("*/manifest-*.pack"))


def test_output_errors_and_exit_status_come_back_from_the_server(tmp_path, server):
    seed = str(SEEDS / "002_493b31309f41d34b.txt")
    served = _kg(server, "extract", seed)
    alone = _kg(server, "extract", seed, "--no-server")
    assert served.returncode == alone.returncode == 0, served.stderr
    assert served.stdout == alone.stdout and served.stdout.count("\n") > 3

    corpus = tmp_path / "bad"
    corpus.mkdir()
    (corpus / "empty.txt").write_bytes(b"")
    strict = _kg(server, "build", str(corpus), "--out", str(tmp_path / "o"), "--strict")
    assert strict.returncode == 1 and "empty.txt" in strict.stderr
    usage = _kg(server, "build", "--no-such-option")
    assert usage.returncode == 2 and "no-such-option" in usage.stderr


def test_a_server_running_other_code_is_refused(server):
    path = Path(server["KG_SERVER_DIR"])
    sock = next(path.glob("server-*.sock"))
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(str(sock))
        kg_server._send(conn, {"op": "run", "argv": ["build"], "cwd": "/", "env": {}, "code": "other"},
                        fds=[0, 1, 2])
        reply, _ = kg_server._recv(conn)
    assert reply.get("stale") and "refused" in reply


def test_without_a_live_server_the_command_runs_in_its_own_process(tmp_path):
    home = tmp_path / "srv"
    env = dict(os.environ, KG_SERVER_DIR=str(home), PYTHONIOENCODING="utf-8")
    old = os.environ.get("KG_SERVER_DIR")
    os.environ["KG_SERVER_DIR"] = str(home)
    try:
        stale = kg_server.socket_path()  # a socket file left by a server that was killed
    finally:
        if old is None:
            del os.environ["KG_SERVER_DIR"]
        else:
            os.environ["KG_SERVER_DIR"] = old
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as dead:
        dead.bind(str(stale))
    done = _kg(env, "extract", str(SEEDS / "002_493b31309f41d34b.txt"))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[0])["kind"] == "document"
    status = _kg(env, "server", "status")
    assert status.returncode == 1 and "no kg server is running" in status.stderr
