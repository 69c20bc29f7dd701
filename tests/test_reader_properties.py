"""Hypothesis properties of the readers: whatever bytes a file holds, reading it gives records or ReadErrors,
never another exception (the reader contract of index/readers/__init__.py), and a record is always safe to
normalise once held to the limits."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from helpers import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index import limits
from index.normalise import RejectedRecord, normalise
from index.readers import read_file, readers
from index.record import RawRecord, ReadError

SUFFIXES = (".txt", ".json", ".jsonl", ".csv", ".html", ".dat")
READERS = {reader.NAME: reader for reader in readers()}

# Bytes that look like the start of each format, so generated files reach past the sniffers.
PREFIXES = st.sampled_from(
    [
        b"",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"[",
        b'{"title": ',
        "索引号 014319733/2018-00019\n名称 ".encode(),
        "标题,正文\n".encode(),
        b"<html><body>",
        b"\x1f\x8b",
    ]
)
CONTENT = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=500).map(lambda text: text.encode("utf-8", "surrogatepass")),
)
PROPERTY = settings(
    max_examples=examples(75), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _read_all(path: Path, reader=None) -> list[RawRecord | ReadError]:
    if reader is None:
        return list(read_file(path))
    try:
        return list(reader.read(path))
    except ReadError as exc:
        return [exc]


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


@PROPERTY
@given(prefix=PREFIXES, content=CONTENT, suffix=st.sampled_from(SUFFIXES))
def test_any_bytes_give_records_or_read_errors(folder: Path, prefix: bytes, content: bytes, suffix: str) -> None:
    path = folder / f"any{suffix}"
    path.write_bytes(prefix + content)
    for item in _read_all(path):
        assert isinstance(item, RawRecord | ReadError)
        if isinstance(item, ReadError):
            assert item.source == str(path) and item.message


@PROPERTY
@given(
    name=st.sampled_from(sorted(set(READERS) - {"crawled"})),
    prefix=PREFIXES,
    content=CONTENT,
    suffix=st.sampled_from(SUFFIXES),
)
def test_each_reader_alone_raises_only_read_error(
    folder: Path, name: str, prefix: bytes, content: bytes, suffix: str
) -> None:
    """Called directly, past its sniffer, a reader still keeps to the contract."""
    path = folder / f"direct{suffix}"
    path.write_bytes(prefix + content)
    for item in _read_all(path, READERS[name]):
        assert isinstance(item, RawRecord | ReadError)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)
FIELD_NAMES = st.sampled_from(["标题", "title", "正文", "索引号", "发布日期", "文号", "附件", "关键词", "分类", "x"])


@PROPERTY
@given(record=st.dictionaries(FIELD_NAMES, JSON_VALUES, max_size=8))
def test_any_json_record_is_indexed_or_rejected_with_its_field(folder: Path, record: dict) -> None:
    path = folder / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    bounds = limits.current()
    for item in _read_all(path):
        if isinstance(item, ReadError):
            continue
        try:
            doc = normalise(limits.checked_record(item, bounds))
        except RejectedRecord as exc:
            assert exc.field and exc.reason
            continue
        doc.title.encode("utf-8")  # no lone surrogate left to break the index or a report
        doc.body.encode("utf-8")
        assert "inf" not in doc.pub_date and "nan" not in doc.pub_date
