"""The query log behind 热搜词: normalised counts only, retention, blocklist, no-hit queries for operators."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest

from portal import querylog
from portal.querylog import HOT_MIN_CLIENTS, HOT_MIN_COUNT, QueryLog

TODAY = dt.date(2026, 11, 30)


def test_counts_normalised_queries_and_nothing_else(tmp_path):
    log = QueryLog(tmp_path / "log")
    counted = ("低保", " 低保 ", "低保", "養老保險", "养老保险", "ＡＢＣ", "abc")
    skipped = ("014319733/2018-00019", "长" * 60, "张三 13812345678")  # an identifier, pasted text, a phone number
    for q in counted + skipped:
        log.record(q, found=3, today=TODAY)
    log.flush(today=TODAY)
    stored = json.loads((tmp_path / "log" / "counts.json").read_text("utf-8"))
    counts = {
        "searched": {"低保": 3, "养老保险": 2, "abc": 2},
        "empty": {},
        "clients": {"低保": 1, "养老保险": 1, "abc": 1},
    }
    assert stored == {"days": {"2026-11-30": counts}}


def test_hot_needs_enough_searches_and_a_result(tmp_path):
    log = QueryLog(tmp_path)
    for n in range(HOT_MIN_COUNT):
        log.record("低保", found=5, today=TODAY, client=f"10.0.0.{n}")
        log.record("养老保显", found=0, today=TODAY, client=f"10.0.0.{n}")
    log.record("公积金", found=5, today=TODAY)
    assert [item.q for item in log.hot(today=TODAY)] == ["低保"]
    assert [(item.q, item.count) for item in log.empty(today=TODAY)] == [("养老保显", HOT_MIN_COUNT)]


def test_blocklist_keeps_terms_off_the_hot_list_and_is_read_again(tmp_path):
    blocklist = tmp_path / "blocklist.txt"
    blocklist.write_text("# comment\n", "utf-8")
    log = QueryLog(tmp_path / "log", blocklist=blocklist)
    for n in range(HOT_MIN_COUNT):
        log.record("某某人 电话", found=1, today=TODAY, client=f"10.0.0.{n}")
        log.record("低保", found=1, today=TODAY, client=f"10.0.0.{n}")
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


def test_one_client_cannot_fill_the_hot_list(tmp_path):
    """Issue 18: five searches from one client put 通知 工作 dubo-vip.com on the home page."""
    log = QueryLog(tmp_path)
    for _ in range(5):
        log.record("通知 工作", found=5, today=TODAY, client="203.0.113.9")
    for n in range(HOT_MIN_CLIENTS - 1):
        log.record("低保", found=5, today=TODAY, client=f"10.0.0.{n}")
        log.record("低保", found=5, today=TODAY, client=f"10.0.0.{n}")
    assert log.hot(today=TODAY) == []
    log.record("低保", found=5, today=TODAY, client="10.0.0.99")
    assert [item.q for item in log.hot(today=TODAY)] == ["低保"]
    log.flush(today=TODAY)
    assert [item.q for item in QueryLog(tmp_path).hot(today=TODAY)] == ["低保"]  # the count of clients is kept


def test_a_client_counts_once_a_day_across_flushes(tmp_path):
    log = QueryLog(tmp_path)
    for _ in range(4):
        log.record("社保", found=2, today=TODAY, client="10.0.0.1")
        log.flush(today=TODAY)
    assert log.totals("clients", 1, today=TODAY)["社保"] == 1
    assert log.totals("searched", 1, today=TODAY)["社保"] == 4


@pytest.mark.parametrize(
    "q", ["通知 工作 dubo-vip.com", "www.example.cn", "http://a.b/c", "kefu@dubo.net", "12345", "888 888", "2024"]
)
def test_urls_domains_and_digits_are_never_listed(tmp_path, q):
    log = QueryLog(tmp_path)
    for n in range(HOT_MIN_CLIENTS + 2):
        log.record(q, found=5, today=TODAY, client=f"10.0.0.{n}")
        log.record("低保", found=5, today=TODAY, client=f"10.0.0.{n}")
    assert [item.q for item in log.hot(today=TODAY)] == ["低保"]


def test_no_address_nor_hash_is_written(tmp_path):
    log = QueryLog(tmp_path)
    for n in range(3):
        log.record("低保", found=1, today=TODAY, client=f"198.51.100.{n}")
    log.flush(today=TODAY)
    text = (tmp_path / "counts.json").read_text("utf-8")
    assert "198.51.100" not in text
    [day] = json.loads(text)["days"].values()
    assert set(day) == {"searched", "empty", "clients"}
    assert all(isinstance(n, int) for bucket in day.values() for n in bucket.values())


def test_each_day_keeps_at_most_the_most_searched_queries(tmp_path):
    log = QueryLog(tmp_path, max_queries=10)
    for n in range(50):
        for _ in range(1 + (n >= 40)):  # queries 40-49 searched twice: they are kept
            log.record(f"查询{n}", found=0, today=TODAY, client="10.0.0.1")
    log.flush(today=TODAY)
    [day] = json.loads((tmp_path / "counts.json").read_text("utf-8"))["days"].values()
    assert sorted(day["searched"]) == sorted(f"查询{n}" for n in range(40, 50))
    assert set(day["empty"]) <= set(day["searched"]) and set(day["clients"]) <= set(day["searched"])


def test_a_planted_log_is_cut_to_its_bound_and_read_once(tmp_path, monkeypatch):
    """Issue 18: 600,000 planted entries made every home page read them all (1.3 s)."""
    planted = {f"垃圾{n}": 1 for n in range(30_000)}  # the issue planted 600,000: the same mechanism
    day = {"searched": planted, "empty": {}, "clients": dict(planted)}
    (tmp_path / "counts.json").write_text(json.dumps({"days": {TODAY.isoformat(): day}}), "utf-8")
    parsed = []
    real_loads = querylog.json.loads
    monkeypatch.setattr(querylog.json, "loads", lambda text: parsed.append(1) or real_loads(text))
    log = QueryLog(tmp_path, max_queries=1000)
    for _ in range(20):
        assert log.hot(today=TODAY) == []
    assert len(parsed) == 1, "the unchanged log was parsed again for each hot list"
    log.record("低保", found=1, today=TODAY, client="10.0.0.1")
    log.flush(today=TODAY)
    monkeypatch.undo()
    [stored] = json.loads((tmp_path / "counts.json").read_text("utf-8"))["days"].values()
    assert len(stored["searched"]) == 1000


def test_one_client_reaching_every_worker_cannot_put_a_query_on_the_hot_list(tmp_path):
    """Each `portal serve` worker keeps its own day's client hashes (hunt10): one client whose connections reach two
    workers counts twice. The bar from the settings is PORTAL_HOT_MIN_CLIENTS times the workers, so the list still
    needs that many distinct clients."""
    from portal.settings import load_settings

    settings = load_settings({"PORTAL_QUERY_LOG": str(tmp_path), "PORTAL_WORKERS": "2", "PORTAL_HOT_MIN_CLIENTS": "2"})
    workers = [QueryLog.from_settings(settings, 2), QueryLog.from_settings(settings, 2)]  # as two server processes
    assert QueryLog.from_settings(settings, 1).min_clients == 2  # an app served in one process: the bar as set
    for log in workers:  # one client, its searches spread over both workers
        for _ in range(HOT_MIN_COUNT):
            log.record("低保", found=5, today=TODAY, client="203.0.113.9")
        log.flush(today=TODAY)
    assert QueryLog.from_settings(settings).totals("clients", 1, today=TODAY)["低保"] == 2
    assert QueryLog.from_settings(settings).hot(today=TODAY) == []
    workers[0].record("低保", found=5, today=TODAY, client="198.51.100.7")  # a second distinct client, each worker
    workers[1].record("低保", found=5, today=TODAY, client="198.51.100.8")
    for log in workers:
        log.flush(today=TODAY)
    assert [item.q for item in QueryLog.from_settings(settings).hot(today=TODAY)] == ["低保"]


def test_counts_a_failed_write_held_are_written_with_later_ones(tmp_path, caplog):
    """A write that fails keeps its counts for the next one (they were logged and lost): here counts.json is a
    folder, which no write can replace (a real failure, also for root, whom file modes do not stop)."""
    (tmp_path / "counts.json").mkdir()
    log = QueryLog(tmp_path)
    for n in range(2):
        log.record("低保", found=1, today=TODAY, client=f"10.0.0.{n}")
    log.record("养老保显", found=0, today=TODAY)
    log.flush(today=TODAY)
    assert "not written" in caplog.text
    assert sorted(path.name for path in tmp_path.iterdir()) == ["counts.json", "counts.lock"]  # no temporary left
    assert log.totals("searched", 1, today=TODAY) == {"低保": 2, "养老保显": 1}  # still counted before the write
    log.record("低保", found=1, today=TODAY, client="10.0.0.9")
    (tmp_path / "counts.json").rmdir()
    log.flush(today=TODAY)
    stored = json.loads((tmp_path / "counts.json").read_text("utf-8"))
    assert stored["days"][TODAY.isoformat()] == {
        "searched": {"低保": 3, "养老保显": 1},
        "empty": {"养老保显": 1},
        "clients": {"低保": 3, "养老保显": 1},
    }


def test_counts_held_for_a_log_that_is_never_written_stay_bounded(tmp_path, monkeypatch):
    """The folder is a file: no write can succeed. What is held is cut as the file would be (each day's
    max_queries most searched, days past retention dropped), and a full memory does not retry at each search."""
    folder = tmp_path / "log"
    folder.write_text("not a folder", "utf-8")
    log = QueryLog(folder, retention_days=2, max_queries=5)
    writes = []
    real_flush = log.flush
    monkeypatch.setattr(log, "flush", lambda today=None: writes.append(1) or real_flush(today))
    monkeypatch.setattr(querylog, "PENDING_QUERIES", 5)
    today = dt.date.today()  # the writes a search starts drop days past retention counted from today
    old = today - dt.timedelta(days=2)
    log.record("前天", found=1, today=old)
    for n in reversed(range(20)):
        for _ in range(1 + (n >= 15)):  # queries 15-19 searched twice (first): they are kept
            log.record(f"查询{n}", found=1, today=today)
    real_flush(today=today)
    assert log.totals("searched", 3, today=today) == {f"查询{n}": 2 for n in range(15, 20)}
    writes.clear()
    for n in range(100):
        log.record(f"再查{n}", found=1, today=today)
    assert writes == [], "a write that failed was tried again at each search"
    assert len(log.totals("searched", 1, today=today)) < 2 * 5, "what is held grew past its bound between writes"
    real_flush(today=today)
    assert len(log.totals("searched", 1, today=today)) == 5
