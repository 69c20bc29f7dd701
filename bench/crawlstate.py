"""What saving a crawl's state costs per page: ``python -m bench.crawlstate [--links N] [--pages M]``.

A list page of N links puts N URLs in the frontier; then each of M pages is completed and the state saved, as
the crawler does after every page. Beside it, the baseline: the JSON state file the crawler kept before issue 18,
rewritten whole (``json.dumps`` of the frontier and done set, written to a temporary file and renamed) after
every page. Prints milliseconds per page for each and their ratio.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from index.crawl.folder import write_json
from index.crawl.state import CrawlState


def sqlite_state(folder: Path, links: list[str], pages: int) -> float:
    state = CrawlState(folder / "state.sqlite", "http://example.gov.cn/list.html")
    for url in links:
        state.add(url, "detail")
    state.save()
    started = time.perf_counter()
    for url in links[:pages]:
        state.complete(url)
        state.save()
    seconds = time.perf_counter() - started
    state.close()
    return seconds


def json_state(folder: Path, links: list[str], pages: int) -> float:
    frontier = dict.fromkeys(links, "detail")
    done: dict[str, str] = {}
    started = time.perf_counter()
    for url in links[:pages]:
        done[url] = frontier.pop(url)
        write_json(folder / "state.json", {"kind": "crawl-state", "frontier": frontier, "done": done})
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.crawlstate", description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=100_000, help="links on the list page (default 100,000)")
    parser.add_argument("--pages", type=int, default=200, help="pages completed (default 200)")
    args = parser.parse_args()
    links = [f"http://example.gov.cn/xxgk/2024/t{n:08d}.html" for n in range(args.links)]
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        kept = sqlite_state(folder, links, args.pages) / args.pages * 1000
        rewritten = json_state(folder, links, args.pages) / args.pages * 1000
    print(f"state saved after each of {args.pages} pages, {args.links:,} links queued:")
    print(f"  SQLite rows (now):           {kept:8.2f} ms a page")
    print(f"  JSON rewritten whole (before): {rewritten:8.2f} ms a page ({rewritten / kept:,.0f}×)")


if __name__ == "__main__":
    main()
