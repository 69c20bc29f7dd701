"""Reading large pages: ``python -m bench.largepages [--sizes 1 2 4 8] [--recipes …] [--code DIR …] [--rounds N]``.

A real disclosure page of about 8 MB (long tables, many sibling text nodes, big inline scripts) took about 14 s
to read. This builds pages of 1, 2, 4 and 8 MB by repeating real structures of the fidelity collection's
pages (the real-input folder's ``pages/``, :func:`bench.fidelity.real_inputs`; tune split only, see
:func:`bench.fidelity.split_of`), each recipe one kind:

* ``table``    a data table's row (丽水's 退役士兵 table) repeated: many rows of cells;
* ``text``     a run of the body's paragraphs (广州 gz-gfxwj-13, from ``附件2，计算公式为`` to the line's end, as
  tests/test_fuzz_readers.py repeats it): thousands of sibling ``<p>`` and text nodes in one container;
* ``scripts``  the page's largest inline ``<script>`` and ``<style>`` repeated (广州 gz-gfxwj-18);
* ``mixed``    all three, a third of the growth each.

Each page is read the way ``portal ingest`` reads a file (:func:`index.readers.read_file`, then
:func:`index.ingest.read_document`), in a process of its own for each code checkout: this one and each
``--code DIR`` (another checkout, e.g. ``git archive main | tar -x -C DIR``, run with this venv's python from that
folder). A small page is read first, so imports and first-use set-up are not counted. The figure is the best of
``--rounds`` reads, in seconds per MB of page; a reading cost linear in the page's size keeps it flat from 1 to
8 MB. The one-minute load average is printed beside each code's figures: on a shared machine a wall-clock figure
is only as good as it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.fidelity import COLLECTION, load_manifest, missing_inputs, split_of

ROOT = Path(__file__).resolve().parent.parent
MB = 1_000_000


def source_page(name: str) -> str:
    """A tune-split HTML page of the collection, decoded. Raises ValueError for a held-out one."""
    entry = next(e for e in load_manifest()["pages"] if e["file"] == f"pages/{name}.html.gz")
    if split_of(entry["site"]) != "tune":
        raise ValueError(f"{name} is a held-out page: never read it while tuning")
    return gzip.decompress((COLLECTION / entry["file"]).read_bytes()).decode("utf-8")


def _repeated(text: str, piece: str, at: int, grow_bytes: int) -> str:
    times = max(1, grow_bytes // len(piece.encode("utf-8")))
    return text[:at] + piece * times + text[at:]


def _table_row(text: str) -> re.Match[str]:
    return list(re.finditer(r"<tr[\s>].*?</tr>", text, re.DOTALL))[12]


def _text_run(text: str) -> tuple[int, int]:
    start = text.index("附件2，计算公式为")
    return start, text.index("\n", start)


def _largest(text: str, tag: str) -> re.Match[str]:
    return max(re.finditer(rf"<{tag}[^>]*>.*?</{tag}>", text, re.DOTALL), key=lambda m: m.end() - m.start())


def table(size: int) -> str:
    text = source_page("lishui-hanweb-1")
    row = _table_row(text)
    return _repeated(text, row.group(0), row.end(), size - len(text.encode("utf-8")))


def prose(size: int) -> str:
    text = source_page("gz-gfxwj-13")
    start, end = _text_run(text)
    return _repeated(text, text[start:end], start, size - len(text.encode("utf-8")))


def scripts(size: int) -> str:
    text = source_page("gz-gfxwj-18")
    script, style = _largest(text, "script"), _largest(text, "style")
    grow = size - len(text.encode("utf-8"))
    code = script.group(0) * max(1, grow // 2 // len(script.group(0).encode("utf-8")))
    styles = style.group(0) * max(1, grow // 2 // len(style.group(0).encode("utf-8")))
    first, second = sorted([(script.end(), code), (style.end(), styles)])
    return text[: first[0]] + first[1] + text[first[0] : second[0]] + second[1] + text[second[0] :]


def mixed(size: int) -> str:
    """The 广州 page (gz-gfxwj-18) grown by a third of each: its scripts, the 丽水 table's rows in its body, and
    the gz-gfxwj-13 paragraphs."""
    base = scripts(len(source_page("gz-gfxwj-18").encode("utf-8")) + (size // 3))
    lishui = source_page("lishui-hanweb-1")
    row = _table_row(lishui).group(0)
    gz13 = source_page("gz-gfxwj-13")
    start, end = _text_run(gz13)
    rows = "<table><tbody>" + row * max(1, size // 3 // len(row.encode("utf-8"))) + "</tbody></table>"
    paragraphs = gz13[start:end]
    paragraphs = "<p>" + paragraphs * max(1, size // 3 // len(paragraphs.encode("utf-8"))) + "</p>"
    at = base.index("</body>")
    return base[:at] + rows + paragraphs + base[at:]


RECIPES: dict[str, Callable[[int], str]] = {"table": table, "text": prose, "scripts": scripts, "mixed": mixed}

# Run in the code checkout's folder (so its ``index`` package is the one imported): reads each page and prints
# {path: [best wall seconds, best CPU seconds of the process]}.
_READER = """
import json, sys, time
from pathlib import Path
from index import limits
from index.ingest import IngestReport, read_document
from index.readers import read_file
from index.record import ReadError

