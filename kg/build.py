"""`kg build`: read -> extract (cached per article) -> merge -> export.

A rebuild costs what changed, not what the corpus holds:

- a manifest remembers, per file, its size, times and inode, the hash of its
  bytes and what the reader found in it (articles and their content hashes,
  or why it was skipped); a file whose metadata is unchanged is not read
  again, and one whose metadata changed but whose bytes did not is not parsed
  or language-detected again;
- extraction results are cached per article, keyed by the article's content
  and the version of the reader, rules, ontology and lexicons (a change to
  any of them starts a new cache), so only new or edited articles are
  extracted;
- articles stream through in batches: only a batch's texts are in memory at
  a time, and what is kept of each article is its extraction result.

A removed or renamed file's evidence leaves the graph because the graph is
merged from the current corpus only. `full=True` reads and extracts everything.
"""
from __future__ import annotations

import fcntl
import gc
import hashlib
import json
import marshal
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from .corpus import corpus_files, read_file
from .errors import BuildLockedError, KGError
from .export import export
from .export.memo import MEMO_FILE, RenderMemo
from .graph import KnowledgeGraph, merge
from .model import SUPPORTED_LANGUAGES, Article, ExtractionResult, Skipped
from .ontology import DEFAULT_ONTOLOGY_DIR, Ontology, load_ontology
from .records import CACHE_FORMAT, pack_data, unpack_data
from .warm import _WARM

CACHE_DIR = ".kg-cache"
DEFAULT_FORMATS = ("turtle", "graphml", "html")
MANIFEST_FORMAT = "kg-manifest/1"
PACK_FORMAT = f"kg-pack/1 {CACHE_FORMAT}"  # {entry key: marshal bytes of its cache entry}
# A file modified this close to the scan that recorded it may have changed
# again within the file system's timestamp resolution: its bytes are checked.
RACY_NS = 2_000_000_000
MAX_PENDING = 64  # articles of one batch of files extracted in one call, at most


def warm_up(languages: tuple[str, ...], ontology_dir: Path = DEFAULT_ONTOLOGY_DIR) -> None:
    """Keep state between builds from now on, and load these languages' extraction now."""
    _WARM.enabled = True
    reader = _Reader(load_ontology(ontology_dir), None, True, frozenset(languages))
    reader.prepare()


@dataclass
class BuildReport:
    """What a build did, for the CLI to print."""

    read: int = 0  # articles in the corpus
    extracted: int = 0
    reused: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    relations: int = 0
    entities: int = 0
    written: list[Path] = field(default_factory=list)
    graph: KnowledgeGraph | None = None
    files_parsed: int = 0  # files read and parsed (the others were known from the manifest)
    cache_dir: Path | None = None  # the extraction cache of this pipeline version


def pipeline_version(ontology: Ontology, lexicon_dir: Path) -> str:
    """A hash of everything that changes what extraction outputs: the reader and
    rules source, the ontology, the lexicons and the boilerplate patterns."""
    # kg/extract/__init__.py (its RULES_VERSION too) is among the sources hashed: no
    # need to import it, and so spaCy, when a rebuild has nothing to extract.
    digest = hashlib.sha256(b"kg-pipeline/2")
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


