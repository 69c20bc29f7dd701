"""Autocomplete and did-you-mean latency: ``python -m bench.suggest --index DIR [--queries N]``.

Serves the index in-process (Starlette's TestClient, the portal's own app) and times

* ``/suggest.json?q=`` for prefixes people type: the first 1–4 characters of a word of a random title, and the
  first 2–6 characters of a title (the issue's target: under 20 ms at p95 on the whole corpus);
* ``/search.json?q=`` for misspelt words: one of the 500 most frequent words of the index with one character
  swapped for another read the same (the homophone slips did-you-mean is for), suggestions included (issue 8's
  target: 300 ms at p95, 1 s at worst);

and the time the vocabulary takes to prepare at start (``Catalog.warm``). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode


def percentiles(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    return {"p50": statistics.median(values), "p95": values[int(len(values) * 0.95)], "max": values[-1]}


def main() -> None:
    from pypinyin import Style, pinyin
    from starlette.testclient import TestClient

    from index.whoosh.catalog import Catalog
    from portal.app import create_app
    from portal.settings import load_settings

    parser = argparse.ArgumentParser(prog="python -m bench.suggest", description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(11)

    started = time.perf_counter()
    catalog = Catalog(args.index)
    catalog.warm()
    warm_s = time.perf_counter() - started
    with catalog.searcher() as searcher:
        vocabulary, _ = catalog._vocabulary(searcher)
    titles = [title for title in vocabulary.titles if len(title) >= 6]
    words = [word for word in vocabulary.words if len(word) >= 2 and "\u4e00" <= word[0] <= "\u9fff"]
    prefixes = []
    for _ in range(args.queries):
        title = rng.choice(titles)
        if rng.random() < 0.5:
            prefixes.append(title[: rng.randint(2, 6)])
        else:
            word = rng.choice(words)
            prefixes.append(word[: rng.randint(1, min(4, len(word)))])

    # Homophone slips of frequent words: one character replaced by another of the same reading.
    by_sound: dict[str, list[str]] = {}
    for word in words:
        if len(word) == 1:
            continue
        for ch in word:
            reading = pinyin(ch, style=Style.NORMAL)[0][0]
            by_sound.setdefault(reading, []).append(ch)
    frequent = sorted(
        (w for w in words if 2 <= len(w) <= 4), key=lambda word: vocabulary.frequency.get(word, 0), reverse=True
    )[:500]
    slips: list[str] = []
    while len(slips) < args.queries // 3 and frequent:
        word = rng.choice(frequent)
        i = rng.randrange(len(word))
        others = [ch for ch in set(by_sound.get(pinyin(word[i], style=Style.NORMAL)[0][0], [])) if ch != word[i]]
        if others:
            slips.append(word[:i] + rng.choice(sorted(others)) + word[i + 1 :])

    app = create_app(replace(load_settings({}), index_dir=args.index, query_log=args.index.parent / "querylog"))
    with TestClient(app) as client:
        suggest_ms, search_ms, offered = [], [], 0
        for q in prefixes:
            t = time.perf_counter()
            client.get(f"/suggest.json?{urlencode({'q': q})}").raise_for_status()
            suggest_ms.append((time.perf_counter() - t) * 1000)
        for q in slips:
            t = time.perf_counter()
            data = client.get(f"/search.json?{urlencode({'q': q})}").json()
            search_ms.append((time.perf_counter() - t) * 1000)
            offered += bool(data["did_you_mean"])
    suggest, search = percentiles(suggest_ms), percentiles(search_ms)
    print(f"\n{len(vocabulary.titles)} titles, {len(vocabulary.words)} words; vocabulary prepared in {warm_s:.1f} s\n")
    print("| request | n | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|")
    cells = " | ".join(f"{suggest[k]:.1f}" for k in suggest)
    print(f"| /suggest.json (prefixes) | {len(suggest_ms)} | {cells} |")
    print(
        f"| /search.json (homophone slips; did-you-mean offered for {offered}) | {len(search_ms)} | "
        + " | ".join(f"{search[k]:.0f}" for k in search)
        + " |"
    )


if __name__ == "__main__":
    main()
