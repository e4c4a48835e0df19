"""Exporters, found by name in one registry so the CLI lists them from here.

Every exporter writes to a temporary file beside the target and renames it,
so an interrupted build leaves the previous export intact.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import ExportError
from ..graph import KnowledgeGraph
from ..ontology import Ontology


@dataclass(frozen=True)
class Exporter:
    """One export format."""

    name: str
    filename: str
    write: Callable[[KnowledgeGraph, Ontology], bytes]
    description: str


REGISTRY: dict[str, Exporter] = {}


def register(name: str, filename: str, description: str):
    """Decorator: add a `(graph, ontology) -> bytes` function to the registry."""
    def wrap(func: Callable[[KnowledgeGraph, Ontology], bytes]):
        REGISTRY[name] = Exporter(name, filename, func, description)
        return func
    return wrap


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise ExportError(f"{path}: could not write ({exc.strerror or exc}); the previous file is unchanged") from exc


def export(graph: KnowledgeGraph, ontology: Ontology, out_dir: Path, formats: tuple[str, ...]) -> list[Path]:
    """Render every format first, then write them all: a failure writes nothing half-done."""
    _load_plugins()
    unknown = [f for f in formats if f not in REGISTRY]
    if unknown:
        raise ExportError(f"unknown export format(s) {unknown}; known: {sorted(REGISTRY)}")
    rendered = [(out_dir / REGISTRY[f].filename, REGISTRY[f].write(graph, ontology)) for f in formats]
    for path, data in rendered:
        atomic_write(path, data)
    return [p for p, _ in rendered]


def formats() -> list[str]:
    """Names of the registered formats."""
    _load_plugins()
    return sorted(REGISTRY)


def _load_plugins() -> None:
    from . import graphml, html, rdf  # noqa: F401  (registration side effect)
