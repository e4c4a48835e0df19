"""`kg build`: read -> extract (cached per article) -> merge -> export.

The cache keys each article's extraction by its content and by the versions of
the rules, ontology and lexicons, so a rebuild extracts only new or edited
articles; a removed article's evidence leaves the graph because the graph is
merged from the current corpus only.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .corpus import iter_corpus
from .errors import BuildLockedError, KGError
from .export import export
from .graph import KnowledgeGraph, merge
from .model import Article, ExtractionResult, Skipped
from .ontology import DEFAULT_ONTOLOGY_DIR, Ontology, load_ontology
from .records import dumps, read_records, result_records

CACHE_DIR = ".kg-cache"
DEFAULT_FORMATS = ("turtle", "graphml", "html")


@dataclass
class BuildReport:
    """What a build did, for the CLI to print."""

    read: int = 0
    extracted: int = 0
    reused: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    relations: int = 0
    entities: int = 0
    written: list[Path] = field(default_factory=list)
    graph: KnowledgeGraph | None = None


def pipeline_version(ontology: Ontology, lexicon_dir: Path) -> str:
    """A hash of everything that changes what extraction outputs: the reader and
    rules source, the ontology, the lexicons and the boilerplate patterns."""
    from .extract import RULES_VERSION

    digest = hashlib.sha256(RULES_VERSION.encode())
    package = Path(__file__).resolve().parent
    sources = [package / "corpus.py", package / "dates.py", package / "model.py", package / "records.py",
               *sorted((package / "extract").glob("*.py"))]
    for path in sources + sorted((lexicon_dir.parent / "boilerplate").glob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    digest.update(ontology.fingerprint.encode())
    for path in sorted(lexicon_dir.glob("*.yaml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class ExtractionCache:
    """One JSON Lines file per article version under <out>/.kg-cache/<pipeline version>/."""

    def __init__(self, root: Path, version: str) -> None:
        self.dir = root / CACHE_DIR / version
        self.dir.mkdir(parents=True, exist_ok=True)

    def _path(self, article: Article) -> Path:
        key = hashlib.sha256(f"{article.doc_id}\x00{article.sha256}\x00{article.lang}".encode()).hexdigest()
        return self.dir / f"{key}.jsonl"

    def get(self, article: Article) -> ExtractionResult | None:
        """The cached result, or None if absent or unreadable (then it is re-extracted)."""
        path = self._path(article)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
            results = list(read_records(lines, str(path)))
        except (OSError, UnicodeDecodeError, KGError, KeyError, ValueError, TypeError):
            return None
        if len(results) != 1 or results[0].article.doc_id != article.doc_id:
            return None
        return ExtractionResult(article, results[0].assertions, names=results[0].names)

    def put(self, result: ExtractionResult) -> None:
        """Store a result atomically."""
        path = self._path(result.article)
        tmp = path.with_suffix(".tmp")
        tmp.write_text("".join(dumps(r) + "\n" for r in result_records(result)), encoding="utf-8")
        os.replace(tmp, path)


@contextmanager
def build_lock(out_dir: Path) -> Iterator[None]:
    """An exclusive lock on the output directory; a second build waits or fails."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".kg-build.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildLockedError(f"{out_dir}: another kg build is running here; try again when it ends") from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


_WORKER = None  # the Extractor of a worker process


def _init_worker(ontology_dir: str) -> None:
    global _WORKER
    from .extract import Extractor

    _WORKER = Extractor(load_ontology(Path(ontology_dir)))


def _extract_batch(articles: list[Article]) -> list[ExtractionResult]:
    assert _WORKER is not None
    return list(_WORKER.extract_many(articles))


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def extract_corpus(corpus: Path, ontology: Ontology, cache: ExtractionCache | None,
                   report: BuildReport, progress: Callable[[str], None] | None = None,
                   languages: tuple[str, ...] | None = None, reuse: bool = True, jobs: int = 1,
                   ontology_dir: Path = DEFAULT_ONTOLOGY_DIR, batch_size: int = 16) -> Iterator[ExtractionResult]:
    """Extraction results for every readable article, in corpus order, reusing the cache
    unless told not to; with jobs > 1 new articles are extracted by a process pool
    (the same results as one process: each article is extracted independently)."""
    from .extract import Extractor
    from .model import SUPPORTED_LANGUAGES

    slots: list[ExtractionResult | None] = []
    pending: list[tuple[int, Article]] = []
    for item in iter_corpus(corpus, languages or SUPPORTED_LANGUAGES):
        if isinstance(item, Skipped):
            report.skipped.append(item)
            continue
        report.read += 1
        if progress:
            progress(item.doc_id)
        cached = cache.get(item) if cache is not None and reuse else None
        if cached is not None:
            report.reused += 1
        else:
            pending.append((len(slots), item))
        slots.append(cached)
    batches = [[a for _, a in pending[i:i + batch_size]] for i in range(0, len(pending), batch_size)]
    if jobs > 1 and len(batches) > 1:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(min(jobs, len(batches)), _init_worker,
                                                       (str(ontology_dir),)) as pool:
            extracted = [r for batch in pool.imap(_extract_batch, batches) for r in batch]
    else:
        extractor = Extractor(ontology)
        extracted = [r for batch in batches for r in extractor.extract_many(batch, batch_size=batch_size)]
    for (slot, _), result in zip(pending, extracted):
        report.extracted += 1
        if cache is not None:
            cache.put(result)
        slots[slot] = result
    for result in slots:
        assert result is not None
        yield result


def collect(corpus: Path, out_dir: Path, *, full: bool = False, ontology_dir: Path = DEFAULT_ONTOLOGY_DIR,
            progress: Callable[[str], None] | None = None, languages: tuple[str, ...] | None = None,
            jobs: int = 1) -> tuple[KnowledgeGraph, Ontology, BuildReport]:
    """Extract (through the cache in `out_dir`) and merge; the caller holds the lock."""
    if not corpus.exists():
        raise KGError(f"{corpus}: no such corpus directory or file")
    ontology = load_ontology(ontology_dir)
    report = BuildReport()
    cache = ExtractionCache(out_dir, pipeline_version(ontology, ontology_dir / "lexicons"))
    results = list(extract_corpus(corpus, ontology, cache, report, progress, languages, reuse=not full,
                                  jobs=jobs, ontology_dir=ontology_dir))
    graph = merge(results)
    report.graph = graph
    report.relations = len(graph.edges)
    report.entities = len(graph.entities)
    return graph, ontology, report


def build(corpus: Path, out_dir: Path, *, formats: tuple[str, ...] = DEFAULT_FORMATS, full: bool = False,
          ontology_dir: Path = DEFAULT_ONTOLOGY_DIR, progress: Callable[[str], None] | None = None,
          languages: tuple[str, ...] | None = None, jobs: int = 1) -> BuildReport:
    """Build the graph of a corpus and write its exports; returns what was done."""
    with build_lock(out_dir):
        graph, ontology, report = collect(corpus, out_dir, full=full, ontology_dir=ontology_dir,
                                          progress=progress, languages=languages, jobs=jobs)
        report.written = export(graph, ontology, out_dir, formats)
        (out_dir / "build.json").write_text(json.dumps({
            "read": report.read, "extracted": report.extracted, "reused": report.reused,
            "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
            "relations": report.relations, "entities": report.entities,
        }, indent=1, ensure_ascii=False), encoding="utf-8")
    return report
