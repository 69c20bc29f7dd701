"""Real inputs broken the ways real files are broken: the readers yield documents or say clearly what is wrong.

Built from the TUNE files of the fidelity collection (../shared/fidelity/pages: page texts, HTML pages, JSON and CSV
exports; a file counts as tune when any record of it is). Each is mutated as broken files come (Hypothesis, a
bounded and derandomized run): cut at a random byte, a byte flipped, an encoding mislabelled, a JSON value swapped
for a list, an object, a number, null, a very long string or deep nesting, a CSV row with cells missing or extra or
a NUL, an HTML tag left open, a label left with no value. Then :func:`index.readers.read_file` and
:func:`index.ingest.read_document` must give documents, or the project's own error (:class:`index.record.ReadError`,
or a rejection in the report) naming the file — never a Python exception's name caught by the safety nets
(``read_file``'s and ``contained``'s "… after record N: TypeError: …", ``read_document``'s "could not be
normalised: …"), which means a reader or rule met a shape it was not written for. A hang fails by alarm.

``FUZZ_EXAMPLES`` (an environment variable) raises the number of examples for a longer local hunt, and
``FUZZ_SPLIT=held_out`` runs the same mutations over the held-out files (the figure reported, never tuned on).
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import json
import os
import re
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from helpers import HUNT, examples, present_pages, real_inputs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.fidelity import COLLECTION
from index.ingest import IngestReport, read_document
from index.limits import DEFAULTS
from index.readers import read_file
from index.record import Document, RawRecord, ReadError

SPLIT = os.environ.get("FUZZ_SPLIT", "tune")
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or examples(50))
SECONDS = 20  # one file read and normalised, however broken: far above any real file's time

_ENTRIES = present_pages()
_TUNE = {entry["file"] for entry in _ENTRIES if entry["split"] == "tune"}
FILES = sorted(_TUNE if SPLIT == "tune" else {entry["file"] for entry in _ENTRIES} - _TUNE)

# The safety nets' messages: a Python exception escaped a reader (index/readers/__init__.py) or the rules
# (index/ingest.read_document). Anything else is the project's own error.
CAUGHT = re.compile(r"(?:unreadable|reader failed) after record \d+: \w+|could not be normalised: \w+")


def original(entry_file: str) -> tuple[str, bytes]:
    return Path(entry_file).name.removesuffix(".gz"), gzip.decompress((COLLECTION / entry_file).read_bytes())


def decoded(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode(encoding)
    return data.decode("utf-8", "replace")


# ---- the ways files break -------------------------------------------------------------------------------------

ODD_VALUES: list[Any] = [
    None,
    0,
    20231016,
    -1.5e308,
    True,
    [],
    {},
    ["a", ["b", ["c"]]],
    [{"name": ["x.pdf"], "url": {"href": 3}}],
    {"name": None, "url": []},
    "x" * 10_000,
    "〔2023〕" * 2000,
    "\x00\x01\x1b\u2028\ufeff\ud7ff",
    "1900-01-01",
    "2999-12-31",
    "0000-00-00",
    "29991231",
    -62135596800000,
    253402300799999,
    "<a href='javascript:x'>附件</a>",
]


def truncate(data: bytes, draw: st.DrawFn) -> bytes:
    return data[: draw(st.integers(0, len(data)))]


def flip(data: bytes, draw: st.DrawFn) -> bytes:
    if not data:
        return data
    at = draw(st.integers(0, len(data) - 1))
    return data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1 :]


def mislabel(data: bytes, draw: st.DrawFn) -> bytes:
    """The text in one encoding, with a BOM or charset declaration (or none) that says another."""
    text = decoded(data)
    encoding = draw(st.sampled_from(["gb18030", "utf-16-le", "utf-16-be", "big5", "latin-1", "utf-8"]))
    body = (
        text.encode(encoding, "replace")
        if encoding != "latin-1"
        else text.encode("utf-8").decode("latin-1").encode("utf-8")
    )
    label = draw(
        st.sampled_from(
            [
                b"",
                codecs.BOM_UTF8,
                codecs.BOM_UTF16_LE,
                codecs.BOM_UTF16_BE,
                b'<meta charset="gbk">',
                b'<?xml encoding="utf-16"?>',
            ]
        )
    )
    body = re.sub(
        rb"charset=[\"']?[\w-]+", b"charset=" + draw(st.sampled_from([b"utf-8", b"gbk", b"utf-16", b"x-unknown"])), body
    )
    return label + body


def _paths(value: Any, path: tuple = ()) -> Iterator[tuple]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for at, item in enumerate(value[:5]):
            yield from _paths(item, (*path, at))


def _set(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    value[path[0]] = _set(value[path[0]], path[1:], new)
    return value


def swap_value(data: bytes, draw: st.DrawFn) -> bytes:
    """One value of a JSON file (any key, any depth) swapped for an odd one; for other files, a labelled value."""
    text = decoded(data)
    try:
        value = json.loads(text)
    except ValueError:
        return swap_label_value(data, draw)
    paths = [path for path in _paths(value) if path and not isinstance(path[-1], int) or len(path) > 1][:400]
    if not paths:
        return data
    odd = draw(st.sampled_from(ODD_VALUES + ["deep"]))
    if odd == "deep":
        odd = json.loads("[" * 900 + "]" * 900) if draw(st.booleans()) else nest(draw(st.integers(50, 400)))
    changed = _set(value, draw(st.sampled_from(paths)), odd)
    return json.dumps(changed, ensure_ascii=draw(st.booleans())).encode("utf-8")


def nest(depth: int) -> Any:
    value: Any = {"title": "深处的标题", "content": "正文"}
    for _ in range(depth):
        value = {"data": value}
    return value


def wrap_deep(data: bytes, draw: st.DrawFn) -> bytes:
    """The whole file's JSON wrapped many levels down (or a page text inside a deep JSON value)."""
    text = decoded(data)
    try:
        value: Any = json.loads(text)
    except ValueError:
        value = text
    for _ in range(draw(st.integers(1, 300))):
        value = {draw(st.sampled_from(["data", "result", "list", "records", "x"])): value}
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


