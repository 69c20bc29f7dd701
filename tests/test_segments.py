"""Segments built in bulk (index/whoosh/segments.py) hold exactly what Whoosh's own writer writes for the same
documents, and the bulk writer commits them, with deletions, whether built in this process or in worker processes."""

from __future__ import annotations

import concurrent.futures
import io
import json
import multiprocessing
from pathlib import Path

import pytest
from helpers import DOCUMENTS, WEB_FIXTURES
from whoosh import index as whoosh_index

from index.analysis import segmenter
from index.normalise import normalise
from index.readers import read_file
from index.record import ReadError
from index.schema import build_schema, content_hash, to_fields
from index.whoosh import segments
from index.whoosh.postings import GramPositions, TermCounts, read_positions, read_postings
from index.whoosh.runs import analyse
from index.whoosh.segments import per_document, write_segment
from index.whoosh.writer import BulkWriter, commit_segments


def bundled_fields() -> list[dict]:
    """Every bundled and web-fixture document as the fields ingest writes (empty fields, hostile text included)."""
    docs = []
    for folder in (DOCUMENTS, WEB_FIXTURES):
        for path in sorted(folder.iterdir()):
            if path.suffix == ".md":
                continue
            for item in read_file(path):
                if not isinstance(item, ReadError):
                    doc = normalise(item)
                    docs.append(to_fields(doc, content_hash(doc)))
    return docs


def contents(reader, matchers: bool = False) -> dict:
    """Everything a reader gives back: postings with values (bigram and word fields' through the bulk readers, which
    read packed and W3 lists, unless ``matchers``: Whoosh's own, which read W3 lists only), stored fields, columns,
    field lengths."""
    schema = reader.schema
    postings = {}
    [(leaf, _offset)] = reader.leaf_readers()
    for fieldname, tbytes in reader.all_terms():
        info = reader.term_info(fieldname, tbytes)
        # the term info's counts, as Whoosh's scorers and doc_frequency read them
        counts = (info.doc_frequency(), info.weight(), info.min_length(), info.max_length(), info.max_weight())
        if not matchers and isinstance(schema[fieldname].format, GramPositions | TermCounts):
            # packed here, W3 in Whoosh's: read by the bulk readers, which read both
            term = tbytes.decode("utf-8")
            docs, freqs = read_postings(leaf, fieldname, term)
            read = [docs.tolist(), freqs.tolist()]
            if isinstance(schema[fieldname].format, GramPositions):
                read += [array.tolist() for array in read_positions(leaf, fieldname, term)]
            postings[(fieldname, tbytes)] = (counts, read)
        else:
            postings[(fieldname, tbytes)] = (counts, list(reader.postings(fieldname, tbytes).all_items()))
    stored = [reader.stored_fields(docnum) for docnum in range(reader.doc_count_all())]
    columns = {
        name: list(reader.column_reader(name)) for name in schema.names() if schema[name].column_type is not None
    }
    lengths = {
        name: [reader.doc_field_length(docnum, name) for docnum in range(reader.doc_count_all())]
        for name in schema.scorable_names()
    }
    return {"postings": postings, "stored": stored, "columns": columns, "lengths": lengths}


class Reference:
    """The bundled documents written by Whoosh's own writer, once for the module, and what they read back as
    (:func:`contents`, per way of reading, computed once each)."""

    def __init__(self, folder: Path) -> None:
        self.docs = bundled_fields()
        self.index = whoosh_index.create_in(str(folder), build_schema())
        with self.index.writer() as writer:
            for fields in self.docs:
                writer.add_document(**fields)
        self._contents: dict[bool, dict] = {}

    def contents(self, matchers: bool) -> dict:
        if matchers not in self._contents:
            with self.index.reader() as reader:
                self._contents[matchers] = contents(reader, matchers=matchers)
        return self._contents[matchers]


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Reference:
    return Reference(tmp_path_factory.mktemp("whoosh"))


