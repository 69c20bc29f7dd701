"""The ingest progress bar: records read of the records to read, with an ETA, then one summary line that stays.

The total is counted before the ingest starts (:func:`estimated_records`: the lines of a JSON Lines file, the
items of a JSON array, the rows of a CSV file, one record for any other file), so one export of 10,000
records moves the bar record by record instead of sitting at 0 of 1 file. The ingest calls back once per
record with where it was read (``path locator``); files that have not changed are skipped without a call, and
their records are counted as passed when the bar moves on to a later file.
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
import time
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from index.decoding import file_name

_LINES = (".jsonl", ".ndjson", ".jsonlines")
_ROWS = (".csv", ".tsv")


def estimated_records(path: Path) -> int:
    """How many records ``path`` holds, by its form (at least 1; a file that cannot be read counts 1)."""
    name = path.name.lower()
    opener = gzip.open if name.endswith(".gz") else open
    name = name.removesuffix(".gz")
    try:
        if name.endswith(_LINES):
            with opener(path, "rt", encoding="utf-8", errors="replace") as lines:
                return max(1, sum(1 for line in lines if line.strip()))
        if name.endswith(_ROWS):
            with opener(path, "rt", encoding="utf-8", errors="replace") as lines:
                return max(1, sum(1 for line in lines if line.strip()) - 1)
        if name.endswith(".json"):
            with opener(path, "rt", encoding="utf-8", errors="replace") as text:
                data = json.load(text)
            return max(1, len(data)) if isinstance(data, list) else 1
    except (OSError, ValueError, EOFError):
        return 1
    return 1


class IngestProgress:
    """A tqdm bar over the records of ``files``; call it with each record's ``where``; ``close()`` prints the
    summary line."""

    def __init__(self, files: list[Path], stream: TextIO | None = None) -> None:
        self.files = [file_name(path) for path in files]  # as records name them (RawRecord)
        self.sizes = [estimated_records(path) for path in files]
        self.stream = stream or sys.stderr
        self.position = 0  # files begun so far
        self.passed = 0  # records of the files before the current one
        self.in_file = 0  # records read of the current file
        self.records = 0
        self.started = time.monotonic()
        self.bar = tqdm(
            total=sum(self.sizes),
            unit="条记录",
            desc="收录",
            file=self.stream,
            leave=False,
            # a terminal that reports no width (some pseudo-terminals) would get an empty bar from tqdm
            ncols=shutil.get_terminal_size().columns,
            bar_format="{desc} {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} 条记录 [{elapsed}<{remaining}]{postfix}",
        )

    def __call__(self, where: str) -> None:
        self.records += 1
        found = next((i for i in range(self.position, len(self.files)) if where.startswith(self.files[i])), None)
        if found is not None and found + 1 > self.position:
            # a later file: the records of the files in between (unchanged, skipped) count as passed
            done = self.position and max(self.sizes[self.position - 1], self.in_file)
            self.passed += done + sum(self.sizes[self.position : found])
            self.position, self.in_file = found + 1, 0
        self.in_file += 1
        shown = self.passed + self.in_file
        if shown > (self.bar.total or 0):  # more records than counted: the count grows, the bar never overflows
            self.bar.total = shown
        self.bar.update(shown - self.bar.n)
        self.bar.set_postfix_str(f"第 {self.position}/{len(self.files)} 个文件", refresh=False)

    def close(self) -> None:
        """Finish the bar (skipped files at the end count as read) and leave one line on screen."""
        self.bar.update(max(0, (self.bar.total or 0) - self.bar.n))
        self.bar.close()
        seconds = time.monotonic() - self.started
        print(
            f"收录：检查了 {len(self.files)} 个文件，读取 {self.records} 份文档，用时 {seconds:.1f} 秒",
            file=self.stream,
        )
