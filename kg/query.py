"""SPARQL over the built graph with pyoxigraph, read-only unless told otherwise."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from .errors import QueryError

_UPDATE = re.compile(r"^\s*(?:PREFIX\s+\S+\s*<[^>]*>\s*|BASE\s*<[^>]*>\s*)*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
                     re.IGNORECASE)
PREFIXES = """PREFIX kg: <https://w3id.org/kg-rbu/ontology#>
PREFIX ent: <https://w3id.org/kg-rbu/entity/>
PREFIX doc: <https://w3id.org/kg-rbu/doc/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


STORE_PREFIX = ".kg-store-"  # on-disk copies of the loaded graph, beside graph.ttl


def load_store(paths: list[Path], persistent: bool = True):
    """A pyoxigraph store with the given Turtle files.

    Parsing the Turtle of a large graph takes seconds (about 3 s per 1,000
    articles), so the store is kept on disk beside the first file, keyed by the
    files' identity, size and modification time, and reopened read-only while
    they are unchanged: the first query after a build pays for loading (and
    compacting, see `_persistent_store`), the others open the store in
    milliseconds. `persistent=False` (for updates, which stay in memory) or a
    directory that cannot be written loads in memory.
    """
    import pyoxigraph

    for path in paths:
        if not path.exists():
            raise QueryError(f"{path}: not found; run `kg build` first")
    if persistent:
        held = held_store(paths)
        if held is not None:
            return held
        from .warm import warm_state

        if warm_state().enabled:  # the build server: load in memory once, query it until the files change
            return hold_in_memory(paths)
        store = _persistent_store(paths)
        if store is not None:
            return store
    store = pyoxigraph.Store()
    _load(store, paths)
    return store


def query_files(out_dir: Path) -> list[Path]:
    """What `kg query` runs over: the built graph and the ontology."""
    from .ontology import DEFAULT_ONTOLOGY_DIR

    return [out_dir / "graph.ttl", DEFAULT_ONTOLOGY_DIR / "kg.ttl"]


def _stamp(paths: list[Path]) -> tuple:
    return tuple((str(p.resolve()), st.st_ino, st.st_size, st.st_mtime_ns) for p in paths for st in [p.stat()])


def held_store(paths: list[Path]):
    """In the build server: the in-memory copy of these files, if one was loaded from
    them as they are now (queries on it are several times faster than on disk)."""
    from .warm import warm_state

    state = warm_state()
    if not state.enabled:
        return None
    held = state.stores.get(tuple(str(p.resolve()) for p in paths))
    try:
        return held[1] if held is not None and held[0] == _stamp(paths) else None
    except OSError:
        return None


def hold_in_memory(paths: list[Path]):
    """In the build server: load these files into an in-memory store and keep it for the
    next queries while the files are unchanged. Loading in memory is about three times
    cheaper than building the on-disk store, and queries on it several times faster."""
    import pyoxigraph

    from .warm import warm_state

    state = warm_state()
    key = tuple(str(p.resolve()) for p in paths)
    state.stores.pop(key, None)  # the old graph's copy: its memory back before the new one loads
    stamp = _stamp(paths)
    store = pyoxigraph.Store()
    _load(store, paths)
    if _stamp(paths) == stamp:  # not rewritten meanwhile
        state.stores[key] = (stamp, store)
    return store


def drop_stale_stores() -> None:
    """Let go of the in-memory stores whose files have changed (a build rewrote them)."""
    from .warm import warm_state

    stores = warm_state().stores
    for key, (stamp, _) in list(stores.items()):
        try:
            if _stamp([Path(p) for p in key]) != stamp:
                del stores[key]
        except OSError:
            del stores[key]


def _load(store, paths: list[Path]) -> None:
    import pyoxigraph

    for path in paths:
        with open(path, "rb") as fh:
            store.bulk_load(fh, pyoxigraph.RdfFormat.TURTLE)


