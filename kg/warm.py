"""What a long-running process keeps warm from one build to the next (see WarmState)."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .model import ExtractionResult

T = TypeVar("T")


class WarmState:
    """What a long-running process (`kg server`) keeps from one build to the next, so
    that a rebuild does not load pipelines or read its cache back from disk again:

    - the extractor of the loaded ontology, with its pipelines, gazetteers and lexicons;
    - the files a build read or wrote (manifests, cache packs, render memos), parsed,
      each under the signature (inode, size, mtime) it had: a file changed by anyone
      since is read again;
    - the extraction results of the last build's articles, unpacked.

    A one-shot process leaves it disabled: each build then starts cold, as before."""

    def __init__(self) -> None:
        self.enabled = False
        self.extractor: tuple[object, object] | None = None  # (the ontology, its Extractor)
        self.files: dict[str, tuple[tuple[int, int, int], object]] = {}
        self.results: dict[str, ExtractionResult] = {}
        self.results_seen: dict[str, ExtractionResult] = {}
        self.pending: list[tuple[str, Path, Callable[[], None]]] = []
        self.stores: dict[tuple[str, ...], tuple[tuple, object]] = {}  # files -> (their stamp, in-memory store)
        self.edge_keys: dict[tuple, tuple[tuple, str]] = {}  # edge.key -> (its assertions, its render-memo key)
        self.kept_for: dict[str, dict[str, object]] = {}  # kind -> output path -> what its last build kept

    @staticmethod
    def _signature(path: Path) -> tuple[int, int, int] | None:
        try:
            info = path.stat()
        except OSError:
            return None
        return info.st_ino, info.st_size, info.st_mtime_ns

    def read(self, path: Path, load: Callable[[Path], T]) -> T:
        """`load(path)`, or what it gave last time if the file has not changed since."""
        if not self.enabled:
            return load(path)
        signature = self._signature(path)
        known = self.files.get(str(path))
        if signature is not None and known is not None and known[0] == signature:
            return known[1]  # type: ignore[return-value]
        value = load(path)
        if signature is not None and signature == self._signature(path):
            self.files[str(path)] = (signature, value)
        return value

    def wrote(self, path: Path, value: object) -> None:
        """Remember what was just written to `path` (so the next build need not read it)."""
        if self.enabled:
            signature = self._signature(path)
            if signature is None:
                self.files.pop(str(path), None)
            else:
                self.files[str(path)] = (signature, value)

    def result(self, key: str) -> ExtractionResult | None:
        """The last build's unpacked result under this cache key, and count it in this build's."""
        result = self.results.get(key)
        if result is not None:
            self.results_seen[key] = result
        return result

    def saw(self, key: str, result: ExtractionResult) -> None:
        """Count a result (looked up, extracted or from a worker) in this build's."""
        if self.enabled:
            self.results_seen[key] = result

    def keep_results(self) -> None:
        """Keep the results of this build's articles, and only those, for the next."""
        self.results, self.results_seen = self.results_seen, {}

    def kept(self, kind: str, key: str | None, make: Callable[[], T]) -> T:
        """What a build of `kind` into `key` (an output path) keeps for the next build of
        it: the `make()` of the first, then the same object; a fresh `make()` when disabled
        or without a key. The two keys built last keep theirs, per kind."""
        if not self.enabled or key is None:
            return make()
        kept = self.kept_for.setdefault(kind, {})
        value = kept.pop(key, None)
        if value is None:
            value = make()
        while len(kept) >= 2:
            del kept[next(iter(kept))]
        kept[key] = value  # the most recent last
        return value

    def merge_state(self, out_dir: Path):
        """The state of the last merge into `out_dir` (kg.graph.incremental), for the next
        one to start from; None when disabled."""
        from .graph.incremental import MergeState

        return self.kept("merge", os.path.realpath(out_dir), MergeState) if self.enabled else None

    def later(self, out_dir: Path, save: Callable[[], None]) -> None:
        """Write a file that only speeds the next build up (render memo, cache pack,
        manifest): now, or in a server after the client has its answer (`flush`)."""
        if self.enabled:
            self.pending.append((os.getcwd(), out_dir, save))  # its paths may be relative
        else:
            save()

    def flush(self) -> None:
        """Do the deferred writes, each under its output directory's build lock (skipped if
        another build holds it: that build writes its own)."""
        from .build import build_lock
        from .errors import KGError

        pending, self.pending = self.pending, []
        here = os.getcwd()
        try:
            for cwd, out_dir, save in pending:
                try:
                    os.chdir(cwd)
                    with build_lock(out_dir):
                        save()
                except (KGError, OSError):
                    pass
        finally:
            os.chdir(here)

    def forget_ontology(self) -> None:
        """Drop everything loaded for the ontology, lexicons and name tables (they changed on
        disk); the spaCy pipelines, which do not depend on them, stay."""
        from .corpus import load_boilerplate
        from .dates import _date_regex, load_date_names
        from .extract import _compiled
        from .extract.gazetteer import gazetteer_for
        from .lexicon import load_lexicon
        from .ontology import load_ontology

        for cached in (load_ontology, _compiled, gazetteer_for, load_lexicon, load_boilerplate, load_date_names,
                       _date_regex):
            cached.cache_clear()
        self.extractor = None
        self.kept_for.clear()

    def summary(self) -> dict:
        """Counts for `kg server status`."""
        return {"warm_files": len(self.files), "warm_results": len(self.results), "held_stores": len(self.stores),
                "languages_loaded": sorted(getattr(self.extractor[1], "_ready", ())) if self.extractor else []}


_WARM = WarmState()


def warm_state() -> WarmState:
    """This process's warm state (disabled unless a server enabled it)."""
    return _WARM
