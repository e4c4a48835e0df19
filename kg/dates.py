"""Find full calendar dates (day, month and year) in article text.

Month names live in `ontology/boilerplate/months.yaml`; this module turns them
into one regular expression per language. Regexes are used rather than
dateparser's search because they are fast, predictable and give character
offsets. Every hit is validated with `datetime.date`; a date without a year
is never returned.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when libyaml is there

from kg.errors import DataFileError

DATA_DIR = Path(__file__).resolve().parent.parent / "ontology" / "boilerplate"
MONTHS_FILE = DATA_DIR / "months.yaml"

# Numeric dates are day-first in French, Indonesian, Russian and Ukrainian
# news; English-language wires mostly follow the US month-first convention.
# When the preferred order gives no valid date the other order is tried, so
# "14/03/2024" is still 14 March in English.
MONTH_FIRST_LANGUAGES: frozenset[str] = frozenset({"en"})

# Years outside this range are more likely counts or codes than dates.
MIN_YEAR, MAX_YEAR = 1900, 2100

# How far into an article a dateline may appear (non-blank lines).
DATELINE_LINES = 15


@dataclass(frozen=True)
class DateNames:
    """Month names and affixes of one language, as read from months.yaml."""

    months: dict[str, int]  # lower-case name or abbreviation -> month number
    day_suffixes: tuple[str, ...]
    year_suffixes: tuple[str, ...]


@lru_cache(maxsize=8)
def load_date_names(path: Path = MONTHS_FILE) -> dict[str, DateNames]:
    """Read a months file (see ontology/boilerplate/README.md), once per path."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
    except OSError as exc:
        raise DataFileError(str(path), f"cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataFileError(str(path), f"malformed YAML: {exc}", mark.line + 1 if mark else None) from exc
    if not isinstance(data, dict):
        raise DataFileError(str(path), "expected a mapping from language code to month names")
    return {str(lang): _date_names(path, str(lang), entry) for lang, entry in data.items()}


def _date_names(path: Path, lang: str, entry: Any) -> DateNames:
    """Validate one language's entry of the months file."""
    if not isinstance(entry, dict) or not isinstance(entry.get("months"), dict):
        raise DataFileError(str(path), f"{lang}: expected a mapping with a 'months' mapping")
    unknown = set(entry) - {"months", "day_suffixes", "year_suffixes"}
    if unknown:
        raise DataFileError(str(path), f"{lang}: unknown keys {sorted(unknown)}")
    months: dict[str, int] = {}
    for number, names in entry["months"].items():
        if not isinstance(number, int) or not 1 <= number <= 12:
            raise DataFileError(str(path), f"{lang}: month {number!r} is not a number from 1 to 12")
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            raise DataFileError(str(path), f"{lang}: month {number} needs a list of names")
        months.update({name.lower(): number for name in names})
    if set(months.values()) != set(range(1, 13)):
        raise DataFileError(str(path), f"{lang}: every month from 1 to 12 needs a name")
    affixes = []
    for key in ("day_suffixes", "year_suffixes"):
        value = entry.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise DataFileError(str(path), f"{lang}: {key} must be a list of strings")
        affixes.append(tuple(value))
    return DateNames(months, affixes[0], affixes[1])


def _alternation(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternation of literal words, longest first so prefixes lose."""
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=16)
def _date_regex(lang: str | None, path: Path = MONTHS_FILE) -> tuple[re.Pattern[str], dict[str, int]]:
    """The combined date regex of one language (all languages when unknown)."""
    tables = load_date_names(path)
    chosen = [tables[lang]] if lang in tables else list(tables.values())
    months = {name: n for names in chosen for name, n in names.months.items()}
    month = f"(?:{_alternation(list(months))})(?!\\w)\\.?"
    day_suffix = _alternation([s for t in chosen for s in t.day_suffixes])
    year_suffix = _alternation([s for t in chosen for s in t.year_suffixes])
    day_suffix = f"(?:{day_suffix})?" if day_suffix else ""
    year_suffix = f"(?:\\s+(?:{year_suffix})(?!\\w))?" if year_suffix else ""
    pattern = "|".join(
        [
            r"(?<![\w./-])(?P<iso_y>\d{4})(?P<iso_sep>[-/.])(?P<iso_m>\d{1,2})(?P=iso_sep)(?P<iso_d>\d{1,2})(?!\d)",
            r"(?<![\w./-])(?P<num_a>\d{1,2})(?P<num_sep>[-/.])(?P<num_b>\d{1,2})(?P=num_sep)(?P<num_y>\d{4})"
            r"(?!\d|[./-]\d)",
            rf"(?<!\w)(?P<dmy_d>\d{{1,2}}){day_suffix}\.?\s+(?P<dmy_m>{month}),?\s+(?P<dmy_y>\d{{4}})"
            rf"(?!\d){year_suffix}",
            rf"(?<!\w)(?P<mdy_m>{month})\s+(?P<mdy_d>\d{{1,2}}){day_suffix},?\s+(?P<mdy_y>\d{{4}})(?!\d)",
        ]
    )
    return re.compile(pattern, re.IGNORECASE), months


def _iso(year: int, month: int, day: int) -> str | None:
    """The ISO date if it exists and the year is plausible, else None."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _month_number(name: str, months: dict[str, int]) -> int:
    """The number of a matched month name (the regex may include a final dot)."""
    return months[name.rstrip(".").lower()]


def _match_to_iso(m: re.Match[str], lang: str | None, months: dict[str, int]) -> str | None:
    """Turn one match of the combined regex into an ISO date, if valid."""
    g = m.groupdict()
    if g["iso_y"]:
        return _iso(int(g["iso_y"]), int(g["iso_m"]), int(g["iso_d"]))
    if g["num_y"]:
        a, b, year = int(g["num_a"]), int(g["num_b"]), int(g["num_y"])
        # (month, day) in order of preference
        first, second = ((a, b), (b, a)) if lang in MONTH_FIRST_LANGUAGES else ((b, a), (a, b))
        return _iso(year, *first) or _iso(year, *second)
    if g["dmy_y"]:
        return _iso(int(g["dmy_y"]), _month_number(g["dmy_m"], months), int(g["dmy_d"]))
    return _iso(int(g["mdy_y"]), _month_number(g["mdy_m"], months), int(g["mdy_d"]))


_YEAR = re.compile(r"\d{4}")


def find_dates(text: str, lang: str | None) -> list[tuple[int, int, str]]:
    """Every full date in `text` as (char start, char end, ISO date), in order.

    `lang` picks the month names and the numeric order; an unknown or missing
    language tries the month names of every language.
    """
    if not _YEAR.search(text):  # every form of a full date has a four-digit year
        return []
    regex, months = _date_regex(lang)
    found = []
    for m in regex.finditer(text):
        iso = _match_to_iso(m, lang, months)
        if iso:
            found.append((m.start(), m.end(), iso))
    return found


def dateline_date(text: str, lang: str | None, max_lines: int = DATELINE_LINES) -> str | None:
    """The first full date in the first `max_lines` non-blank lines, if any."""
    end, seen = 0, 0
    for line in text.split("\n"):
        end += len(line) + 1
        if line.strip():
            seen += 1
            if seen >= max_lines:
                break
    found = find_dates(text[:end], lang)
    return found[0][2] if found else None


_ISO_PREFIX = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")


def normalise_date(value: object, lang: str | None = None) -> str | None:
    """A metadata date (YAML, JSON, HTML meta) as ISO YYYY-MM-DD, or None if invalid.

    Accepts `datetime.date`/`datetime.datetime`, ISO strings with or without a
    time, and any full date `find_dates` can read.
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _iso(value.year, value.month, value.day)
    if not isinstance(value, str):
        return None
    m = _ISO_PREFIX.match(value)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    found = find_dates(value, lang)
    return found[0][2] if found else None
