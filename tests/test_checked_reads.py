"""An index opened to be checked as it is read (``check="read"``, what `portal search` does) never answers from a
damaged byte: every block a search reads is hashed against the checksums saved at commit first, by Whoosh's reads and
the engine's positional ones alike, so damage anywhere in the segment either refuses the search naming the file or
is never read (the answers are those of the sound index); and a search hashes only the blocks it reads."""

from __future__ import annotations

import dataclasses
import json
import shutil
import threading
from pathlib import Path

import pytest
from helpers import ROOT

from index.query import SearchRequest
from index.whoosh import checksums, generations, live
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths

# Found as typed, through synonyms and corrections, several words, a phrase, a 文号, no hit, and the latest.
QUERIES = ["低保", "公积金 缴存", "养老报险", '"政府信息公开"', "苏财预〔2024〕", "独角兽飞船", ""]
BLOCK = 1024  # small blocks, so that the small index has many


@pytest.fixture(scope="module")
def small_blocks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """documents/ indexed with 1 KiB blocks (some hundreds in its segment)."""
    index_dir = tmp_path_factory.mktemp("checked") / "index"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(checksums, "BLOCK", BLOCK)
        ingest_paths([ROOT / "documents"], index_dir)
    return index_dir


def _segment(index_dir: Path) -> Path:
    [segment] = generations.current_generation(index_dir).glob("MAIN_*.seg")
    return segment


def _answers(index_dir: Path) -> tuple[list, bytearray]:
    """The answers to :data:`QUERIES` (and a lookup) from a catalog checking the index as it reads it, and which of
    the segment's blocks it read (found sound)."""
    catalog = Catalog(index_dir, check="read")
    try:
        found: list = [dataclasses.asdict(catalog.search(SearchRequest(q=q))) for q in QUERIES]
        found.append([dataclasses.asdict(hit) for hit in catalog.lookup("苏财预〔2024〕")])
        read = catalog._index().storage._blocks[_segment(index_dir).name]._sound
    finally:
        catalog.close()
    for answer in found[: len(QUERIES)]:
        answer.pop("elapsed_ms")
    return found, read


def test_damaged_bytes_are_refused_or_never_read(small_blocks: Path, tmp_path: Path) -> None:
    sound, read = _answers(small_blocks)
    blocks = len(read)
    assert blocks > 100
    refused = 0
    for number in range(0, blocks, blocks // 90):  # 90 blocks spread over the segment, each damaged alone
        copy = tmp_path / f"block-{number}"
        shutil.copytree(small_blocks, copy)
        segment = _segment(copy)
        data = bytearray(segment.read_bytes())
        for at in range(number * BLOCK + 37, min((number + 1) * BLOCK, len(data)), 128):  # any read of 128 bytes
            data[at] ^= 0x10
        segment.write_bytes(bytes(data))
        try:
            answers, _ = _answers(copy)
        except generations.DamagedIndex as exc:
            assert exc.path == segment and "校验和" in exc.why, exc
            assert read[number], number  # a block the sound searches read
            refused += 1
        else:
            assert answers == sound, number
        shutil.rmtree(copy)
    assert refused >= 10


def test_a_search_hashes_only_the_blocks_it_reads(small_blocks: Path) -> None:
    catalog = Catalog(small_blocks, check="read")
    try:
        assert catalog.search(SearchRequest(q="低保")).total
        read = catalog._index().storage._blocks[_segment(small_blocks).name]._sound
    finally:
        catalog.close()
    assert 0 < sum(read) < len(read) // 2, (sum(read), len(read))


@pytest.mark.parametrize("blocks", [None, "not base64!", "AAAA", 7])
def test_a_damaged_entry_of_block_hashes_refuses_the_index_naming_the_manifest(
    small_blocks: Path, tmp_path: Path, blocks
) -> None:
    copy = tmp_path / "index"
    shutil.copytree(small_blocks, copy)
    manifest = generations.current_generation(copy) / checksums.MANIFEST
    saved = json.loads(manifest.read_text("utf-8"))
    saved["files"][_segment(copy).name][4] = blocks
    manifest.write_text(json.dumps(saved), "utf-8")

    catalog = Catalog(copy, check="read")
    try:
        with pytest.raises(generations.DamagedIndex) as refused:
            catalog.search(SearchRequest(q="低保"))
    finally:
        catalog.close()
    assert refused.value.path == manifest and _segment(copy).name in refused.value.why


def _damage_block(segment: Path, number: int) -> None:
    data = bytearray(segment.read_bytes())
    for at in range(number * BLOCK + 37, min((number + 1) * BLOCK, len(data)), 128):
        data[at] ^= 0x10
    segment.write_bytes(bytes(data))


def _wait_for_the_hashing() -> None:
    for thread in threading.enumerate():
        if thread.name == "index-checksums":
            thread.join(30)


def test_a_server_open_refuses_damage_found_behind_it_even_where_no_search_reads(
    small_blocks: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """``check="behind"`` (a server): the open does not wait for the whole files to be hashed, yet damage in a block
    no search reads is found by the thread hashing them, logged naming the file, and every later search refused."""
    _, read = _answers(small_blocks)
    unread = next(number for number in range(len(read) - 1, 0, -1) if not read[number])
    copy = tmp_path / "index"
    shutil.copytree(small_blocks, copy)
    segment = _segment(copy)
    _damage_block(segment, unread)

    catalog = Catalog(copy, check="behind")
    try:
        with caplog.at_level("ERROR", logger="index.whoosh.checksums"):
            catalog._index()  # opened: nothing refused, the hashing goes on behind
            _wait_for_the_hashing()
        assert any(str(segment) in record.getMessage() for record in caplog.records), caplog.text
        with pytest.raises(generations.DamagedIndex) as refused:
            catalog.search(SearchRequest(q="低保"))
    finally:
        catalog.close()
    assert refused.value.path == segment


def test_a_sound_index_opened_behind_answers_as_one_checked_at_open(small_blocks: Path) -> None:
    """The thread finds every file sound and takes each block as sound: the answers are those of ``check="open"``,
    and no block is hashed again at its read."""
    answers = {}
    for check in ("open", "behind"):
        catalog = Catalog(small_blocks, check=check)
        try:
            catalog._index()
            _wait_for_the_hashing()
            found = [dataclasses.asdict(catalog.search(SearchRequest(q=q))) for q in QUERIES]
            sound = catalog._index().storage._blocks[_segment(small_blocks).name]._sound
        finally:
            catalog.close()
        for answer in found:
            answer.pop("elapsed_ms")
        answers[check] = found
        assert all(sound), check
    assert answers["behind"] == answers["open"]


def test_a_server_starts_hashing_before_its_open_and_the_open_takes_those_checks(small_blocks: Path) -> None:
    """``portal serve`` starts hashing the live generation before it imports what opens it (index/whoosh/live.py);
    the open with ``check="behind"`` takes the checks started (once: a later open starts its own)."""
    live.start_checks(small_blocks)
    [(_, started)] = checksums._STARTED.values()
    catalog = Catalog(small_blocks, check="behind")
    try:
        assert catalog._index().storage._blocks is started
        assert not checksums._STARTED
        assert catalog.search(SearchRequest(q="低保")).total
    finally:
        catalog.close()
    again = Catalog(small_blocks, check="behind")
    try:
        assert again._index().storage._blocks is not started
    finally:
        again.close()
