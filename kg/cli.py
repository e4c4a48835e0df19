"""The `kg` command line: thin wrappers that parse options, call the library and
print. It is the only module that talks to the terminal."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import KGError

DEFAULT_CORPUS = Path("seeds")
DEFAULT_OUT = Path("exports")


# Control characters and bidirectional overrides that a file name may carry:
# printed as they are, they would drive the user's terminal or reorder the line.
_UNSHOWN = dict.fromkeys([*range(0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def _shown(text: str) -> str:
    """Text from the corpus (a path, a reason quoting it) made safe for a terminal."""
    if not any(ord(c) in _UNSHOWN for c in text):
        return text
    return "".join(c.encode("unicode_escape").decode("ascii") if ord(c) in _UNSHOWN else c for c in text)


def _fail(exc: KGError) -> click.ClickException:
    return click.ClickException(_shown(str(exc)))


class _Main(click.Group):
    """The `kg` group: run as a program (not from CliRunner), a command that profits
    from warm pipelines is handed to the build server if one runs (kg/server.py)."""

    def main(self, args=None, prog_name=None, **extra):  # type: ignore[override]
        if args is None:
            argv = sys.argv[1:]
            command = next((a for a in argv if not a.startswith("-")), None)
            from .server import ROUTED

            if command in ROUTED:
                from .server import forward

                code = forward(argv)
                if code is not None:
                    sys.exit(code)
        return super().main(args=args, prog_name=prog_name, **extra)


NO_SERVER = click.option("--no-server", is_flag=True,
                         help="Run in this process even if a build server (`kg server start`) is running.")


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
@click.pass_context
def main(ctx: click.Context) -> None:
    """kg: build a knowledge graph of Russia-Belarus-Ukraine security relations
    from news articles in English, French, Indonesian, Russian and Ukrainian.

    Defaults come from kg.toml or [tool.kg] in pyproject.toml (corpus, out,
    formats, languages) in the current directory; options win."""
    from .config import load_config

    try:
        config = load_config()
    except KGError as exc:
        raise _fail(exc) from exc
    out = {"out_dir": config["out"]} if "out" in config else {}
    corpus = {"corpus": config["corpus"]} if "corpus" in config else {}
    build_defaults = {**out, **corpus}
    if "formats" in config:
        build_defaults["formats"] = tuple(config["formats"])
    if "languages" in config:
        build_defaults["languages"] = tuple(config["languages"])
    ctx.default_map = {"build": build_defaults, "push": {**out, **corpus}, "add": {**out, **corpus},
                       "merge": {k: v for k, v in build_defaults.items() if k in ("out_dir", "formats")},
                       **{name: out for name in ("query", "validate", "stats", "entities", "show")}}


@main.command()
@click.argument("corpus", required=False, type=click.Path(path_type=Path), default=DEFAULT_CORPUS)
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Directory for graph.ttl, graph.graphml, graph.html and the cache.")
@click.option("--format", "formats", multiple=True, help="Export format (repeatable); see `kg formats`.")
@click.option("--full", is_flag=True, help="Ignore the extraction cache and re-extract every article.")
@click.option("--lang", "languages", multiple=True, help="Read only articles in these languages (repeatable).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Extraction processes (default: all cores).")
@click.option("--strict", is_flag=True, help="Exit non-zero if any article was skipped.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("-v", "--verbose", is_flag=True, help="List skipped articles with their reasons.")
@NO_SERVER
def build(corpus: Path, out_dir: Path, formats: tuple[str, ...], full: bool, languages: tuple[str, ...],
          jobs: int | None, strict: bool, quiet: bool, verbose: bool, no_server: bool) -> None:
    """Read CORPUS (default: seeds/), extract relations, merge and export."""
    from .build import DEFAULT_FORMATS, build as run_build, default_jobs

    progress = None
    if not quiet and sys.stderr.isatty():
        progress = lambda doc: click.echo(f"\r\033[K{_shown(doc)}", err=True, nl=False)  # noqa: E731
    try:
        report = run_build(Path(corpus), Path(out_dir), formats=tuple(formats) or DEFAULT_FORMATS, full=full,
                           progress=progress, languages=tuple(languages) or None, jobs=jobs or default_jobs())
    except KGError as exc:
        raise _fail(exc) from exc
    for skipped in report.skipped:
        if verbose or strict:
            click.echo(f"skipped {_shown(skipped.path)}: {_shown(skipped.reason)}", err=True)
    if progress is not None:
        click.echo("\r\033[K", err=True, nl=False)
    if not quiet:
        click.echo(f"articles read {report.read}, extracted {report.extracted}, reused {report.reused}, "
                   f"skipped {len(report.skipped)}; relations {report.relations}, entities {report.entities}; "
                   f"files parsed {report.files_parsed} (files unchanged since the last build are not re-read)")
        for path in report.written:
            click.echo(f"wrote {path}")
    if strict and report.skipped:
        raise click.ClickException(f"{len(report.skipped)} article(s) skipped (--strict)")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True,
              help="JSON Lines (the evaluation format, what `kg merge` reads) or a readable table.")
@click.option("--shard", metavar="I/N", help="Extract only shard I of N (0 <= I < N): the files whose path "
              "hashes to I, so N independent tasks cover the corpus once.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the JSON Lines to this file (atomically) instead of standard output.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Extraction processes.")
@NO_SERVER
def extract(paths: tuple[Path, ...], fmt: str, shard: str | None, output: Path | None, jobs: int,
            no_server: bool) -> None:
    """Print the relations found in article FILEs or DIRs, or write one shard
    of them for `kg merge` (e.g. `kg extract corpus/ --shard 3/8 -o shard-3.jsonl`)."""
    from .build import BuildReport, extract_records, parse_shard, write_records
    from .records import dumps

    report = BuildReport()
    try:
        if output is not None and fmt != "jsonl":
            raise click.UsageError("-o writes JSON Lines; leave out --format table")
        records = extract_records(paths, report, parse_shard(shard) if shard else None, jobs=jobs)
        if output is not None:
            write_records(output, records)
            records = iter(())
        for rec in records:
            if fmt == "jsonl":
                click.echo(dumps(rec))
            elif rec["kind"] == "document":
                click.echo(f"# {rec['doc']} ({rec['lang']}, {rec['date'] or 'no date'})")
            else:
                sign = "NOT " if rec["polarity"] == "negative" else ""
                click.echo(f"  {rec['subject']['label']} {sign}{rec['relation']} {rec['object']['label']}  "
                           f"[{rec['modality']}, {rec['confidence']:.2f}]  «{rec['sentence'][:100]}»")
    except KGError as exc:
        raise _fail(exc) from exc
    for skipped in report.skipped:
        click.echo(f"skipped {_shown(skipped.path)}: {_shown(skipped.reason)}", err=True)
    if output is not None:
        click.echo(f"articles {report.read}, skipped {len(report.skipped)}; wrote {output}", err=True)


@main.command()
@click.argument("shards", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Directory for the exports.")
@click.option("--format", "formats", multiple=True, help="Export format (repeatable); see `kg formats`.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def merge(shards: tuple[Path, ...], out_dir: Path, formats: tuple[str, ...], quiet: bool) -> None:
    """Build the graph from SHARD files written by `kg extract --shard I/N -o FILE`
    and export it: the same files `kg build` writes for the whole corpus."""
    from .build import DEFAULT_FORMATS, merge_shards

    try:
        report = merge_shards(list(shards), Path(out_dir), formats=tuple(formats) or DEFAULT_FORMATS)
    except KGError as exc:
        raise _fail(exc) from exc
    if not quiet:
        click.echo(f"articles {report.read} from {len(shards)} shard(s); relations {report.relations}, "
                   f"entities {report.entities}")
        for path in report.written:
            click.echo(f"wrote {path}")


@main.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("corpus", required=False, type=click.Path(exists=True, path_type=Path), default=DEFAULT_CORPUS)
@click.option("--verbose", is_flag=True, help="List the misses and extras per document.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def evaluate(gold: Path, corpus: Path, verbose: bool, as_json: bool) -> None:
    """Score extraction over CORPUS against a GOLD file (kg-gold/1)."""
    from .evaluate import evaluate as run_evaluate

    try:
        figures, errors = run_evaluate(gold, corpus)
    except KGError as exc:
        raise _fail(exc) from exc
    if as_json:
        click.echo(json.dumps(figures, indent=1))
        return
    if verbose:
        for doc, lines in errors.items():
            click.echo(f"== {doc}")
            for line in lines:
                click.echo(f"   {line}")
    for lang, fig in figures["core_by_language"].items():
        click.echo(f"core[{lang}]  P={fig['precision']:.3f} R={fig['recall']:.3f} F1={fig['f1']:.3f}")
    s, c = figures["structural"], figures["core"]
    click.echo(f"structural  P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f}")
    click.echo(f"negation recall={figures['negation_recall']:.3f}  dates right={figures['dates_right']}")
    click.echo(f"core  P={c['precision']:.3f} R={c['recall']:.3f} F1={c['f1']:.3f}")


@main.command()
@click.argument("sparql", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the query from a .rq file.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="The build directory whose graph.ttl is queried.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--allow-update", is_flag=True, help="Allow SPARQL updates (in memory; exports are not changed).")
@NO_SERVER
def query(sparql: str | None, query_file: Path | None, out_dir: Path, fmt: str, allow_update: bool,
          no_server: bool) -> None:
    """Run a SPARQL query over the built graph (kg:, ent:, rdfs:, skos: ... prefixes are predefined)."""
    from .query import format_rows, query_files, run_query

    if bool(sparql) == bool(query_file):
        raise click.UsageError("give either a SPARQL string or -f FILE.rq")
    text = query_file.read_text(encoding="utf-8") if query_file else str(sparql)
    try:
        variables, rows = run_query(query_files(Path(out_dir)), text,
                                    allow_update)
    except KGError as exc:
        raise _fail(exc) from exc
    click.echo(format_rows(variables, rows, fmt))


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True)
def validate(out_dir: Path) -> None:
    """Check the built graph against the ontology's SHACL shapes."""
    from .validate import validate_graph

    try:
        conforms, report = validate_graph(Path(out_dir) / "graph.ttl")
    except KGError as exc:
        raise _fail(exc) from exc
    click.echo(report)
    if not conforms:
        raise click.ClickException("the graph does not conform to the shapes")


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True)
def stats(out_dir: Path) -> None:
    """Documents by language, entities by type and relations by type in the built graph."""
    from .query import run_query

    try:
        for title, q in (
            ("documents by language", "SELECT ?lang (COUNT(?d) AS ?n) WHERE { ?d a kg:Article ; dcterms:language ?lang } GROUP BY ?lang ORDER BY ?lang"),
            ("entities by type", "SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?t ; rdfs:label ?l . BIND(STRAFTER(STR(?t), '#') AS ?type) } GROUP BY ?type ORDER BY ?type"),
            ("relations by type", "SELECT ?relation (COUNT(?r) AS ?n) WHERE { ?r a kg:MergedRelation ; rdf:predicate ?p ; kg:polarity 'positive' . BIND(STRAFTER(STR(?p), '#') AS ?relation) } GROUP BY ?relation ORDER BY ?relation"),
        ):
            _, rows = run_query([Path(out_dir) / "graph.ttl"], q)
            click.echo(title)
            for row in rows:
                click.echo(f"  {row[0]:<24} {row[1]}")
    except KGError as exc:
        raise _fail(exc) from exc


