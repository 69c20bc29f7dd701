"""Issue 17's kinds held on real pages where only invented ones held them (docs/issue17-kinds.md maps every kind).

Each test reads a TUNE page of the fidelity collection (``../shared/fidelity``, bench.fidelity.real_inputs; held-out
pages are never read here) and compares with the values its manifest entry holds, read from the page by hand.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from helpers import (
    ROOT,
    page_text,
    present_pages,
    read_page_text,
    real_inputs,
    tune_entry,
    tune_page,
    tune_page_right,
)

from bench.fidelity import check_pages, same, stored_values
from index.labels import map_fields
from index.normalise import normalise
from index.query import SearchRequest
from index.readers.html import parse_html
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths
from portal.settings import load_settings

TODAY = date(2026, 12, 6)


# 3. Keys real exports use: pinyin initials ----------------------------------------------------------------------


@real_inputs
def test_a_trs_site_group_searchs_pinyin_initial_keys_are_read():
    """南京's TRS 站群检索 response saved by a crawler: its 信息公开 records name 发布机构 ``fbjg``, 索引号 ``ridxid``
    and 分类 ``cat``; each tune record of the file gives the values its manifest entry holds."""
    file = "pages/kira-nanjing-trs-search.json.gz"
    entries = [entry for entry in present_pages() if entry["file"] == file and entry["split"] == "tune"]
    judged = [entry for entry in entries if entry["expected"].get("publisher") and entry["expected"].get("index_no")]
    if not judged:
        pytest.skip(f"{file} is absent from the real-input folder")
    checks, failed = check_pages(judged)
    assert not failed and {check.field for check in checks} >= {"publisher", "index_no", "category"}
    assert [check for check in checks if not check.right] == []


# 3. Labels real pages print: 公文生成日期, 公文种类 ------------------------------------------------------------------

# 安溪县's page text prints `公文生成日期:2025-01-10` over the notice it signs 2025年1月9日; the 国务院 政策文件库 page
# text prints 公文种类： with 意见 on the next line. Each label gives its field; the same page with the label renamed
# (a label no table knows) does not, so it is the label that is read.
LABELS = [
    ("pages/text10-fjax-pagetext-1.txt.gz", "公文生成日期", "written_date", "2025-01-10"),
    ("pages/govcn-zck-2.txt.gz", "公文种类", "category_genre", "意见"),
]


@real_inputs
@pytest.mark.parametrize(("file", "label", "field", "value"), LABELS)
def test_a_label_real_pages_print_gives_its_field(tmp_path, file, label, field, value):
    tune_entry(file)
    text = page_text(file)
    assert getattr(read_page_text(tmp_path, file, text), field) == value
    assert getattr(read_page_text(tmp_path, file, text.replace(label, "公文页码")), field) != value


# 3. Labels real crawlers read off 政府信息公开 pages: 发布者, 稿源, 所属机构, 发表时间, 政策分类 ------------------

# Each label as a public crawler reads it off a real site's page or writes it in its export, put in place of the
# label a tune page prints for the same field: the page gives the field's hand-read value under either label, and
# under a label no table knows it does not, so it is the label that is read.
# - 发布者: 吉安市财政局's info bar (Kira-yoshikage-d/spider-gov article_crawler/article_crawler/spiders/jian.py,
#   ``re('发布者：(.*)')`` as the source; shizelengleng/ai-zhengce-tong scripts/_rebuild_all_docs.py META_PREFIX);
# - 稿源: Alpha-su/dbpolicy_crawl parse_detail.py (its remove_list: 稿源, 来源, 发布机构, 发布日期, 发文机关);
# - 所属机构: 湖南's 信息公开 bar (qingting04/Policy_Document_Crawler province/HuNan.py: 所属机构：…, 主题分类：…);
# - 发表时间: 天河区's article header (shizelengleng/ai-zhengce-tong
#   docs/policy_sources/b3_家庭医生_天河.md: 发表时间：… 信息来源：区卫生健康局);
# - 政策分类: 国家发改委's 政策发布 export (ABSXDIVY/Crawler ndrc_crawler/data_extractor_full.py: 政策分类 beside 文号).
CRAWLER_LABELS = [
    ("pages/wuhu-jyj-pagetext-1.txt.gz", "信息来源:", "发布者:", "publisher"),
    ("pages/wuhu-jyj-pagetext-1.txt.gz", "信息来源:", "稿源:", "publisher"),
    ("pages/wuhu-jyj-pagetext-1.txt.gz", "信息来源:", "所属机构:", "publisher"),
    ("pages/wuhu-jyj-pagetext-1.txt.gz", "发布时间:", "发表时间:", "pub_date"),
    ("pages/zjkyx-pagetext-1.txt.gz", "主题分类:", "政策分类:", "category"),
]


@real_inputs
@pytest.mark.parametrize(("file", "printed", "label", "field"), CRAWLER_LABELS)
def test_a_label_crawlers_read_gives_its_field_on_a_real_page(tmp_path, file, printed, label, field):
    expected = tune_entry(file)["expected"][field]
    text = page_text(file)
    assert printed in text
    relabelled = read_page_text(tmp_path, file, text.replace(printed, label))
    assert same(field, expected, stored_values(relabelled)[field])
    unknown = read_page_text(tmp_path, file, text.replace(printed, "公文页码:"))
    assert not same(field, expected, stored_values(unknown)[field])


def test_a_crawlers_body_label_holds_a_body_never_a_person():
    """发布者, 稿源 and 所属机构 name the issuing body on the pages above; a person (an editor) or a news agency
    under them is no publisher (their plausibility, as the crawlers' author keys)."""
    for label in ("发布者", "稿源", "所属机构"):
        assert map_fields([(label, "吉安市财政局")])[0] == {"publisher": "吉安市财政局"}, label
        for other in ("倪雪梅", "新华社"):
            assert "publisher" not in map_fields([(label, other)])[0], (label, other)


# 7. A short name no evidence resolves is kept as printed -------------------------------------------------------

# 广州市人民政府门户网站's 通知公告 list as a crawler exported it (JSON, then CSV): each hit names its office the
# way the list prints it, 市交通运输局 and 市政府办公厅, and nothing in the record says which 市; putting a place
# before it would invent a publisher (index/publishers.py), so the printed name is the publisher.
SHORT_NAMES = [
    ("pages/lq-guangzhou-notices.json.gz", 7, "市交通运输局"),
    ("pages/lq-guangzhou-notices.csv.gz", 13, "市政府办公厅"),
]


@real_inputs
@pytest.mark.parametrize(("file", "record", "printed"), SHORT_NAMES)
def test_a_real_records_short_office_name_without_evidence_is_kept_as_printed(file, record, printed):
    entries = [entry for entry in present_pages() if entry["file"] == file and entry.get("record") == record]
    if not entries or entries[0]["split"] != "tune":
        pytest.skip(f"{file} is absent from the real-input folder")
    assert entries[0]["expected"]["publisher"] == printed
    checks, failed = check_pages(entries)
    assert not failed, failed
    assert [check.right for check in checks if check.field == "publisher"] == [True], checks


# 8. Every real 索引号 form works in the search box as in `portal lookup` ------------------------------------------

# The forms as the pages print them: 镇巴县's 10-digit site code, 安溪县's region and class codes before the year
# (泉州 QZ…, as 三明's SM… and 福州's FZ…), 闵行区古美路街道's run-together site code and year.
REAL_FORMS = {
    "pages/zb-pagetext-1.txt.gz": ["6107280000/2024-001005", "6107280000-2024-001005"],
    "pages/text10-fjax-pagetext-1.txt.gz": ["QZ09054-0101-2025-00001", "qz09054-0101-2025-00001"],
    "pages/shmh-pagetext-1.txt.gz": ["SY300202200014"],
}


@pytest.fixture(scope="module")
def real_index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("real-index-no")
    paths = []
    for file in REAL_FORMS:
        tune_entry(file)
        path = root / Path(file).name.removesuffix(".gz")
        path.write_text(page_text(file), "utf-8")
        paths.append(path)
    ingest_paths(paths, root / "index")
    return root / "index"


@real_inputs
@pytest.mark.parametrize(("file", "typed"), [(file, typed) for file, forms in REAL_FORMS.items() for typed in forms])
def test_a_real_pages_index_no_finds_it_in_the_search_box_as_in_lookup(real_index, file, typed):
    title = tune_entry(file)["expected"]["title"]
    catalog = Catalog(real_index)
    try:
        assert [doc.title for doc in catalog.lookup(typed)] == [title]
        assert [hit.title for hit in catalog.search(SearchRequest(q=typed)).hits][:1] == [title]
    finally:
        catalog.close()


@real_inputs
@pytest.mark.parametrize("file", list(REAL_FORMS))
def test_portal_search_with_a_real_pages_index_no_shows_that_document(real_index, file):
    """`portal search <索引号>` (the command line, as a user types it) on the index of the real pages: the one
    document whose page prints that 索引号 is shown, under its own title."""
    entry = tune_entry(file)
    env = {**os.environ, "PORTAL_INDEX_DIR": str(real_index)}
    done = subprocess.run(
        [sys.executable, "-m", "portal", "search", entry["expected"]["index_no"]],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "共1条" in done.stdout and entry["expected"]["title"] in done.stdout, done.stdout


# 9. Bodies people can read: attachments named by their link text ------------------------------------------------

# 丽水市人民政府 (Hanweb) links be5f1a4be0294db7abf660dd336b3fa5.pdf, 广州's 行政规范性文件 platform 9518264.doc three
# times: each is named by its link's text (附件1：申请公共租赁住房保障家庭收入及财产限额.doc …).
UPLOAD_NAMES = {
    "pages/lishui-hanweb-1.html.gz": "be5f1a4be0294db7abf660dd336b3fa5.pdf",
    "pages/gz-gfxwj-13.html.gz": "9518264.doc",
}


@real_inputs
@pytest.mark.parametrize("file", list(UPLOAD_NAMES))
def test_a_real_pages_attachments_are_named_by_their_link_text(file):
    assert tune_page_right(file, "attachments"), tune_page(file)[1]["attachments"]
    assert not any(UPLOAD_NAMES[file] in str(name) for name in tune_page(file)[1]["attachments"])


# 10. 有效性 from dates --------------------------------------------------------------------------------------------

# 广州's 行政规范性文件统一发布平台 prints 失效日期 and has its script write 文件状态; without the script the date
# alone must say it: 2024年06月30日 is past (失效, with a finding), 2029年03月03日 is not.
_STATUS_SCRIPT = re.compile(r"<script\b[^>]*>(?:(?!</script>).)*file_status(?:(?!</script>).)*</script>", re.S)


@real_inputs
@pytest.mark.parametrize(
    ("file", "lapsed"), [("pages/gz-gfxwj-10b.html.gz", True), ("pages/gz-gfxwj-13.html.gz", False)]
)
def test_a_real_pages_expiry_date_alone_gives_its_validity(file, lapsed):
    tune_entry(file)
    page, scripts = _STATUS_SCRIPT.subn("", page_text(file))
    assert scripts and "失效日期" in page and "file_status = " not in page
    doc = normalise(parse_html(page.encode("utf-8"), source=Path(file).name), today=TODAY)
    from_date = [w for w in doc.warnings if w.code == "validity_from_date" and w.field == "validity"]
    assert (doc.validity == "失效", bool(from_date)) == (lapsed, lapsed), (doc.validity, doc.warnings)


# 12. A site the heuristics get wrong is fixed without code ---------------------------------------------------------


@real_inputs
def test_the_readmes_gkmlpt_profile_reads_a_real_gkmlpt_page():
    """docs/site-profiles/gkmlpt.toml (the README's profile) on 广州市卫生健康委's gkmlpt content page: each field
    it names gives the page's own value."""
    file = "pages/gzwjw-gkmlpt-08.html.gz"
    entry = tune_entry(file)
    profile = Path(__file__).parent.parent / "docs" / "site-profiles" / "gkmlpt.toml"
    profiles = load_settings({"PORTAL_SITE_PROFILES": str(profile)}).limits.site_profiles
    url = "http://wjw.gz.gov.cn/gkmlpt/content/9/9318/post_9318123.html"
    fields = parse_html(page_text(file).encode("utf-8"), source="08.html", url=url, profiles=profiles).fields
    for name in ("title", "index_no", "doc_no", "publisher", "written_date", "pub_date"):
        assert same(name, entry["expected"][name], fields[name]), (name, fields[name])
    assert same("body_head", entry["expected"]["body_head"], fields["body"])
