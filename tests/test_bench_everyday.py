"""The everyday-query benchmark: its data file is well formed, and its measures compute as defined."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from bench import everyday
from bench.metrics import ndcg, success
from bench.textbook import Textbook, TextbookOr, build


def test_every_query_has_a_kind_a_need_and_a_split_and_both_splits_hold_each_kind():
    entries = json.loads(everyday.QUERIES.read_text("utf-8"))
    assert len(entries) >= 150
    assert len({e["id"] for e in entries}) == len(entries)
    assert len({e["query"] for e in entries}) == len(entries)
    for entry in entries:
        assert entry["kind"] in everyday.KINDS, entry["id"]
        assert entry["split"] in everyday.SPLITS, entry["id"]
        assert entry["query"].strip() and entry["need"].strip() and entry["source"].strip(), entry["id"]
    per = Counter((e["kind"], e["split"]) for e in entries)
    for kind in everyday.KINDS:
        tune, held = per[kind, "tune"], per[kind, "held_out"]
        assert tune >= 10 and held >= 10 and abs(tune - held) <= 1, kind


def test_judgments_are_grades_0_to_3_of_known_queries():
    graded = json.loads(everyday.JUDGMENTS.read_text("utf-8"))
    ids = {e["id"] for e in json.loads(everyday.QUERIES.read_text("utf-8"))}
    assert set(graded) <= ids
    for key, record in graded.items():
        assert record["judgments"], key
        assert set(record["judgments"].values()) <= {0, 1, 2, 3}, key
    judged = everyday.load()
    assert {(e["kind"], e["split"]) for e in judged} == {(k, s) for k in everyday.KINDS for s in everyday.SPLITS}


def test_load_names_the_file_and_entry_of_a_judgment_for_an_unknown_query(tmp_path):
    queries = tmp_path / "q.json"
    queries.write_text(json.dumps([{"id": "a", "query": "低保", "kind": "short", "need": "n", "split": "tune"}]))
    judgments = tmp_path / "j.json"
    judgments.write_text(json.dumps({"a": {"judgments": {"d1": 3}}, "zz": {"judgments": {"d1": 1}}}))
    with pytest.raises(ValueError, match=r"j\.json: entry 'zz'"):
        everyday.load(queries, judgments)


def test_success_at_5_needs_a_useful_document_among_the_first_five():
    grades = {"a": 1, "b": 2, "c": 3}
    assert success(["x", "x", "x", "x", "b"], grades) == 1.0
    assert success(["x", "x", "x", "x", "x", "c"], grades) == 0.0  # sixth: too late
    assert success(["a", "a", "a"], grades) == 0.0  # grade 1 is not useful
    assert success([], grades) == 0.0


def test_score_averages_each_measure_per_kind_and_split():
    entries = [
        {"id": "1", "kind": "typo", "split": "tune", "judgments": {"a": 3, "b": 1}},
        {"id": "2", "kind": "typo", "split": "tune", "judgments": {"a": 2}},
        {"id": "3", "kind": "year", "split": "tune", "judgments": {"c": 2}},
        {"id": "4", "kind": "year", "split": "held_out", "judgments": {"c": 3}},
    ]
    runs = {"1": ["b", "a"], "2": [], "3": ["c"], "4": ["x"] * 5 + ["c"]}
    scores = everyday.score(runs, entries)
    # query 1: DCG = 1/log2(2) + 7/log2(3), ideal = 7 + 1/log2(3)
    first = (1 + 7 / 1.5849625007211562) / (7 + 1 / 1.5849625007211562)
    assert scores["tune"]["typo"]["ndcg10"] == pytest.approx((first + 0.0) / 2)
    assert scores["tune"]["typo"]["success5"] == 0.5
    assert scores["tune"]["typo"]["no_result"] == 0.5
    assert scores["tune"]["year"] == {"queries": 1, "answerable": 1, "ndcg10": 1.0, "success5": 1.0, "no_result": 0.0}
    assert scores["tune"]["all"]["queries"] == 3
    assert scores["tune"]["all"]["no_result"] == pytest.approx(1 / 3)
    assert scores["held_out"]["year"]["success5"] == 0.0
    assert scores["held_out"]["year"]["ndcg10"] == pytest.approx(7 / 2.807354922057604 / 7)
    assert "typo" not in scores["held_out"]
    assert ndcg(runs["4"], entries[3]["judgments"]) == scores["held_out"]["all"]["ndcg10"]
    table = everyday.table({"sys": scores})
    assert "| typo | no result (n=2) | 0.50 |" in table and "held_out" in table


def test_queries_without_a_useful_document_count_only_towards_the_no_result_rate():
    entries = [
        {"id": "1", "kind": "short", "split": "tune", "judgments": {"a": 3}},
        {"id": "2", "kind": "short", "split": "tune", "judgments": {"b": 1, "c": 0}},  # nothing useful exists
    ]
    scores = everyday.score({"1": ["a"], "2": []}, entries)["tune"]["short"]
    assert scores == {"queries": 2, "answerable": 1, "ndcg10": 1.0, "success5": 1.0, "no_result": 0.5}
    none = everyday.score({"2": ["b"]}, entries[1:])["tune"]["short"]
    assert none["ndcg10"] is None and none["success5"] is None and none["no_result"] == 0.0
    assert "| short | nDCG@10 (n=0) | — |" in everyday.table({"sys": {"tune": {"short": none}}})


# jieba.analyse opens its idf.txt and never closes it (jieba 0.42.1)
@pytest.mark.filterwarnings("ignore:Exception ignored in.*idf.txt:pytest.PytestUnraisableExceptionWarning")
def test_the_textbook_or_matches_any_word_where_and_needs_all(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    docs = [
        {"id": "both", "title": "最低工资标准", "body": "调整最低工资标准的通知。"},
        {"id": "one", "title": "工资支付", "body": "工资按月支付。"},
    ]
    corpus.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), "utf-8")
    build(corpus, tmp_path / "ix")
    for opener, expected in ((Textbook, ["both"]), (TextbookOr, ["both", "one"])):
        system = opener(tmp_path / "ix")
        try:
            assert system.search("最低 工资") == expected, opener.__name__
        finally:
            system.close()


def test_blind_judging_stores_grades_by_document_in_a_fixed_shuffled_order(tmp_path):
    from bench.judge import blind_order, grade

    pool = [{"id": f"d{i}", "title": f"t{i}", "publisher": "", "date": "", "opening": ""} for i in range(8)]
    entry = {"id": "ev999", "query": "q", "need": "n", "kind": "short", "pool": pool}
    order = [d["id"] for d in blind_order(entry)]
    assert sorted(order) == [d["id"] for d in pool]
    assert order == [d["id"] for d in blind_order(entry | {"pool": pool[::-1]})]  # not the systems' order
    path = tmp_path / "judgments.json"
    grade(entry, "30120000", "a note", path)
    stored = json.loads(path.read_text("utf-8"))["ev999"]
    assert stored["notes"] == "a note"
    assert {doc: stored["judgments"][doc] for doc in order[:4]} == dict(zip(order[:4], [3, 0, 1, 2], strict=True))
    with pytest.raises(ValueError, match="8 grades"):
        grade(entry, "301", "", path)


def test_the_tune_half_holds_every_tune_query_and_no_held_out_one():
    entries = everyday.load()
    half = everyday.tune_half(entries)
    assert {e["id"] for e in half["entries"]} == {e["id"] for e in entries if e["split"] == "tune"}
    assert all(e["split"] == "tune" and e["judgments"] for e in half["entries"])


def test_a_new_pool_is_judged_only_where_unjudged_and_copies_take_the_judged_grade(tmp_path):
    from bench.judge import blind_order, copies, grade

    pool = [
        {"id": f"d{i}", "title": f"t{i}", "publisher": "", "date": "", "opening": "", "length": 100} for i in range(4)
    ]
    entry = {"id": "ev999", "query": "q", "need": "n", "kind": "short", "pool": pool}
    path = tmp_path / "judgments.json"
    path.write_text(json.dumps({"ev999": {"judgments": {"d0": 3, "d1": 0}, "notes": "first"}}), "utf-8")
    assert {d["id"] for d in blind_order(entry, unjudged=True, path=path)} == {"d2", "d3"}
    documents = {d["id"]: {"title": d["title"], "length": d["length"]} for d in pool}
    documents |= {"law-copy": {"title": "t0", "length": 110}, "other-edition": {"title": "t0", "length": 300}}
    entry["pool"] = [*pool, {"id": "law-copy", "title": "t0"}, {"id": "other-edition", "title": "t0"}]
    assert copies([entry], documents, path) == 1  # same title, length within 20 %: the judged grade
    stored = json.loads(path.read_text("utf-8"))["ev999"]
    assert stored["judgments"]["law-copy"] == 3 and "other-edition" not in stored["judgments"]
    order = [d["id"] for d in blind_order(entry, unjudged=True, path=path)]
    assert set(order) == {"d2", "d3", "other-edition"}
    grade(entry, "210", "round 2", path, unjudged=True)
    stored = json.loads(path.read_text("utf-8"))["ev999"]
    assert stored["judgments"] == {"d0": 3, "d1": 0, "law-copy": 3} | dict(zip(order, [2, 1, 0], strict=True))
    assert stored["notes"] == "first round 2"
