"""The `portal` command, run as a user runs it: a real process, settings from the environment."""

from __future__ import annotations

import fcntl
import html
import io
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from helpers import DOCUMENTS, ROOT, SEED_INDEX_NO, SEED_TITLE


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    index_dir = tmp_path_factory.mktemp("cli") / "index"
    return {**os.environ, "PORTAL_INDEX_DIR": str(index_dir)}


def portal(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "portal", *args], env=env, cwd=ROOT, capture_output=True, text=True, check=check
    )


@pytest.fixture(scope="module")
def ingested(env) -> dict:
    return json.loads(portal(env, "ingest", "--json", str(DOCUMENTS)).stdout)


def test_ingest_reports_counts_and_warnings(ingested):
    assert ingested["added"] >= 31 and ingested["rejected"] == []
    codes = {(w["id"], w["code"]) for w in ingested["warnings"]}
    assert {(SEED_INDEX_NO, "spam"), (SEED_INDEX_NO, "encoding_loss")} <= codes


def test_second_ingest_skips_unchanged_files(env, ingested):
    again = json.loads(portal(env, "ingest", "--json", str(DOCUMENTS)).stdout)
    assert (again["added"], again["updated"], again["files_read"]) == (0, 0, 0)
    assert again["unchanged"] == ingested["added"]


