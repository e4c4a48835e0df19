"""Configuration in one place: `kg.toml`, or a `[tool.kg]` table in pyproject.toml.

Keys: corpus (directory), out (directory), formats (list of export formats),
languages (list of language codes to read). Command-line options win.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

from .errors import DataFileError

KEYS = {"corpus": str, "out": str, "formats": list, "languages": list}


def load_config(directory: Path = Path(".")) -> dict:
    """The configuration found in `directory` (empty if none)."""
    for name, table in (("kg.toml", None), ("pyproject.toml", ("tool", "kg"))):
        path = directory / name
        if not path.exists():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise DataFileError(str(path), f"not valid TOML: {exc}") from exc
        for key in table or ():
            data = data.get(key, {})
        if not data:
            continue
        for key, value in data.items():
            if key not in KEYS:
                raise DataFileError(str(path), f"unknown kg setting {key!r}; known: {sorted(KEYS)}")
            if not isinstance(value, KEYS[key]):
                raise DataFileError(str(path), f"setting {key!r} must be a {KEYS[key].__name__}")
        return data
    return {}