@main.command()
@click.argument("url")
@click.argument("corpus", required=False, type=click.Path(path_type=Path), default=DEFAULT_CORPUS)
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="The build directory whose extraction cache is reused.")
@click.option("--shards", "shards", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Send the graph of `kg extract --shard` files instead of CORPUS: a file, or a directory "
              "of *.jsonl shard files (repeatable).")
def push(url: str, corpus: Path, out_dir: Path, shards: tuple[Path, ...]) -> None:
    """Send the graph of CORPUS to a SPARQL store's Graph Store endpoint URL
    (e.g. http://127.0.0.1:7878/store): one named graph per article, one for
    the ontology, one for the merged relations; each replaces its previous version."""
    from .build import build_lock, collect, collect_shards
    from .push import push as run_push

    try:
        if shards:
            files = [f for s in shards for f in (sorted(s.glob("*.jsonl")) if s.is_dir() else [s])]
            graph, ontology, _ = collect_shards(files)
        else:
            with build_lock(Path(out_dir)):
                graph, ontology, _ = collect(Path(corpus), Path(out_dir))
        sent = run_push(graph, ontology, url)
    except KGError as exc:
        raise _fail(exc) from exc
    click.echo(f"pushed {len(sent)} named graphs to {url}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--corpus", type=click.Path(path_type=Path), default=DEFAULT_CORPUS, show_default=True,
              help="The corpus directory to copy into.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True)
@click.option("--no-build", is_flag=True, help="Only copy; do not rebuild.")
@NO_SERVER
def add(paths: tuple[Path, ...], corpus: Path, out_dir: Path, no_build: bool, no_server: bool) -> None:
    """Copy article files or directories into the corpus (refusing exact duplicates), then rebuild."""
    from .build import build as run_build
    from .browse import add_articles

    copied, refused = add_articles(list(paths), Path(corpus))
    for src, reason in refused:
        click.echo(f"not added {src}: {reason}", err=True)
    click.echo(f"added {len(copied)} article(s) to {corpus}")
    if copied and not no_build:
        try:
            report = run_build(Path(corpus), Path(out_dir))
        except KGError as exc:
            raise _fail(exc) from exc
        click.echo(f"articles read {report.read}, extracted {report.extracted}, reused {report.reused}, "
                   f"skipped {len(report.skipped)}; relations {report.relations}, entities {report.entities}")


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True)
@click.option("--merges", is_flag=True, help="Also list every name (any language, any case form) seen for each "
              "entity and the entities merged into it, with the rule that merged them.")
