"""Rendered pieces of the exports, kept from one build to the next.

Adding an article to a large corpus changes a handful of the graph's edges; the
others render to the same text as last time. Each edge is rendered once per
format and kept under a key made from everything its text depends on: its
subject, relation, object and polarity, and for each of its assertions the
article and its content hash (which, with the pipeline version, fix the sentence,
offsets and dates), the sentence index, the qualifiers, the rule and trigger,
and the entity it is attributed to with its label. A rebuild looks its edges up and renders only the new or
changed ones; entities and articles are rendered every time, except in a warm
process, where the Turtle file keeps its article blocks and its encoded bytes
(`SortedBlocks`).

The memo lives in the extraction cache of the pipeline version (so a change to
the rules, ontology or lexicons starts a new one) and records the version of the
exporters' own code; a memo written by other exporter code, or unreadable, is
ignored. It is rewritten after every build with the pieces that build used, so
it never holds more than the last graph.
"""
from __future__ import annotations

import functools
import hashlib
import marshal
import operator
import os
from bisect import bisect_left, insort
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from ..graph import Edge, KnowledgeGraph
from ..warm import warm_state

MEMO_FORMAT = "kg-render-memo/2"
MEMO_FILE = "render-memo.bin"

T = TypeVar("T")


@functools.lru_cache(maxsize=1)
def renderer_version() -> str:
    """A hash of the code and templates the pieces are rendered with."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(MEMO_FORMAT.encode())
    for path in [*sorted(package.glob("*.py")), *sorted((package / "templates").glob("*")),
                 package.parent / "graph" / "__init__.py", package.parent / "model.py"]:
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class RenderMemo:
    """Pieces rendered by the last build (read from `path` unless `reuse` is False) and
    by this one (written to `path` by `save`)."""

    def __init__(self, path: Path | None = None, reuse: bool = True) -> None:
        self.path = path
        self.old, self.old_index = warm_state().read(path, self._load) if path is not None and reuse else ({}, {})
        self.new: dict[str, object] = {}
        self.new_index: dict[str, str] = {}  # an edge's subject, relation, object and polarity -> its key
        self.hits = self.misses = 0
        self._keys: tuple[KnowledgeGraph, list[str]] | None = None

    @staticmethod
    def _load(path: Path) -> tuple[dict[str, object], dict[str, str]]:
        try:
            with open(path, "rb") as fh:
                data = marshal.load(fh)
            if data["format"] == MEMO_FORMAT and data["version"] == renderer_version():
                pieces, index = data["pieces"], data["index"]
                if isinstance(pieces, dict) and isinstance(index, dict):
                    return pieces, index
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            pass  # absent, unreadable or another version: everything is rendered
        return {}, {}

    def edge_keys(self, graph: KnowledgeGraph) -> list[str]:
        """The content key of every edge of `graph`, in edge order (computed once)."""
        if self._keys is None or self._keys[0] is not graph:
            sha = {a.doc_id: a.sha256 for a in graph.articles}
            # In a warm process (kg server) an edge's key is kept with its assertions for
            # the next build, whose cached results hold the very same assertion objects
            # (each bound to one article content): the same objects, the same key.
            state = warm_state()
            warm = state.enabled
            known = state.edge_keys if warm else {}
            now: dict[tuple, tuple[tuple, str]] = {}
            keys = []
            for edge in graph.edges:
                stable = edge.key
                hit = known.get(stable)
                if hit is not None and (hit[0] is edge.assertions or (  # an edge the merge kept, or rebuilt alike
                        len(hit[0]) == len(edge.assertions) and all(map(operator.is_, hit[0], edge.assertions)))):
                    key = hit[1]
                else:
                    parts = ["\x1f".join(stable)]  # the subject, relation, object and polarity of all
                    for a in edge.assertions:
                        ev, by = a.evidence, a.attributed_to
                        parts.append(f"{ev.doc_id}\x1f{sha.get(ev.doc_id, '')}\x1f{ev.sentence_index}"
                                     f"\x1f{a.modality}\x1f{by.id if by else ''}\x1f{by.label if by else ''}"
                                     f"\x1f{a.agent or ''}\x1f{a.instrument or ''}\x1f{a.rule}\x1f{a.trigger}"
                                     f"\x1f{a.confidence!r}")
                    key = hashlib.sha1("\x1e".join(parts).encode("utf-8")).hexdigest()
                if warm:
                    now[stable] = (edge.assertions, key)
                keys.append(key)
            if warm:
                state.edge_keys = now
            self._keys = (graph, keys)
        return self._keys[1]

    def edge_pieces(self, kind: str, graph: KnowledgeGraph, render: Callable[[Edge], T]) -> list[T]:
        """The `kind` piece of every edge of `graph`, in edge order."""
        keys = self.edge_keys(graph)
        if not self.new_index:
            self.new_index = {"\x1f".join(edge.key): key for key, edge in zip(keys, graph.edges)}
        new, old, out = self.new, self.old, []
        for key, edge in zip(keys, graph.edges):  # as the last build rendered it, or rendered now
            name = kind + ":" + key
            value = new.get(name)
            if value is None:
                value = old.get(name)
                if value is None:
                    value = render(edge)
                    self.misses += 1
                else:
                    self.hits += 1
                new[name] = value
            out.append(value)
        return out

    def previous(self, kind: str, edge: Edge):
        """The `kind` piece the last build rendered for this edge (the same subject,
        relation, object and polarity), whatever its assertions were then; None if none."""
        key = self.old_index.get("\x1f".join(edge.key))
        return self.old.get(f"{kind}:{key}") if key is not None else None

    def save(self) -> None:
        """Keep this build's pieces for the next one (atomically; a failure only costs speed)."""
        if self.path is None:
            return
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "wb") as fh:
                marshal.dump({"format": MEMO_FORMAT, "version": renderer_version(), "pieces": self.new,
                              "index": self.new_index}, fh)
            os.replace(tmp, self.path)
            warm_state().wrote(self.path, (self.new, self.new_index))
        except OSError:
            tmp.unlink(missing_ok=True)


