"""Segments merged term by term (index/whoosh/merge.py) hold what one segment written from the same live documents
holds, and an index merged into one segment answers searches as the unmerged one did, deleted documents included."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import DOCUMENTS
from test_segments import bundled_fields, contents
from whoosh import index as whoosh_index

from index.analysis import segmenter
from index.query import SearchRequest
from index.schema import build_schema
from index.whoosh import merge, writer
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths
from index.whoosh.runs import analyse
from index.whoosh.segments import per_document, write_segment
from index.whoosh.writer import commit_segments


def _segment(ix, docs: list[dict]):
    tokenizer = segmenter()
    runs = analyse(ix.schema, lambda text: list(tokenizer.cut(text, HMM=True)), docs)
    return write_segment(ix.schema, ix.storage, ix.indexname, [(runs, [per_document(ix.schema, f) for f in docs])])


@pytest.mark.long
@pytest.mark.parametrize("pool", [False, True], ids=["in-process", "worker-processes"])
def test_merged_segments_hold_what_one_segment_of_their_live_documents_holds(
    tmp_path: Path, monkeypatch, pool: bool
) -> None:
    """Three segments, documents deleted from two, merged (in small term ranges, flushed often) equal one segment
    written from the live documents in the same order: postings with positions, stored fields, columns, lengths."""
    monkeypatch.setattr(merge, "JOB_ROWS", 200)  # many ranges a field
    monkeypatch.setattr(merge, "FLUSH_ROWS", 300)  # a job encodes what it read many times over
    monkeypatch.setattr(merge, "COPY_BYTES", 4_000)  # and its bytes are copied in pieces
    docs = bundled_fields()
    schema = build_schema()
    parts = [docs[:20], docs[20:45], docs[45:]]
    deleted = {0: [3, 7], 2: [0, 18]}  # segment → positions of deleted documents in it
    split_dir, one_dir = tmp_path / "split", tmp_path / "one"
    split_dir.mkdir(), one_dir.mkdir()
    split = whoosh_index.create_in(str(split_dir), schema)
    commit_segments(split.writer(), [_segment(split, part) for part in parts])
    with split.writer() as deleting:
        for index, positions in deleted.items():
            offset = sum(len(part) for part in parts[:index])
            for position in positions:
                deleting.delete_document(offset + position)
    live = [doc for i, part in enumerate(parts) for j, doc in enumerate(part) if j not in deleted.get(i, [])]
    one = whoosh_index.create_in(str(one_dir), schema)
    commit_segments(one.writer(), [_segment(one, live)])
    # In worker processes (spawned: FLUSH_ROWS is theirs; the ranges are cut here) or in this process.
    assert merge.merge_committed(split, lambda sizes: [0, 1, 2], workers=2 if pool else 1)
    assert not list(split_dir.glob(".segments-*"))  # the scratch folder and every job's bytes removed
    with whoosh_index.open_dir(str(split_dir)).reader() as got, one.reader() as want:
        assert len(list(got.leaf_readers())) == 1 and not got.has_deletions()
        assert got.doc_count() == want.doc_count() == len(live)
        merged_contents, expected = contents(got), contents(want)
        assert merged_contents["postings"].keys() == expected["postings"].keys()
        assert merged_contents == expected


@pytest.fixture(scope="module")
def segmented(tmp_path_factory) -> Path:
    """The bundled documents ingested in chunks of 10 (several segments, none merged), then two files changed and
    ingested again: their documents' old versions are deleted from the segments that held them. Built once;
    tests that merge it work on a copy (:func:`_copy`)."""
    root = tmp_path_factory.mktemp("segmented")
    sources = root / "sources"
    shutil.copytree(DOCUMENTS, sources)
    index_dir = root / "index"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writer, "CHUNK_DOCS", 10)
        patch.setattr(writer, "merge_committed", lambda *args, **kwargs: False)
        ingest_paths([sources], index_dir)
        for name in ("siyang-2016-wubao-gongyang-biaozhun.txt", "suqian-gov-2021-chengshi-gengxin-banfa.txt"):
            path = sources / name
            path.write_text(path.read_text("utf-8").replace("标准", "标准（修订）", 1), "utf-8")
        ingest_paths([sources], index_dir)
    return index_dir


def _copy(index_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    return copy


def _answers(catalog: Catalog, queries: list[str]) -> list[tuple]:
    answers = []
    for q in queries:
        for request in (SearchRequest(q=q, per_page=50), SearchRequest(q=q, per_page=50, sort="date")):
            result = catalog.search(request)
            facets = {name: [(value.value, value.count) for value in values] for name, values in result.facets.items()}
            hits = [(hit.id, round(hit.score, 3), hit.title_html, hit.snippet_html) for hit in result.hits]
            answers.append((q, request.sort, result.total, hits, facets))
    return answers


def test_an_optimized_index_answers_as_the_unmerged_one(tmp_path: Path, segmented: Path) -> None:
    """Words, phrases (quoted, and a pasted title), a 文号, date order and facet counts: the same hits in the same
    order with the same scores (to 3 places), highlights and facets, before and after ``optimize``."""
    index_dir = _copy(segmented, tmp_path)
    catalog = Catalog(index_dir)
    with catalog.searcher() as searcher:
        reader = searcher.reader()
        assert len(list(reader.leaf_readers())) >= 5 and reader.has_deletions()
        titles = sorted({stored.get("title", "") for stored in reader.all_stored_fields()} - {""})
    queries = ["标准", "低保 标准", "修订", "财政 预算", "宿迁", '"公开"', '"城市更新"', titles[0], titles[-1]]
    queries += [title[2:9] for title in titles[:6]] + ["苏财预〔2024〕", "没有这样的词语组合"]
    before = _answers(catalog, queries)
    catalog.close()
    segments_before, segments_after = merge.optimize(index_dir, workers=1)
    assert segments_before >= 5 and segments_after == 1
    catalog = Catalog(index_dir)
    with catalog.searcher() as searcher:
        assert not searcher.reader().has_deletions()
    after = _answers(catalog, queries)
    catalog.close()
    assert sum(answer[2] for answer in before) > 0 and any(answer[4] for answer in before)
    assert after == before


def test_the_vocabulary_of_several_segments_is_what_whooshs_multi_reader_counts(segmented: Path) -> None:
    """vocabulary_of reads each segment's terms in one pass and sums their counts: the same words and weights as
    Whoosh's multi-segment iter_field, which looks every term up in every segment."""
    from index.query.suggest import Vocabulary
    from index.whoosh.catalog import vocabulary_of
    from index.whoosh.generations import open_current

    with open_current(segmented).reader() as reader:
        assert len(reader.leaf_readers()) >= 5
        vocabulary = vocabulary_of(reader)

        def holding(fieldname: str):
            for term, info in reader.iter_field(fieldname):
                yield term.decode("utf-8"), info.doc_frequency()

        titles = [(str(s.get("id", "")), str(s.get("title", ""))) for _, s in reader.iter_docs() if s.get("title")]
        expected = Vocabulary.weighed(holding, titles)
    assert vocabulary.words == expected.words and vocabulary.frequency == expected.frequency
    assert len(vocabulary.words) > 50