LABEL = re.compile(
    r"(索引号|文号|发文字号|成文日期|发布日期|公开日期|发布机构|标题|名称|主题分类|有效性|附件)\s*[:：]?"
)


def swap_label_value(data: bytes, draw: st.DrawFn) -> bytes:
    """A page's label given an odd value as text: very long, control characters, a far date."""
    text = decoded(data)
    found = list(LABEL.finditer(text))
    if not found:
        return data
    where = draw(st.sampled_from(found[:50])).end()
    odd = draw(st.sampled_from([str(v) for v in ODD_VALUES]))
    end = text.find("\n", where)
    end = len(text) if end < 0 else end
    return (text[:where] + odd + text[end:]).encode("utf-8")


def drop_label_value(data: bytes, draw: st.DrawFn) -> bytes:
    """A label left with nothing after it: the rest of its line (or its cell) deleted."""
    text = decoded(data)
    found = list(LABEL.finditer(text))
    if not found:
        return data
    where = draw(st.sampled_from(found[:50])).end()
    ends = [at for at in (text.find("\n", where), text.find("<", where)) if at >= 0]
    return (text[:where] + text[min(ends, default=len(text)) :]).encode("utf-8")


def break_csv_row(data: bytes, draw: st.DrawFn) -> bytes:
    """One line given cells more or fewer, a NUL, a stray quote or a line break inside."""
    lines = decoded(data).split("\n")
    at = draw(st.integers(0, len(lines) - 1))
    how = draw(st.sampled_from(["extra", "missing", "nul", "quote", "split", "blank_header"]))
    line = lines[at]
    if how == "extra":
        line += ",额外" * draw(st.integers(1, 40))
    elif how == "missing":
        line = ",".join(line.split(",")[: draw(st.integers(0, 3))])
    elif how == "nul":
        cut = draw(st.integers(0, len(line)))
        line = line[:cut] + "\x00" + line[cut:]
    elif how == "quote":
        cut = draw(st.integers(0, len(line)))
        line = line[:cut] + '"' + line[cut:]
    elif how == "split":
        cut = draw(st.integers(0, len(line)))
        line = line[:cut] + "\r\n" + line[cut:]
    else:
        line = "," * line.count(",")
    lines[at] = line
    return "\n".join(lines).encode("utf-8")


