"""Read the article corpus: text, Markdown, HTML and JSON files into Articles.

The reader decodes each file, strips Markdown or extracts the main text of an
HTML page, removes boilerplate lines (patterns in
`ontology/boilerplate/patterns.txt`), detects the language and finds the
publication date. `iter_corpus` walks a directory and never stops for one bad
input: it yields `Skipped` with the reason instead. `read_path` reads one file
and raises `ArticleError`.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import yaml
from charset_normalizer import from_bytes
from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from kg.dates import DATA_DIR, dateline_date, find_dates, normalise_date
from kg.errors import ArticleError, DataFileError
from kg.model import SUPPORTED_LANGUAGES, Article, Skipped

__all__ = [
    "Boilerplate", "corpus_files", "decode_bytes", "detect_language", "find_dates", "iter_corpus",
    "load_boilerplate", "read_file", "read_path", "strip_boilerplate", "strip_markdown",
]  # fmt: skip

PATTERNS_FILE = DATA_DIR / "patterns.txt"

# lingua tells apart only the languages it is given. The supported five come
# with common neighbours so that a German or Belarusian article is recognised
# and skipped rather than mistaken for a supported one. Malay is left out on
# purpose: it is so close to Indonesian that it takes Indonesian articles.
DETECTED_LANGUAGES: tuple[str, ...] = (
    "ENGLISH", "FRENCH", "INDONESIAN", "RUSSIAN", "UKRAINIAN",
    "GERMAN", "SPANISH", "ITALIAN", "PORTUGUESE", "POLISH", "DUTCH", "TURKISH",
    "BELARUSIAN", "BULGARIAN", "CHINESE", "ARABIC", "JAPANESE", "CZECH",
    "ROMANIAN", "SWEDISH",
)  # fmt: skip
DETECTION_SAMPLE = 5000  # characters, from the start, middle and end of an article
# One article is at most this long after boilerplate removal (spaCy's own limit
# on a text); a longer one is skipped with a message, not allowed to stall a build.
MAX_ARTICLE_CHARS = 1_000_000
MAX_ARTICLE_BYTES = 16_000_000  # a .txt, .md or .html file (one article) larger than this is not read
MIN_LETTERS_TO_DETECT = 20  # below this lingua guesses

# Non-UTF-8 text is decoded with the first plausible of these: the legacy
# code pages of the supported languages. Letting charset-normalizer choose
# among all code pages gives wrong answers (cp1250, cp932) on short texts.
LEGACY_ENCODINGS: tuple[str, ...] = (
    "cp1252", "cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp866", "mac_cyrillic", "latin_1",
)  # fmt: skip

BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"), (b"\x89PNG\r\n\x1a\n", "PNG"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"),
    (b"\xff\xd8\xff", "JPEG"), (b"PK\x03\x04", "ZIP, DOCX or XLSX"), (b"\x1f\x8b", "gzip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "DOC or XLS"), (b"\x7fELF", "executable"),
)  # fmt: skip
# Checked before the NUL test, since UTF-16 and UTF-32 text is full of NULs.
BYTE_ORDER_MARKS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
)  # fmt: skip
BINARY_SNIFF_BYTES = 8192
MAX_CONTROL_RATIO = 0.1  # control bytes (other than tab, newline ...) in text
_CONTROL_BYTES = frozenset(range(32)) - {9, 10, 12, 13, 27}

TEXT_KEYS: tuple[str, ...] = ("text", "content", "body")  # JSON record text, first found wins


# ---------------------------------------------------------------- boilerplate


@dataclass(frozen=True)
class Boilerplate:
    """Compiled boilerplate rules: `drop` removes a line, `stop` ends the article."""

    drop: tuple[re.Pattern[str], ...]
    stop: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=8)
def load_boilerplate(path: Path = PATTERNS_FILE) -> Boilerplate:
    """Read a patterns file (format in ontology/boilerplate/README.md), once per path."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(str(path), f"cannot read: {exc}") from exc
    rules: dict[str, list[re.Pattern[str]]] = {"drop": [], "stop": []}
    for number, line in enumerate(lines, 1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        kind, colon, expression = entry.partition(":")
        kind, expression = kind.strip().lower(), expression.strip()
        if not colon or kind not in rules:
            raise DataFileError(str(path), "expected 'drop: REGEX' or 'stop: REGEX'", number)
        if not expression:
            raise DataFileError(str(path), "empty regular expression", number)
        try:
            rules[kind].append(re.compile(expression, re.IGNORECASE))
        except re.error as exc:
            raise DataFileError(str(path), f"bad regular expression: {exc}", number) from exc
    return Boilerplate(drop=tuple(rules["drop"]), stop=tuple(rules["stop"]))


def strip_boilerplate(text: str, rules: Boilerplate | None = None) -> tuple[str, int]:
    """Remove boilerplate lines; return the text and how many non-blank lines went.

    Kept lines are unchanged. Blank lines at both ends are trimmed, and a blank
    line is not kept twice in a row where a removed line stood between them.
    """
    rules = rules or load_boilerplate()
    lines = text.split("\n")
    kept: list[str] = []
    removed = 0
    after_drop = False
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            if not (after_drop and kept and not kept[-1].strip()):
                kept.append(line)
            continue
        if any(p.search(stripped) for p in rules.stop):
            removed += sum(1 for rest in lines[index:] if rest.strip())
            break
        if any(p.search(stripped) for p in rules.drop):
            removed += 1
            after_drop = True
            continue
        kept.append(line)
        after_drop = False
    while kept and not kept[-1].strip():
        kept.pop()
    while kept and not kept[0].strip():
        kept.pop(0)
    return "\n".join(kept), removed


# ------------------------------------------------------------------- decoding


def _normalise(text: str) -> str:
    """Newlines to "\\n" and Unicode to NFC, so offsets mean the same everywhere."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def _check_not_binary(raw: bytes, path: str) -> None:
    """Raise ArticleError for an empty, whitespace-only or binary file."""
    if not raw:
        raise ArticleError(path, "empty file")
    if not raw.strip():
        raise ArticleError(path, "whitespace only")
    for signature, kind in BINARY_SIGNATURES:
        if raw.startswith(signature):
            raise ArticleError(path, f"binary file ({kind})")
    if any(raw.startswith(bom) for bom, _codec in BYTE_ORDER_MARKS):
        return
    head = raw[:BINARY_SNIFF_BYTES]
    if b"\x00" in head:
        raise ArticleError(path, "binary file (NUL bytes)")
    if sum(byte in _CONTROL_BYTES for byte in head) > MAX_CONTROL_RATIO * len(head):
        raise ArticleError(path, "binary file (control bytes)")


# A Cyrillic letter glued to a Latin one: the sign of a wrong code page
# ("Dйfense" is Latin-1 "Défense" read as cp1251).
_MIXED_SCRIPT = re.compile(r"[A-Za-z][\u0400-\u04ff]|[\u0400-\u04ff][A-Za-z]")


def _decode_legacy(raw: bytes, path: str) -> str:
    """Decode non-UTF-8 bytes with the most plausible legacy code page."""
    matches = [str(m) for m in from_bytes(raw, cp_isolation=list(LEGACY_ENCODINGS))]
    if not matches:
        raise ArticleError(path, "undecodable text (not UTF-8 nor a known legacy encoding)")
    return next((t for t in matches if not _MIXED_SCRIPT.search(t)), matches[0])


def _try_decode(raw: bytes, codec: str | None) -> str | None:
    """`raw` decoded with `codec`, or None if there is no such codec or it does not fit."""
    try:
        return raw.decode(codec) if codec else None
    except (LookupError, UnicodeDecodeError):
        return None


def decode_bytes(raw: bytes, path: str, declared: str | None = None) -> str:
    """Decode a text file: BOM, else `declared` charset, else UTF-8, else detection.

    Raises ArticleError for empty, whitespace-only, binary or undecodable
    input. The result has "\\n" newlines and is NFC-normalised.
    """
    _check_not_binary(raw, path)
    text: str | None = None
    for bom, codec in BYTE_ORDER_MARKS:
        if raw.startswith(bom):
            try:
                text = raw[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise ArticleError(path, f"undecodable text (invalid {codec} after its byte-order mark)") from exc
            break
    if text is None:
        text = _try_decode(raw, declared) or _try_decode(raw, "utf-8") or _decode_legacy(raw, path)
    text = _normalise(text)
    if not text.strip():
        raise ArticleError(path, "whitespace only")
    return text


# ------------------------------------------------------------------- language


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    """The lingua detector, built once (it loads its models lazily)."""
    languages = [getattr(Language, name) for name in DETECTED_LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def _detection_sample(text: str) -> str:
    """At most DETECTION_SAMPLE characters, taken from the start, middle and end of
    a long text, so that an article's majority language wins over its opening."""
    if len(text) <= DETECTION_SAMPLE:
        return text
    third = DETECTION_SAMPLE // 3
    middle = len(text) // 2 - third // 2
    return "\n".join((text[:third], text[middle:middle + third], text[-third:]))


def detect_language(text: str) -> str | None:
    """The two-letter code of the language of `text`, or None when unsure or too short."""
    sample = _detection_sample(text)
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS_TO_DETECT:
        return None
    language = _detector().detect_language_of(sample)
    return language.iso_code_639_1.name.lower() if language else None


def _language_code(value: object) -> str | None:
    """A metadata language ("fr", "en-GB", "RU") as a two-letter code, else None."""
    if not isinstance(value, str):
        return None
    code = re.split(r"[-_]", value.strip().lower())[0]
    return code if re.fullmatch(r"[a-z]{2}", code) else None


# ------------------------------------------------------------------- articles


@dataclass(frozen=True)
class _Meta:
    """Metadata found in front matter, a JSON record or HTML meta tags."""

    title: str | None = None
    date: object = None  # raw: normalised once the language is known
    source: str | None = None
    url: str | None = None
    lang: str | None = None


def _meta_text(value: object) -> str | None:
    """A metadata value as a stripped string; None for missing, empty or nested values."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    return str(value).strip() or None


def _meta(data: dict[str, Any]) -> _Meta:
    """Pick the known metadata keys out of a mapping."""
    return _Meta(
        title=_meta_text(data.get("title")),
        date=data.get("date"),
        source=_meta_text(data.get("source")),
        url=_meta_text(data.get("url")),
        lang=_language_code(data.get("lang")),
    )


@dataclass(frozen=True)
class _Context:
    """What every reader needs to know about the file it reads."""

    path: str  # as given, for messages and Article.path
    doc_id: str
    languages: frozenset[str]
    rules: Boilerplate


def _article(ctx: _Context, doc_id: str, body: str, meta: _Meta, sha256: str) -> Article:
    """Strip boilerplate, settle language and date, and build the Article."""
    text, removed = strip_boilerplate(body, ctx.rules)
    if not text.strip():
        raise ArticleError(ctx.path, "no text left after removing boilerplate" if removed else "whitespace only")
    if len(text) > MAX_ARTICLE_CHARS:
        raise ArticleError(ctx.path, f"too long: {len(text):,} characters (the limit is {MAX_ARTICLE_CHARS:,} "
                                     "per article); split it into several articles")
    lang = meta.lang or detect_language(text)
    if lang is None:
        short = sum(ch.isalpha() for ch in text[:DETECTION_SAMPLE]) < MIN_LETTERS_TO_DETECT
        raise ArticleError(ctx.path, "too short to detect a language" if short else "language not recognised")
    if lang not in SUPPORTED_LANGUAGES:
        raise ArticleError(ctx.path, f"unsupported language: {lang}")
    if lang not in ctx.languages:
        raise ArticleError(ctx.path, f"language not selected: {lang}")
    date = normalise_date(meta.date, lang) or dateline_date(text, lang)
    return Article(
        doc_id=doc_id, text=text, lang=lang, path=ctx.path, title=meta.title, date=date,
        source=meta.source, url=meta.url, sha256=sha256, removed_lines=removed,
    )  # fmt: skip


def _read_text(raw: bytes, ctx: _Context) -> Iterator[Article | Skipped]:
    """A plain-text article."""
    yield _article(ctx, ctx.doc_id, decode_bytes(raw, ctx.path), _Meta(), hashlib.sha256(raw).hexdigest())


# ------------------------------------------------------------------- markdown


class _FrontMatterLoader(yaml.SafeLoader):
    """A SafeLoader that keeps timestamps as strings, so "2024-02-30" is not a YAML error."""


_FrontMatterLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)

_FRONT_MATTER_OPEN = re.compile(r"---[ \t]*\n")
_FRONT_MATTER_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


def _split_front_matter(text: str, path: str) -> tuple[dict[str, Any], str]:
    """Separate YAML front matter (between "---" lines) from the Markdown body."""
    opening = _FRONT_MATTER_OPEN.match(text)
    if not opening:
        return {}, text
    closing = _FRONT_MATTER_CLOSE.search(text, opening.end())
    if not closing:
        raise ArticleError(path, "front matter opened with '---' is never closed")
    try:
        data = yaml.load(text[opening.end() : closing.start()], Loader=_FrontMatterLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ArticleError(path, f"malformed YAML front matter{where}: {problem}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ArticleError(path, "front matter is not a mapping of keys to values")
    return {str(k).lower(): v for k, v in data.items()}, text[closing.end() :].lstrip("\n")


_MD_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_MD_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_MD_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$")
_MD_QUOTE = re.compile(r"^(?:\s{0,3}>\s?)+")
_MD_BULLET = re.compile(r"^\s*[-*+]\s+")
_MD_INLINE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images go entirely
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url) -> text
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref] -> text
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)"), r"\1"),
)


def _strip_inline_markdown(line: str) -> str:
    """One line without emphasis, code, link and image syntax."""
    for pattern, replacement in _MD_INLINE:
        line = pattern.sub(replacement, line)
    return line


def strip_markdown(text: str) -> str:
    """Remove Markdown syntax lightly so the text reads as prose.

    Headings lose their "#", emphasis its markers, links become their text,
    images, rules, fences and link definitions go; a heading or image line
    that is empty afterwards is dropped. Everything else is kept as written.
    """
    out: list[str] = []
    for line in text.split("\n"):
        if _MD_FENCE.match(line) or _MD_RULE.match(line) or _MD_LINK_DEFINITION.match(line):
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            line = heading.group(1) or ""
        else:
            line = _MD_BULLET.sub("", _MD_QUOTE.sub("", line))
        plain = _strip_inline_markdown(line)
        if (heading or line.strip()) and not plain.strip():
            continue
        out.append(plain)
    return "\n".join(out)


def _read_markdown(raw: bytes, ctx: _Context) -> Iterator[Article | Skipped]:
    """A Markdown article with optional YAML front matter."""
    front, body = _split_front_matter(decode_bytes(raw, ctx.path), ctx.path)
    meta = _meta(front)
    if meta.title is None:
        heading = next((m for m in map(_MD_HEADING.match, body.split("\n")) if m and m.group(1)), None)
        meta = replace(meta, title=_strip_inline_markdown(heading.group(1)).strip() if heading else None)
    yield _article(ctx, ctx.doc_id, strip_markdown(body), meta, hashlib.sha256(raw).hexdigest())


# ----------------------------------------------------------------------- html

_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_HTML_BLOCKS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption footer h1 h2 h3 h4 h5 h6 "
    "header li main nav ol p pre section table td th tr ul".split()
)


def _html_body_text(html: str) -> str:
    """Fallback text of <body>: scripts, styles and frames removed, one block per line."""
    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ""
    body = root.find("body")
    body = root if body is None else body
    for element in body.xpath(".//script|.//style|.//iframe|.//noscript|.//template"):
        element.drop_tree()
    for element in body.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _HTML_BLOCKS:
            element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in body.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _read_html(raw: bytes, ctx: _Context) -> Iterator[Article | Skipped]:
    """The main text and metadata of an HTML page, extracted by trafilatura."""
    import trafilatura  # only for HTML pages: it takes a quarter of a second to import
    from trafilatura.settings import set_date_params

    declared = _META_CHARSET.search(raw[:BINARY_SNIFF_BYTES])
    html = decode_bytes(raw, ctx.path, declared.group(1).decode("ascii") if declared else None)
    html = _XML_DECLARATION.sub("", html)  # lxml refuses a str with an encoding declaration
    # Only the page's own metadata gives the date here: the dateline scan of
    # the text comes later and knows the article's language.
    document = trafilatura.bare_extraction(
        html, with_metadata=True, favor_precision=True, include_comments=False, include_tables=False,
        date_extraction_params=set_date_params(extensive=False),
    )  # fmt: skip
    text = _normalise(document.text or "") if document is not None else ""
    if not text.strip():
        text = _html_body_text(html)
        document = trafilatura.extract_metadata(html) if text else None
    if not text.strip():
        raise ArticleError(ctx.path, "no text found in the HTML page")
    meta = _Meta()
    if document is not None:
        meta = _Meta(
            title=_meta_text(document.title),
            date=document.date,
            source=_meta_text(document.sitename) or _meta_text(document.hostname),
            url=_meta_text(document.url),
        )
    yield _article(ctx, ctx.doc_id, text, meta, hashlib.sha256(raw).hexdigest())


# ----------------------------------------------------------------------- json


def _record_article(record: object, where: str, suffix: str, ctx: _Context) -> Article:
    """One JSON record as an Article; `suffix` is its "#N" unless it has an id."""
    where = f"{where}: " if where else ""
    if not isinstance(record, dict):
        raise ArticleError(ctx.path, f"{where}not a JSON object")
    body = next((record[k] for k in TEXT_KEYS if isinstance(record.get(k), str) and record[k].strip()), None)
    if body is None:
        raise ArticleError(ctx.path, f"{where}JSON record without text")
    record_id = _meta_text(record.get("id"))
    if record_id is not None:
        suffix = f"#{record_id}"
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    sha256 = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    try:
        return _article(ctx, ctx.doc_id + suffix, _normalise(body), _meta(record), sha256)
    except ArticleError as exc:
        raise ArticleError(ctx.path, f"{where}{exc.reason}") from exc


def _records(records: Iterable[tuple[str, str, object]], ctx: _Context) -> Iterator[Article | Skipped]:
    """Articles from (where, suffix, record) triples; a bad record is Skipped."""
    seen: set[str] = set()
    for where, suffix, record in records:
        if isinstance(record, Skipped):  # unparsable, passed through in order
            yield record
            continue
        try:
            article = _record_article(record, where, suffix, ctx)
        except ArticleError as exc:
            yield Skipped(exc.path, exc.reason)
            continue
        if article.doc_id in seen:
            yield Skipped(ctx.path, f"{where + ': ' if where else ''}duplicate id {article.doc_id!r}")
            continue
        seen.add(article.doc_id)
        yield article


def _load_json(text: str, path: str, line: int | None = None) -> object:
    """Parse JSON, naming the line of the error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArticleError(path, f"malformed JSON at line {line or exc.lineno}: {exc.msg}") from exc
    except RecursionError as exc:
        raise ArticleError(path, f"malformed JSON at line {line or 1}: nested too deeply") from exc


def _read_json(raw: bytes, ctx: _Context) -> Iterator[Article | Skipped]:
    """A JSON object (one record) or an array of records ("#N" per record)."""
    data = _load_json(decode_bytes(raw, ctx.path), ctx.path)
    if isinstance(data, dict):
        yield from _records([("", "", data)], ctx)
    elif isinstance(data, list) and data:
        yield from _records(((f"record {n}", f"#{n}", r) for n, r in enumerate(data, 1)), ctx)
    elif isinstance(data, list):
        raise ArticleError(ctx.path, "JSON array holds no records")
    else:
        raise ArticleError(ctx.path, "JSON is neither an object nor an array of objects")


def _read_jsonl(raw: bytes, ctx: _Context) -> Iterator[Article | Skipped]:
    """JSON Lines: one record per non-blank line, numbered "#1", "#2" ... in order.

    A malformed line is Skipped and the others are still read; it keeps its
    number, so mending it does not renumber the records after it.
    """
    lines = decode_bytes(raw, ctx.path).split("\n")
    numbered = [(number, line) for number, line in enumerate(lines, 1) if line.strip()]

    def records() -> Iterator[tuple[str, str, object]]:
        for record_number, (line_number, line) in enumerate(numbered, 1):
            try:
                record = _load_json(line, ctx.path, line_number)
            except ArticleError as exc:
                record = Skipped(exc.path, exc.reason)
            yield f"line {line_number}", f"#{record_number}", record

    yield from _records(records(), ctx)


# ----------------------------------------------------------------- the walker

# File extension -> reader; a reader raises ArticleError for a bad file and
# yields Skipped for a bad record inside a good one.
READERS: dict[str, Callable[[bytes, _Context], Iterator[Article | Skipped]]] = {
    ".txt": _read_text, ".md": _read_markdown, ".markdown": _read_markdown, ".html": _read_html,
    ".htm": _read_html, ".json": _read_json, ".jsonl": _read_jsonl,
}  # fmt: skip
SINGLE_ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})


