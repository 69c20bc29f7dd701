"""Traditional → simplified Chinese (OpenCC ``t2s``), one character for one, so offsets carry over.

Queries are converted before analysis and documents are indexed converted (their original text is what is
stored and shown), so 養老保險 finds 养老保险 and a traditional document is found by a simplified query.
Conversion is by OpenCC's phrase and character tables (``TSPhrases``, ``TSCharacters``; the Taiwan form
汙 of 污 included), which map 乾隆 to 乾隆 and 乾燥 to 干燥 where a character table alone could not.

Highlighting finds matches in the converted text and marks the same offsets in the original, which needs the
conversion to keep every character where it was. OpenCC's t2s phrases do (checked on the whole shared corpus:
21,664 titles and bodies, none changed length), but nothing in OpenCC promises it; where a phrase conversion
would change a text's length, that text is converted character by character instead (the character table maps
one to one), so :func:`to_simplified` always returns a string of the same length.
"""

from __future__ import annotations

import functools
import threading

import opencc

_lock = threading.Lock()


@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _convert(text: str) -> str:
    with _lock:  # one converter shared by the server's threads; the C library's object is not documented as safe
        return _converter().convert(text)


def to_simplified(text: str) -> str:
    """``text`` in simplified characters, ``len(result) == len(text)`` and each character where it was.

    Text that is already simplified (or not Chinese at all) comes back unchanged.
    """
    if not text or text.isascii():
        return text
    converted = _convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(_one(ch) for ch in text)


@functools.lru_cache(maxsize=65536)
def _one(ch: str) -> str:
    """One character converted alone; itself where the table gives more or less than one character."""
    converted = _convert(ch)
    return converted if len(converted) == 1 else ch
