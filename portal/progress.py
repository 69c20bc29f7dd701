"""The ingest progress bar: files read of the files to read, with an ETA, then one summary line that stays.

The ingest calls back once per record with where it was read (``path locator``); the files come in the
order :func:`index.ingest.iter_files` lists them, and files that have not changed are skipped without a
call, so the bar moves to the file a record names, however many it passes over.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from index.decoding import file_name


class IngestProgress:
    """A tqdm bar over ``files``; call it with each record's ``where``; ``close()`` prints the summary line."""

    def __init__(self, files: list[Path], stream: TextIO | None = None) -> None:
        self.files = [file_name(path) for path in files]  # as records name them (RawRecord)
        self.stream = stream or sys.stderr
        self.position = 0  # files begun so far
        self.records = 0
        self.started = time.monotonic()
        self.bar = tqdm(
            total=len(self.files),
            unit="个文件",
            desc="收录",
            file=self.stream,
            leave=False,
            # a terminal that reports no width (some pseudo-terminals) would get an empty bar from tqdm
            ncols=shutil.get_terminal_size().columns,
            bar_format="{desc} {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} 个文件 [{elapsed}<{remaining}]{postfix}",
        )

    def __call__(self, where: str) -> None:
        self.records += 1
        found = next(
            (i for i in range(self.position, len(self.files)) if where.startswith(self.files[i])),
            None,
        )
        if found is not None and found + 1 > self.position:
            self.bar.update(found + 1 - self.position)
            self.position = found + 1
        self.bar.set_postfix_str(f"{self.records} 份文档", refresh=False)

    def close(self) -> None:
        """Finish the bar (skipped files at the end count as read) and leave one line on screen."""
        self.bar.update(len(self.files) - self.position)
        self.bar.close()
        seconds = time.monotonic() - self.started
        print(
            f"收录：检查了 {len(self.files)} 个文件，读取 {self.records} 份文档，用时 {seconds:.1f} 秒",
            file=self.stream,
        )
