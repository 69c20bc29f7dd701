"""index.dates: every written form of a date, Unix timestamps in China time, future dates; one parser for
the ingest and the search filters."""

from __future__ import annotations

from datetime import date

import pytest
from helpers import DOCUMENTS, real_inputs, shared_path
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.fidelity import COLLECTION, ingest_one, load_manifest
from index.dates import iso_date, parse_date, shows_day_first
from index.normalise import normalise
from index.query import SearchRequest
from index.readers import read_file
from index.record import RawRecord
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths
from portal.params import parse_date as filter_date

_GZ_CSV = "pages/lq-guangzhou-notices.csv.gz"


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2018-04-10", "2018-04-10"),
        ("2018/4/1", "2018-04-01"),
        ("2018/4/10", "2018-04-10"),
        ("2018.04.10", "2018-04-10"),
        ("2024年01月26日", "2024-01-26"),
        ("2018年4月10日", "2018-04-10"),
        ("2018 年 4 月 10 日", "2018-04-10"),
        ("2024-01-15 17:29:00", "2024-01-15"),
        (" 2024-08-01", "2024-08-01"),
        ("20180410", "2018-04-10"),
        ("20180410172900", "2018-04-10"),
        ("2018年4月", "2018-04"),
        ("2018-04", "2018-04"),
        ("2018年", "2018"),
        (2018, "2018"),
        ("２０１８－０４－１０", "2018-04-10"),
        ("二〇一八年四月十日", "2018-04-10"),
        ("二〇二一年十二月三十一日", "2021-12-31"),
        ("二〇一八年元月", "2018-01"),
        ("二〇一八年一月廿一日", "2018-01-21"),
        ("发布时间：2018年4月10日 来源：市民政局", "2018-04-10"),
        ("2021-04-29T16:00:00Z", "2021-04-30"),
        ("去年春天", None),
        ("2018-02-30", None),
        ("2018-13-01", None),
        ("12345", None),
        ("", ""),
        (None, ""),
        (0, ""),
    ],
)
def test_iso_date(raw, iso):
    assert iso_date(raw) == iso


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("1/24/2020", "2020-01-24"),  # Excel's en-US date cell saved as CSV (LonelyQuantum/CovidPolicy_Spider 广州.csv)
        ("2/1/2020", "2020-02-01"),  # month first where either number could be the month
        ("4/8/2020 12:00:00 AM", "2020-04-08"),  # with the time Windows prints after it
        ("24/1/2020", "2020-01-24"),  # day first where the first number cannot be a month
        ("2/30/2020", "2020"),  # no such day: the year, as before
        ("2020/1/24", "2020-01-24"),  # year first is read as ever
    ],
)
def test_a_year_last_date_is_read_month_first(raw, iso):
    assert iso_date(raw) == iso


def test_a_year_last_date_is_a_search_filter_too():
    assert iso_date("1/24/2020", whole=True) == "2020-01-24"


@real_inputs
def test_a_pandas_csv_export_with_m_d_yyyy_dates_gives_each_day():
    """广州.csv (fidelity exports9.json): every date as Excel's en-US M/D/YYYY, the first column pandas' unnamed
    index; each record's 公开日期 was read as its year alone."""
    if not (COLLECTION / _GZ_CSV).is_file():
        pytest.skip(f"{_GZ_CSV} is absent from {COLLECTION} (the real inputs live outside the repository)")
    entries = {p["record"]: p for p in load_manifest()["pages"] if p["file"] == _GZ_CSV}
    for record in (2, 14, 19, 89):  # 1/26/2020, 2/1/2020, 2/5/2020, 4/8/2020
        got = ingest_one(COLLECTION / _GZ_CSV, "lq-guangzhou-notices.csv", record).values["pub_date"]
        assert got == entries[record]["expected"]["pub_date"]


