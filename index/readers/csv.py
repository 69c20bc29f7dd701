"""CSV exports with a header row of field labels (标题, 发文日期, 内容, 一级类别, 访问地址, …)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from index.labels import canonical_field
from index.readers import ReadError
from index.readers._common import decode, decode_head, read_bytes, record_from_mapping
from index.record import RawRecord

NAME = "csv"

csv.field_size_limit(1 << 28)  # bodies of long regulations exceed the 128 KiB default


def sniff(path: Path, head: bytes) -> bool:
    if path.suffix.lower() in {".csv", ".tsv"}:
        return True
    first_line = decode_head(head[:4096]).splitlines()[0] if head.strip() else ""
    labels = [cell for cell in first_line.split(",") if canonical_field(cell.strip().strip('"'))]
    return len(labels) >= 2


def read(path: Path) -> Iterator[RawRecord | ReadError]:
    text = decode(read_bytes(path))
    dialect = "excel-tab" if path.suffix.lower() == ".tsv" else "excel"
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    if not reader.fieldnames or not any(canonical_field(name or "") for name in reader.fieldnames):
        raise ReadError(path, "the header row names no known field (标题/名称, 索引号, 内容 …)", "row 1")
    if not any(canonical_field(name or "") == "title" for name in reader.fieldnames):
        raise ReadError(path, "no title column (标题 or 名称)", "row 1", "title")
    row_number = 1
    try:
        for row in reader:
            row_number += 1
            extra = row.pop(None, None)  # cells beyond the header
            record = record_from_mapping({k: v for k, v in row.items() if k}, str(path), f"row {row_number}")
            if extra:
                record.warnings.append(_extra_cells(len(extra)))
            yield record
    except csv.Error as exc:
        yield ReadError(path, f"malformed CSV: {exc}", f"row {row_number + 1}")


def _extra_cells(count: int):
    from index.record import Finding

    return Finding(
        "csv_extra_cells",
        "",
        f"本行比表头多 {count} 个单元格（{count} cells beyond the header were ignored）",
    )