OPEN_TAG = re.compile(rb"</(?:td|tr|table|dl|dd|dt|li|ul|div|p|span|a|title|script|style|head|body|html)>", re.I)


def open_tag(data: bytes, draw: st.DrawFn) -> bytes:
    """A closing tag removed (the element left open), or the file ending inside a tag or comment."""
    closers = list(OPEN_TAG.finditer(data))
    how = draw(st.sampled_from(["drop", "drop_all", "end_in_tag"]))
    if how == "end_in_tag" or not closers:
        return data[: draw(st.integers(0, len(data)))] + draw(
            st.sampled_from([b'<div class="', b"<!--", b"<script>", b"<a href='"])
        )
    if how == "drop_all":
        kind = draw(st.sampled_from(closers[:200])).group()
        return data.replace(kind, b"")
    match = draw(st.sampled_from(closers[:200]))
    return data[: match.start()] + data[match.end() :]


def nest_tags(data: bytes, draw: st.DrawFn) -> bytes:
    """Thousands of elements opened inside each other at a random point (a generator gone wrong), some closed."""
    at = draw(st.integers(0, len(data)))
    tag = draw(st.sampled_from([b"div", b"dl", b"table", b"li", b"span", b"td", b"p", b"a"]))
    depth = draw(st.integers(100, 5000))
    closed = draw(st.integers(0, depth))
    return (
        data[:at]
        + b"<"
        + tag
        + b">" * 1
        + (b"<" + tag + b">") * depth
        + b"\xe7\xb4\xa2\xe5\xbc\x95\xe5\x8f\xb7\xef\xbc\x9a"
        + (b"</" + tag + b">") * closed
        + data[at:]
    )