def _read_file(path: Path, doc_id: str, languages: frozenset[str]) -> Iterator[Article | Skipped]:
    """Articles and skipped records of one file; raises ArticleError for a bad file."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ArticleError(str(path), f"unsupported file type {path.suffix or '(no extension)'!r}")
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(str(path))
        if not stat.S_ISREG(info.st_mode):
            raise ArticleError(str(path), "not a regular file (a pipe, socket or device)")
        if path.suffix.lower() in SINGLE_ARTICLE_SUFFIXES and info.st_size > MAX_ARTICLE_BYTES:
            raise ArticleError(str(path), f"too large: {info.st_size:,} bytes (the limit is {MAX_ARTICLE_BYTES:,} "
                                          "for a file holding one article); split it into several articles")
        raw = path.read_bytes()
    except IsADirectoryError as exc:
        raise ArticleError(str(path), "is a directory") from exc
    except OSError as exc:
        raise ArticleError(str(path), f"cannot read file: {exc.strerror or exc}") from exc
    yield from reader(raw, _Context(str(path), doc_id, languages, load_boilerplate()))


def _doc_id(path: Path, root: Path | None) -> str:
    """The path relative to `root` with POSIX separators; the file name without a root."""
    if root is None or path == root:
        return path.name
    for base, target in ((root, path), (root.absolute(), path.absolute())):
        try:
            return target.relative_to(base).as_posix()
        except ValueError:
            continue
    raise ArticleError(str(path), f"not inside the corpus root {root}")


def read_path(
    path: Path, root: Path | None = None, languages: Iterable[str] = SUPPORTED_LANGUAGES
) -> list[Article]:
    """Read one file into its Articles (several for a JSON array or JSON Lines file).

    Strict: raises ArticleError(path, reason) if the file or any record in it
    cannot be used. `iter_corpus` is the lenient reader that skips and goes on.
    """
    path = Path(path)
    articles = []
    for item in _read_file(path, _doc_id(path, None if root is None else Path(root)), frozenset(languages)):
        if isinstance(item, Skipped):
            raise ArticleError(item.path, item.reason)
        articles.append(item)
    return articles


def iter_corpus(root: Path, languages: Iterable[str] = SUPPORTED_LANGUAGES) -> Iterator[Article | Skipped]:
    """Every Article under `root` (a directory or one file), in sorted path order.

    Reads .txt, .md, .markdown, .html, .htm, .json and .jsonl files; ignores
    other files and hidden ones. Each input that cannot be used is yielded as
    `Skipped` with the reason, and the walk goes on. Raises ArticleError only
    if `root` itself does not exist.
    """
    selected = frozenset(languages)
    for item in corpus_files(root):
        if isinstance(item, Skipped):
            yield item
        else:
            yield from read_file(item[0], item[1], selected)


def corpus_files(root: Path, exclude: Iterable[Path] = ()) -> Iterator[tuple[Path, str] | Skipped]:
    """The article files under `root` as (path, doc_id), in the order `iter_corpus` reads
    them, without reading them; a directory or link that cannot be walked is `Skipped`.

    A build uses it to read only the files that changed since the last build.
    Raises ArticleError only if `root` itself does not exist. Directories in
    `exclude` (a build's out dir inside the corpus) are not walked.
    """
    root = Path(root)
    if root.is_dir():
        yield from _walk(root, "", frozenset(), set(), frozenset(Path(p).resolve() for p in exclude))
    elif root.is_file():
        yield root, root.name
    else:
        raise ArticleError(str(root), "no such file or directory")


def read_file(path: Path, doc_id: str, languages: frozenset[str]) -> Iterator[Article | Skipped]:
    """The Articles of one file; a bad file is one `Skipped`, a bad record in it another."""
    try:
        yield from _read_file(path, doc_id, languages)
    except ArticleError as exc:
        yield Skipped(exc.path, exc.reason)


def _walk(
    directory: Path, prefix: str, ancestors: frozenset[Path], visited: set[Path],
    excluded: frozenset[Path] = frozenset(),
) -> Iterator[tuple[Path, str] | Skipped]:
    """Walk one directory in name order, following symlinks but never in a loop;
    `prefix` is its path under the corpus root ("" or "a/b/")."""
    real = directory.resolve()
    if real in excluded:
        return
    if real in ancestors:
        yield Skipped(str(directory), "symlink loop")
        return
    if real in visited:
        yield Skipped(str(directory), "directory already read through another path")
        return
    visited.add(real)
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        yield Skipped(str(directory), f"cannot list directory: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError:  # a link that points at itself
            is_dir = False
        if is_dir:
            yield from _walk(path, f"{prefix}{entry.name}/", ancestors | {real}, visited, excluded)
        elif os.path.splitext(entry.name)[1].lower() in READERS:
            if entry.is_symlink() and not path.exists():
                yield Skipped(str(path), "broken or looping symbolic link")
            elif not entry.is_file():
                yield Skipped(str(path), "not a regular file (a pipe, socket or device)")
            else:
                yield path, prefix + entry.name
