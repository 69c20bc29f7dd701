"""A bounded load test against `portal serve` on loopback (bench.load): a few clients for a few seconds, every
kind of page, each asked for at least once however slow the machine is. It prints requests/s, p50/p99, 5xx and
memory, and asserts only that nothing failed: no 5xx and no connection error. Speed belongs in bench/, not in a
test."""

from __future__ import annotations

from pathlib import Path

from helpers import store_environment

from bench.load import PATHS, run_load

CLIENTS = 4
SECONDS = 1.0  # and on until every path was asked for (a loaded machine answers fewer in a second)


def test_load_gives_no_server_error_and_no_connection_error(web_index: Path, monkeypatch) -> None:
    for name, value in store_environment(web_index).items():  # `portal serve` inherits the store to serve
        monkeypatch.setenv(name, value)
    report = run_load(web_index, clients=CLIENTS, seconds=SECONDS, every_path=True)
    print(f"\n{report.table()}")
    assert report.requests >= len(PATHS) + 2  # every path, and at least one document page and its JSON
    assert report.server_errors == 0 and report.connection_errors == 0, report.error_samples
    assert {"2xx", "3xx", "4xx"} <= set(report.statuses)  # pages, redirects and not-found all exercised
    assert report.rss_start_mb > 0 and report.rss_end_mb > 0
