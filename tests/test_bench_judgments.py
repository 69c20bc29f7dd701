"""The judged queries of bench/data/topical.json and the bigram system bench.pool pools them with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import shared_path

from bench.pool import Bigrams, units
from bench.textbook import records

TOPICAL = Path(__file__).resolve().parent.parent / "bench" / "data" / "topical.json"


def test_every_entry_is_complete_and_twins_share_their_need():
    entries = json.loads(TOPICAL.read_text("utf-8"))
    kinds = {e["kind"] for e in entries}
    assert kinds == {"topical", "everyday", "traditional"}
    assert sum(e["kind"] == "topical" for e in entries) >= 30
    assert sum(e["kind"] == "everyday" for e in entries) >= 20
    assert sum(e["kind"] == "traditional" for e in entries) >= 10
    for entry in entries:
        assert entry["query"].strip() and entry["need"].strip(), entry["query"]
        assert set(entry["judgments"].values()) <= {0, 1, 2, 3}, entry["query"]
        assert max(entry["judgments"].values()) >= 2, f"{entry['query']}: nothing relevant judged"
        assert bool(entry.get("twin")) == (entry["kind"] != "topical"), entry["query"]
        assert entry.get("twin") != entry["query"]
    by_need: dict[str, dict] = {}
    for entry in entries:
        assert by_need.setdefault(entry["need"], entry["judgments"]) == entry["judgments"], entry["query"]


def test_every_judged_document_is_in_the_corpus():
    corpus = shared_path("corpus", "real.jsonl.gz")
    ids = {record["id"] for record in records(corpus)}
    judged = {doc_id for entry in json.loads(TOPICAL.read_text("utf-8")) for doc_id in entry["judgments"]}
    assert judged - ids == set()


def test_bigram_units_cut_chinese_runs_and_keep_latin_runs_whole():
    assert units("低保") == ["低保"]
    assert units("排污许可证") == ["排污", "污许", "许可", "可证"]
    assert units("GB/T 9704-2012 和 PM2.5") == ["和", "gb/t", "9704-2012", "pm2.5"]


def test_bigrams_rank_title_matches_first_and_match_any_bigram(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    docs = [
        {"id": "a", "title": "关于天气的通知", "body": "今天晴。" * 20},
        {"id": "b", "title": "工作报告", "body": "本文提到排污许可证一次。" + "其他内容。" * 20},
        {"id": "c", "title": "排污许可证管理办法", "body": "排污许可证的申请与核发。"},
        {"id": "d", "title": "许可事项清单", "body": "行政许可。"},
    ]
    corpus.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), "utf-8")
    ranked = Bigrams(corpus).search("排污许可证", limit=10)
    assert ranked[0] == "c"
    assert set(ranked) == {"b", "c", "d"}  # 'd' shares only the bigram 许可: an OR query still finds it
    assert ranked.index("b") < ranked.index("d")


def test_the_claims_sample_is_judged_whole_and_drawn_as_the_script_draws():
    """bench/data/claims-sample.json: at least 200 claims of every type, each judged with a reason; the strata
    sizes are the script's (python -m bench.claims)."""
    from bench import claims

    sample = json.loads(claims.SAMPLE.read_text("utf-8"))
    judgments = json.loads(claims.JUDGMENTS.read_text("utf-8"))
    assert len(sample) >= 200 and len({claim["key"] for claim in sample}) == len(sample)
    counts = {kind: sum(claim["type"] == kind for claim in sample) for kind in claims.PER_TYPE}
    assert counts == claims.PER_TYPE
    assert {claim["key"] for claim in sample} == set(judgments)
    assert all(isinstance(j["true"], bool) and j["why"].strip() for j in judgments.values())
    by_type, false = claims.precision(sample, judgments)
    assert sum(total for _, total in by_type.values()) == len(sample)
    assert len(false) == sum(not j["true"] for j in judgments.values())


def test_the_claims_sample_holds_ids_and_no_text_of_the_corpus():
    """The corpus is never copied into the repository: the sample keeps each claim's key, type, value and document
    ids, and every document it names is in ../shared/corpus (titles come from there at run time)."""
    from bench import claims

    sample = json.loads(claims.SAMPLE.read_text("utf-8"))
    assert all(claim == claims.kept(claim) for claim in sample)
    ids = {claim[side]["id"] for claim in sample for side in ("doc", "other") if claim[side]}
    titles = claims.corpus_titles(ids, shared_path("corpus", "real.jsonl.gz"))
    assert titles is not None and set(titles) == ids
    text = claims.SAMPLE.read_text("utf-8")
    assert not [title for title in titles.values() if len(title) >= 6 and title in text]


def test_the_claims_figures_name_false_claims_by_corpus_title_or_by_key_without_it(tmp_path, monkeypatch, capsys):
    import gzip

    from bench import claims

    sample = [
        {"key": "kind|s:1|原文", "type": "kind", "doc": {"id": "s:1"}, "other": None, "value": "原文"},
        {"key": "repeals|s:2|s:1", "type": "repeals", "doc": {"id": "s:2"}, "other": {"id": "s:1"}, "value": ""},
    ]
    (tmp_path / "sample.json").write_text(json.dumps(sample), "utf-8")
    verdicts = {"kind|s:1|原文": {"true": True, "why": "标题"}, "repeals|s:2|s:1": {"true": False, "why": "未废止"}}
    (tmp_path / "judgments.json").write_text(json.dumps(verdicts), "utf-8")
    monkeypatch.setattr(claims, "SAMPLE", tmp_path / "sample.json")
    monkeypatch.setattr(claims, "JUDGMENTS", tmp_path / "judgments.json")
    corpus = tmp_path / "real.jsonl.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as out:
        for doc_id, title in (("s:1", "甲办法"), ("s:2", "乙决定")):
            out.write(json.dumps({"id": doc_id, "title": title}, ensure_ascii=False) + "\n")

    assert claims.main(["--corpus", str(corpus)]) == 0
    shown = capsys.readouterr().out
    assert "| repeals | 0 | 1 | 0.0% |" in shown and "| **all** | 1 | 2 | 50.0% |" in shown
    assert "false: repeals 乙决定 → 甲办法: 未废止" in shown

    assert claims.main(["--corpus", str(tmp_path / "absent.jsonl.gz")]) == 0
    shown = capsys.readouterr().out
    assert "| **all** | 1 | 2 | 50.0% |" in shown
    assert "skipped:" in shown and "false: repeals|s:2|s:1: 未废止" in shown

    (tmp_path / "real.jsonl.gz").write_bytes(gzip.compress(b'{"id": "s:1", "title": "x"}\n'))
    assert claims.main(["--corpus", str(corpus)]) == 1  # s:2 is not in this corpus: drawn from another
    with pytest.raises(SystemExit):  # the judge's copy holds corpus text: never written into the repository
        claims.main(["--texts", str(claims.ROOT / "bench" / "data" / "texts.json")])
    assert not (claims.ROOT / "bench" / "data" / "texts.json").exists()
