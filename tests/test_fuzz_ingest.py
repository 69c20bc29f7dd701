"""A real file broken at random and ingested over its good version: the ingest goes on, and nothing is lost.

The reader fuzzing (tests/test_fuzz_readers.py) stops at the document; this goes on through every per-record step
of a real ingest (the reading, the index fields, the history, the Whoosh writer) and the incremental rules. A tune
file of the fidelity collection is ingested, then a broken copy of it (the reader fuzzing's mutations: cut, a bit
flipped, encoding mislabelled, a value swapped, tags left open, labels repeated …) over it, then the good file
again. Each ingest must finish (no exception out of it, none caught by a safety net), every rejection must name the
file, and at the end every document of the good file must be indexed as the first ingest indexed it: a broken
version of a file costs, at most, its own records until the file is mended.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from helpers import HUNT, examples, real_inputs
from hypothesis import HealthCheck, given, settings
from test_fuzz_readers import CAUGHT, FILES, SECONDS, alarm, broken_files, original

from index.schema import content_hash
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths

# The per-record safety net's message (index.ingest.per_record) beside the readers' and the normaliser's.
CAUGHT_AFTER = re.compile(r"could not be indexed: \w+(?:Error|Exception)\b")


def _held(index_dir: Path) -> dict[str, str]:
    """id → content hash of every document the index holds (as its stored fields give it back)."""
    catalog = Catalog(index_dir)
    try:
        return {doc.id: content_hash(doc) for doc in catalog.documents()}
    finally:
        catalog.close()


@settings(
    max_examples=examples(6),
    derandomize=os.environ.get("FUZZ_EXAMPLES") is None and HUNT == 1,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(broken=broken_files())
@real_inputs
def test_a_broken_file_ingested_over_its_good_version_loses_nothing(tmp_path_factory, broken) -> None:
    name, data, _how = broken
    root = tmp_path_factory.mktemp("ingest")
    folder = root / "docs"
    folder.mkdir()
    path, index_dir = folder / name, root / "index"
    good = original(next(entry for entry in FILES if Path(entry).name.removesuffix(".gz") == name))[1]
    held = {}
    for step, content in (("good", good), ("broken", data), ("good again", good)):
        path.write_bytes(content)
        with alarm(3 * SECONDS):
            report = ingest_paths([folder], index_dir)
        for rejection in report.rejected:
            assert rejection.source == str(path), (step, str(rejection))
            assert not CAUGHT.search(str(rejection)) and not CAUGHT_AFTER.search(str(rejection)), (step, str(rejection))
        held[step] = _held(index_dir)
    first, last = held["good"], held["good again"]
    assert {doc_id: last.get(doc_id) for doc_id in first} == first
    assert set(first) <= set(held["broken"])  # nothing indexed is lost while the file is broken
