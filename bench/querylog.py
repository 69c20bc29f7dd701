"""What 热搜词 cost with a planted query log: ``python -m bench.querylog [--entries N]``.

Issue 18: 600,000 planted entries made every home page take 1.3 s, as the hot list read the whole log each time.
This plants N distinct queries for today in a fresh log and times :meth:`QueryLog.hot` three times (the file is
parsed once, then kept), one write (which cuts the day to PORTAL_QUERY_LOG_MAX_QUERIES), and the first hot list
of a new process after it. Beside them, the baseline: parsing the planted file once, what every hot list cost
before.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
import time
from pathlib import Path

from portal.querylog import QueryLog


def _ms(started: float) -> str:
    return f"{(time.perf_counter() - started) * 1000:,.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.querylog", description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=600_000)
    args = parser.parse_args()
    today = dt.date.today().isoformat()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        planted = {f"垃圾查询{n}": 1 for n in range(args.entries)}
        day = {"searched": planted, "empty": {}, "clients": planted}
        (folder / "counts.json").write_text(json.dumps({"days": {today: day}}, ensure_ascii=False), "utf-8")
        started = time.perf_counter()
        json.loads((folder / "counts.json").read_text("utf-8"))
        print(f"{args.entries:,} planted queries; before, every hot list parsed them: {_ms(started)}")
        log = QueryLog(folder)
        for label in ("first", "second", "third"):
            started = time.perf_counter()
            log.hot()
            print(f"  hot list, {label}: {_ms(started)}")
        log.record("低保", 1, client="203.0.113.1")
        started = time.perf_counter()
        log.flush()
        print(f"  one write, the day cut to {log.max_queries:,} queries: {_ms(started)}")
        fresh = QueryLog(folder)
        started = time.perf_counter()
        fresh.hot()
        print(f"  hot list of a new process after it: {_ms(started)}")


if __name__ == "__main__":
    main()
