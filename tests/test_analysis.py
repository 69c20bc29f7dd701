"""Words and bigrams: jieba's accurate cut (rjieba's identical one at ingest), sub-words found through bigrams,
phrases matching adjacent text only, highlights marking whole matches."""

from __future__ import annotations

import json

import pytest
from helpers import DOCUMENTS, ROOT, shared_path

from index.analysis import ChineseAnalyzer, FastSegmenter, _is_word, fold, jieba_tokenizer, segmenter, word_counts
from index.dictionary import TrieFrequencies, trie_tokenizer
from index.query import SearchRequest
from index.whoosh.catalog import Catalog
from index.whoosh.ingest import ingest_paths


def test_words_are_jiebas_accurate_cut_at_consecutive_positions():
    tokens = [(t.text, t.pos) for t in ChineseAnalyzer()("马克思主义，政府信息公开", positions=True)]
    # 政府信息 is one word of the user dictionary; sub-words (马克思) are found through the bigram fields
    assert tokens == [("马克思主义", 0), ("政府信息", 1), ("公开", 2)]


def _texts_of(paths) -> list[str]:
    import gzip

    texts = []
    for path in paths:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle):
                if number % 50 == 0:  # every source of the corpus, ~220 documents
                    record = json.loads(line)
                    texts.append(fold(f"{record.get('title') or ''}\n{record.get('body') or ''}")[:3000])
    return texts


@pytest.fixture(scope="module")
def jieba_cuts() -> list[tuple[str, list[str]]]:
    """(text, jieba's own accurate cut with HMM) of the bundled documents and every 50th corpus document (where
    ../shared is there): cut once for both comparisons below, jieba being the slow side of each."""
    texts = [fold(path.read_text("utf-8", errors="replace")) for path in DOCUMENTS.glob("*.txt")]
    corpus = ROOT.parent / "shared" / "corpus" / "real.jsonl.gz"
    texts += _texts_of([corpus]) if corpus.exists() else []
    jieba_cut = jieba_tokenizer()
    return [(text, list(jieba_cut.cut(text, HMM=True))) for text in texts]


def test_rjieba_gives_jiebas_exact_tokens_on_real_documents(jieba_cuts):
    """The fast segmenter ingest uses must cut exactly as jieba does at query time (every 50th corpus document here;
    ``python -m bench.segmenter`` compares the whole corpus)."""
    pytest.importorskip("rjieba", reason="without rjieba, ingest uses jieba itself")
    shared_path("corpus", "real.jsonl.gz")
    fast = FastSegmenter()
    assert len(jieba_cuts) > 200
    for text, tokens in jieba_cuts:
        assert fast.cut(text) == tokens


def test_an_ingest_batch_is_cut_by_rjieba_where_it_repays_its_load_or_it_is_loaded_and_by_jieba_otherwise(tmp_path):
    """BulkWriter's in-process cut (index/whoosh/writer.py batch_cut): a small batch in a process without rjieba
    loaded is cut by jieba (no 1.5 s load for a few documents); a batch of FAST_CUT_CHARS, and after it any batch, by
    rjieba; the tokens are the same."""
    pytest.importorskip("rjieba", reason="without rjieba, every batch is cut by jieba")
    from index.whoosh.writer import FAST_CUT_CHARS, batch_cut

    userdict = tmp_path / "userdict.txt"  # a dictionary of its own: no segmenter of this process has it yet
    userdict.write_text("低保边缘家庭 5\n", "utf-8")
    text = "关于低保边缘家庭认定办法的通知（2024年修订）"
    small = batch_cut(str(userdict), 1000)
    assert not isinstance(getattr(small, "__self__", None), FastSegmenter)
    large = batch_cut(str(userdict), FAST_CUT_CHARS)
    assert isinstance(large.__self__, FastSegmenter)
    after = batch_cut(str(userdict), 1000)
    assert isinstance(after.__self__, FastSegmenter)
    assert small(text) == large(text) == after(text) and "低保边缘家庭" in small(text)


def test_the_query_tokenizer_reads_a_trie_and_cuts_as_jieba_does(jieba_cuts):
    """segmenter()'s dictionary is the memory-mapped trie (index/dictionary.py), and its cut is jieba's own on
    real documents (every 50th corpus document and the bundled ones)."""
    pytest.importorskip("marisa_trie", reason="without marisa-trie, queries use jieba's dict")
    query_cut = segmenter()
    assert isinstance(query_cut.FREQ, TrieFrequencies)
    jieba_cut = jieba_tokenizer()
    assert query_cut.total == jieba_cut.total and len(query_cut.FREQ) == len(jieba_cut.FREQ)
    for text, tokens in jieba_cuts:
        assert list(query_cut.cut(text, HMM=True)) == tokens