def edge_pieces(memo: RenderMemo | None, kind: str, graph: KnowledgeGraph, render: Callable[[Edge], T]) -> list[T]:
    """Every edge's `kind` piece, through `memo` if there is one."""
    if memo is None:
        return [render(edge) for edge in graph.edges]
    return memo.edge_pieces(kind, graph, render)


class SortedBlocks:
    """The blocks of a text export (Turtle: one per subject node), written in the order
    of their nodes, as a warm process (kg server) keeps them from one build to the next.

    A build hands over its subject blocks (entities, articles: a few per cent of the
    file) and its edges' pieces, each a tuple of (node, text, ...) blocks, which the
    render memo gives back as the very same objects while the edge is unchanged. Only
    the blocks of new pieces and changed subjects are compared, encoded and placed
    among the sorted nodes; the rest of the file is the bytes encoded last time. At
    10,000 articles that is a few hundred blocks instead of sorting and encoding
    180,000. The state is dropped if a build is interrupted while changing it."""

    def __init__(self) -> None:
        self.ready = True  # False while a build changes the state
        self.texts: dict[str, str] = {}
        self.encoded: dict[str, bytes] = {}
        self.order: list[str] = []  # the nodes, sorted
        self.pieces: dict[int, tuple] = {}  # id -> the pieces written last time (held, so ids stay theirs)
        self.subjects: dict[str, str] = {}
        self.articles: dict[tuple, str] = {}  # for the exporter: an article's fields -> its block

    def chunks(self, subjects: dict[str, str], pieces: list[tuple], per_chunk: int = 4096) -> Iterator[bytes]:
        """Every block, encoded, in node order, `per_chunk` blocks at a time."""
        if not self.ready:
            self.__init__()
        self.ready = False
        fresh = dict(subjects)
        count = len(fresh)
        now: dict[int, tuple] = {}
        for piece in pieces:
            now[id(piece)] = piece
            if id(piece) not in self.pieces:
                count += len(piece)
                fresh.update((block[0], block[1]) for block in piece)
        gone = set(self.subjects)
        for key, piece in self.pieces.items():
            if key not in now:
                gone.update(block[0] for block in piece)
        texts = self.texts
        if count != len(fresh) or any(node in texts and node not in gone for node in fresh):
            raise ValueError("two blocks for one node")  # nodes are subjects or digests of an edge's key
        removed = gone.difference(fresh)
        for node in removed:
            del texts[node], self.encoded[node]
        placed = [node for node in fresh if node not in texts]
        for node, text in fresh.items():
            if texts.get(node) != text:
                texts[node], self.encoded[node] = text, text.encode("utf-8")
        order = self.order
        if (len(removed) + len(placed)) * 16 < len(order):
            for node in removed:
                del order[bisect_left(order, node)]
            for node in placed:
                insort(order, node)
        else:
            self.order = order = sorted(texts)
        self.pieces, self.subjects = now, dict(subjects)
        self.ready = True
        encoded = self.encoded
        for start in range(0, len(order), per_chunk):
            yield b"".join([encoded[node] for node in order[start:start + per_chunk]])