def entities(out_dir: Path, merges: bool) -> None:
    """List the entities of the built graph with their number of relations.

    Force or forbid a merge in ontology/merges.yaml, then rebuild."""
    from .browse import entities as list_entities, merges as list_merges

    try:
        rows = list_entities(Path(out_dir) / "graph.ttl")
        merged = list_merges(Path(out_dir) / "graph.ttl") if merges else {}
    except KGError as exc:
        raise _fail(exc) from exc
    for row in rows:
        click.echo(f"{row.label:<32} {row.type:<14} {row.relations:>4}  {row.id}")
        if merges and row.names:
            click.echo(f"{'':<32} names: {', '.join(row.names)}")
        for m in merged.get(row.id, ()):
            score = f" {m.score:.1f}" if m.score is not None else ""
            click.echo(f"{'':<32} merged: {m.name} ({m.merged}) by {m.rule}{score}")


@main.command()
@click.argument("name")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True)
def show(name: str, out_dir: Path) -> None:
    """Show an entity found by any of its names in any language, with its relations
    and the strongest evidence sentence of each."""
    from .browse import find_entity, relations_of

    graph = Path(out_dir) / "graph.ttl"
    try:
        entity = find_entity(graph, name)
        rows = relations_of(graph, entity.id)
    except KGError as exc:
        raise _fail(exc) from exc
    click.echo(f"{entity.label} ({entity.type}, {entity.id})")
    if entity.names:
        click.echo(f"  seen as: {', '.join(entity.names)}")
    for s, rel, o, pol, mentions, sentence in rows:
        sign = "NOT " if pol == "negative" else ""
        click.echo(f"  {s} {sign}{rel} {o}  ({mentions} mention(s))")
        click.echo(f"      «{sentence}»")