def repeat_label(data: bytes, draw: st.DrawFn) -> bytes:
    """A labelled line (or the whole head of the file) repeated many times."""
    text = decoded(data)
    found = list(LABEL.finditer(text))
    if not found:
        return data
    start = draw(st.sampled_from(found[:50])).start()
    end = text.find("\n", start)
    end = min(len(text), start + 200) if end < 0 else end
    times = draw(st.integers(2, max(2, 500_000 // max(1, end - start))))  # at most ~1 MB more: seconds, not minutes
    return (text[:start] + text[start:end] * times + text[start:]).encode("utf-8")


MUTATIONS: dict[str, Callable[[bytes, st.DrawFn], bytes]] = {
    "nest_tags": nest_tags,
    "repeat_label": repeat_label,
    "truncate": truncate,
    "flip": flip,
    "mislabel": mislabel,
    "swap_value": swap_value,
    "wrap_deep": wrap_deep,
    "swap_label_value": swap_label_value,
    "drop_label_value": drop_label_value,
    "break_csv_row": break_csv_row,
    "open_tag": open_tag,
}


@st.composite
def broken_files(draw: st.DrawFn) -> tuple[str, bytes, list[str]]:
    name, data = original(draw(st.sampled_from(FILES)))
    done = []
    for _ in range(draw(st.integers(1, 2))):
        how = draw(st.sampled_from(sorted(MUTATIONS)))
        data = MUTATIONS[how](data, draw)
        done.append(how)
    return name, data, done


# ---- the property ---------------------------------------------------------------------------------------------


class Hang(Exception):
    pass


@contextlib.contextmanager
def alarm(seconds: int) -> Iterator[None]:
    def ring(_signum: int, _frame: object) -> None:
        raise Hang(f"no answer in {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def read_all(path: Path) -> tuple[list[Document], list[str]]:
    """The documents read from ``path`` and every error message (ReadErrors and rejections) on the way.

    Raises AssertionError where something other than the project's own error came out."""
    report = IngestReport()
    docs: list[Document] = []
    errors: list[str] = []
    with alarm(SECONDS):
        for item in read_file(path, DEFAULTS):
            if isinstance(item, ReadError):
                assert item.source, f"an error that names no file: {item}"
                errors.append(str(item))
            else:
                assert isinstance(item, RawRecord), item
                doc = read_document(item, DEFAULTS, report)
                if doc is not None:
                    docs.append(doc)
    for rejection in report.rejected:
        assert rejection.source, f"a rejection that names no file: {rejection}"
        errors.append(f"{rejection.source} {rejection.locator}: field {rejection.field}: {rejection.reason}")
    crashes = [message for message in errors if CAUGHT.search(message)]
    assert not crashes, crashes
    return docs, errors


@real_inputs
def test_the_collection_is_there() -> None:
    assert len(FILES) >= 30, FILES


@real_inputs
@settings(
    max_examples=EXAMPLES,
    derandomize=os.environ.get("FUZZ_EXAMPLES") is None and HUNT == 1,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(broken=broken_files())
def test_a_broken_real_file_gives_documents_or_a_clear_error(tmp_path: Path, broken) -> None:
    name, data, _how = broken
    path = tmp_path / name
    path.write_bytes(data)
    read_all(path)


# ---- what the fuzzing found, kept ------------------------------------------------------------------------------


@real_inputs
def test_an_attachment_name_too_long_for_a_path_is_kept_as_a_name(tmp_path: Path) -> None:
    """gzpec-1.txt with its 附件 line repeated (repeat_label): the attachment's name was looked up as a file inside
    the document's folder, and a name longer than NAME_MAX raised OSError (ENAMETOOLONG) from ``stat``, so the
    record was rejected as "could not be normalised: OSError". A NUL in the name raised ValueError the same way."""
    name, data = original("pages/gzpec-1.txt.gz")
    text = decoded(data)
    line = next(line for line in text.splitlines() if line.startswith("附件") and ".pdf" in line)
    for odd_line in (line * 30, line.replace(".pdf", "\x00.pdf")):
        path = tmp_path / name
        path.write_text(text.replace(line, odd_line, 1), encoding="utf-8")
        docs, _errors = read_all(path)
        assert len(docs) == 1
        assert any(".pdf" in attachment.name for attachment in docs[0].attachments)


@real_inputs
def test_a_page_of_many_sibling_text_nodes_is_not_quadratic(tmp_path: Path) -> None:
    """gz-gfxwj-13.html with its 附件 line repeated (repeat_label, 347 times: 7 MB) took 43 s to read: the prose count
    behind hidden-element judging ran an XPath ``ancestor::`` test per text node, and libxml2 orders the result by
    walking siblings, quadratic in a parent's children (100 repeats 0.7 s, 200 repeats 8.6 s). The count must agree
    with that XPath's on a small page, and on a page of 500 repeats must come back before the alarm (a hang guard
    with a wide margin, not a speed measurement: the old count takes over 30 s there, this one about 2 s)."""
    from lxml import html as lxml_html

    from index.htmltext import _HAN, _prose

    _name, data = original("pages/gz-gfxwj-13.html.gz")
    text = decoded(data)
    start = text.index("附件2，计算公式为")
    line = text[start : text.index("\n", start)]

    def page(times: int) -> Any:
        return lxml_html.fromstring((text[:start] + line * times + text[start:]).encode("utf-8"))

    small = page(10)
    reference = "".join(small.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]"))
    assert _prose(small) == len(_HAN.findall(reference)) > 10_000
    large = page(500)
    with alarm(12):
        assert _prose(large) > 500 * 100


def test_a_long_run_of_spaces_in_a_line_is_read_before_the_alarm(tmp_path: Path) -> None:
    """A text's line holding a long run of spaces (a text rendering's table row padded wide, ``|`` + 100,000 spaces
    + ``|``) made the signature's date pattern (``^(?P<names>.*?)\\s*(?P<date>…)$``) try every end of the names
    against every run of spaces after it: steps quadratic in the run (20,000 spaces 6.9 CPU s, 100,000 about
    three minutes), in the text reader and in an export whose body is such a text alike. Both must come back
    before the alarm (a hang guard with a wide margin, not a speed measurement: about 0.3 s now) with the
    signature under the row read."""
    title = "关于印发某市政务公开工作要点的通知"
    row = f"|{' ' * 100_000}|"
    text = f"{title}\n各有关单位：现将要点印发给你们，请认真贯彻执行。\n{row}\n某市人民政府办公室\n2021年3月5日\n"
    (tmp_path / "page.txt").write_text(text, "utf-8")
    (tmp_path / "rows.json").write_text(json.dumps([{"title": title, "content": text}], ensure_ascii=False), "utf-8")
    for name in ("page.txt", "rows.json"):
        [doc], _errors = read_all(tmp_path / name)
        assert (doc.publisher, doc.written_date) == ("某市人民政府办公室", "2021-03-05"), name


def test_a_stylesheet_without_braces_is_read_before_the_alarm(tmp_path: Path) -> None:
    """A page whose ``<style>`` holds long text without braces — left unclosed, so the rest of the page is its text
    as a browser reads it, or a run of at-rules never opened (``@media`` …, ``@font-face`` …) — made the stylesheet's
    rule patterns try every character and read the run to its end from each: quadratic (a 24 KB unclosed style
    2.2 CPU s, 6,000 ``@font-face`` 23 s; 200 KB about two and a half minutes). Each page must come back before the
    alarm (a hang guard with a wide margin, not a speed measurement: each about 0.02 s now), its title read."""
    title = "关于做好政务公开工作的通知"
    paragraph = "<p>为进一步做好政务公开工作，现将有关事项通知如下，请认真贯彻执行。</p>\n"
    styles = {
        "unclosed.html": "<style>p.x{color:red}" + paragraph * 3000,
        "media.html": "<style>" + "@media " * 30_000 + "</style>",
        "font.html": "<style>" + "@font-face " * 30_000 + "</style>",
    }
    for name, style in styles.items():
        page = f"<html><head><title>{title}</title>{style}</head><body><h1>{title}</h1>{paragraph * 20}</body></html>"
        (tmp_path / name).write_text(page, "utf-8")
        [doc], _errors = read_all(tmp_path / name)
        assert doc.title == title, name
        assert ("现将有关事项通知如下" in doc.body) is (name != "unclosed.html"), name  # a browser shows no text either


def test_a_long_value_of_digits_and_spaces_is_judged_before_the_alarm(tmp_path: Path) -> None:
    """An export's publisher of 100,000 ``1 `` before a name: the pattern that tells a code from a name
    (labels._CODE, digits allowed on both sides of the digit it asks for) split the value at every digit before
    failing at the name, quadratic in its length (10,000 pairs 2.2 CPU s over 23 judgements). The record must come
    back before the alarm (a hang guard with a wide margin, not a speed measurement: about 0.3 s now)."""
    record = {
        "title": "关于做好政务公开工作的通知",
        "publisher": "1 " * 100_000 + "市政府办公室",
        "content": "现将有关事项通知如下。",
    }
    (tmp_path / "rows.json").write_text(json.dumps([record], ensure_ascii=False), "utf-8")
    [doc], _errors = read_all(tmp_path / "rows.json")
    assert doc.title == record["title"] and "现将有关事项通知如下" in doc.body