def test_a_bulk_ingest_leaves_one_segment(tmp_path: Path, monkeypatch) -> None:
    """With MERGE_AFTER_BULK, an ingest that committed several chunks merges them at its end: one segment."""
    monkeypatch.setattr(writer, "CHUNK_DOCS", 10)
    monkeypatch.setattr(merge, "MERGE_AFTER_BULK", True)
    index_dir = tmp_path / "index"
    report = ingest_paths([DOCUMENTS], index_dir)
    catalog = Catalog(index_dir)
    with catalog.searcher() as searcher:
        assert len(list(searcher.reader().leaf_readers())) == 1
        assert searcher.doc_count() == len(report.added) > 20
    assert catalog.search(SearchRequest(q="标准", per_page=50)).total > 0
    catalog.close()


def test_portal_optimize_merges_and_says_so(tmp_path: Path, segmented: Path) -> None:
    """`portal optimize`, run as a user runs it: the segments merged, in Chinese; no index is a clear error."""
    import os
    import subprocess
    import sys

    from helpers import ROOT

    index_dir = _copy(segmented, tmp_path)
    env = {**os.environ, "PORTAL_INDEX_DIR": str(index_dir)}
    command = [sys.executable, "-m", "portal", "optimize"]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert re.search(r"\d+ 个分段 → 1 个分段", done.stdout)
    env["PORTAL_INDEX_DIR"] = str(tmp_path / "nothing")
    missing = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    assert missing.returncode == 1 and "portal ingest" in missing.stderr and "Traceback" not in missing.stderr
    assert not (tmp_path / "nothing").exists()