@pytest.mark.parametrize("zero", ["〇", "○", "◯", "零", "O", "o", "Ｏ", "ｏ", "О", "Ο", "0", "０"])
def test_every_spelling_of_zero_in_chinese_numerals(zero):
    assert iso_date(f"二{zero}一八年一月") == "2018-01"
    assert iso_date(f"二{zero}二{zero}年十月{zero}八日".replace(f"月{zero}八", "月八")) == "2020-10-08"


@pytest.mark.parametrize("written", ["2O18年1O月8日", "2o18年10月8日"])
def test_the_letter_o_among_arabic_digits_before_a_date_unit(written):
    assert iso_date(written) == "2018-10-08"


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        pytest.param(1619712000, "2021-04-30", id="seconds-int"),
        pytest.param("1619712000", "2021-04-30", id="seconds-text"),
        pytest.param(1619712000000, "2021-04-30", id="milliseconds"),
        pytest.param(1619712000.0, "2021-04-30", id="float"),
        # 2021-04-29 15:00 UTC is 23:00 in China, still the 29th; 16:00 UTC is midnight, the 30th.
        pytest.param(1619708400, "2021-04-29", id="evening-in-china"),
        pytest.param("1619708400000", "2021-04-29", id="evening-in-china-ms"),
        pytest.param(946656000, "2000-01-01", id="nine-digit-seconds"),
    ],
)
def test_unix_timestamps_are_read_in_china_time(value, iso):
    parsed = parse_date(value)
    assert parsed.iso == iso and parsed.timestamp


def test_a_timestamp_before_the_digital_era_is_no_date():
    assert parse_date(12345678) is None  # 1970: a misread number, not a date


def _record(**fields) -> RawRecord:
    return RawRecord(source="export.json", locator="record 1", fields=fields)


def test_a_number_read_as_a_timestamp_is_a_finding():
    doc = normalise(_record(title="t", body="b", pub_date=1619712000, written_date="2021-04-28"))
    assert (doc.pub_date, doc.written_date) == ("2021-04-30", "2021-04-28")
    assert [(w.code, w.field) for w in doc.warnings] == [("date_timestamp", "pub_date")]


@pytest.mark.parametrize(
    ("pub_date", "future"),
    [("2026-12-01", True), ("2027", True), ("2026-12", True), ("2026-11-30", False), ("2026-11", False)],
)
def test_a_date_after_today_is_flagged(pub_date, future):
    doc = normalise(_record(title="t", body="b", pub_date=pub_date), today=date(2026, 11, 30))
    assert [(w.code, w.field) for w in doc.warnings] == ([("future_date", "pub_date")] if future else [])
    assert doc.pub_date == pub_date  # kept as published
    assert doc.sort_date_trusted is not future


def test_chinese_numeral_date_with_latin_o_from_the_shared_case():
    [record] = list(read_file(shared_path("cases", "date-chinese-numerals-latin-O.txt")))
    doc = normalise(record)
    assert doc.written_date == "2018-01"
    assert doc.pub_date == "2018-01-25"
    assert not [w for w in doc.warnings if w.code == "bad_date"]


def test_a_future_document_is_never_at_the_top_of_the_latest(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "future.json").write_text(
        '{"title": "二〇九九年工作计划", "body": "计划。", "pub_date": "2099-01-01"}', encoding="utf-8"
    )
    ingest_paths([DOCUMENTS, folder], tmp_path / "index")
    catalog = Catalog(tmp_path / "index")
    latest = catalog.latest(10)
    assert latest[0].title != "二〇九九年工作计划" and latest[0].pub_date < "2099"
    newest = catalog.search(SearchRequest(sort="newest", per_page=5)).hits
    assert "二〇九九年工作计划" not in [hit.title for hit in newest]
    [found] = catalog.search(SearchRequest(q="二〇九九年工作计划", field="title")).hits
    assert "future_date" in found.flags


