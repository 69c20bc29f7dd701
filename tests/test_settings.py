"""Settings come from the environment with working defaults, and the README documents every one."""

from __future__ import annotations

import pytest
from helpers import ROOT

from portal.settings import SETTINGS, load_settings


def test_defaults_work_on_a_fresh_clone():
    settings = load_settings({})
    assert settings.documents_dir == ROOT / "documents"
    assert settings.index_dir == ROOT / "var" / "index"
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)


def test_environment_overrides():
    settings = load_settings({"PORTAL_INDEX_DIR": "/tmp/x", "PORTAL_PORT": "9001"})
    assert str(settings.index_dir) == "/tmp/x" and settings.port == 9001


def test_readme_lists_every_setting():
    readme = (ROOT / "README.md").read_text("utf-8")
    missing = [setting.name for setting in SETTINGS if f"`{setting.name}`" not in readme]
    assert not missing, f"README.md does not document {missing}"


def test_the_server_works_on_portal_threads_requests_at_once(tmp_path):
    """Searches hold the GIL: more worker threads than cores only contend for it (README, PORTAL_THREADS)."""
    from anyio import to_thread
    from starlette.testclient import TestClient

    from portal.app import create_app

    settings = load_settings({"PORTAL_THREADS": "3", "PORTAL_INDEX_DIR": str(tmp_path / "index")})
    assert settings.threads == 3
    with TestClient(create_app(settings)) as client:
        assert client.portal.call(lambda: to_thread.current_default_thread_limiter().total_tokens) == 3


def test_a_bad_thread_count_is_named():
    for bad in ("0", "many", "-2", "100"):
        with pytest.raises(ValueError, match="PORTAL_THREADS"):
            load_settings({"PORTAL_THREADS": bad})


def test_readme_states_the_commit_interval_the_writer_uses():
    """What a crash keeps depends on it (README, Bad input and crashes; issue 18)."""
    import re

    from index.whoosh import writer

    readme = (ROOT / "README.md").read_text("utf-8")
    stated = re.search(r"committed in chunks of ([\d,]+) \(or (\d+) million characters", readme)
    assert stated, "README.md no longer says how often an ingest commits"
    assert int(stated[1].replace(",", "")) == writer.CHUNK_DOCS
    assert int(stated[2]) * 1_000_000 == writer.CHUNK_CHARS


def test_portal_workers_defaults_to_the_cores_and_a_bad_count_is_named():
    from portal.settings import cores

    assert load_settings({}).workers == min(64, cores())
    assert load_settings({"PORTAL_WORKERS": "3"}).workers == 3
    for bad in ("0", "many", "-2", "65"):
        with pytest.raises(ValueError, match="PORTAL_WORKERS"):
            load_settings({"PORTAL_WORKERS": bad})


@pytest.mark.parametrize(
    ("cores", "threads", "processes", "lanes"),
    [(2, 4, 1, 2), (2, 4, 2, 1), (2, 4, 4, 1), (8, 4, 2, 4), (8, 2, 2, 2), (1, 4, 1, 1)],
)
def test_each_server_process_computes_in_its_share_of_the_cores(monkeypatch, cores, threads, processes, lanes):
    """Fast lanes (portal/lanes.py): the cores shared out among PORTAL_WORKERS processes, at least one, at most
    PORTAL_THREADS."""
    from portal import lanes as lanes_module

    monkeypatch.setattr(lanes_module, "cores", lambda: cores)
    assert lanes_module.fast_lanes(threads, processes) == lanes


def test_the_page_cache_bound_is_shared_out_among_the_server_processes(tmp_path):
    from portal.app import create_app
    from portal.pagecache import MAX_BYTES

    settings = load_settings({"PORTAL_INDEX_DIR": str(tmp_path / "index")})
    assert create_app(settings).state.page_cache.max_bytes == MAX_BYTES
    assert create_app(settings, processes=2).state.page_cache.max_bytes == MAX_BYTES // 2


@pytest.mark.parametrize(
    "name",
    [
        "PORTAL_WORKERS",
        "PORTAL_THREADS",
        "PORTAL_PORT",
        "PORTAL_QUERY_LOG_DAYS",
        "PORTAL_HOT_MIN_CLIENTS",
        "PORTAL_MAX_RECORDS_PER_FILE",
    ],
)
@pytest.mark.parametrize("bad", ["²", "٣", "３", "abc", "1.5", "-1"])
def test_every_whole_number_setting_takes_ascii_digits_and_names_itself(name, bad):
    """``str.isdigit`` took ``²`` (then int() failed naming no setting) and ``٣`` (read as 3); PORTAL_PORT and
    PORTAL_QUERY_LOG_DAYS were read with a bare int() (``invalid literal for int()``; a port past 65535 went to
    bind() and ended `portal serve --workers` in a traceback)."""
    with pytest.raises(ValueError, match=f"{name} must be a whole number"):
        load_settings({name: bad})


@pytest.mark.parametrize(
    ("name", "bad"), [("PORTAL_PORT", "70000"), ("PORTAL_WORKERS", "65"), ("PORTAL_THREADS", "65")]
)
def test_a_whole_number_setting_past_its_range_names_itself(name, bad):
    with pytest.raises(ValueError, match=f"{name} must be a whole number from"):
        load_settings({name: bad})


def test_a_whole_number_setting_may_have_spaces_round_it_and_the_port_may_be_0():
    settings = load_settings({"PORTAL_WORKERS": " 2 ", "PORTAL_PORT": "0"})
    assert (settings.workers, settings.port) == (2, 0)
