"""Paths and helpers the tests share (importable, unlike conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ROOT / "documents"
SHARED = ROOT.parent / "shared"
SEED = DOCUMENTS / "000_475aefbc56821e6d.txt"
WEB_FIXTURES = ROOT / "tests" / "web" / "fixtures"
SEED_INDEX_NO = "014319733/2018-00019"
SEED_TITLE = "市民政局2018年一季度工作情况"


def shared_path(*parts: str) -> Path:
    """A path inside ../shared, skipping the test where a fresh clone has no ../shared beside it."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (../shared is beside the checkout in CI, not on a user's fresh clone)")
    return path
