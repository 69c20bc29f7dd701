"""CSV exports with a header row of field labels (标题, 发文日期, 内容, 一级类别, 访问地址, …), plain or gzip'd."""

from __future__ import annotations

import ast
import csv
import io
import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path

from index import snapshot
from index.dates import day_first, shows_day_first
from index.keyparts import is_title
from index.labels import header_fields
from index.limits import Limits
from index.readers import HEAD_BYTES, contained
from index.readers._common import decode_head, head_text, record_from_mapping, text_encoding, unpacked
from index.record import Finding, RawRecord, ReadError

NAME = "csv"
SUFFIXES = (".csv", ".tsv")
FIELD_FACTOR = 4
# Rows looked at to find the title column of a header that names none, and the share of their values that must
# read as titles.
TITLE_SAMPLE_ROWS = 20
DATE_SAMPLE_BYTES = 64 * 1024  # the file's start, whose year-last dates say which order it writes them in
TITLE_SHARE = 0.8


# Lines a spreadsheet may print above its header: a caption (政策文件汇总表), a date of export, blank lines.
CAPTION_LINES = 3


def sniff(path: Path, head: bytes) -> bool:
    """A header row naming at least two known fields (also after a shared table prefix, or by its words:
    index.labels.header_fields), comma- or tab-separated; a caption line or two may stand above it."""
    return header_line(head_text(path, head)[:4096].splitlines()) is not None


def header_line(lines: list[str]) -> int | None:
    """The index of the header among a file's first lines: the first naming two or more known fields, where every
    line above it is a caption (one cell at most that is not empty: ``政策文件汇总表,,,,`` as a spreadsheet saves
    it); None where none is."""
    for number, line in enumerate(lines[: CAPTION_LINES + 1]):
        cells = [cell.strip().strip('"') for cell in line.split("\t" if _tab_separated(line) else ",")]
        if len(header_fields(cells)) >= 2:
            return number
        if sum(1 for cell in cells if cell) > 1:
            return None  # a line of several cells that is no header: no CSV of this kind
    return None


def _tab_separated(header: str) -> bool:
    """Whether a header line separates its cells by tabs rather than commas."""
    return header.count("\t") > header.count(",")


@contained
def read(path: Path, bounds: Limits) -> Iterator[RawRecord | ReadError]:
    """A record per row after the header (and the caption lines above it), streamed; a last row cut short (the
    file ends inside it) is flagged."""
    # Bodies of long regulations exceed csv's 128 KiB default. A field is read whole before
    # PORTAL_MAX_DOC_CHARS cuts it, so it may be a few times longer; past that the rest of the file goes.
    csv.field_size_limit(FIELD_FACTOR * bounds.max_doc_chars)
    with path.open("rb") as file:
        raw = unpacked(file)  # documents.csv.gz of `portal export`, or any gzip'd CSV
        encoding = text_encoding(raw.read(HEAD_BYTES))
        raw.seek(0)
        head_lines = decode_head(raw.read(4096)).splitlines()
        raw.seek(0)
        # dates written year last are read day first where the file's first rows show that order (24/1/2020)
        dated = shows_day_first(raw.read(DATE_SAMPLE_BYTES).decode(encoding, errors="replace"))
        raw.seek(0)
        captions = header_line(head_lines) or 0
        text = _Tracked(io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline=""))
        lines = iter(text)
        for _caption in range(captions):
            next(lines, None)
        header = head_lines[captions] if captions < len(head_lines) else ""
        # A header with more tabs than commas is tab-separated, whatever the file is named (a crawler's
        # pandas ``to_csv(sep="\t")`` saved as policies.csv: JiangCheng-1/pachong1 data/policies.csv).
        dialect = "excel-tab" if path.suffix.lower() == ".tsv" or _tab_separated(header) else "excel"
        yield from _rows(path, csv.DictReader(lines, dialect=dialect), text, first_row=1 + captions, dated=dated)


