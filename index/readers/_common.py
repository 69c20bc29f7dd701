"""Helpers the file readers share: reading and decoding bytes, and turning a mapping into a RawRecord."""

from __future__ import annotations

import gzip
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from index.decoding import decode_text
from index.labels import map_fields
from index.record import RawRecord

GZIP_MAGIC = b"\x1f\x8b"


def decode(data: bytes) -> str:
    """Text from a document file's bytes (UTF-8 with or without BOM, UTF-16 by BOM, GB18030, …).

    One decoder for every source: :func:`index.decoding.decode_text`.
    """
    return decode_text(data)


def read_bytes(path: Path) -> bytes:
    """The file's bytes, decompressed if it is gzip."""
    data = path.read_bytes()
    return gzip.decompress(data) if data.startswith(GZIP_MAGIC) else data


def decode_head(head: bytes) -> str:
    """Like :func:`decode` for the first bytes of a file, which may end inside a UTF-8 character."""
    try:
        return head.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:
            return head[: exc.start].decode("utf-8", errors="replace")
        return decode(head)


def head_text(path: Path, head: bytes) -> str:
    """The start of a file as text, looking inside gzip."""
    if head.startswith(GZIP_MAGIC):
        with gzip.open(path, "rb") as handle:
            head = handle.read(65536)
    return decode_head(head)


def record_from_mapping(item: Mapping[str, Any], source: str, locator: str) -> RawRecord:
    fields, _unknown = map_fields((str(key), value) for key, value in item.items())
    return RawRecord(source=source, locator=locator, fields=fields, attachment_root=Path(source).parent)