def _atomic_text(path: Path, text: str) -> None:
    """Write `path` whole or not at all; a full disk is a clear error, not a traceback."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise KGError(f"{path}: could not write ({exc.strerror or exc}); the previous exports are unchanged") from exc


class ExtractionCache:
    """One entry per article version under <out>/.kg-cache/<pipeline version>/, plus a
    manifest per (corpus root, language selection) of what the reader found in each file."""

    def __init__(self, root: Path, version: str) -> None:
        self.dir = root / CACHE_DIR / version
        self.dir.mkdir(parents=True, exist_ok=True)
        # The entries of a corpus's last build, packed in one file beside its manifest
        # (one read instead of one per article), each kept as marshal bytes until it is
        # looked up: those read from it or stored since, by key, written back with the
        # manifest.
        self.packed: dict[str, bytes] = {}
        self.packed_seen: dict[str, bytes] = {}

    @staticmethod
    def _key(doc_id: str, sha256: str, lang: str) -> str:
        """What identifies an article version: its id, content hash and language."""
        return f"{doc_id}\x00{sha256}\x00{lang}"

    def _warm_key(self, key: str) -> str:
        """An entry's key among a warm process's results, which outlive a pipeline version."""
        return f"{self.dir.name}\x00{key}"

    def _path(self, doc_id: str, sha256: str, lang: str) -> Path:
        key = hashlib.sha256(self._key(doc_id, sha256, lang).encode()).hexdigest()
        return self.dir / key[:2] / f"{key}.json"

    def get(self, article: Article) -> ExtractionResult | None:
        """The cached result (without the article text), or None if absent or unreadable
        (then it is re-extracted)."""
        return self.lookup(article.doc_id, article.sha256, article.lang)

    def lookup(self, doc_id: str, sha256: str, lang: str) -> ExtractionResult | None:
        """The cached result of the article with this id, content hash and language, or None."""
        key = self._key(doc_id, sha256, lang)
        packed = self.packed.get(key)
        warm = _WARM.result(self._warm_key(key)) if packed is not None else None
        if warm is not None:
            self.packed_seen[key] = packed
            return warm
        try:
            if packed is not None:
                result = unpack_data(marshal.loads(packed))
            else:
                data = json.loads(self._path(doc_id, sha256, lang).read_text(encoding="utf-8"))
                result, packed = unpack_data(data), marshal.dumps(data)
        except (OSError, UnicodeDecodeError, KeyError, ValueError, TypeError, IndexError, EOFError):
            return None
        art = result.article
        if (art.doc_id, art.sha256, art.lang) != (doc_id, sha256, lang):
            return None
        self.packed_seen[key] = packed
        _WARM.saw(self._warm_key(key), result)
        return result

    def put(self, result: ExtractionResult) -> None:
        """Store a result atomically."""
        art = result.article
        path = self._path(art.doc_id, art.sha256, art.lang)
        path.parent.mkdir(exist_ok=True)
        data = pack_data(result)
        _atomic_text(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        key = self._key(art.doc_id, art.sha256, art.lang)
        self.packed_seen[key] = marshal.dumps(data)
        _WARM.saw(self._warm_key(key), result)

    def seen(self, result: ExtractionResult) -> None:
        """Count a result in the corpus's packed entries (one stored in another process)."""
        art = result.article
        key = self._key(art.doc_id, art.sha256, art.lang)
        if key not in self.packed_seen:
            self.packed_seen[key] = self.packed.get(key) or marshal.dumps(pack_data(result))
        _WARM.saw(self._warm_key(key), result)

    def manifest_path(self, corpus: Path, languages: frozenset[str]) -> Path:
        """Where the manifest of this corpus root, read for these languages, is kept."""
        key = hashlib.sha256(f"{corpus}\x00{','.join(sorted(languages))}".encode()).hexdigest()[:16]
        return self.dir / f"manifest-{key}.json"

    def load_manifest(self, corpus: Path, languages: frozenset[str]) -> Manifest:
        """The manifest of the last build of this corpus (empty if none or unreadable)."""
        path = self.manifest_path(corpus, languages)
        try:
            data = _WARM.read(path, lambda p: json.loads(p.read_text(encoding="utf-8")))
            if data.get("format") == MANIFEST_FORMAT and data.get("root") == str(corpus):
                manifest = Manifest(int(data["scanned_ns"]), dict(data["files"]))
                self.packed = _WARM.read(path.with_suffix(".pack"), self._load_pack)
                return manifest
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
            pass
        return Manifest(0, {})

    @staticmethod
    def _load_pack(path: Path) -> dict[str, bytes]:
        try:
            with open(path, "rb") as fh:
                data = marshal.load(fh)
            if isinstance(data, dict) and data.get("format") == PACK_FORMAT and isinstance(data["entries"], dict):
                return data["entries"]
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            pass  # then each entry is read from its own file
        return {}

    def save_manifest(self, corpus: Path, languages: frozenset[str], manifest: Manifest) -> None:
        """Write the manifest atomically."""
        path = self.manifest_path(corpus, languages)
        pack, tmp = path.with_suffix(".pack"), path.with_name(f".{path.stem}.{os.getpid()}.pack.tmp")
        try:  # the pack first: a manifest never comes with an older pack than its own
            with open(tmp, "wb") as fh:
                marshal.dump({"format": PACK_FORMAT, "entries": self.packed_seen}, fh)
            os.replace(tmp, pack)
            _WARM.wrote(pack, self.packed_seen)
        except OSError:
            tmp.unlink(missing_ok=True)
            pack.unlink(missing_ok=True)  # the entries' own files still hold every result
        data = {"format": MANIFEST_FORMAT, "root": str(corpus), "scanned_ns": manifest.scanned_ns,
                "files": manifest.files}
        _atomic_text(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        _WARM.wrote(path, data)

    def prune_versions(self) -> None:
        """Remove the caches of other pipeline versions: they can never be hit again
        unless the rules, ontology or lexicons go back to that exact state."""
        import shutil

        for sibling in self.dir.parent.iterdir():
            if sibling.is_dir() and sibling != self.dir and len(sibling.name) == 16:
                shutil.rmtree(sibling, ignore_errors=True)


@dataclass
class Manifest:
    """doc path -> [size, mtime_ns, ctime_ns, inode, sha256 of the bytes, items], where an item
    is ["a", doc_id, content sha256, lang] for an article or ["s", path, reason] for a skip."""

    scanned_ns: int
    files: dict[str, list]


def _signature(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _file_sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


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


@dataclass
class _FileOutcome:
    """What reading and extracting one file gave."""

    rel: str
    entry: list | None  # its manifest entry (None if it could not be stat'ed or hashed)
    skipped: list[Skipped]
    results: list[ExtractionResult]
    extracted: int
    reused: int


class _Reader:
    """Reads files, looks their articles up in the cache and extracts the others.

    One lives in this process or in each worker of a fork pool; the worker's copy
    is made by the pool initializer, so nothing big is pickled per task."""

    def __init__(self, ontology: Ontology, cache: ExtractionCache | None, reuse: bool,
                 languages: frozenset[str]) -> None:
        self.ontology, self.cache, self.reuse, self.languages = ontology, cache, reuse, languages
        self.extractor = None

    def process(self, files: list[tuple[Path, str]]) -> list[_FileOutcome]:
        """Read, look up and extract a batch of files (one extraction call for all of them)."""
        outcomes, pending = [], []
        for path, rel in files:
            signature, digest = _signature(path), _file_sha256(path)
            out = _FileOutcome(rel, None, [], [], 0, 0)
            items: list[list] = []
            for got in read_file(path, rel, self.languages):
                if isinstance(got, Skipped):
                    out.skipped.append(got)
                    items.append(["s", got.path, got.reason])
                    continue
                items.append(["a", got.doc_id, got.sha256, got.lang])
                cached = self.cache.get(got) if self.cache is not None and self.reuse else None
                if cached is not None:
                    out.reused += 1
                    out.results.append(replace(cached, article=replace(cached.article, path=got.path)))
                else:
                    out.results.append(None)  # type: ignore[arg-type]  (filled below)
                    pending.append((out, len(out.results) - 1, got))
                if len(pending) >= MAX_PENDING:  # a JSON Lines file of many records
                    self._extract(pending)
                    pending = []
            if signature is not None and digest is not None:
                out.entry = [*signature, digest, items]
            outcomes.append(out)
        self._extract(pending)
        return outcomes

    def prepare(self) -> None:
        """Load the extractor of every selected language now (before forking workers,
        which then share it)."""
        extractor = self._extractor()
        for lang in sorted(self.languages & set(extractor.languages())):
            extractor.prepare(lang)

    def _extractor(self):
        if self.extractor is None:
            from .extract import Extractor

            warm = _WARM.extractor
            if warm is not None and warm[0] is self.ontology:
                self.extractor = warm[1]
            else:
                self.extractor = Extractor(self.ontology)
                if _WARM.enabled:
                    _WARM.extractor = (self.ontology, self.extractor)
        return self.extractor

    def _extract(self, pending: list[tuple[_FileOutcome, int, Article]]) -> None:
        if not pending:
            return
        self._extractor()
        articles = [a for _, _, a in pending]
        for (out, slot, _), result in zip(pending, self.extractor.extract_many(articles, batch_size=len(articles))):
            # Kept light: no article text, no mention objects (their names are kept).
            light = ExtractionResult(replace(result.article, text=""), result.assertions,
                                     names=result.surface_forms())
            if self.cache is not None:
                self.cache.put(light)
            out.results[slot] = light
            out.extracted += 1


_WORKER: _Reader | None = None  # the reader of a worker process


def _init_worker(reader: _Reader) -> None:
    global _WORKER
    _WORKER = reader  # the parent's, copied by fork with its loaded pipelines: nothing is pickled
    gc.enable()  # the build server turns it off for its own part of a command


def _process_in_worker(files: list[tuple[Path, str]]) -> list[_FileOutcome]:
    assert _WORKER is not None
    return _WORKER.process(files)


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class _Batches:
    """Runs file batches in this process or in a fork pool, in order, so that the
    caller holds a few batches of text at a time. The pool starts only once there is
    a second batch: a rebuild that reads a handful of files does not start workers."""

    def __init__(self, reader: _Reader, jobs: int) -> None:
        self.reader, self.jobs = reader, jobs
        self.pool = None
        self.first: list | None = None  # the first batch while it is the only one
        self.first_async = None

    def submit(self, files: list[tuple[Path, str]]) -> Callable[[], list[_FileOutcome]]:
        """Start a batch; the returned function waits for its outcomes."""
        if self.jobs <= 1:
            return lambda: self.reader.process(files)
        if self.pool is None and self.first is None:
            self.first = files
            return self._first_result
        if self.pool is None:
            import multiprocessing

            # The workers are forked with this process's reader and whatever it has
            # loaded (a caller that knows the corpus's languages can `prepare` them
            # first, as bench/parallel.py does); the others each worker loads when
            # it meets them. Loading every language here would cost a corpus in one
            # language the French model's seconds for nothing.
            self.pool = multiprocessing.get_context("fork").Pool(self.jobs, _init_worker, (self.reader,))
            self.first_async = self.pool.apply_async(_process_in_worker, (self.first,))
        return self.pool.apply_async(_process_in_worker, (files,)).get

    def _first_result(self) -> list[_FileOutcome]:
        if self.first_async is not None:
            return self.first_async.get()
        return self.reader.process(self.first or [])

    def close(self) -> None:
        """Stop the workers."""
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None


def extract_corpus(corpus: Path, ontology: Ontology, cache: ExtractionCache | None,
                   report: BuildReport, progress: Callable[[str], None] | None = None,
                   languages: tuple[str, ...] | None = None, reuse: bool = True, jobs: int = 1,
                   batch_size: int = 16,
                   select: Callable[[str], bool] | None = None,
                   exclude: tuple[Path, ...] = ()) -> Iterator[ExtractionResult]:
    """Extraction results (without article texts) for every readable article, in corpus
    order, streaming: files are read and extracted a batch at a time.

    With a cache, unchanged files are not read again (see the module docstring) and
    cached articles are not extracted again, unless `reuse` is False. With jobs > 1
    files are read and extracted by a process pool; the results are the same as one
    process gives, since each batch is processed independently. `select(doc path)`
    restricts the walk to some files (a shard of the corpus)."""
    selected = frozenset(languages or SUPPORTED_LANGUAGES)
    _WARM.results_seen = {}
    old = cache.load_manifest(corpus, selected) if cache is not None and reuse else Manifest(0, {})
    new = Manifest(time.time_ns(), {})
    batches = _Batches(_Reader(ontology, cache, reuse, selected), jobs)
    # In corpus order: a known file's outcome, or the waiting function of a submitted batch.
    queue: deque[_FileOutcome | Callable[[], list[_FileOutcome]]] = deque()
    files: list[tuple[Path, str]] = []
    in_flight = 0

    def account(out: _FileOutcome) -> Iterator[ExtractionResult]:
        if out.entry is not None:
            new.files[out.rel] = out.entry
        if cache is not None and jobs > 1:  # looked up or stored by a worker
            for result in out.results:
                cache.seen(result)
        report.skipped.extend(out.skipped)
        report.read += len(out.results)
        report.extracted += out.extracted
        report.reused += out.reused
        yield from out.results

    def drain(limit: int) -> Iterator[ExtractionResult]:
        nonlocal in_flight
        while queue and (in_flight > limit or isinstance(queue[0], _FileOutcome)):
            head = queue.popleft()
            if isinstance(head, _FileOutcome):
                yield from account(head)
                continue
            in_flight -= 1
            for out in head():
                yield from account(out)

    def flush() -> None:
        nonlocal files, in_flight
        if files:
            report.files_parsed += len(files)
            queue.append(batches.submit(files))
            in_flight += 1
            files = []

    try:
        for item in corpus_files(corpus, exclude=exclude):
            if isinstance(item, Skipped):
                flush()  # keep the skips in walk order
                queue.append(_FileOutcome("", None, [item], [], 0, 0))
                continue
            path, rel = item
            if select is not None and not select(rel):
                continue
            if progress:
                progress(rel)
            known = _known_file(path, rel, old, cache) if cache is not None and reuse else None
            if known is not None:
                flush()
                queue.append(known)
            else:
                files.append((path, rel))
                if len(files) >= batch_size:
                    flush()
            yield from drain(2 * max(jobs, 1))
        flush()
        yield from drain(0)
    finally:
        batches.close()
    if cache is not None and select is None:
        _WARM.keep_results()
        _WARM.later(cache.dir.parent.parent, lambda: cache.save_manifest(corpus, selected, new))


def _known_file(path: Path, rel: str, manifest: Manifest, cache: ExtractionCache) -> _FileOutcome | None:
    """The outcome of a file the last build read, from the manifest and the cache, if the
    file is unchanged and every one of its articles is cached; else None (read it)."""
    entry = manifest.files.get(rel)
    if entry is None:
        return None
    signature = _signature(path)
    if signature is None:
        return None
    if signature != entry[:4] or signature[1] >= manifest.scanned_ns - RACY_NS:
        # Metadata changed (or too recent to trust): the bytes decide.
        if _file_sha256(path) != entry[4]:
            return None
        entry = [*signature, *entry[4:]]
    out = _FileOutcome(rel, entry, [], [], 0, 0)
    for it in entry[5]:
        if it[0] == "s":
            out.skipped.append(Skipped(it[1], it[2]))
            continue
        result = cache.lookup(it[1], it[2], it[3])
        if result is None:
            return None
        if result.article.path != str(path):
            result = replace(result, article=replace(result.article, path=str(path)))
        out.results.append(result)
        out.reused += 1
    return out


def merge_options(ontology: Ontology, ontology_dir: Path) -> dict:
    """The ontology and the name tables and merge overrides of `ontology_dir` (its
    names.yaml and merges.yaml), for `merge`."""
    from .graph.dedupe import load_merge_rules
    from .graph.names import load_name_tables

    names = load_name_tables(ontology_dir / "names.yaml")
    return {"ontology": ontology, "names": names, "rules": load_merge_rules(names, ontology_dir / "merges.yaml")}


def collect(corpus: Path, out_dir: Path, *, full: bool = False, ontology_dir: Path = DEFAULT_ONTOLOGY_DIR,
            progress: Callable[[str], None] | None = None, languages: tuple[str, ...] | None = None,
            jobs: int = 1) -> tuple[KnowledgeGraph, Ontology, BuildReport]:
    """Extract (through the cache in `out_dir`) and merge; the caller holds the lock."""
    if not corpus.exists():
        raise KGError(f"{corpus}: no such corpus directory or file")
    ontology = load_ontology(ontology_dir)
    report = BuildReport()
    cache = ExtractionCache(out_dir, pipeline_version(ontology, ontology_dir / "lexicons"))
    # The out dir may lie inside the corpus: its exports are never read back as articles.
    graph = merge(extract_corpus(corpus, ontology, cache, report, progress, languages, reuse=not full,
                                 jobs=jobs, exclude=(out_dir,)),
                  **merge_options(ontology, ontology_dir), state=_WARM.merge_state(out_dir))
    cache.prune_versions()
    report.graph, report.cache_dir = graph, cache.dir
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
        memo = RenderMemo(report.cache_dir / MEMO_FILE, reuse=not full) if report.cache_dir is not None else None
        report.written = export(graph, ontology, out_dir, formats, memo=memo)
        _atomic_text(out_dir / "build.json", json.dumps({
            "read": report.read, "extracted": report.extracted, "reused": report.reused,
            "files_parsed": report.files_parsed,
            "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
            "relations": report.relations, "entities": report.entities,
        }, indent=1, ensure_ascii=False))
    return report


# ------------------------------------------------------------ beyond one machine
#
# `kg extract --shard I/N` extracts the files of one shard into JSON Lines (the
# records of kg/records.py); `kg merge` builds the graph and exports from the
# shard files. Files, not articles, are assigned to shards, so a task reads only
# its own files; the assignment hashes the file's path inside the corpus, so it
# does not depend on the machine, the order of the walk or Python's hash seed.


def parse_shard(text: str) -> tuple[int, int]:
    """"I/N" (0 <= I < N) as (I, N); raises KGError otherwise."""
    index, slash, count = text.partition("/")
    try:
        i, n = int(index), int(count)
    except ValueError:
        i, n = -1, 0
    if not slash or n < 1 or not 0 <= i < n:
        raise KGError(f"--shard {text!r}: expected I/N with 0 <= I < N, e.g. 0/8")
    return i, n


def shard_of(rel: str, shards: int) -> int:
    """The shard (0 ... shards-1) of the file at path `rel` inside the corpus."""
    return int.from_bytes(hashlib.sha256(rel.encode("utf-8")).digest()[:8], "big") % shards


def extract_records(paths: Iterable[Path], report: BuildReport, shard: tuple[int, int] | None = None,
                    jobs: int = 1, ontology_dir: Path = DEFAULT_ONTOLOGY_DIR) -> Iterator[dict]:
    """The JSON Lines records (document, then relations) of every article under `paths`,
    or of one shard `(index, count)` of them, without any cache."""
    from .records import result_records

    ontology = load_ontology(ontology_dir)
    select = None
    if shard is not None:
        index, count = shard

        def select(rel: str) -> bool:
            return shard_of(rel, count) == index
    for path in paths:
        if not Path(path).exists():
            raise KGError(f"{path}: no such corpus directory or file")
        for result in extract_corpus(Path(path), ontology, None, report, jobs=jobs,
                                     select=select):
            yield from result_records(result)


def write_records(path: Path, records: Iterable[dict]) -> int:
    """Write records as JSON Lines to `path` atomically (a failed task leaves no partial
    shard behind); returns how many were written."""
    from .records import dumps

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    count = 0
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            for rec in records:
                fh.write(dumps(rec) + "\n")
                count += 1
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def read_shards(shards: Iterable[Path]) -> Iterator[ExtractionResult]:
    """The extraction results in shard files written by `kg extract`, one file after another."""
    from .records import read_records

    for shard in shards:
        try:
            with open(shard, encoding="utf-8") as fh:
                yield from read_records(fh, str(shard))
        except (OSError, UnicodeDecodeError) as exc:
            raise KGError(f"{shard}: cannot read shard ({exc})") from exc
        except (KeyError, TypeError, ValueError) as exc:
            raise KGError(f"{shard}: not a kg extract JSON Lines file ({exc!r})") from exc


def merge_shards(shards: list[Path], out_dir: Path, *, formats: tuple[str, ...] = DEFAULT_FORMATS,
                 ontology_dir: Path = DEFAULT_ONTOLOGY_DIR) -> BuildReport:
    """Build the graph from shard files and write its exports: the same files `build`
    writes for the same corpus. A document found in two shards counts once."""
    with build_lock(out_dir):
        graph, ontology, report = collect_shards(shards, ontology_dir)
        report.written = export(graph, ontology, out_dir, formats)
    return report


def collect_shards(shards: list[Path], ontology_dir: Path = DEFAULT_ONTOLOGY_DIR
                   ) -> tuple[KnowledgeGraph, Ontology, BuildReport]:
    """The merged graph of shard files (for `kg merge` and `kg push --shard`)."""
    ontology = load_ontology(ontology_dir)
    report = BuildReport()

    def counted() -> Iterator[ExtractionResult]:
        for result in read_shards(shards):
            report.read += 1
            report.reused += 1
            yield result

    graph = merge(counted(), **merge_options(ontology, ontology_dir))
    report.graph, report.relations, report.entities = graph, len(graph.edges), len(graph.entities)
    return graph, ontology, report
