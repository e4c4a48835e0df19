"""Shared fixtures: the repository paths and one seed build per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """Build the seeds once into a temporary directory; returns (out_dir, report)."""
    from kg.build import build

    out = tmp_path_factory.mktemp("exports")
    report = build(SEEDS, out)
    return out, report
