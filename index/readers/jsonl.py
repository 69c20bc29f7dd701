"""JSON Lines documents (one object a line), plain or gzip-compressed (.jsonl.gz)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

from index.decoding import decode_text
from index.readers import ReadError
from index.readers._common import GZIP_MAGIC, head_text, record_from_mapping
from index.record import RawRecord

NAME = "jsonl"


def sniff(path: Path, head: bytes) -> bool:
    suffixes = [s.lower() for s in path.suffixes]
    if ".jsonl" in suffixes or ".ndjson" in suffixes:
        return True
    lines = [line.strip() for line in head_text(path, head).splitlines() if line.strip()]
    return len(lines) >= 2 and lines[0].startswith("{") and lines[0].endswith("}") and lines[1].startswith("{")


def _lines(path: Path) -> Iterator[str]:
    """The file's lines as text, read as a stream (exports run to gigabytes), each decoded like every source."""
    with path.open("rb") as probe:
        compressed = probe.read(2) == GZIP_MAGIC
    opener = gzip.open if compressed else open
    with opener(path, "rb") as handle:
        for line in handle:
            yield decode_text(line)


def read(path: Path) -> Iterator[RawRecord | ReadError]:
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        locator = f"line {number}"
        try:
            item = json.loads(line)
        except ValueError as exc:
            yield ReadError(path, f"not valid JSON: {exc}", locator)
            continue
        if not isinstance(item, dict):
            yield ReadError(path, f"expected an object, found {type(item).__name__}", locator)
            continue
        yield record_from_mapping(item, str(path), locator)