@pytest.mark.parametrize(
    ("range_rows", "pool", "packed"),
    [(4_000_000, False, True), (300, False, True), (300, True, True), (300, False, False), (300, True, False)],
    ids=["one-range", "many-ranges", "many-ranges-in-worker-processes", "w3-layout", "w3-layout-in-worker-processes"],
)
def test_a_segment_merged_from_runs_holds_what_whooshs_writer_writes(
    tmp_path: Path, monkeypatch, reference: Reference, range_rows, pool, packed
) -> None:
    """The same postings read back whether the posting lists are merged here or encoded a range at a time by
    worker processes (segments.encode_range) and copied in; packed, or in Whoosh's W3 layout as segments were
    written before (then the very postings Whoosh's own matchers read)."""
    monkeypatch.setattr(segments, "RANGE_ROWS", range_rows)  # merged a range of occurrences at a time
    monkeypatch.setattr(segments, "PACKED_LISTS", packed)
    docs = reference.docs
    bulk_dir = tmp_path / "bulk"
    bulk_dir.mkdir()
    bulk = whoosh_index.create_in(str(bulk_dir), build_schema())
    tokenizer = segmenter()

    def cut(text: str) -> list[str]:
        return list(tokenizer.cut(text, HMM=True))

    # Three batches, merged into one segment: documents keep their order across batches.
    thirds = [docs[: len(docs) // 3], docs[len(docs) // 3 : 2 * len(docs) // 3], docs[2 * len(docs) // 3 :]]
    batches = [
        (analyse(bulk.schema, cut, batch).spill(tmp_path).opened(), [per_document(bulk.schema, f) for f in batch])
        for batch in thirds
    ]
    if pool:
        # spawn, as the bulk writer starts them: the jobs reach the workers pickled
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(2, mp_context=context) as executor:
            segment = write_segment(bulk.schema, bulk.storage, bulk.indexname, batches, executor, tmp_path)
        assert not list(tmp_path.glob("*.postings"))  # every range's bytes copied in and removed
    else:
        segment = write_segment(bulk.schema, bulk.storage, bulk.indexname, batches)
    commit_segments(bulk.writer(), [segment])
    with whoosh_index.open_dir(str(bulk_dir)).reader() as built:
        assert built.doc_count() == reference.index.doc_count() == len(docs)
        got, want = contents(built, matchers=not packed), reference.contents(matchers=not packed)
        assert got["postings"].keys() == want["postings"].keys()
        assert got == want


def _doc(n: int) -> dict:
    return {
        "id": f"doc-{n:03d}",
        "title": f"第{n}号文件：城乡低保标准",
        "body": f"正文{n}。" + "提高城乡低保标准。" * 5,
    }


@pytest.mark.parametrize("workers", [0, 2], ids=["in-process", "worker-processes"])
def test_bulk_writer_commits_new_segments_and_deletions_together(tmp_path: Path, workers: int) -> None:
    from index.query import SearchRequest
    from index.whoosh.catalog import Catalog
    from index.whoosh.generations import new_generation, publish

    index_dir = tmp_path / "index"
    generation, ix = new_generation(index_dir, build_schema())
    writer = BulkWriter(ix, workers=workers, batch_chars=2_000)  # a batch every ~20 documents
    for n in range(60):
        doc = normalise_json(tmp_path, _doc(n))
        writer.update_document(**to_fields(doc, content_hash(doc)))
    writer.commit()
    publish(index_dir, generation)
    catalog = Catalog(index_dir)
    assert catalog.search(SearchRequest(q="城乡低保标准")).total == 60
    # A second writer replaces one document and deletes another; the rest stay.
    writer = BulkWriter(whoosh_index.open_dir(str(generation)), workers=workers)
    changed = normalise_json(tmp_path, {**_doc(7), "title": "第7号文件（修订）：城乡低保标准"})
    writer.update_document(**to_fields(changed, content_hash(changed)))
    writer.delete_by_term("id", "doc-008")
    writer.commit()
    catalog.prepare()  # as ingest does after committing: searches move to a commit once it is prepared
    assert catalog.search(SearchRequest(q="城乡低保标准")).total == 59
    assert [hit.title for hit in catalog.search(SearchRequest(q="修订")).hits] == ["第7号文件（修订）：城乡低保标准"]
    catalog.close()


def test_a_cancelled_bulk_writer_leaves_the_index_as_it_was(tmp_path: Path) -> None:
    from index.whoosh.generations import new_generation

    generation, ix = new_generation(tmp_path / "index", build_schema())
    writer = BulkWriter(ix, workers=0)
    doc = normalise_json(tmp_path, _doc(1))
    writer.add_document(**to_fields(doc, content_hash(doc)))
    writer.cancel()
    assert whoosh_index.open_dir(str(generation)).doc_count() == 0
    assert not list(generation.glob(".segments-*")) and not list(generation.glob("*.seg"))


def normalise_json(folder: Path, record: dict):
    path = folder / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    [item] = list(read_file(path))
    return normalise(item)


def test_small_ingests_keep_the_number_of_segments_bounded(tmp_path: Path, monkeypatch) -> None:
    """Each ingest commits a segment; past MAX_SMALL_SEGMENTS small ones they are merged, deletions left behind."""
    from index.query import SearchRequest
    from index.whoosh import merge
    from index.whoosh.catalog import Catalog
    from index.whoosh.ingest import ingest_paths

    monkeypatch.setattr(merge, "MAX_SMALL_SEGMENTS", 3)
    index_dir = tmp_path / "index"
    for n in range(7):
        path = tmp_path / f"day-{n}.json"
        path.write_text(json.dumps([_doc(2 * n), _doc(2 * n + 1)], ensure_ascii=False), "utf-8")
        ingest_paths([path], index_dir)
    changed = tmp_path / "day-0.json"  # the first day's file again, one document changed: an update
    changed.write_text(
        json.dumps([{**_doc(0), "title": "第0号文件（修订）：城乡低保标准"}, _doc(1)], ensure_ascii=False)
    )
    ingest_paths([changed], index_dir)
    catalog = Catalog(index_dir)
    with catalog.searcher() as searcher:
        leaves = list(searcher.reader().leaf_readers())
        assert len(leaves) <= 4
        assert searcher.doc_count() == 14
    assert catalog.search(SearchRequest(q="城乡低保标准", per_page=50)).total == 14
    assert [hit.id for hit in catalog.search(SearchRequest(q="修订")).hits] == ["doc-000"]
    assert [hit.title for hit in catalog.search(SearchRequest(q='"第13号文件"')).hits] == ["第13号文件：城乡低保标准"]
    catalog.close()


@pytest.mark.parametrize(
    ("sizes", "merged"),
    [
        pytest.param([20_000, 20_000, 5], [], id="few-small-ones-wait"),
        pytest.param([20_000] * 12 + [7], [], id="big-chunk-segments-are-left-alone"),
        pytest.param([20_000, 3, 4, 2, 9, 1, 5, 6, 8, 7], [1, 2, 3, 4, 5, 6, 7, 8, 9], id="nine-small-ones-merge"),
    ],
)
def test_which_segments_a_commit_merges(sizes, merged) -> None:
    from index.whoosh.merge import segments_to_merge

    assert segments_to_merge(sizes) == merged


def test_a_chunks_stored_fields_wait_for_the_commit_on_disk(tmp_path: Path) -> None:
    """Until the commit, the bulk writer keeps each analysed batch's stored fields in a file (SavedDocuments), not
    in memory; the commit writes them as they were and removes the files."""
    from index.query import SearchRequest
    from index.whoosh.catalog import Catalog
    from index.whoosh.generations import new_generation, publish
    from index.whoosh.writer import SavedDocuments

    index_dir = tmp_path / "index"
    generation, ix = new_generation(index_dir, build_schema())
    writer = BulkWriter(ix, workers=0, batch_chars=2_000)  # a batch every ~20 documents
    for n in range(60):
        doc = normalise_json(tmp_path, _doc(n))
        writer.add_document(**to_fields(doc, content_hash(doc)))
    saved = [documents for _, documents in writer._batches]
    assert saved and all(isinstance(documents, SavedDocuments) for documents in saved)
    assert all(documents.path.exists() and documents._values is None for documents in saved)
    writer.commit()
    assert not any(documents.path.exists() for documents in saved)
    publish(index_dir, generation)
    catalog = Catalog(index_dir)
    found = catalog.search(SearchRequest(q='"第42号文件"'))
    assert [hit.title for hit in found.hits] == ["第42号文件：城乡低保标准"]
    assert catalog.search(SearchRequest(q="城乡低保标准", per_page=100)).total == 60
    catalog.close()


class _KeptOpen:
    """A bytes buffer whose close keeps its bytes (a StructFile closes its file)."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()

    def __getattr__(self, name):
        return getattr(self.buffer, name)

    def close(self) -> None:
        pass


def test_a_term_table_written_in_bulk_has_whooshs_bytes() -> None:
    """The term table written a range of terms at a time, its hashes kept in arrays (segments._append_bytes), is the
    file Whoosh's OrderedHashWriter writes from the same keys and values added one by one: the same records, and the
    same 256 hash tables (linear probing, slots in the order the keys came), so Whoosh and TermTable read it alike."""
    import random
    from types import SimpleNamespace

    from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter
    from whoosh.filedb.structfile import StructFile
    from whoosh.system import pack_int, pack_long, pack_ushort

    rng = random.Random(7)
    words = sorted(
        {"".join(rng.choice("政府信息公开低保标准通知") for _ in range(rng.randint(1, 4))) for _ in range(3000)}
    )
    terms = [(w.encode(), bytes([n % 251]) * (n % 7), n * 3, n % 11 + 1) for n, w in enumerate(words)]
    files = {}
    for way in ("whoosh", "bulk"):
        table_file, post_file = _KeptOpen(), _KeptOpen()
        table = OrderedHashWriter(StructFile(table_file))
        postings = StructFile(post_file)
        postings.write(b"head")
        if way == "whoosh":
            for text, info, start, length in terms:
                table.add(pack_ushort(3) + text, info + pack_long(4 + start) + pack_int(length))
        else:
            fields = SimpleNamespace(_postfile=postings, _tindex=table, _fieldid=3)
            for low in range(0, len(terms), 500):
                segments._append_bytes(fields, b"", terms[low : low + 500])
        table.close()
        files[way] = table_file.buffer.getvalue()
    assert files["bulk"] == files["whoosh"]
    reader = OrderedHashReader(StructFile(io.BytesIO(files["bulk"])), len(files["bulk"]))
    assert sum(slots for _, slots in reader.tables) == 2 * len(terms)
    assert reader[pack_ushort(3) + words[123].encode()] == terms[123][1] + pack_long(4 + 369) + pack_int(3)
