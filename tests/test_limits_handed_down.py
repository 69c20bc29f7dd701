"""The ingest's limits are read once, by the process that coordinates it, and handed down (index/limits.py):
a reader, an attachment extractor or a Dask worker never takes them from its own environment."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import dask_worker

from index import limits
from index.readers import ReadError, read_file
from index.whoosh.ingest import ingest_paths
from portal.cli import cli
from portal.settings import SETTINGS, load_settings


def _big_json(folder: Path) -> Path:
    """A JSON document of 1.5 MB (a short record, then JSON whitespace): over PORTAL_MAX_PARSE_MB=1, under the
    default 64. A JSON document is parsed whole, so the reader checks its size (index/readers/json.py)."""
    path = folder / "big.json"
    record = {"标题": "一个很大的文件", "正文": "正文内容。"}
    path.write_text(json.dumps(record, ensure_ascii=False) + " " * (3 << 19), "utf-8")
    assert 1 << 20 < path.stat().st_size < 2 << 20
    return path


def test_a_dask_worker_applies_the_coordinators_limits_not_its_own_environment(tmp_path, monkeypatch):
    from index.cluster.ingest import analyse

    path = _big_json(tmp_path)
    monkeypatch.setenv("PORTAL_MAX_PARSE_MB", "1")
    bounds = limits.current()  # the coordinator reads its environment once
    with dask_worker({"PORTAL_MAX_PARSE_MB": "64"}) as client:  # the worker's own environment says otherwise
        [worker_env] = client.run(lambda: os.environ.get("PORTAL_MAX_PARSE_MB")).values()
        assert worker_env == "64"
        batch = client.submit(analyse, str(path), 0, 10, bounds, None, pure=False).result()
    assert not batch.rows
    [rejection] = batch.rejected
    assert "PORTAL_MAX_PARSE_MB=1" in rejection.reason


def test_readers_and_the_ingest_take_the_limits_they_are_given_not_the_environment(tmp_path, monkeypatch):
    path = _big_json(tmp_path)
    monkeypatch.setenv("PORTAL_MAX_PARSE_MB", "1")
    [record] = list(read_file(path))  # no limits handed down: the built-in defaults, whatever the environment says
    assert not isinstance(record, ReadError)
    report = ingest_paths([path], tmp_path / "index", bounds=limits.current({}))
    assert not report.rejected and len(report.added) == 1
    monkeypatch.setenv("PORTAL_MAX_PARSE_MB", "64")
    [error] = list(read_file(path, limits.current({"PORTAL_MAX_PARSE_MB": "1"})))
    assert isinstance(error, ReadError) and "PORTAL_MAX_PARSE_MB=1" in str(error)


def test_the_portal_settings_hold_the_limits_read_with_them():
    settings = load_settings({"PORTAL_MAX_DOC_CHARS": "500"})
    assert settings.limits == limits.current({"PORTAL_MAX_DOC_CHARS": "500"})
    with pytest.raises(ValueError, match="PORTAL_MAX_NESTING"):
        load_settings({"PORTAL_MAX_NESTING": "deep"})


def test_help_settings_prints_every_setting_with_its_help():
    result = CliRunner().invoke(cli, ["--help-settings"])
    assert result.exit_code == 0, result.output
    for setting in SETTINGS:
        assert f"{setting.name}={setting.default}\n    {setting.help}\n" in result.output
    assert {s.name for s in limits.SETTINGS} <= {s.name for s in SETTINGS}
