"""Query latency over a fixed mix: ``python -m bench.latency portal|textbook INDEX_DIR [--rounds N]`` prints JSON
(``cluster TOPOLOGY``: the cluster store at a ``PORTAL_MANTICORE`` value).

The mix is what a portal is asked (the performance issue's list): one word, several words, a quoted phrase,
a pasted title, a 文号 typed with [ ], a search narrowed by a filter (facet counts included), a search
sorted by date, the newest documents with no query, queries that find nothing, and issue 19's everyday queries
(corrected, relaxed, compounds, questions). Every search counts its
facets and takes its first page, as the result page does: the portal through ``Catalog.search``
(highlights included), the textbook through :meth:`bench.textbook.Textbook.search_with_facets`.

The first round after opening is reported apart (cold: arrays and posting lists read for the first time; its
first query also pays any one-time set-up left, so ``cold_cpu_after_first_ms`` sums the CPU time of the rest);
p50/p95/p99 are over the rounds after it. Each run is a fresh process: the store is opened and ``warm()``-ed as
``portal serve`` does before it takes requests, and the mix starts at once, as on a server taking traffic the moment
it starts (work ``warm()`` leaves to a background thread shares the interpreter with the first searches). The
operating system's page cache is as earlier runs left it: a disk's first reads after a reboot are not measured.
Each is wall time; ``cpu_*`` are the same of the process's CPU time per search, the figure that holds still on a
busy machine (where the wall time also counts waiting for a core).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# (kind, query, filters, sort)
MIX: list[tuple[str, str, dict[str, list[str]], str]] = [
    ("one word", "低保", {}, "relevance"),
    ("one word", "排污许可", {}, "relevance"),
    ("one word", "养老保险", {}, "relevance"),
    ("one word", "科学技术奖", {}, "relevance"),
    ("one word", "疫情防控", {}, "relevance"),
    ("several words", "中国 外交部", {}, "relevance"),
    ("several words", "义务教育 入学", {}, "relevance"),
    ("several words", "生态环境保护 督察", {}, "relevance"),
    ("several words", "高校毕业生 就业 创业", {}, "relevance"),
    ("phrase", '"政府信息公开"', {}, "relevance"),
    ("phrase", '"新闻发布会"', {}, "relevance"),
    ("phrase", '"最低生活保障"', {}, "relevance"),
    ("pasted title", "人力资源社会保障部关于做好2017年全国高校毕业生就业创业工作的通知", {}, "relevance"),
    ("pasted title", "国务院办公厅关于做好电力迎峰度夏工作的通知", {}, "relevance"),
    ("pasted title", "北京市中医管理局2020年度绩效管理工作自查情况", {}, "relevance"),
    ("pasted title", "河北省教育厅关于做好2024年普通高等学校专升本考试招生工作的通知", {}, "relevance"),
    ("文号", "冀人社发[2024]23号", {}, "relevance"),
    ("文号", "人社部发[2022]70号", {}, "relevance"),
    ("filter + facets", "养老", {"publisher": ["河北省人力资源和社会保障厅"]}, "relevance"),
    ("filter + facets", "通知", {"year": ["2019"]}, "relevance"),
    ("sort by date", "通知", {}, "newest"),
    ("sort by date", "", {}, "newest"),
    ("no hit", "量子引力波火星基地", {}, "relevance"),
    ("no hit", "独角兽飞船操作说明", {}, "relevance"),
    # issue 19: corrected, relaxed, compounds, questions (index/query/rescue.py)
    ("corrected", "地保", {}, "relevance"),
    ("corrected", "养老报险", {}, "relevance"),
    ("corrected", "工商认定", {}, "relevance"),
    ("relaxed", "驾照 扣分 火星", {}, "relevance"),
    ("relaxed", "低保 殡葬 养老保险 独角兽", {}, "relevance"),
    ("everyday", "低保户", {}, "relevance"),
    ("everyday", "考驾照", {}, "relevance"),
    ("everyday", "退休金怎么算", {}, "relevance"),
    ("everyday", "高温 补贴", {}, "relevance"),
]


def store_search(catalog):
    """``search(q, filters, sort) -> total`` over a store of the portal's read API (index/query/protocols.py)."""
    from index.query import SearchRequest

    catalog.warm()

    def search(q: str, filters: dict, sort: str) -> int:
        return catalog.search(SearchRequest(q=q, filters=filters, sort=sort)).total

    return search