def test_the_search_filters_read_dates_with_the_ingest_parser(catalog):
    for typed in ("二〇二四年", "2024年", "２０２４", "二O二四年一月", "2024/1/1"):
        assert filter_date(typed) == iso_date(typed, whole=True)
    by_numerals = catalog.search(SearchRequest(date_from="二〇二四年", date_to="二〇二四年")).total
    assert by_numerals == catalog.search(SearchRequest(date_from="2024", date_to="2024")).total > 0


# Properties ------------------------------------------------------------------------------------

_DATE_CHARACTERS = "〇零Oo一二三四五六七八九十廿元年月日号-/.:T 0123456789"


@settings(deadline=None)  # a shared 2-core machine makes timings noisy; speed is not tested here
@given(st.one_of(st.text(max_size=40), st.text(_DATE_CHARACTERS, max_size=20), st.integers(), st.floats(), st.none()))
def test_any_value_parses_without_an_exception(value):
    parse_date(value)
    parse_date(value, whole=True)


@settings(deadline=None)  # a shared 2-core machine makes timings noisy; speed is not tested here
@given(st.dates(date(1900, 1, 1), date(2099, 12, 31)), st.sampled_from([10, 7, 4]))
def test_parsing_a_parsed_date_again_changes_nothing(day, precision):
    iso = day.isoformat()[:precision]
    assert iso_date(iso) == iso_date(iso, whole=True) == iso


@settings(deadline=None)  # a shared 2-core machine makes timings noisy; speed is not tested here
@given(st.one_of(st.text(max_size=40), st.text(_DATE_CHARACTERS, max_size=20)))
def test_normalising_twice_changes_nothing(text):
    iso = iso_date(text)
    if iso:
        assert iso_date(iso) == iso


def test_a_csv_whose_dates_show_day_first_reads_each_day_first(tmp_path):
    """A file is written in one order: where one of its year-last dates is 24/1/2020, its 2/1/2020 is 2 January
    (en-GB, and most of the world's spreadsheets), not 1 February as a date alone is read."""
    from index.normalise import normalise
    from index.readers import read_file

    path = tmp_path / "dmy.csv"
    path.write_text(
        "标题,公开日期,正文\n关于甲的通知,24/1/2020,甲的正文。\n关于乙的通知,2/1/2020,乙的正文。\n"
        "关于丙的通知,3/2/2020 0:00:00,丙的正文。\n",
        "utf-8",
    )
    assert [normalise(record).pub_date for record in read_file(path)] == ["2020-01-24", "2020-01-02", "2020-02-03"]
    month_first = tmp_path / "mdy.csv"
    month_first.write_text(
        "标题,公开日期,正文\n关于甲的通知,1/24/2020,甲的正文。\n关于乙的通知,2/1/2020,乙的正文。\n", "utf-8"
    )
    assert [normalise(record).pub_date for record in read_file(month_first)] == ["2020-01-24", "2020-02-01"]


@pytest.mark.parametrize(
    ("text", "shown"),
    [("24/1/2020 2/1/2020", True), ("1/24/2020 2/1/2020", False), ("2/1/2020", False), ("24/1/2020 1/24/2020", False)],
)
def test_which_order_a_files_year_last_dates_show(text, shown):
    assert shows_day_first(text) is shown


def test_a_year_then_a_long_run_of_spaces_is_judged_before_the_alarm():
    """``2021`` + 100,000 spaces + ``x`` typed into a date filter (or a label line's value read as a whole date):
    the date pattern's runs of spaces side by side (``\\s*`` … ``\\s*年?``) split the run every way before the
    whole-text match failed, quadratic in the run (20,000 spaces 2.9 CPU s; 100,000 over a minute, per request).
    A hang guard with a wide margin (now about 0.01 s), not a speed measurement."""
    import signal

    def ring(_signum, _frame):
        raise TimeoutError("no answer in 10 s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(10)
    try:
        typed = "2021" + " " * 100_000 + "x"
        assert filter_date(typed) is None
        assert parse_date("2021" + " " * 100_000 + "年", whole=True) == parse_date("2021年", whole=True)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
