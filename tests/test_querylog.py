"""The query log behind 热搜词: normalised counts only, retention, blocklist, no-hit queries for operators."""

from __future__ import annotations

import datetime as dt
import json
import threading

from portal.querylog import HOT_MIN_COUNT, QueryLog

TODAY = dt.date(2026, 11, 30)


def test_counts_normalised_queries_and_nothing_else(tmp_path):
    log = QueryLog(tmp_path / "log")
    counted = ("低保", " 低保 ", "低保", "養老保險", "养老保险", "ＡＢＣ", "abc")
    skipped = ("014319733/2018-00019", "长" * 60, "张三 13812345678")  # an identifier, pasted text, a phone number
    for q in counted + skipped:
        log.record(q, found=3, today=TODAY)
    log.flush(today=TODAY)
    stored = json.loads((tmp_path / "log" / "counts.json").read_text("utf-8"))
    assert stored == {"days": {"2026-11-30": {"searched": {"低保": 3, "养老保险": 2, "abc": 2}, "empty": {}}}}


def test_hot_needs_enough_searches_and_a_result(tmp_path):
    log = QueryLog(tmp_path)
    for _ in range(HOT_MIN_COUNT):
        log.record("低保", found=5, today=TODAY)
        log.record("养老保显", found=0, today=TODAY)
    log.record("公积金", found=5, today=TODAY)
    assert [item.q for item in log.hot(today=TODAY)] == ["低保"]
    assert [(item.q, item.count) for item in log.empty(today=TODAY)] == [("养老保显", HOT_MIN_COUNT)]


def test_blocklist_keeps_terms_off_the_hot_list_and_is_read_again(tmp_path):
    blocklist = tmp_path / "blocklist.txt"
    blocklist.write_text("# comment\n", "utf-8")
    log = QueryLog(tmp_path / "log", blocklist=blocklist)
    for _ in range(HOT_MIN_COUNT):
        log.record("某某人 电话", found=1, today=TODAY)
        log.record("低保", found=1, today=TODAY)
    assert [item.q for item in log.hot(today=TODAY)] == ["低保", "某某人 电话"]
    blocklist.write_text("# comment\n電話\n", "utf-8")  # traditional: compared simplified
    assert [item.q for item in log.hot(today=TODAY)] == ["低保"]


def test_days_past_retention_are_dropped(tmp_path):
    log = QueryLog(tmp_path, retention_days=7)
    log.record("旧的", found=1, today=TODAY - dt.timedelta(days=7))
    log.record("新的", found=1, today=TODAY - dt.timedelta(days=6))
    log.flush(today=TODAY)
    stored = json.loads((tmp_path / "counts.json").read_text("utf-8"))
    assert list(stored["days"]) == ["2026-11-24"]


def test_concurrent_writers_lose_nothing(tmp_path):
    logs = [QueryLog(tmp_path), QueryLog(tmp_path)]  # as two server processes would

    def search(log: QueryLog) -> None:
        for _ in range(200):
            log.record("低保", found=1, today=TODAY)
            log.flush(today=TODAY)

    threads = [threading.Thread(target=search, args=(log,)) for log in logs for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert QueryLog(tmp_path).totals("searched", 1, today=TODAY)["低保"] == 800


def test_an_unreadable_log_starts_afresh(tmp_path):
    (tmp_path / "counts.json").write_text("{not json", "utf-8")
    log = QueryLog(tmp_path)
    log.record("低保", found=1, today=TODAY)
    log.flush(today=TODAY)
    assert log.totals("searched", 1, today=TODAY)["低保"] == 1
