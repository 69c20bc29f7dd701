"""How the fields of exports and API responses come out: ``python -m bench.export_fields FOLDER``.

Reads every ``.json``, ``.jsonp``, ``.jsonl`` and ``.csv`` file in FOLDER as ``portal ingest`` would and prints,
per record, the fields a reader found (title, 公开日期, 成文日期, 发布机构, 文号, 索引号, 有效性, URL) or the
error that stopped the file. Used for the held-out check of issue 17 (the default FOLDER, ``fixtures/exports/held_out``
of the real-input folder, :func:`bench.fidelity.real_inputs`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from index.normalise import RejectedRecord, normalise
from index.readers import read_file
from index.record import ReadError

FIELDS = ("title", "pub_date", "written_date", "publisher", "doc_no", "index_no", "validity", "url")
SUFFIXES = (".json", ".jsonp", ".jsonl", ".csv")


def main(folder: str | None = None) -> None:
    """Print the fields of every export in ``folder`` (default: the real-input folder's held-out exports); exits
    naming the folder where it is absent."""
    from bench.fidelity import FIXTURES

    where = Path(folder) if folder else FIXTURES / "exports" / "held_out"
    if not where.is_dir():
        raise SystemExit(f"python -m bench.export_fields needs the folder {where}: it is absent")
    for path in sorted(where.iterdir()):
        if path.suffix not in SUFFIXES:
            continue
        records = 0
        for item in read_file(path):
            if isinstance(item, ReadError):
                print(f"{path.name}: error: {item.message}")
                continue
            records += 1
            try:
                doc = normalise(item)
            except RejectedRecord as exc:
                print(f"{path.name} {item.locator}: rejected: {exc.reason}")
                continue
            values = {name: getattr(doc, name) for name in FIELDS}
            values["index_no"] = doc.index_no.raw if doc.index_no else ""
            shown = "; ".join(f"{name}={value}" for name, value in values.items() if value)
            print(f"{path.name} {item.locator}: {shown}".replace("  ", " "))
        if not records:
            print(f"{path.name}: no records")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
