"""Helpers the file readers share: decoding bytes and turning a mapping into a RawRecord."""

from __future__ import annotations

import codecs
import gzip
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from index.labels import map_fields
from index.readers import ReadError
from index.record import RawRecord

GZIP_MAGIC = b"\x1f\x8b"


_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def utf16_encoding(head: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when the bytes are UTF-16 (by BOM, or by the zero bytes of its ASCII), else None.

    Without a BOM: disclosure text always has ASCII (digits, punctuation, line breaks), whose UTF-16
    form has a zero byte on one side of the pair; text in an 8-bit encoding has almost none.
    """
    if head.startswith(_UTF16_BOMS):
        return "utf-16"  # the codec reads the BOM, takes the byte order from it and drops it
    sample = head[:4096]
    pairs = len(sample) // 2
    if pairs < 8:
        return None
    zeros_even = sample[0 : pairs * 2 : 2].count(0)
    zeros_odd = sample[1 : pairs * 2 : 2].count(0)
    # A CJK character whose low byte is 0 (U+4E00 一) puts a zero on the other side now and then.
    if zeros_odd >= pairs * 0.1 and zeros_even <= zeros_odd / 8:
        codec = "utf-16-le"
    elif zeros_even >= pairs * 0.1 and zeros_odd <= zeros_even / 8:
        codec = "utf-16-be"
    else:
        return None
    try:
        sample[: pairs * 2 - 2].decode(codec)  # the last pair may be half a surrogate pair
    except UnicodeDecodeError:
        return None
    return codec


def text_encoding(head: bytes) -> str:
    """The codec to read a file starting with ``head``: UTF-16 when it is, UTF-8 when it decodes, else GB18030."""
    utf16 = utf16_encoding(head)
    if utf16:
        return utf16
    try:
        head.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the end of the head
            return "gb18030"
    return "utf-8-sig"


def decode(data: bytes) -> str:
    """Text from bytes: UTF-16 (by BOM or zero bytes), UTF-8 (with or without BOM), else GB18030."""
    utf16 = utf16_encoding(data[:4096])
    if utf16:
        return _without_bom(data.decode(utf16, errors="replace"))
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _without_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def read_whole(path: Path, limit: int, setting: str = "PORTAL_MAX_PARSE_MB") -> bytes:
    """The bytes of a file that must be parsed whole, decompressed if it is gzip, at most ``limit`` of them.

    Raises ReadError naming ``setting`` past the limit (counted after decompression, so a gzip bomb
    stops there too).
    """
    with path.open("rb") as raw:
        compressed = raw.read(2) == GZIP_MAGIC
        raw.seek(0)
        handle = gzip.GzipFile(fileobj=raw) if compressed else raw
        try:
            data = handle.read(limit + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise ReadError(path, f"damaged gzip file: {exc}") from exc
    if len(data) > limit:
        what = "uncompressed, it is" if compressed else "it is"
        raise ReadError(path, f"{what} over {setting}={limit // (1024 * 1024)} MB, too large to parse whole")
    return data


def decode_head(head: bytes) -> str:
    """Like :func:`decode` for the first bytes of a file, which may end inside a UTF-8 character."""
    utf16 = utf16_encoding(head)
    if utf16:
        return _without_bom(head[: len(head) // 2 * 2].decode(utf16, errors="replace"))
    try:
        return head.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:
            return head[: exc.start].decode("utf-8", errors="replace")
        return decode(head)


def head_text(path: Path, head: bytes) -> str:
    """The start of a file as text, looking inside gzip."""
    if head.startswith(GZIP_MAGIC):
        try:
            with gzip.open(path, "rb") as handle:
                head = handle.read(65536)
        except (OSError, EOFError, zlib.error):
            return ""  # not gzip after all, or a damaged one: no text to look at
    return decode_head(head)


def record_from_mapping(item: Mapping[str, Any], source: str, locator: str) -> RawRecord:
    fields, _unknown = map_fields((str(key), value) for key, value in item.items())
    return RawRecord(source=source, locator=locator, fields=fields)