@main.command()
def formats() -> None:
    """List the export formats."""
    from .export import REGISTRY, formats as names

    for name in names():
        click.echo(f"{name:<10} {REGISTRY[name].filename:<16} {REGISTRY[name].description}")


@main.group()
def server() -> None:
    """A build server that keeps the pipelines and the last build loaded, so that
    `kg build`, `kg add` and `kg extract` run in it without paying for starting
    Python and loading models each time (start, stop, status)."""


@server.command("start")
@click.option("--lang", "languages", multiple=True,
              help="Load only these languages now (repeatable; default: the configured ones, else all).")
@click.option("--idle", type=click.FloatRange(min=1), default=3 * 3600, show_default=True,
              help="Exit after this many seconds without a command.")
def server_start(languages: tuple[str, ...], idle: float) -> None:
    """Start the server in the background and wait until its pipelines are loaded."""
    from .config import load_config
    from .model import SUPPORTED_LANGUAGES
    from .server import ServerError, start

    try:
        wanted = tuple(languages) or tuple(load_config().get("languages", ())) or tuple(sorted(SUPPORTED_LANGUAGES))
    except KGError as exc:
        raise _fail(exc) from exc
    unknown = sorted(set(wanted) - set(SUPPORTED_LANGUAGES))
    if unknown:
        raise click.UsageError(f"unknown language(s) {', '.join(unknown)}; known: {', '.join(sorted(SUPPORTED_LANGUAGES))}")
    try:
        status = start(wanted, idle)
    except ServerError as exc:
        raise click.ClickException(str(exc)) from exc
    state = "already running" if status.get("already") else "ready"
    click.echo(f"kg server {state}: pid {status['pid']}, languages {', '.join(status['languages'])}, "
               f"socket {status['socket']}")


@server.command("stop")
def server_stop() -> None:
    """Stop the server (a command it is running finishes first)."""
    from .server import ServerError, request

    try:
        reply = request("stop")
    except (ServerError, OSError) as exc:
        raise click.ClickException(f"no kg server is running ({exc})") from exc
    click.echo(f"kg server {reply['stopped']} stopped")


@server.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def server_status(as_json: bool) -> None:
    """Whether a server runs, and its pid, uptime, commands served, languages and memory."""
    from .server import ServerError, request

    try:
        status = request("status")
    except (ServerError, OSError) as exc:
        raise click.ClickException(f"no kg server is running ({exc})") from exc
    if as_json:
        click.echo(json.dumps(status, indent=1))
        return
    click.echo(f"kg server pid {status['pid']}, up {status['uptime']:.0f} s, {status['commands']} command(s) served, "
               f"languages {', '.join(status['languages'])}, {status['rss'] / 2**20:.0f} MiB resident, "
               f"{status['warm_results']} extraction results warm; socket {status['socket']}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
