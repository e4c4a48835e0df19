"""`kg server`: a build server that keeps the pipelines and the last build warm.

A `kg build` in a fresh process pays, before it extracts the one article an
analyst added, for starting Python and importing spaCy (about 1 s), for loading
the pipeline, gazetteer and lexicon of the article's language (0.5 s for
Indonesian; 8-10 s for French, whose spaCy model compiles a large tokenizer
pattern on every load) and for reading the previous build's cache and render
memo back from disk; a `kg query` pays for opening the graph's store. With a
server running (`kg server start`), `kg build`, `kg add`, `kg extract` and
`kg query` hand their command line to it instead, as mypy's
dmypy and Gradle's daemon do: the server runs the command in its own process,
whose pipelines and caches stay loaded, in the client's working directory, with
the client's environment and the client's own standard streams (passed over the
socket, so progress bars still see the terminal), and the client exits with
the command's status. Ctrl-C in the client interrupts the command in the server
(whose build then leaves the previous exports intact, as ever).

There is one server per user and kg installation; its socket lives in a
directory only the user can enter ($KG_SERVER_DIR, else $XDG_RUNTIME_DIR/kg,
else /tmp/kg-<uid>). The server serves one command at a time, refuses a client
whose kg code differs from its own (the client then runs the command itself and
stops the stale server) and exits after --idle seconds without a request.
`--no-server` (or KG_SERVER=0) runs a command in its own process.
"""
from __future__ import annotations

import array
import fcntl
import gc
import hashlib
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

ROUTED = frozenset({"build", "add", "extract", "query"})  # the commands that profit from a warm process
DEFAULT_IDLE = 3 * 3600  # seconds without a request before the server exits
_MAX_FRAME = 1 << 24
_PACKAGE = Path(__file__).resolve().parent
IN_SERVER = False  # True in the server process: its commands never forward


class ServerError(Exception):
    """The server could not be reached or refused the request."""


def socket_dir() -> Path:
    """The directory of this user's server sockets (made private if new)."""
    base = os.environ.get("KG_SERVER_DIR")
    if base:
        path = Path(base)
    elif os.environ.get("XDG_RUNTIME_DIR"):
        path = Path(os.environ["XDG_RUNTIME_DIR"]) / "kg"
    else:
        path = Path(f"/tmp/kg-{os.getuid()}")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.stat()
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise ServerError(f"{path}: not a private directory of this user; not used for the kg server")
    return path


def socket_path() -> Path:
    """This installation's server socket (one kg installation, one server)."""
    digest = hashlib.sha256(f"{_PACKAGE}\x00{sys.executable}".encode()).hexdigest()[:12]
    return socket_dir() / f"server-{digest}.sock"


