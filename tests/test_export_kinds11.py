"""Export kinds first seen in the fidelity collection's exports11.json (round 12), each held by real tune records."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import real_inputs

from bench.fidelity import COLLECTION, ingest_one, load_manifest, same
from index.keyparts import field_by_parts

CHUNKS = "pages/jfx-knowledge-chunks.jsonl.gz"


def _tune_records(file: str) -> list[tuple[dict, object]]:
    """The tune entries of the fidelity file ``file`` with what ``portal ingest``'s path gives for each; the file's
    held-out records are never read. Skips the test where the file is absent from the real-input folder."""
    if not (COLLECTION / file).is_file():
        pytest.skip(f"{file} is absent from {COLLECTION} (the real inputs live outside the repository)")
    entries = [page for page in load_manifest()["pages"] if page["file"] == file and page["split"] == "tune"]
    assert entries, f"no tune entry names {file}"
    name = Path(file).name.removesuffix(".gz")
    return [(entry, ingest_one(COLLECTION / file, name, entry["record"])) for entry in entries]


@real_inputs
def test_a_chunks_piece_of_text_key_is_its_body():
    """A RAG project's knowledge chunks (JunFengXiang/electricity-policy-rag knowledge_chunks.jsonl) keep each
    chunk's slice of the page's text under 正文片段 beside 文件标题, 发布机构 …: the slice is the record's body (a
    chunk of a table, short lines of numbers and names, is no text of sentences the values' own test would take)."""
    records = _tune_records(CHUNKS)
    assert len(records) >= 2
    for entry, outcome in records:
        assert not outcome.error, outcome.error
        for field in ("body_head", "body_tail"):
            assert same(field, entry["expected"][field], outcome.values[field]), (entry["record"], field, outcome)


def test_a_piece_of_a_texts_label_names_the_text_and_nothing_else():
    assert field_by_parts("正文片段") == "body"
    assert field_by_parts("内容节选") == "body"
    for key in ("片段", "标题片段", "章节标题", "切片编号", "切片序号", "文件标题"):
        assert field_by_parts(key) is None, key