def test_plain_ingest_prints_a_closing_report(env, ingested, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{oops", "utf-8")
    out = portal(env, "ingest", str(bad)).stdout
    assert "拒收 1 条" in out
    assert f"{bad}：not valid JSON" in out


def test_lookup_prints_the_seed_page(env, ingested):
    out = portal(env, "lookup", SEED_INDEX_NO).stdout
    assert SEED_TITLE in out
    assert "市民政局" in out and "2018-04-10" in out and "规划计划 / 其他 / 报告" in out


def test_lookup_by_doc_no_json(env, ingested):
    [doc] = json.loads(portal(env, "lookup", "--json", "宿政办发[2017]150号").stdout)
    assert doc["doc_no"] == "宿政办发〔2017〕150号"


def test_lookup_of_unknown_identifier_fails_clearly(env, ingested):
    result = portal(env, "lookup", "999999999/2030-00001", check=False)
    assert result.returncode == 1 and "no document" in result.stderr


def test_search_with_filters_and_limit(env, ingested):
    result = json.loads(portal(env, "search", "低保", "--publisher", "市民政局", "--limit", "3", "--json").stdout)
    # 市民政局 is what the seed page prints; the index holds its full name and still selects by the short one.
    assert result["hits"] and all(hit["publisher"] == "宿迁市民政局" for hit in result["hits"])
    assert SEED_INDEX_NO in {hit["id"] for hit in result["hits"]}
    limited = json.loads(portal(env, "search", "低保", "--limit", "2", "--json").stdout)
    assert len(limited["hits"]) == 2 and limited["total"] > 2


def test_search_by_category_and_year(env, ingested):
    result = json.loads(portal(env, "search", "--category", "报告", "--year", "2018", "--json").stdout)
    assert SEED_INDEX_NO in {hit["id"] for hit in result["hits"]}


def test_a_year_option_that_is_not_a_year_is_named_not_searched_for(env, ingested):
    """``--year ²`` answered 共0条 without a word where the page's ``year=²`` says it is not read: both go through
    portal.params.parse_filters, which drops it with a notice; a full-width year (２０１８) is read as the page reads
    it."""
    everything = json.loads(portal(env, "search", "--json").stdout)
    result = json.loads(portal(env, "search", "--year", "²", "--json").stdout)
    assert result["request"]["filters"] == {} and result["total"] == everything["total"] > 0
    assert "年份“²”无法识别，已忽略。" in result["notices"]
    assert "注意：年份“²”无法识别，已忽略。" in portal(env, "search", "--year", "²").stdout
    wide = json.loads(portal(env, "search", "--category", "报告", "--year", "２０１８", "--json").stdout)
    assert SEED_INDEX_NO in {hit["id"] for hit in wide["hits"]}


def test_stats(env, ingested):
    stats = json.loads(portal(env, "stats", "--json").stdout)
    assert stats["documents"] == ingested["added"]
    assert {"publisher", "year", "category_genre", "validity", "kind"} <= {b["key"] for b in stats["breakdowns"]}


def test_stats_prints_every_figure_in_chinese(env, ingested):
    figures = json.loads(portal(env, "stats", "--json").stdout)
    out = portal(env, "stats").stdout
    assert f"文件总数    {figures['documents']} 份" in out
    for breakdown in figures["breakdowns"]:
        assert breakdown["title"] in out
        for count in breakdown["counts"]:  # every value, none cut off
            assert f"{count['count']:6d}  {count['share']:5.1f}%  {count['label']}" in out
    assert not re.search(r"[A-Za-z]{2,}", out)  # one language


def test_search_prints_the_range_the_total_and_snippets(env, ingested):
    data = json.loads(portal(env, "search", "低保", "--limit", "3", "--json").stdout)
    out = portal(env, "search", "低保", "--limit", "3").stdout
    assert out.startswith(f"第1–3条，共{data['total']}条")
    assert out.count("\n1. ") == 1 and "\n3. " in out and "\n4. " not in out
    snippet = re.sub(r"<[^>]+>", "", data["hits"][0]["snippet_html"])[:20]
    assert html.unescape(snippet) in out
    second = portal(env, "search", "低保", "--limit", "3", "--page", "2").stdout
    assert second.startswith(f"第4–6条，共{data['total']}条")


def test_search_filters_by_every_facet(env, ingested):
    result = json.loads(portal(env, "search", "--validity", "失效", "--kind", "原文", "--json").stdout)
    assert result["total"] >= 2 and all(hit["validity"] == "失效" for hit in result["hits"])


def test_without_an_index_commands_say_what_to_do(tmp_path):
    env = {**os.environ, "PORTAL_INDEX_DIR": str(tmp_path / "none")}
    result = portal(env, "search", "低保", check=False)
    assert result.returncode == 1 and "run `portal ingest PATH` first" in result.stderr


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "portal"
    assert script.exists(), "pip install -e . provides the `portal` command"


def test_ingest_without_paths_reads_the_documents_setting(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "one.json").write_text(json.dumps({"title": "设置中的文件夹", "body": "正文"}), "utf-8")
    env = {**os.environ, "PORTAL_INDEX_DIR": str(tmp_path / "index"), "PORTAL_DOCUMENTS_DIR": str(folder)}
    report = json.loads(portal(env, "ingest", "--json").stdout)
    assert report["added"] == 1


def test_the_user_dictionary_setting_is_the_one_the_index_is_built_and_queried_with(tmp_path):
    from index.whoosh.catalog import Catalog

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "one.json").write_text(json.dumps({"title": "示范", "body": "建设乡村振兴示范带。"}), "utf-8")
    userdict = tmp_path / "userdict.txt"
    userdict.write_text("乡村振兴示范带 20000 n\n", "utf-8")
    env = {**os.environ, "PORTAL_INDEX_DIR": str(tmp_path / "index"), "PORTAL_USERDICT": str(userdict)}
    portal(env, "ingest", "--json", str(folder))
    with Catalog(tmp_path / "index").searcher() as searcher:
        analyzer = searcher.schema["body"].analyzer
    assert [t.text for t in analyzer("乡村振兴示范带", mode="query")] == ["乡村振兴示范带"]


def test_ingest_on_a_terminal_shows_a_total_and_an_eta_and_leaves_a_summary(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(30):
        record = {"title": f"进度条测试文件{n}", "body": f"第{n}份文件的正文。" * 50}
        (folder / f"{n:02d}.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    env = {**os.environ, "PORTAL_INDEX_DIR": str(tmp_path / "index")}
    leader, follower = pty.openpty()  # a terminal, as a person running the command has
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "portal", "ingest", str(folder)], cwd=ROOT, env=env, stdout=follower, stderr=follower
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert process.wait(timeout=60) == 0
    out = b"".join(chunks).decode("utf-8", "replace")
    assert re.search(r"\d+/30 条记录 \[\d\d:\d\d<\d\d:\d\d", out), out  # total and an estimated time left
    assert "收录：检查了 30 个文件，读取 30 份文档" in out  # the line that stays
    assert "新增 30 份" in out


def test_the_bar_counts_the_records_of_one_big_file(tmp_path):
    """One export of many records (the shared corpus is one 10,832-record file) moves the bar record by record."""
    from portal.progress import IngestProgress

    export = tmp_path / "export.jsonl"
    export.write_text("".join(json.dumps({"title": f"文件{n}"}) + "\n" for n in range(120)), "utf-8")
    stream = io.StringIO()
    bar = IngestProgress([export], stream)
    seen = []
    for n in range(120):
        bar(f"{export} 第{n + 1}行")
        seen.append(bar.bar.n)
    assert bar.bar.total == 120 and seen == list(range(1, 121))
    bar.close()
    assert "读取 120 份文档" in stream.getvalue()


def test_the_report_counts_each_kind_of_finding_then_gives_examples(tmp_path):
    """1,494 warnings in file order told nothing: the report gives a count per kind, then examples, in Chinese."""
    folder = tmp_path / "docs"
    folder.mkdir()
    records = [{"title": f"无正文的文件{n}", "pub_date": "2018-04-10"} for n in range(5)]
    records += [{"title": f"日期有误的文件{n}", "body": "正文。", "pub_date": "下个月初"} for n in range(4)]
    (folder / "export.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    env = {**os.environ, "PORTAL_INDEX_DIR": str(tmp_path / "index")}
    out = portal(env, "ingest", str(folder)).stdout
    lines = out.splitlines()
    empty, undated = "正文为空（内容可能在附件中）（正文）", "日期无法识别，未予采用（公开日期）"
    assert f"       5  {empty}" in lines and f"       4  {undated}" in lines, out
    assert lines.index(f"       5  {empty}") < lines.index(f"  {empty}，例：")
    assert "    … 另有 2 条" in lines
    told = "\n".join(line for line in lines if str(tmp_path) not in line).replace("--json", "")
    assert not re.search(r"[A-Za-z]{2,}", told), out  # one language (but the option's name)


@pytest.mark.parametrize("command", ["search", "lookup"])
def test_arguments_that_are_not_utf8_give_an_answer_not_a_traceback(env, ingested, command):
    """A terminal in another encoding passes bytes that are not UTF-8; Python holds them as lone surrogates."""
    done = portal(env, command, os.fsdecode(b"\xff\xfe") + "低保", check=False)
    assert "Traceback" not in done.stderr
    assert done.returncode in (0, 1)  # lookup finds nothing: a one-line error, exit status 1


def test_a_file_name_in_gbk_bytes_is_read_and_named_readably(tmp_path):
    """A name that is not UTF-8 (PEP 383 surrogates in Python) once aborted every ingest writing sources.json."""
    folder = tmp_path / "docs"
    folder.mkdir()
    gbk = os.fsdecode("公开目录".encode("gbk"))
    (folder / f"{gbk}.json").write_text(json.dumps({"标题": "国标文件名的通知", "正文": "正文。"}), "utf-8")
    (folder / f"{gbk}-bad.json").write_text('{"标题": "坏', "utf-8")
    environment = {**os.environ, "PORTAL_INDEX_DIR": str(tmp_path / "index")}
    for args in (["--json"], []):
        done = subprocess.run(
            [sys.executable, "-m", "portal", "ingest", *args, str(folder)],
            env=environment,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert "公开目录-bad.json" in done.stdout and "Traceback" not in done.stderr