def code_version() -> str:
    """A hash of kg's own code and templates and the interpreter: a server started from
    other code must not serve this client."""
    digest = hashlib.sha256(f"{sys.executable}\x00{sys.version}".encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".js", ".css", ".j2") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(_PACKAGE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# ------------------------------------------------------------------ framing

def _send(conn: socket.socket, message: dict, fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode()
    frame = struct.pack("!I", len(data)) + data
    if fds:
        conn.sendmsg([frame], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
    else:
        conn.sendall(frame)


def _recv_exact(conn: socket.socket, size: int) -> bytes:
    chunks = []
    while size:
        chunk = conn.recv(size)
        if not chunk:
            raise ServerError("the connection closed")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _recv(conn: socket.socket, with_fds: bool = False) -> tuple[dict, list[int]]:
    fds: list[int] = []
    if with_fds:
        head, ancillary, _, _ = conn.recvmsg(4, socket.CMSG_SPACE(3 * array.array("i").itemsize))
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                got = array.array("i")
                got.frombytes(payload[:len(payload) - len(payload) % got.itemsize])
                fds.extend(got)
        if len(head) < 4:
            head += _recv_exact(conn, 4 - len(head))
    else:
        head = _recv_exact(conn, 4)
    (size,) = struct.unpack("!I", head)
    if size > _MAX_FRAME:
        raise ServerError("oversized message")
    return json.loads(_recv_exact(conn, size)), fds


def _connect(path: Path, timeout: float | None = 5.0) -> socket.socket:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.settimeout(timeout)
    try:
        conn.connect(str(path))
    except OSError as exc:
        conn.close()
        raise ServerError(f"no server at {path} ({exc.strerror or exc})") from exc
    return conn


# ------------------------------------------------------------------ client

def request(op: str, path: Path | None = None, timeout: float = 300.0, **fields) -> dict:
    """Send a control request ("status", "stop") and return the reply (which waits for the
    command the server is running, and the writes it defers, to finish)."""
    with _connect(path or socket_path(), timeout) as conn:
        _send(conn, {"op": op, **fields})
        return _recv(conn)[0]


def forward(argv: list[str]) -> int | None:
    """Run a kg command line in the running server with this process's streams, working
    directory and environment; its exit status, or None if no server can take it (then
    the caller runs the command itself)."""
    if IN_SERVER or os.environ.get("KG_SERVER", "1") == "0" or "--no-server" in argv:
        return None
    try:
        path = socket_path()
        if not path.exists():
            return None
        conn = _connect(path, timeout=2.0)
    except (ServerError, OSError):
        return None
    with conn:
        try:
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            _send(conn, {"op": "run", "argv": argv, "cwd": os.getcwd(), "env": dict(os.environ),
                         "code": code_version()}, fds=[0, 1, 2])
            conn.settimeout(120.0)  # it may be finishing another command first
            reply, _ = _recv(conn)
        except (ServerError, OSError, ValueError):
            return None
        if "refused" in reply:
            if reply.get("stale"):  # started from other code: it would never serve us
                try:
                    request("stop", path)
                except (ServerError, OSError, ValueError):
                    pass
            return None
        server_pid = int(reply["pid"])

        def interrupt(signum, frame):  # Ctrl-C stops the command in the server, not just here
            try:
                os.kill(server_pid, signal.SIGINT)
            except OSError:
                pass

        previous = signal.signal(signal.SIGINT, interrupt)
        try:
            conn.settimeout(None)
            done, _ = _recv(conn)
        except (ServerError, OSError, ValueError):
            print("kg: the build server went away during the command", file=sys.stderr)
            return 1
        finally:
            signal.signal(signal.SIGINT, previous)
    return int(done.get("exit", 1))


def start(languages: tuple[str, ...], idle: float, timeout: float = 300.0) -> dict:
    """Start a detached server (if none is running) and wait until it is ready; its status."""
    path = socket_path()
    try:
        return {"already": True, **request("status", path, timeout=5.0)}
    except (ServerError, OSError, ValueError):
        pass
    log = path.with_suffix(".log")
    with open(log, "ab") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kg.server", "--socket", str(path), "--idle", str(idle),
             *(f"--lang={lang}" for lang in languages)],
            stdin=subprocess.DEVNULL, stdout=fh, stderr=fh, start_new_session=True, close_fds=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerError(f"the server exited with status {proc.returncode}; see {log}")
        try:
            return request("status", path, timeout=5.0)
        except (ServerError, OSError, ValueError):
            time.sleep(0.1)
    proc.terminate()
    raise ServerError(f"the server did not answer within {timeout:.0f} s; see {log}")


# ------------------------------------------------------------------ server

class _Server:
    def __init__(self, path: Path, idle: float, languages: tuple[str, ...]) -> None:
        self.path, self.idle, self.languages = path, idle, languages
        self.code = code_version()
        self.ontology = _ontology_signature()
        self.started = time.time()
        self.served = 0

    def status(self) -> dict:
        from .warm import warm_state

        with open("/proc/self/status", encoding="ascii") as fh:
            rss = next((int(line.split()[1]) * 1024 for line in fh if line.startswith("VmRSS:")), 0)
        return {"pid": os.getpid(), "socket": str(self.path), "uptime": round(time.time() - self.started, 1),
                "commands": self.served, "languages": self.languages, "rss": rss, "idle": self.idle,
                **warm_state().summary()}

    def serve(self) -> None:
        global IN_SERVER
        IN_SERVER = True
        lock = open(self.path.with_suffix(".lock"), "w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit(f"kg server: another server holds {self.path}")
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # only a running command is interrupted
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        from . import cli  # noqa: F401  (imported once, before the first client)
        from .build import warm_up

        warm_up(self.languages)
        self.path.unlink(missing_ok=True)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(self.path))
        listener.listen(16)
        listener.settimeout(self.idle)
        print(f"kg server {os.getpid()} ready on {self.path} ({', '.join(self.languages)})", flush=True)
        try:
            while True:
                try:
                    conn, _ = listener.accept()
                except TimeoutError:
                    break
                with conn:
                    if not self._handle(conn):
                        break
        finally:
            listener.close()
            self.path.unlink(missing_ok=True)
            from .warm import warm_state

            warm_state().flush()

    def _handle(self, conn: socket.socket) -> bool:
        """Serve one connection; False to stop the server."""
        fds: list[int] = []
        try:
            uid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))[1]
            message, fds = _recv(conn, with_fds=True)
            if uid != os.getuid():
                _send(conn, {"refused": "another user"})
                return True
            op = message.get("op")
            if op == "status":
                _send(conn, self.status())
            elif op == "stop":
                _send(conn, {"stopped": os.getpid()})
                return False
            elif op == "run":
                if message.get("code") != self.code:
                    _send(conn, {"refused": "the server runs other kg code", "stale": True})
                    return True
                if len(fds) != 3:
                    _send(conn, {"refused": "no standard streams"})
                    return True
                _send(conn, {"pid": os.getpid()})
                ontology = _ontology_signature()
                if ontology != self.ontology:  # edited since: its lexicons and tables are loaded again
                    from .warm import warm_state

                    warm_state().forget_ontology()
                    self.ontology = ontology
                code = _run(message["argv"], message["cwd"], message["env"], fds)
                self.served += 1
                _send(conn, {"exit": code})
                _housekeeping()
            else:
                _send(conn, {"refused": f"unknown request {op!r}"})
        except (ServerError, OSError, ValueError, KeyError, TypeError) as exc:
            print(f"kg server: bad request: {exc}", file=sys.stderr, flush=True)
        finally:
            for fd in fds:
                os.close(fd)
        return True