bounds = limits.current()

def read(path):
    documents = 0
    for item in read_file(Path(path), bounds):
        if isinstance(item, ReadError):
            raise SystemExit(f"{path}: {item}")
        documents += read_document(item, bounds, IngestReport()) is not None
    if documents != 1:
        raise SystemExit(f"{path}: {documents} documents")

warm, rounds, *paths = sys.argv[1:]
read(warm)
best = {}
for path in paths:
    walls, cpus = [], []
    for _ in range(int(rounds)):
        started, cpu = time.perf_counter(), time.process_time()
        read(path)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    best[path] = [min(walls), min(cpus)]
print(json.dumps(best))
"""


def timed(code: Path, warm: Path, pages: list[Path], rounds: int) -> dict[str, list[float]]:
    """Best wall and CPU seconds per page, read by the ``index`` package of checkout ``code`` in a process of its
    own."""
    command = [sys.executable, "-c", _READER, str(warm), str(rounds), *map(str, pages)]
    env = {**os.environ, "PYTHONPATH": str(code)}
    done = subprocess.run(command, cwd=code, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"reading with {code} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict[str, dict[str, dict[str, list[float]]]]:
    parser = argparse.ArgumentParser(prog="python -m bench.largepages", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 4, 8], help="page sizes in MB")
    parser.add_argument("--recipes", nargs="+", choices=sorted(RECIPES), default=list(RECIPES))
    parser.add_argument("--code", type=Path, action="append", default=[], help="also read with this checkout")
    parser.add_argument("--rounds", type=int, default=1, help="reads of each page; the best counts")
    args = parser.parse_args(argv)
    if why := missing_inputs():
        raise SystemExit(f"python -m bench.largepages {why}")
    codes = [("this", ROOT)] + [(str(code), code.resolve()) for code in args.code]
    results: dict[str, dict[str, dict[str, list[float]]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-largepages-") as scratch:
        warm = Path(scratch) / "warm.html"
        warm.write_text(source_page("govcn-zhengce-1"), encoding="utf-8")
        pages: dict[tuple[str, float], Path] = {}
        for recipe in args.recipes:
            for size in args.sizes:
                path = Path(scratch) / f"{recipe}-{size:g}MB.html"
                path.write_text(RECIPES[recipe](int(size * MB)), encoding="utf-8")
                pages[recipe, size] = path
        for name, code in codes:
            load_before = os.getloadavg()[0]
            best = timed(code, warm, list(pages.values()), args.rounds)
            load_after = os.getloadavg()[0]
            results[name] = {
                recipe: {
                    f"{size:g}": [s / (pages[recipe, size].stat().st_size / MB) for s in best[str(pages[recipe, size])]]
                    for size in args.sizes
                }
                for recipe in args.recipes
            }
            results[name]["load"] = {"before": [load_before], "after": [load_after]}
            print(json.dumps({"code": name, "s_per_mb_wall_cpu": results[name]}), flush=True)
    sizes = " | ".join(f"{size:g} MB" for size in args.sizes)
    print(f"\nseconds per MB of page, wall (CPU), best of {args.rounds} read(s)\n")
    print(f"| code | recipe | {sizes} | load |")
    print("|---|---|" + "---|" * len(args.sizes) + "---|")
    for name, per_recipe in results.items():
        load = per_recipe["load"]
        for recipe in args.recipes:
            row = " | ".join("{:.2f} ({:.2f})".format(*per_recipe[recipe][f"{size:g}"]) for size in args.sizes)
            print(f"| {name} | {recipe} | {row} | {load['before'][0]:.1f} → {load['after'][0]:.1f} |")
    return results


if __name__ == "__main__":
    main()
