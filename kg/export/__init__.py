"""Exporters, found by name in one registry so the CLI lists them from here.

Every exporter writes to a temporary file beside the target and renames it,
so an interrupted build leaves the previous export intact.
"""
from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import ExportError
from ..graph import KnowledgeGraph
from ..ontology import Ontology
from ..warm import warm_state
from .memo import RenderMemo


@dataclass(frozen=True)
class Exporter:
    """One export format."""

    name: str
    filename: str
    write: Callable[..., bytes | Iterable[bytes]]  # (graph, ontology, memo=None) -> bytes or chunks
    description: str

    def render(self, graph: KnowledgeGraph, ontology: Ontology, memo: RenderMemo | None = None) -> bytes:
        """The whole export as bytes (`write` may give it in chunks)."""
        data = self.write(graph, ontology, memo=memo)
        return data if isinstance(data, bytes) else b"".join(data)


REGISTRY: dict[str, Exporter] = {}


def register(name: str, filename: str, description: str):
    """Decorator: add a `(graph, ontology, memo=None) -> bytes` function to the registry
    (`memo`, a kg.export.memo.RenderMemo, holds pieces the last build rendered); it may
    return an iterator of byte chunks instead, written as they come."""
    def wrap(func: Callable[..., bytes]):
        REGISTRY[name] = Exporter(name, filename, func, description)
        return func
    return wrap


def chunked(texts: Iterable[str], size: int = 1 << 20) -> Iterator[bytes]:
    """`texts` joined and encoded in chunks of about `size` characters: a large export
    is written as it is made, never whole in memory."""
    chunk: list[str] = []
    length = 0
    for text in texts:
        chunk.append(text)
        length += len(text)
        if length >= size:
            yield "".join(chunk).encode("utf-8")
            chunk, length = [], 0
    if chunk:
        yield "".join(chunk).encode("utf-8")


def _stage(path: Path, data: bytes | Iterable[bytes], syncs: list | None = None) -> str:
    """Write `data` (bytes, or chunks of them) to a new temporary file beside `path`,
    flushed to disk; its name. With `syncs`, the flush to disk runs in a thread (added
    to `syncs`, for `_wait`) while the caller renders the next file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            # mkstemp makes the file private (0600); an export is as readable as any
            # file the user writes, so a web server or a colleague can open it.
            os.fchmod(fh.fileno(), 0o666 & ~_umask())
            if isinstance(data, bytes):
                fh.write(data)
            else:
                for chunk in data:  # a large export is never whole in memory
                    fh.write(chunk)
            fh.flush()
            if syncs is None:
                os.fsync(fh.fileno())
            else:
                syncs.append(_fsync_in_background(os.dup(fh.fileno())))
    except OSError as exc:
        _discard(tmp)
        raise ExportError(f"{path}: could not write ({exc.strerror or exc}); the previous file is unchanged") from exc
    except BaseException:  # rendering failed or was interrupted half-way: no half file is left
        _discard(tmp)
        raise
    return tmp


def _fsync_in_background(fd: int) -> tuple[threading.Thread, list[OSError]]:
    """fsync (and close) `fd` in a thread: the thread and where its error will be."""
    errors: list[OSError] = []

    def run() -> None:
        try:
            os.fsync(fd)
        except OSError as exc:
            errors.append(exc)
        finally:
            os.close(fd)

    thread = threading.Thread(target=run, name="kg-fsync", daemon=True)
    thread.start()
    return thread, errors


def _wait(syncs: list[tuple[threading.Thread, list[OSError]]]) -> None:
    """Wait for the background flushes; raise the first error."""
    for thread, errors in syncs:
        thread.join()
    for _, errors in syncs:
        if errors:
            raise errors[0]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _discard(tmp: str | Path) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename."""
    tmp = _stage(path, data)
    try:
        os.replace(tmp, path)
    except OSError as exc:
        _discard(tmp)
        raise ExportError(f"{path}: could not write ({exc.strerror or exc}); the previous file is unchanged") from exc


def remove_stale_temporaries(out_dir: Path) -> None:
    """Delete the temporary files a killed build left beside the exports (the caller
    holds the build lock, so no other build is writing them)."""
    for exporter in REGISTRY.values():
        for tmp in out_dir.glob(f".{exporter.filename}.*.tmp"):
            _discard(tmp)


def export(graph: KnowledgeGraph, ontology: Ontology, out_dir: Path, formats: tuple[str, ...],
           memo: RenderMemo | None = None) -> list[Path]:
    """Render every format, write each to a temporary file, then rename them all: a
    failure or a kill before the renames leaves every previous export in place, and
    the renames follow each other without any rendering or disk flush between them.
    With a `memo`, what the last build rendered is reused, and this build's pieces
    are kept for the next once the exports are in place."""
    _load_plugins()
    unknown = [f for f in formats if f not in REGISTRY]
    if unknown:
        raise ExportError(f"unknown export format(s) {unknown}; known: {sorted(REGISTRY)}")
    remove_stale_temporaries(out_dir)
    rendered = [(out_dir / REGISTRY[f].filename, REGISTRY[f].write(graph, ontology, memo=memo)) for f in formats]
    staged: list[tuple[Path, str]] = []
    syncs: list = []
    try:
        for path, data in rendered:
            staged.append((path, _stage(path, data, syncs)))
        _wait(syncs)  # every file on disk before the first rename
        for path, tmp in staged:
            os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(f"{out_dir}: could not write the exports ({exc.strerror or exc})") from exc
    finally:
        for thread, _ in syncs:
            thread.join()
        for _, tmp in staged:
            if os.path.exists(tmp):
                _discard(tmp)
    if memo is not None:
        warm_state().later(out_dir, memo.save)
    return [p for p, _ in rendered]


def formats() -> list[str]:
    """Names of the registered formats."""
    _load_plugins()
    return sorted(REGISTRY)


def _load_plugins() -> None:
    from . import graphml, html, rdf  # noqa: F401  (registration side effect)
