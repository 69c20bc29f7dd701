"""Autocomplete and did-you-mean on a real index of the bundled documents."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from index.query import SearchRequest
from index.query.spelling import character_table, sound, sounds
from index.query.suggest import Vocabulary
from index.whoosh.catalog import Catalog


def test_words_beginning_with_the_prefix_most_documents_first(catalog: Catalog):
    found = catalog.suggest("低")
    assert found.terms[0] == "低保"
    assert all(term.startswith("低") for term in found.terms)


def test_titles_holding_the_typed_text(catalog: Catalog):
    found = catalog.suggest("低保")
    assert ("014319733/2023-00015", "2023年第二季度全市低保、特困供养及临时救助资金发放情况") in found.titles
    assert all("低保" in title for _, title in found.titles)


def test_the_last_word_is_completed_after_what_came_before(catalog: Catalog):
    found = catalog.suggest("城乡 低保")
    assert found.terms and all(term.startswith("城乡 低保") for term in found.terms)


def test_traditional_prefixes_find_simplified_titles(catalog: Catalog):
    assert [t for _, t in catalog.suggest("殯葬").titles] == [t for _, t in catalog.suggest("殡葬").titles]
    assert catalog.suggest("殯葬").titles


def test_a_prefix_nothing_starts_with_offers_nothing(catalog: Catalog):
    found = catalog.suggest("ЖЖЖ")
    assert found.terms == [] and found.titles == []


def test_vocabulary_titles_are_found_once_each():
    vocabulary = Vocabulary({"低保": 3}, [("a", "低保 低保 低保"), ("b", "另一份低保"), ("c", "无关")])
    assert [doc_id for doc_id, _ in vocabulary.complete("低保").titles] == ["a", "b"]


def test_pinyin_keys_ignore_tones_and_try_every_reading():
    assert sound("地保") == sound("低保") == "di bao"
    assert "chang an" in sounds("长安") and "zhang an" in sounds("长安")


def test_homophone_finding_much_more_is_searched_and_said(catalog: Catalog):
    result = catalog.search(SearchRequest(q="地保"))
    assert result.rescue is not None and result.rescue.correction == "低保" and result.rescue.typed == "地保"
    assert result.request.q == "地保"  # the page still shows the query typed, and links its search as typed
    assert result.total == catalog.search(SearchRequest(q="低保")).total
    assert catalog.search(SearchRequest(q="地保", literal=True)).rescue is None


def test_one_wrong_character_is_corrected(catalog: Catalog):
    assert catalog.search(SearchRequest(q="养老保显")).rescue.correction == "养老保险"
    assert catalog.search(SearchRequest(q="临时求助")).rescue.correction == "临时救助"


def test_known_words_and_identifiers_are_never_corrected(catalog: Catalog):
    assert catalog.search(SearchRequest(q="最低生活保障")).did_you_mean == []
    assert catalog.search(SearchRequest(q="宿政办发〔2017〕150号", field="doc_no")).did_you_mean == []


def test_a_correction_is_only_offered_when_it_finds_more(catalog: Catalog):
    result = catalog.search(SearchRequest(q="民正局", filters={"year": ["1999"]}))
    assert result.total == 0 and result.did_you_mean == []  # 民政局 finds nothing in 1999 either
    assert result.rescue is None


def test_long_pasted_text_is_not_spell_checked(catalog: Catalog):
    pasted = " ".join(["养老保显"] * 5)  # the same unknown word, but as long as pasted text
    assert len(pasted) > 20 and catalog.search(SearchRequest(q=pasted)).total < 5
    assert catalog.search(SearchRequest(q=pasted)).did_you_mean == []
    assert catalog.search(SearchRequest(q=pasted)).rescue is None
    assert catalog.search(SearchRequest(q="养老保显")).rescue.correction == "养老保险"


def test_warming_out_of_file_descriptors_leaves_the_work_to_later(catalog: Catalog, monkeypatch):
    """CI stop 26: with 320 idle sockets on 256 descriptors, the background warm-up's import of pypinyin raised
    OSError (EMFILE) outside its guard, and the server log held a thread traceback. Warming is best effort (pypinyin
    is now imported by warm() itself, the vocabulary derived in the background where no ingest saved it)."""
    import index.whoosh.catalog as catalog_module

    def out_of_descriptors(*args, **kwargs):
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(catalog_module, "readings", out_of_descriptors)
    catalog.warm()  # returns; raised OSError before
    monkeypatch.setattr(catalog_module, "vocabulary_of", out_of_descriptors)
    monkeypatch.setattr(catalog, "_prepared", None)
    monkeypatch.setattr(catalog, "_vocabulary_path", lambda version: catalog.index_dir / "none-saved.pickle")
    catalog._vocabulary_in_background()  # returns
    monkeypatch.undo()
    assert sounds("低保") == ["di bao"]


def test_neighbours_are_those_a_scan_of_every_word_finds(catalog: Catalog, monkeypatch):
    """A neighbour is looked for only among the words sharing enough of the text's characters (the q-gram lemma):
    the same word as a scan of every word of each length, for known words and one-character misspellings of them."""
    import random

    from index.query.spelling import MAX_SUSPECT_CHARS, Speller

    with catalog.searcher() as searcher:
        vocabulary, speller = catalog._vocabulary(searcher)
    words = sorted(word for word in vocabulary.frequency if 3 <= len(word) <= MAX_SUSPECT_CHARS)
    rng = random.Random(6)
    texts = rng.sample(words, min(60, len(words)))
    texts += [
        w[:i] + rng.choice("的一是在不了有和人中大为上国") + w[i + 1 :] for w in texts for i in [rng.randrange(len(w))]
    ]
    texts += ["养老保显", "临时求助", "量子引力波"]
    found = [speller.neighbour(text) for text in texts]
    assert sum(bool(word) for word in found) >= 20  # the check means something
    monkeypatch.setattr(Speller, "_sharing", lambda self, text, size, least: self._by_length.get(size) or [])
    assert [speller.neighbour(text) for text in texts] == found


@given(
    size=st.integers(1, 6),
    data=st.data(),
)
def test_the_character_table_lists_each_word_holding_a_character_once_in_order(size: int, data) -> None:
    """``character_table`` (numpy) is the inverted list its definition says: for each character, the indexes of the
    words holding it, ascending, each once (a word with a character twice, like 保保, and characters outside the
    Basic Multilingual Plane included)."""
    alphabet = st.sampled_from("低保户养老金社会保险公积金𠀀𠀁")
    words = data.draw(st.lists(st.text(alphabet, min_size=size, max_size=size), max_size=40))
    expected: dict[str, list[int]] = {}
    for i, word in enumerate(words):
        for ch in sorted(set(word)):
            expected.setdefault(ch, []).append(i)
    table = character_table(words, size)
    assert {ch: where.tolist() for ch, where in table.items()} == expected
    assert all(where.dtype == np.int32 for where in table.values())