def _rows(
    path: Path, reader: csv.DictReader, text: _Tracked, first_row: int = 1, dated: bool = False
) -> Iterator[RawRecord | ReadError]:
    """The records of the rows under the header, which is row ``first_row`` of the file; with ``dated``, a cell that
    opens with a year-last date has it read day first (:func:`index.dates.day_first`). The cells of the portal's
    own export (a snapshot's header: :func:`index.snapshot.is_record`) lose the guard its writer put before a
    formula (:func:`index.snapshot.unguard_cell`); another file's ``'`` is its own."""
    header_row = f"row {first_row}"
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        raise ReadError(path, f"malformed CSV: {exc}", header_row) from exc
    if fieldnames and len(set(fieldnames)) < len(fieldnames):
        reader.fieldnames = _distinct(list(fieldnames))  # csv.DictReader keeps only the last column of a name
    own = snapshot.is_record(dict.fromkeys(name or "" for name in fieldnames or ()))
    first = snapshot.unguard_cell if own else str
    cell = (lambda value: _cell(day_first(first(value)))) if dated else (lambda value: _cell(first(value)))
    fields = header_fields(name or "" for name in fieldnames or ())
    if not fields:
        raise ReadError(path, "the header row names no known field (标题/名称, 索引号, 内容 …)", header_row)
    rows: Iterator[dict] = iter(reader)
    titled = ""  # a column the header names by an unknown word whose values are titles (文件, 项目 …)
    if "title" not in fields.values():
        sample: list[dict] = []
        broken: csv.Error | None = None
        try:
            sample.extend(itertools.islice(reader, TITLE_SAMPLE_ROWS))
        except csv.Error as exc:
            broken = exc  # raised again after the rows before it, where the rows are read
        titled = title_column([name for name in fieldnames or () if name and name not in fields], sample)
        if not titled:
            raise ReadError(path, "no title column (标题 or 名称)", header_row, "title")
        rows = _replay(sample, broken, reader)
    row_number = first_row
    held: RawRecord | None = None  # the last row is yielded once it is known whether the file ends inside it
    try:
        for row in rows:
            row_number += 1
            if held is not None:
                yield held
            extra = row.pop(None, None)  # cells beyond the header
            missing = sum(1 for value in row.values() if value is None)
            held = record_from_mapping(
                _gathered({("title" if k == titled else k): cell(v) for k, v in row.items() if k and v is not None}),
                str(path),
                f"row {row_number}",
            )
            if extra:
                held.warnings.append(_extra_cells(len(extra)))
            if missing and not text.ended_cleanly:
                held.warnings.append(_cut_short(missing))
            elif missing:  # a ragged row inside the file: the columns it lacks are empty
                absent = [name.split(_REPEAT)[0] for name, value in row.items() if name and value is None]
                held.warnings.append(_missing_cells(absent, fields.get(absent[0], "") if absent else ""))
    except csv.Error as exc:
        if held is not None:
            yield held
        why = f" ({FIELD_FACTOR} × PORTAL_MAX_DOC_CHARS)" if "field limit" in str(exc) else ""
        yield ReadError(path, f"malformed CSV: {exc}{why}; the rest of the file is not read", f"row {row_number + 1}")
        return
    if held is not None:
        if text.open_quote and not any(w.code == "csv_truncated_row" for w in held.warnings):
            held.warnings.append(_cut_short(0))
        yield held


# Joins a name the header repeats to its column's number (``标题\x003``): csv.DictReader keys a row by name and would
# keep the last column of a name only, the others' values lost without a word.
_REPEAT = "\x00"


def _distinct(names: list[str]) -> list[str]:
    """The header's names, each column after the first of a name given that name with its column number."""
    seen: set[str] = set()
    distinct = []
    for column, name in enumerate(names, 1):
        distinct.append(f"{name}{_REPEAT}{column}" if name and name in seen else name)
        seen.add(name)
    return distinct


