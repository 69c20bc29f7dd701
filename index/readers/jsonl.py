"""JSON Lines documents (one object a line), plain or gzip-compressed (.jsonl.gz)."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path

from index import limits
from index.readers import ReadError, contained
from index.readers._common import GZIP_MAGIC, head_text, record_from_mapping, text_encoding
from index.record import RawRecord

NAME = "jsonl"


def sniff(path: Path, head: bytes) -> bool:
    suffixes = [s.lower() for s in path.suffixes]
    if ".jsonl" in suffixes or ".ndjson" in suffixes:
        return True
    lines = [line.strip() for line in head_text(path, head).splitlines() if line.strip()]
    return len(lines) >= 2 and lines[0].startswith("{") and lines[0].endswith("}") and lines[1].startswith("{")


def _lines(path: Path, limit: int) -> Iterator[str | None]:
    """The file's lines (streamed, through gzip if compressed); None for a line over ``limit`` characters."""
    with path.open("rb") as raw:
        compressed = raw.read(2) == GZIP_MAGIC
        raw.seek(0)
        binary = gzip.GzipFile(fileobj=raw) if compressed else raw
        encoding = text_encoding(binary.read(4096))
        binary.seek(0)
        handle = io.TextIOWrapper(binary, encoding=encoding, errors="replace")
        while line := handle.readline(limit + 1):
            if line.endswith("\n") or len(line) <= limit:
                yield line
                continue
            while line and not line.endswith("\n"):  # skip the rest of the long line, a piece at a time
                line = handle.readline(limit)
            yield None


@contained
def read(path: Path) -> Iterator[RawRecord | ReadError]:
    bounds = limits.current()
    for number, line in enumerate(_lines(path, bounds.max_parse_bytes), start=1):
        locator = f"line {number}"
        if line is None:
            too_long = f"longer than PORTAL_MAX_PARSE_MB={bounds.max_parse_bytes // (1024 * 1024)} MB; not read"
            yield ReadError(path, too_long, locator)
            continue
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            yield ReadError(path, f"not valid JSON: {exc}", locator)
            continue
        except RecursionError:
            yield ReadError(path, "nested too deep to parse (thousands of levels)", locator)
            continue
        if not isinstance(item, dict):
            yield ReadError(path, f"expected an object, found {type(item).__name__}", locator)
            continue
        yield record_from_mapping(item, str(path), locator)
