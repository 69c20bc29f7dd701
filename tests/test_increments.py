"""The arrays, vocabulary, speller and lexicon table a commit's searches read, derived from the commit before's
(index/whoosh/increments.py), are those a full derivation gives: after a re-crawl that changed and added documents
(a new segment, old versions deleted) and after a takedown (deletions only), on real documents of the corpus."""

from __future__ import annotations

import gzip
import itertools
import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from helpers import shared_path

from index.whoosh import increments
from index.whoosh.catalog import Catalog
from index.whoosh.checksums import unseal
from index.whoosh.generations import current_generation
from index.whoosh.ingest import WhooshIngest, ingest_paths

DOCS = 60


def _saved(index_dir: Path) -> dict[str, object]:
    generation = current_generation(index_dir)
    assert generation is not None
    return {
        kind: pickle.loads(unseal(path.read_bytes()))
        for kind in ("arrays", "vocabulary", "lexicon")
        for path in generation.glob(f"{kind}-*.pickle")
    }


def _derived_in_full(index_dir: Path, monkeypatch) -> dict[str, object]:
    """What Catalog.prepare saves for the current commit when nothing is carried over from the commit before."""
    generation = current_generation(index_dir)
    assert generation is not None
    for path in generation.glob("*-*.pickle"):
        path.unlink()
    with monkeypatch.context() as patched:
        patched.setattr(increments, "arrays_after", lambda *args: pytest.fail("carried over"))
        catalog = Catalog(index_dir)
        catalog.prepare()
        catalog.close()
    return _saved(index_dir)


def _same(carried: dict, full: dict) -> None:
    arrays, expected = carried["arrays"], full["arrays"]
    assert arrays["version"] == expected["version"]
    assert np.array_equal(arrays["alive"], expected["alive"])
    assert sorted(map(str, arrays["derived"])) == sorted(map(str, expected["derived"]))
    for key, value in expected["derived"].items():
        _equal(arrays["derived"][key], value, key)
    (vocabulary, speller), (full_vocabulary, full_speller) = carried["vocabulary"], full["vocabulary"]
    assert list(vocabulary.frequency.items()) == list(full_vocabulary.frequency.items())
    assert (vocabulary.words, vocabulary.ids, vocabulary.titles) == (
        full_vocabulary.words,
        full_vocabulary.ids,
        full_vocabulary.titles,
    )
    assert (vocabulary._joined, vocabulary._starts) == (full_vocabulary._joined, full_vocabulary._starts)
    assert (speller._by_sound, speller._by_length) == (full_speller._by_sound, full_speller._by_length)
    assert carried["lexicon"] == full["lexicon"]


def _equal(value, expected, key) -> None:
    if isinstance(expected, np.ndarray):
        assert value.dtype == expected.dtype and np.array_equal(value, expected), key
    elif isinstance(expected, tuple | list):
        assert len(value) == len(expected), key
        for part, expected_part in zip(value, expected, strict=True):
            _equal(part, expected_part, key)
    else:
        assert value == expected, key


def test_a_recrawl_and_a_takedown_derive_from_the_commit_before_what_a_full_derivation_gives(
    tmp_path: Path, monkeypatch
) -> None:
    with gzip.open(shared_path("corpus", "real.jsonl.gz"), "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in itertools.islice(handle, DOCS + 10)]
    crawl, index_dir = tmp_path / "crawl.jsonl", tmp_path / "index"
    crawl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records[:DOCS]), "utf-8")
    ingest_paths([crawl], index_dir)
    first = _saved(index_dir)["vocabulary"][0].frequency
    carried: list[str] = []
    original = increments.arrays_after

    def counted(*args):
        arrays = original(*args)
        carried.append("arrays" if arrays is not None else "none")
        return arrays

    monkeypatch.setattr(increments, "arrays_after", counted)
    # A re-crawl: 8 documents changed (a new word in 3 of them, in title and body), 10 new ones.
    changed = range(0, DOCS, DOCS // 8)[:8]
    for n in changed:
        records[n]["title"] = f"{records[n].get('title') or ''}（修订）" + ("增补勘误说明" if n % 3 == 0 else "")
        records[n]["body"] = f"{records[n].get('body') or ''}\n本文已修订。" + ("增补勘误说明" if n % 3 == 0 else "")
    crawl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    report = ingest_paths([crawl], index_dir).to_dict()
    assert (report["added"], report["updated"]) == (10, len(changed))
    assert carried == ["arrays"]
    now = _saved(index_dir)["vocabulary"][0].frequency
    assert set(now) - set(first) and any(now[word] > first[word] for word in first)  # new words, and more documents
    _same(_saved(index_dir), _derived_in_full(index_dir, monkeypatch))
    # A takedown: a deletion, no new segment.
    monkeypatch.setattr(increments, "arrays_after", counted)
    WhooshIngest(index_dir).remove(str(records[5]["id"]))
    assert carried == ["arrays", "arrays"]
    _same(_saved(index_dir), _derived_in_full(index_dir, monkeypatch))


def test_a_commit_that_merged_or_dropped_segments_is_not_carried_over() -> None:
    before = ("gen-0001", 3, (("a", 10, 9), ("b", 5, 5)))
    assert increments.kept_documents(before, ("gen-0001", 4, (("a", 10, 8), ("b", 5, 5), ("c", 2, 2)))) == 15
    assert increments.kept_documents(before, ("gen-0001", 4, (("ab", 15, 14),))) is None  # merged
    assert increments.kept_documents(before, ("gen-0001", 4, (("b", 5, 5), ("c", 2, 2)))) is None  # dropped
    assert increments.kept_documents(before, ("gen-0002", 1, (("a", 10, 9), ("b", 5, 5)))) is None  # rebuilt