def test_a_broken_trie_file_falls_back_to_jiebas_dict(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    userdict = tmp_path / "userdict.txt"
    userdict.write_text("低保边缘家庭 5\n", "utf-8")
    built = trie_tokenizer(userdict, lambda: jieba_tokenizer(userdict))
    assert isinstance(built.FREQ, TrieFrequencies)
    assert "低保边缘家庭" in list(built.cut("低保边缘家庭给予救助"))
    [freq_file] = tmp_path.glob("portal-jieba-*.freq")
    freq_file.write_bytes(b"\x00")  # cut short
    fallback = trie_tokenizer(userdict, lambda: jieba_tokenizer(userdict))
    assert isinstance(fallback.FREQ, dict)
    assert "低保边缘家庭" in list(fallback.cut("低保边缘家庭给予救助"))


def test_full_width_latin_is_folded_with_offsets_kept():
    [token] = list(ChineseAnalyzer()("ＡＢＣ", chars=True))
    assert (token.text, token.startchar, token.endchar) == ("abc", 0, 3)


DOCS = {
    "adjacent": "本机关认真做好政府信息公开工作。",
    "apart": "政府工作报告提出，要加强信息化建设，推进公开透明。",
    "marx": "坚持以马克思主义为指导。",
    "split": "政府信息 公开栏目",  # white space inside a phrase is formatting, not a break
    "context": "请认真贯彻执行。",  # jieba cuts 认真贯彻 / 执行 here, but 贯彻执行 alone
}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs")
    for key, body in DOCS.items():
        (folder / f"{key}.json").write_text(json.dumps({"id": key, "title": f"文件{key}", "body": body}), "utf-8")
    index_dir = tmp_path_factory.mktemp("index")
    ingest_paths([folder], index_dir)
    return Catalog(index_dir)


def _ids(catalog: Catalog, q: str) -> set[str]:
    return {hit.id for hit in catalog.search(SearchRequest(q=q)).hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param('"政府信息公开"', {"adjacent", "split"}, id="quoted-phrase-adjacent-only"),
        pytest.param("政府信息公开", {"adjacent", "split"}, id="unquoted-words-all-needed"),
        pytest.param("政府 公开", {"adjacent", "apart", "split"}, id="space-separated-words-anywhere"),
        pytest.param("马克思", {"marx"}, id="subword-inside-longer-word-by-its-bigrams"),
        pytest.param('"政府信息"', {"adjacent", "split"}, id="phrase-ignores-spaces-between-words"),
        pytest.param("贯彻执行", {"context"}, id="word-cut-differently-in-context"),
        pytest.param('"认真贯彻执行"', {"context"}, id="phrase-cut-differently-in-context"),
    ],
)
def test_phrase_and_subword_queries(small, query, expected):
    assert _ids(small, query) == expected


def test_highlight_marks_the_whole_phrase_once(small):
    [hit] = [h for h in small.search(SearchRequest(q='"政府信息公开"')).hits if h.id == "adjacent"]
    assert "<mark>政府信息公开</mark>" in hit.snippet_html


def test_highlight_marks_subword_inside_its_word(small):
    [hit] = small.search(SearchRequest(q="马克思")).hits
    assert "<mark>马克思</mark>主义" in hit.snippet_html


def test_user_dictionary_keeps_government_terms_whole():
    words = [t.text for t in ChineseAnalyzer()("城乡低保和特困供养人员", mode="query")]
    assert "低保" in words


_EVERY_CHARACTER = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000)


def test_fold_changes_only_full_width_ascii_and_the_ideographic_space_one_for_one():
    folded = fold(_EVERY_CHARACTER)
    changed = {a: b for a, b in zip(_EVERY_CHARACTER, folded, strict=True) if a != b}
    assert changed == {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)} | {"\u3000": " "}


def test_a_word_is_what_holds_a_character_isalnum_takes():
    """word_counts's filter (a regular expression, for speed) keeps exactly the tokens str.isalnum finds a letter or a
    digit in: not the underscore \\w also takes, not punctuation; Chinese, other scripts' letters and digits."""
    assert [ch for ch in _EVERY_CHARACTER if _is_word(ch) != ch.isalnum()] == []
    tokens = ["养老", "_", "__", "a_", "，", "２０２３", "Ⅻ", "١٢", "  ", "", "COVID-19", "·"]
    assert word_counts(" ".join(tokens), lambda text: text.split(" ")) == {
        "养老": 1,
        "a_": 1,
        "2023": 1,
        "ⅻ": 1,
        "١٢": 1,
        "covid-19": 1,
    }