def _persistent_store(paths: list[Path]):
    import pyoxigraph

    which, stamp = hashlib.sha256(), hashlib.sha256()
    for resolved, ino, size, mtime_ns in _stamp(paths):
        which.update(f"{resolved}\0".encode())
        stamp.update(f"{resolved}\0{ino}\0{size}\0{mtime_ns}\0".encode())
    home = paths[0].parent
    kind = f"{STORE_PREFIX}{which.hexdigest()[:8]}-"  # one store per set of files (kg query, kg stats ...)
    final = home / f"{kind}{stamp.hexdigest()[:16]}"
    try:
        if not final.is_dir():
            tmp = Path(tempfile.mkdtemp(prefix=f"{STORE_PREFIX}tmp-", dir=home))
            try:
                store = pyoxigraph.Store(str(tmp))
                _load(store, paths)
                # A bulk load leaves compressed files that every index lookup has to
                # read and inflate again. Compacting them once here (a fifth more
                # than the load itself, and a store 1.7x larger: the compacted level
                # is stored uncompressed) makes each later lookup about 3x cheaper
                # (bench/scale.py).
                store.optimize()
                store.flush()
                del store  # closes it: only then can it be moved and reopened
                os.rename(tmp, final)
            except OSError:
                if not final.is_dir():
                    raise
            finally:
                shutil.rmtree(tmp, ignore_errors=True)  # gone already unless another query won the race
            for stale in home.glob(f"{kind}*"):  # the same files' older versions
                if stale != final:
                    shutil.rmtree(stale, ignore_errors=True)
        return pyoxigraph.Store.read_only(str(final))
    except OSError:
        return None


def _term(value) -> str:
    if value is None:
        return ""
    return str(getattr(value, "value", value))


def run_query(paths: list[Path], query: str, allow_update: bool = False) -> tuple[list[str], list[list[str]]]:
    """Run a SELECT/ASK/CONSTRUCT/DESCRIBE query; returns (variables, rows).

    Each cell is the term's lexical form (an IRI, a literal's text), or "" where
    a SELECT variable is unbound.
    """
    import pyoxigraph

    text = query if re.search(r"^\s*PREFIX\s+kg:", query, re.IGNORECASE | re.MULTILINE) else PREFIXES + query
    update = bool(_UPDATE.search(query))
    if update and not allow_update:
        raise QueryError("this is a SPARQL update; kg query is read-only unless --allow-update is given")
    store = load_store(paths, persistent=not update)
    try:
        if update:
            store.update(text)
            return ["result"], [["update applied (in memory only; the export files are unchanged)"]]
        result = store.query(text)
        if isinstance(result, (bool, pyoxigraph.QueryBoolean)):
            return ["ask"], [["true" if result else "false"]]
        if isinstance(result, pyoxigraph.QuerySolutions):
            variables = [v.value for v in result.variables]
            # A solution iterates over its values in the order of `variables`.
            return variables, [[_term(value) for value in solution] for solution in result]
        rows = [[_term(t.subject), _term(t.predicate), _term(t.object)] for t in result]
    except (SyntaxError, ValueError, OSError) as exc:  # evaluation is lazy: errors also come while iterating
        raise QueryError(f"SPARQL error: {exc}") from exc
    return ["subject", "predicate", "object"], rows


def _safe_cell(value: str) -> str:
    """Neutralise spreadsheet formulas: a leading = + - @ (or tab/CR) is quoted."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def format_rows(variables: list[str], rows: list[list[str]], fmt: str) -> str:
    """Render query results as a table, CSV or JSON."""
    if fmt == "json":
        return json.dumps([dict(zip(variables, r)) for r in rows], ensure_ascii=False, indent=1)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(variables)
        writer.writerows([[_safe_cell(c) for c in r] for r in rows])
        return buf.getvalue()
    widths = [min(60, max([len(v)] + [len(r[i]) for r in rows])) for i, v in enumerate(variables)]
    line = lambda cells: "  ".join(c[:60].ljust(w) for c, w in zip(cells, widths))  # noqa: E731
    return "\n".join([line(variables), line(["-" * w for w in widths])] + [line(r) for r in rows])