def _housekeeping() -> None:
    """After a command, once its client has the answer: the deferred writes, the query
    stores of graphs that changed let go, then the young objects collected and what
    survives (the warm state) frozen out of the collector's sight, so the next
    command's collections do not walk it again. (A full collection would walk the
    whole warm state: two seconds at 10,000 articles, which the next client would
    wait for.)"""
    from .query import drop_stale_stores
    from .warm import warm_state

    warm_state().flush()
    drop_stale_stores()
    gc.collect(1)
    gc.freeze()


def _ontology_signature() -> tuple:
    """The files of the default ontology directory (ontology, lexicons, name tables,
    boilerplate and month names), as their names, sizes, times and inodes."""
    from .ontology import DEFAULT_ONTOLOGY_DIR

    found = []
    for path in sorted(DEFAULT_ONTOLOGY_DIR.rglob("*")):
        try:
            info = path.stat()
        except OSError:
            continue
        found.append((str(path), info.st_size, info.st_mtime_ns, info.st_ino))
    return tuple(found)


def _run(argv: list[str], cwd: str, env: dict[str, str], fds: list[int]) -> int:
    """Run one command line as `kg` would, on the client's streams, directory and
    environment; its exit status. Everything is put back afterwards."""
    from .cli import main

    saved_fds = [os.dup(fd) for fd in (0, 1, 2)]
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    code = 1
    try:
        for target, fd in zip((0, 1, 2), fds):
            os.dup2(fd, target)
        sys.stdin = open(0, encoding="utf-8", closefd=False)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False, buffering=1 if os.isatty(1) else -1)
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False, buffering=1)
        os.environ.clear()
        os.environ.update(env)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        # No cyclic garbage collection during the command: its collections would walk
        # every object the build makes (a second at 10,000 articles); the young ones are
        # collected once the client has its answer (_housekeeping). Workers forked for
        # extraction turn it back on (kg.build._init_worker).
        gc.disable()
        try:
            os.chdir(cwd)
            main.main(args=argv, prog_name="kg", standalone_mode=True)
            code = 0
        except SystemExit as exc:
            if exc.code is None or isinstance(exc.code, int):
                code = exc.code or 0
            else:
                print(exc.code, file=sys.stderr)
        except KeyboardInterrupt:
            print("Aborted!", file=sys.stderr)
            code = 130
        except OSError as exc:  # the client's directory is gone, say
            print(f"kg: {exc}", file=sys.stderr)
        except BaseException:  # a bug: the client sees it, the server goes on
            import traceback

            traceback.print_exc()
    finally:
        gc.enable()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except OSError:
                pass
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        for target, fd in zip((0, 1, 2), saved_fds):
            os.dup2(fd, target)
            os.close(fd)
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
    return code


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m kg.server", description="The kg build server (see `kg server`).")
    ap.add_argument("--socket", type=Path, default=None)
    ap.add_argument("--idle", type=float, default=DEFAULT_IDLE)
    ap.add_argument("--lang", action="append", default=[])
    args = ap.parse_args()
    from .model import SUPPORTED_LANGUAGES

    _Server(args.socket or socket_path(), args.idle, tuple(args.lang) or tuple(sorted(SUPPORTED_LANGUAGES))).serve()


if __name__ == "__main__":
    main()
