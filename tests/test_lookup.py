"""Lookup by 索引号 (exact, full-width, spaces, dash variants, 后段码 alone) and by 文号 in any bracket form."""

from __future__ import annotations

import pytest
from helpers import SEED_INDEX_NO, SEED_TITLE

from index.query import identifier_kind


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("014319733/2018-00019", id="exact"),
        pytest.param("０１４３１９７３３／２０１８－０００１９", id="full-width"),
        pytest.param(" 014319733 / 2018 - 00019 ", id="spaces"),
        pytest.param("014319733/2018–00019", id="en-dash"),
        pytest.param("014319733/2018—00019", id="em-dash"),
        pytest.param("014319733\\2018-00019", id="backslash"),
        pytest.param("014319733-2018-00019", id="hyphens-for-a-slash"),
        pytest.param("014319733/2018/00019", id="slashes-only"),
        pytest.param("014319733 2018 00019", id="spaces-for-separators"),
        pytest.param("014319733201800019", id="no-separators"),
    ],
)
def test_index_no_variants_find_the_seed(catalog, typed):
    assert [doc.id for doc in catalog.lookup(typed)] == [SEED_INDEX_NO]


@pytest.mark.parametrize(
    "typed",
    [
        "014327899/2016-00311",
        "014327899-2016-00311",
        "０１４３２７８９９／２０１６－００３１１",
        "014327899 / 2016 - 00311",
    ],
)
def test_a_number_published_with_hyphens_is_found_with_a_slash(catalog, typed):
    [doc] = catalog.lookup(typed)
    assert doc.index_no == "014327899/2016-00311"
    assert catalog.get(doc.id).index_no.raw == "014327899-2016-00311"  # shown as published


def test_the_detail_page_id_accepts_any_separator(catalog):
    assert catalog.get("014319733-2018-00019").id == SEED_INDEX_NO


def test_tail_alone_returns_every_match(catalog):
    found = catalog.lookup("2018-00019")
    assert {doc.index_no for doc in found} == {SEED_INDEX_NO, "014321059/2018-00019"}


@pytest.mark.parametrize("typed", ["２０１８－０００１９", "2018/00019", "2018 00019"])
def test_tail_in_any_form(catalog, typed):
    assert len(catalog.lookup(typed)) == 2


@pytest.mark.parametrize(
    "typed",
    [
        "宿政办发[2017]150号",
        "宿政办发〔2017〕150号",
        "宿政办发（2017）150号",
        "宿政办发【2017】150号",
        "宿政办发 [2017] 150号",
    ],
)
def test_doc_no_in_any_bracket_form(catalog, typed):
    [doc] = catalog.lookup(typed)
    assert doc.doc_no == "宿政办发〔2017〕150号"
    assert doc.title == "市政府办公室关于印发民营养老机构提质达标实施方案的通知"


def test_unknown_identifier_finds_nothing(catalog):
    assert catalog.lookup("999999999/2030-00001") == []


def test_get_returns_the_full_document(catalog):
    doc = catalog.get(SEED_INDEX_NO)
    assert doc.title == SEED_TITLE and doc.index_no.check_ok is True
    assert {w.code for w in doc.warnings} == {"spam", "encoding_loss", "publisher_resolved"}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("014319733/2018-00019", "index_no"),
        ("2018-00019", "index_tail"),
        ("宿政办发[2017]150号", "doc_no"),
        ("国令第672号", "doc_no"),
        ("低保", None),
        ("2018年低保标准", None),
    ],
)
def test_identifier_kind(text, kind):
    assert identifier_kind(text) == kind
