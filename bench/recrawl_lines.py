"""What an unchanged record of a re-crawled file costs to recognise: ``python -m bench.recrawl_lines FILE [--lines N]``.

Reads the first ``--lines`` lines of a JSON Lines crawl as a first ingest does (keeping each record's mark), then
again as a re-crawl that finds every record unchanged, once by the record fingerprints an ingest kept before piece
marks (every line parsed, every record's fields dumped and hashed: :func:`index.ingest.fingerprint`) and once by the
piece marks (every line hashed, none parsed: :func:`index.ingest.piece_mark`; a record listing attachments also has the
files they were looked for in checked: :func:`index.ingest.with_files`). Records that keep no mark (crawled pages) are
left out of the sample and counted: a re-crawl normalises them every time. ``with_attachments`` counts the records
listing attachments. Prints CPU milliseconds per record (best of three) and the load average, as JSON.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import tempfile
import time
from pathlib import Path

from index import ingest
from index.limits import current
from index.readers import read_file
from index.record import ReadError


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.recrawl_lines", description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="a JSON Lines crawl")
    parser.add_argument("--lines", type=int, default=3000)
    args = parser.parse_args()
    bounds = current()
    with open(args.file, encoding="utf-8") as handle:
        lines = list(itertools.islice(handle, args.lines))
    with tempfile.TemporaryDirectory() as folder:
        sample = Path(folder) / "sample.jsonl"
        sample.write_text("".join(lines), "utf-8")
        records = [item for item in read_file(sample, bounds) if not isinstance(item, ReadError)]
        markable = [lines[int(r.locator.split()[1]) - 1] for r in records if ingest.fingerprint(r, bounds)]
        sample.write_text("".join(markable), "utf-8")
        first = {
            r.version.locator: r for r in ingest.read_records(sample, bounds, known={}) if isinstance(r, ingest.Reading)
        }
        pieces = {at: (r.fingerprint, r.doc_id, r.version.digest, r.version.pub_date) for at, r in first.items()}
        fields = {
            record.locator: (ingest.fingerprint(record, bounds), *pieces[record.locator][1:])
            for record in read_file(sample, bounds)
            if not isinstance(record, ReadError)
        }
        result: dict[str, object] = {
            "records": len(records),
            "without_mark": len(records) - len(markable),
            "with_attachments": sum(bool(r.fields.get("attachments")) for r in records),
            "load_before": os.getloadavg()[0],
        }
        for name, known in (("record_fingerprints", fields), ("piece_marks", pieces)):
            best = float("inf")
            for _ in range(3):
                started = time.process_time()
                readings = ingest.read_records(sample, bounds, known=known)
                unchanged = sum(isinstance(r, ingest.Reading) and r.unchanged for r in readings)
                best = min(best, time.process_time() - started)
            result[f"{name}_ms"] = round(best / max(unchanged, 1) * 1000, 3)
            result[f"{name}_unchanged"] = unchanged
        result["load_after"] = os.getloadavg()[0]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
