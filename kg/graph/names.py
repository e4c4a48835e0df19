"""Normalise person and place names so that spellings across scripts compare equal.

Two keys are derived from a name:

- the *exact key*: case folded, Latin accents dropped, punctuation turned into
  spaces; the script is kept ("Jean-Pierre" = "jean pierre", "Иван" stays
  Cyrillic);
- the *transliteration key*: Cyrillic romanised and the spelling variants of
  the romanisation systems collapsed, by the tables of ontology/names.yaml
  ("Иван Петров", "Іван Петров" and "Ivan Petroff" all give "ivan petrov").

The tables are data, loaded once per file by `load_name_tables`, which
reports a bad entry with the file and line.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import DataFileError
from ..ontology import DEFAULT_ONTOLOGY_DIR

DEFAULT_NAMES_FILE = DEFAULT_ONTOLOGY_DIR / "names.yaml"

_SECTIONS = frozenset({"cyrillic", "latin", "respell", "skeleton", "given_names"})


@dataclass(frozen=True)
class _Replacer:
    """Replace many substrings in one pass, the longest match first."""

    table: tuple[tuple[str, str], ...]

    @functools.cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        if not self.table:
            return None
        keys = sorted({k for k, _ in self.table}, key=lambda k: (-len(k), k))
        return re.compile("|".join(re.escape(k) for k in keys))

    def __call__(self, text: str) -> str:
        if self._pattern is None:
            return text
        mapping = dict(self.table)
        return self._pattern.sub(lambda m: mapping[m.group(0)], text)


@dataclass(frozen=True, eq=False)
class NameTables:
    """The normalisation tables of ontology/names.yaml."""

    letters: dict[str, str]  # Cyrillic and special Latin letters -> Latin
    respell: dict[str, _Replacer]  # language -> its spelling conventions
    skeleton: _Replacer
    given_names: dict[str, int]  # transliteration key of a given name -> its group
    path: str = ""

    @functools.lru_cache(maxsize=1 << 16)  # noqa: B019  (a few tables per process, each kept anyway)
    def exact_key(self, name: str) -> str:
        """Case, accents and punctuation ignored; the script kept."""
        out = []
        for ch in unicodedata.normalize("NFC", name).casefold():
            if "\u0400" <= ch <= "\u04ff":
                out.append("е" if ch == "ё" else ch)
            elif ch in "'’ʼ‘`´":
                continue  # O'Brien, Мар'яна: the apostrophe is often left out
            elif ch.isalnum():
                out.append("".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)))
            else:
                out.append(" ")
        return " ".join("".join(out).split())

    def _romanise(self, name: str) -> str:
        out = []
        for ch in unicodedata.normalize("NFC", name).casefold():
            if ch in self.letters:
                out.append(self.letters[ch])
            elif ch.isalnum():
                out.append("".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)))
            elif ch in "'’ʼ‘`´":
                continue
            else:
                out.append(" ")
        return " ".join("".join(out).split())

    def _word(self, word: str) -> str:
        word = self.skeleton(word)
        word = re.sub(r"(.)\1+", r"\1", word)  # Dmitrii/Dmitri, Iuliia/Iulia
        if word.endswith("ei") and len(word) > 3:
            word = word[:-2] + "i"  # Sergei/Serhii, Andrei/Andrii
        if word.startswith("ie") and len(word) > 3:
            word = word[1:]  # Yevgeny/Evgeny, Yelena/Elena
        return word

    def translit_key(self, name: str, lang: str | None = None) -> str:
        """Romanised, respelled for `lang` (the language the name was written in), skeletonised."""
        text = self._romanise(name)
        if lang in self.respell:
            text = self.respell[lang](text)
        return " ".join(self._word(w) for w in text.split())

    @functools.lru_cache(maxsize=1 << 16)  # noqa: B019
    def translit_keys(self, name: str, langs: tuple[str, ...] = ()) -> frozenset[str]:
        """The transliteration keys of a name read as written in any of `langs` (or in none)."""
        return frozenset(k for k in {self.translit_key(name)} | {self.translit_key(name, lang) for lang in langs}
                         if k)

    def given_name_group(self, word_key: str) -> int | None:
        """The group of a given name (by its transliteration key), None if the table lacks it."""
        return self.given_names.get(word_key)


def _fail(path: str, reason: str, node: yaml.Node | None = None) -> DataFileError:
    return DataFileError(path, reason, node.start_mark.line + 1 if node is not None else None)


def _scalar(node: yaml.Node, path: str, what: str) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise _fail(path, f"{what}: expected a string", node)
    return str(node.value)


def _pairs(node: yaml.Node, path: str, what: str) -> tuple[tuple[str, str], ...]:
    """A sequence of [from, to] pairs."""
    if not isinstance(node, yaml.SequenceNode):
        raise _fail(path, f"{what}: expected a list of [from, to] pairs", node)
    out = []
    for item in node.value:
        if not isinstance(item, yaml.SequenceNode) or len(item.value) != 2:
            raise _fail(path, f"{what}: each entry is a [from, to] pair", item)
        src, dst = (_scalar(v, path, what).casefold() for v in item.value)
        if not src:
            raise _fail(path, f"{what}: empty 'from' string", item)
        out.append((src, dst))
    return tuple(out)


def compose_yaml(text: str, path: str) -> yaml.Node | None:
    """The YAML node tree of a data file (nodes keep their line numbers for error
    messages); raises DataFileError naming the file and line of a syntax error."""
    try:
        return yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # C parser if there
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataFileError(path, f"not valid YAML: {getattr(exc, 'problem', exc)}",
                            mark.line + 1 if mark else None) from exc


def parse_name_tables(text: str, path: str) -> NameTables:
    """Parse the YAML text of a names file; raises DataFileError naming the file and line."""
    root = compose_yaml(text, path)
    if not isinstance(root, yaml.MappingNode):
        raise DataFileError(path, f"expected a mapping with the sections {sorted(_SECTIONS)}")
    sections: dict[str, yaml.Node] = {}
    for key, value in root.value:
        name = _scalar(key, path, "section")
        if name not in _SECTIONS:
            raise _fail(path, f"unknown section {name!r}; allowed: {sorted(_SECTIONS)}", key)
        sections[name] = value
    letters: dict[str, str] = {}
    for section in ("cyrillic", "latin"):
        node = sections.get(section)
        if node is None:
            continue
        if not isinstance(node, yaml.MappingNode):
            raise _fail(path, f"{section}: expected a mapping of letter: latin", node)
        for key, value in node.value:
            letter = _scalar(key, path, section).lower()
            if len(letter) != 1:
                raise _fail(path, f"{section}: {letter!r} is not one letter", key)
            letters[letter] = _scalar(value, path, section).casefold() if value.value is not None else ""
    respell: dict[str, _Replacer] = {}
    node = sections.get("respell")
    if node is not None:
        if not isinstance(node, yaml.MappingNode):
            raise _fail(path, "respell: expected a mapping of language: pairs", node)
        for key, value in node.value:
            lang = _scalar(key, path, "respell")
            respell[lang] = _Replacer(_pairs(value, path, f"respell {lang}"))
    skeleton = _Replacer(_pairs(sections["skeleton"], path, "skeleton")) if "skeleton" in sections else _Replacer(())
    tables = NameTables(letters, respell, skeleton, {}, path)
    node = sections.get("given_names")
    if node is not None:
        if not isinstance(node, yaml.SequenceNode):
            raise _fail(path, "given_names: expected a list of 'Name | Variant | ...' lines", node)
        for index, item in enumerate(node.value):
            names = [n.strip() for n in _scalar(item, path, "given_names").split("|") if n.strip()]
            for name in names:
                key = tables.translit_key(name)
                if " " in key or not key:
                    raise _fail(path, f"given_names: {name!r} is not one word", item)
                if tables.given_names.get(key, index) != index:
                    raise _fail(path, f"given_names: {name!r} is already on another line "
                                      "(a name may belong to one group only)", item)
                tables.given_names[key] = index
    return tables


@functools.lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int, size: int) -> NameTables:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(path, "not UTF-8 text") from exc
    return parse_name_tables(text, path)


def load_name_tables(path: Path | str = DEFAULT_NAMES_FILE) -> NameTables:
    """Load a names file (cached until the file changes)."""
    try:
        stat = Path(path).stat()
    except FileNotFoundError as exc:
        raise DataFileError(str(path), "file not found") from exc
    return _load(str(path), stat.st_mtime_ns, stat.st_size)
