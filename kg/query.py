"""SPARQL over the built graph with pyoxigraph, read-only unless told otherwise."""
from __future__ import annotations

import csv
import io
import json
import re
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


def load_store(paths: list[Path]):
    """A pyoxigraph store with the given Turtle files."""
    import pyoxigraph

    store = pyoxigraph.Store()
    for path in paths:
        if not path.exists():
            raise QueryError(f"{path}: not found; run `kg build` first")
        with open(path, "rb") as fh:
            store.bulk_load(fh, pyoxigraph.RdfFormat.TURTLE)
    return store


def _term(value) -> str:
    if value is None:
        return ""
    return str(getattr(value, "value", value))


def run_query(paths: list[Path], query: str, allow_update: bool = False) -> tuple[list[str], list[list[str]]]:
    """Run a SELECT/ASK/CONSTRUCT query; returns (variables, rows)."""
    import pyoxigraph

    text = query if re.search(r"^\s*PREFIX\s+kg:", query, re.IGNORECASE | re.MULTILINE) else PREFIXES + query
    if _UPDATE.search(query) and not allow_update:
        raise QueryError("this is a SPARQL update; kg query is read-only unless --allow-update is given")
    store = load_store(paths)
    try:
        if _UPDATE.search(query):
            store.update(text)
            return ["result"], [["update applied (in memory only; the export files are unchanged)"]]
        result = store.query(text)
    except (SyntaxError, ValueError, OSError) as exc:
        raise QueryError(f"SPARQL error: {exc}") from exc
    if isinstance(result, bool):
        return ["ask"], [["true" if result else "false"]]
    if isinstance(result, pyoxigraph.QuerySolutions):
        variables = [v.value for v in result.variables]
        return variables, [[_term(sol[v]) for v in variables] for sol in result]
    rows = [[_term(t.subject), _term(t.predicate), _term(t.object)] for t in result]
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