def _gathered(cells: dict[str, object]) -> dict[str, object]:
    """A row's cells by the header's names, the columns of a repeated name as the list of their non-empty values
    (one value alone as itself): what a record with several values under one key means, read by the field's shape
    (:mod:`index.fieldvalues`: a field of one value keeps the first, with ``several_values``; attachments, keywords,
    the body take them all)."""
    if not any(_REPEAT in key for key in cells):
        return cells
    gathered: dict[str, list[object]] = {}
    for key, value in cells.items():
        values = gathered.setdefault(key.split(_REPEAT)[0], [])
        for item in value if isinstance(value, list) else [value]:
            if not (isinstance(item, str) and not item.strip()) and item not in values:
                values.append(item)
    return {key: values[0] if len(values) == 1 else values or "" for key, values in gathered.items()}


# A cell that is wholly a list of strings: how pandas writes a column of lists (a crawler's ``.getall()``).
_LIST_CELL = re.compile(r"^\[\s*(?:['\"]|\])")


def _cell(value: str) -> object:
    """A cell's value: the list of strings it wholly holds, written as Python (``['国务院办公厅']``) or JSON; else
    its text."""
    text = value.strip()
    if not (_LIST_CELL.match(text) and text.endswith("]")):
        return value
    try:
        parsed = json.loads(text)
    except ValueError:
        try:
            parsed = ast.literal_eval(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return value
    return parsed if isinstance(parsed, list) and all(isinstance(item, str) for item in parsed) else value


def _replay(sample: list[dict], broken: csv.Error | None, reader: csv.DictReader) -> Iterator[dict]:
    """The rows already read, the error that stopped them, then the rest."""
    yield from sample
    if broken is not None:
        raise broken
    yield from reader


def title_column(names: list[str], rows: list[dict]) -> str:
    """The column among ``names`` (headers no label names) whose values are documents' titles
    (:func:`index.keyparts.is_title`) in at least TITLE_SHARE of ``rows`` that fill it, the most such first;
    "" where none is. A policy list saved from a spreadsheet heads its titles 文件 (839-Studio/housing-price-policy
    policy.csv: 城市, 文件, 时间, url)."""
    best, best_count = "", 0
    for name in names:
        values = [str(row.get(name) or "").strip() for row in rows]
        values = [value for value in values if value]
        count = sum(1 for value in values if is_title(value))
        if values and count >= TITLE_SHARE * len(values) and count > best_count:
            best, best_count = name, count
    return best


class _Tracked:
    """Lines of a text stream, noting whether it ends with a line break and whether its quotes balance.

    A well-formed CSV has an even number of ``"`` (a quote inside a field is written twice); an odd
    count at the end means the last quoted field was never closed: the file was cut inside it.
    """

    def __init__(self, handle: io.TextIOBase) -> None:
        self._handle = handle
        self._quotes = 0
        self._last = "\n"

    def __iter__(self) -> Iterator[str]:
        for line in self._handle:
            self._quotes += line.count('"')
            self._last = line
            yield line

    @property
    def ended_cleanly(self) -> bool:
        return self._last.endswith(("\n", "\r"))

    @property
    def open_quote(self) -> bool:
        return self._quotes % 2 == 1


def _extra_cells(count: int) -> Finding:
    return Finding(
        "csv_extra_cells",
        "",
        f"本行比表头多 {count} 个单元格（{count} cells beyond the header were ignored）",
    )


def _missing_cells(columns: list[str], field: str) -> Finding:
    names = "、".join(columns)
    return Finding(
        "csv_missing_cells",
        field,
        f"本行比表头少 {len(columns)} 个单元格：{names}（{len(columns)} cells missing, read as empty: {names}）",
    )


def _cut_short(missing: int) -> Finding:
    detail = f"，缺 {missing} 个单元格" if missing else "，引号未闭合"
    why = f"{missing} cells missing" if missing else "a quoted cell never closed"
    return Finding(
        "csv_truncated_row",
        "",
        f"文件在本行中途结束{detail}（the file ends inside this row: {why}; what was there is indexed）",
    )
