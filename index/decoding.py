"""Bytes → text for every source: pages, exports, text files and attachments, with one set of rules.

A byte-order mark wins; then a declared encoding (an HTTP header, a ``<meta>`` tag), read as the
superset browsers use (GBK → GB18030) and abandoned when it plainly does not fit; else UTF-8 if the
bytes are valid UTF-8, GB18030 if they (nearly) are, and charset_normalizer's guess last.
"""

from __future__ import annotations

import codecs
import os

BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_ALIASES = {"x-gbk": "gbk", "gb_2312-80": "gb2312", "x-euc-cn": "gb2312", "csgb2312": "gb2312"}
# GB2312/GBK pages routinely use characters only GB18030 encodes (rare names of people and places),
# and GB18030 reads every GBK sequence the same way. A page that can declare UTF-16 in ASCII
# bytes is not UTF-16, and browsers read Latin-1 as windows-1252: both follow the WHATWG rules.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
    "iso8859-1": "cp1252",
}
# The encodings a Chinese site's mislabelled page is really in, tried when its declaration fails.
_USUAL_ENCODINGS = ("utf-8", "gb18030")


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


def stream_encoding(head: bytes) -> str:
    """The codec to stream a file starting with ``head`` with: UTF-16 when it is, UTF-8 when its BOM says so or it
    decodes, else GB18030.

    The rules of :func:`decode_text`, for readers that cannot hold a whole file (JSON Lines, CSV, page text).
    """
    utf16 = utf16_encoding(head)
    if utf16:
        return utf16
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"  # the BOM settles it, as decode_text has it; a bad byte further on is replaced
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the end of the head
            return "gb18030"
    return "utf-8-sig"


def encoding_name(label: str) -> str | None:
    """The Python codec to decode a declared charset with (GBK → gb18030), or None if unknown."""
    label = label.strip().lower()
    try:
        name = codecs.lookup(_ALIASES.get(label, label)).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def detected_encoding(data: bytes) -> str:
    """The encoding of bytes that do not say: UTF-16 by its zero bytes, UTF-8 if valid, else GB18030 if (nearly)
    valid, else a guess.

    GB18030 (a superset of GBK and GB2312) is what a Chinese government file is in when it is not
    UTF-8, and charset_normalizer alone takes short GBK text for Korean. A stray bad byte in GBK
    text costs one U+FFFD; switching to a guessed encoding would garble the whole file.
    """
    utf16 = utf16_encoding(data[:4096])
    if utf16:
        return utf16
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    as_gb = data.decode("gb18030", errors="replace")
    if as_gb.count("\ufffd") <= max(2, len(as_gb) // 100):
        return "gb18030"
    import charset_normalizer  # here: a search, which decodes no file, does not import it

    best = charset_normalizer.from_bytes(data).best()
    return best.encoding if best is not None else "gb18030"


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Text from bytes: by BOM, else the ``declared`` encoding (a codec or charset label), else detection.

    Bytes that do not decode become U+FFFD, which the normaliser reports as encoding loss; nothing raises.
    """
    for bom, name in BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace")
    codec = declared and encoding_name(declared)
    if not codec:
        detected = detected_encoding(data)
        return data.decode(encoding_name(detected) or detected, errors="replace")
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return _mislabelled(data, codec) or data.decode(codec, errors="replace")


def _mislabelled(data: bytes, declared: str) -> str | None:
    """The text of bytes whose declaration is wrong (UTF-8 declared, GBK saved), if a usual encoding fits.

    A few bad bytes in correctly labelled text are kept as U+FFFD, not a reason to switch.
    """
    lossy = data.decode(declared, errors="replace")
    if lossy.count("\ufffd") <= max(2, len(lossy) // 200):
        return None
    for name in _USUAL_ENCODINGS:
        if name != declared:
            try:
                return data.decode(name)
            except UnicodeDecodeError:
                continue
    return None


def file_name(name: str | os.PathLike) -> str:
    """A file's path as text any file, terminal or index can hold (always valid UTF-8).

    Python gives a name whose bytes are not UTF-8 with each such byte as a lone surrogate (PEP 383), which
    no UTF-8 writer accepts. Such a name is decoded as GB18030, the superset of GBK in which Chinese Windows
    writes file names (zip archives, shared folders); where even that fails, each byte it cannot place is
    shown as ``\\xNN``. A UTF-8 name is returned as it is. Raises nothing.
    """
    text = os.fspath(name)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = os.fsencode(text)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")
