"""Values an operator types that have a number's or a day's shape but are none (``inf``, ``nan``, ``2024-13-45``):
each is a usage error naming the option or setting, never a traceback and never a silent wrong answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.settings import load_settings

FLOAT_OPTIONS = [
    "--delay",
    "--timeout",
    "--max-attachment-mb",
    "--max-attachment-mb-per-page",
    "--max-attachment-mb-total",
]


@pytest.mark.parametrize("option", FLOAT_OPTIONS)
@pytest.mark.parametrize("value", ["inf", "nan", "Infinity", "+inf"])
def test_a_crawl_number_that_is_not_finite_is_a_usage_error(option: str, value: str, tmp_path: Path) -> None:
    """``float`` takes them and click's FloatRange let them through: ``int(inf * MB)`` was an OverflowError
    traceback, ``nan`` a ValueError one, before anything was fetched."""
    from portal.crawl_command import crawl as crawl_command

    result = CliRunner().invoke(crawl_command, ["http://127.0.0.1:9/", "--out", str(tmp_path), option, value])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert option in result.output and "finite" in result.output
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("value", ["abc", "nan", "inf", "-5"])
def test_a_lock_timeout_that_is_no_wait_is_named(value: str) -> None:
    """``float()`` said ``could not convert string to float: 'abc'`` without naming the setting, and took the rest."""
    with pytest.raises(ValueError, match="PORTAL_LOCK_TIMEOUT"):
        load_settings({"PORTAL_LOCK_TIMEOUT": value})
    assert load_settings({"PORTAL_LOCK_TIMEOUT": "0"}).lock_timeout == 0
    assert load_settings({"PORTAL_LOCK_TIMEOUT": "2.5"}).lock_timeout == 2.5


@pytest.mark.parametrize("day", ["2024-13-45", "2023-02-29", "2024-00-10"])
def test_export_since_a_day_the_calendar_has_not_is_refused(day: str, tmp_path: Path, monkeypatch) -> None:
    """``--since 2024-13-45`` had the YYYY-MM-DD shape, so the delta was written "since 2024-13-45" (every
    document new since it, by string comparison) rather than refused."""
    from portal.cli import cli

    monkeypatch.setenv("PORTAL_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("PORTAL_EXPORT_DIR", str(tmp_path / "export"))
    result = CliRunner().invoke(cli, ["export", "--since", day])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert "YYYY-MM-DD" in result.output and day in result.output
    assert not (tmp_path / "export").exists()