def portal_search(index_dir: Path):
    from index.whoosh.catalog import Catalog

    return store_search(Catalog(index_dir))


def cluster_search(topology: str):
    """The cluster store at ``topology`` (a ``PORTAL_MANTICORE`` value), opened as the portal opens it."""
    from portal.settings import load_settings
    from portal.stores import catalog_for

    return store_search(catalog_for(load_settings({"PORTAL_STORE": "manticore", "PORTAL_MANTICORE": topology})))


def textbook_search(index_dir: Path):
    from bench.textbook import Textbook

    textbook = Textbook(index_dir)

    def search(q: str, filters: dict, sort: str) -> int:
        return len(textbook.search_with_facets(q, filters, newest=sort == "newest"))

    return search


def measure(system: str, index_dir, rounds: int) -> dict[str, object]:
    started = time.perf_counter()
    openers: dict[str, Callable[[Any], Callable[[str, dict, str], int]]] = {
        "portal": portal_search,
        "textbook": textbook_search,
        "cluster": cluster_search,
    }
    search = openers[system](index_dir)
    opened_ms = (time.perf_counter() - started) * 1000
    cold: list[float] = []
    cold_cpu: list[float] = []
    cold_by_kind: dict[str, list[float]] = {}
    warm: dict[str, list[float]] = {}
    warm_cpu: list[float] = []
    for round_number in range(rounds + 1):
        for kind, q, filters, sort in MIX:
            started, started_cpu = time.perf_counter(), time.process_time()
            search(q, filters, sort)
            elapsed = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - started_cpu) * 1000
            if round_number == 0:
                cold.append(elapsed)
                cold_cpu.append(cpu)
                cold_by_kind.setdefault(kind, []).append(elapsed)
            else:
                warm.setdefault(kind, []).append(elapsed)
                warm_cpu.append(cpu)
    every = sorted(t for times in warm.values() for t in times)

    def at(share: float, times: list[float] | None = None) -> float:
        times = every if times is None else sorted(times)
        return times[min(len(times) - 1, int(len(times) * share))]

    return {
        "system": system,
        "open_ms": opened_ms,
        "cold_p95_ms": sorted(cold)[min(len(cold) - 1, int(len(cold) * 0.95))],
        "cold_max_ms": max(cold),
        "p50_ms": statistics.median(every),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": every[-1],
        "cpu_p50_ms": at(0.5, warm_cpu),
        "cpu_p95_ms": at(0.95, warm_cpu),
        "cold_cpu_p95_ms": at(0.95, cold_cpu),
        # the first query also pays the one-time set-up (the lexicon's tables): the posting lists read for the first
        # time are the rest of the first round
        "cold_first_ms": cold[0],
        "cold_cpu_after_first_ms": sum(cold_cpu[1:]),
        "cold_by_kind_median_ms": {kind: statistics.median(times) for kind, times in cold_by_kind.items()},
        "by_kind_median_ms": {kind: statistics.median(times) for kind, times in warm.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.latency", description=__doc__.splitlines()[0])
    parser.add_argument("system", choices=("portal", "textbook", "cluster"))
    parser.add_argument("index", help="the index folder; for cluster, the PORTAL_MANTICORE topology")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    index = args.index if args.system == "cluster" else Path(args.index)
    print(json.dumps(measure(args.system, index, args.rounds), ensure_ascii=False))


if __name__ == "__main__":
    main()
