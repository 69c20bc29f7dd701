"""Links between documents that their own text states: 解读 → 原文, and a later document → the one it repeals.

A policy interpretation (政策解读, 图解, 一图读懂, 答记者问) names what it interprets by 《title》, by 文号, or by
a link on its page; an original lists its interpretations under 相关信息. A later document says that an
earlier one 同时废止 / 停止执行 / is replaced (代替, 取代); a replaced page may itself say 已被…废止.

Each document is reduced to *tokens*, all in one vocabulary so that any side can be matched against any other
by exact index terms:

- ``t:<title key>``: a title (or a 《quoted title》) with spaces and punctuation removed;
- ``n:<文号>``: a 文号 in GB/T 9704 form (宿政办发〔2017〕150号);
- ``u:<URL>``: an absolute URL; ``p:<path>``: a URL's path, for links published relative to a page whose
  address the record does not carry.

:func:`refs` are the tokens others may cite a document by; :func:`cites`, :func:`repeals`,
:func:`repealed_by` and :func:`mentions` are the tokens a document cites. Detection runs at ingest (the index
stores each list as a keyword field, see :mod:`index.schema`); the links are resolved at query time
(``Catalog.relations``).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urljoin, urlsplit

from index.identifiers import normalise_doc_no
from index.record import Document

INTERPRETATION = "解读"
ORIGINAL = "原文"
# What an interpretation is called, most specific first (the value shown and stored).
_FORMS = (
    ("答记者问", re.compile(r"答记者问")),
    ("一图读懂", re.compile(r"一图读懂|一图看懂|一图了解")),
    ("图解", re.compile(r"图解")),
    ("政策解读", re.compile(r"解读")),
)
# Titles that only mention interpreting are not interpretations: 关于开展政策解读工作的通知.
_NOT_AN_INTERPRETATION = re.compile(r"(?:关于|做好|加强|开展|规范|推进).*解读工作|解读工作.*(?:通知|意见|办法|方案)$")

_QUOTED = re.compile(r"《([^《》]{4,150})》")
_BRACKETS_OPEN, _BRACKETS_CLOSE = re.escape("[［(（【〔〖{｛"), re.escape("]］)）】〕〗}｝")
_DOC_NO_IN_TEXT = re.compile(
    rf"([\u4e00-\u9fff]{{2,12}})[{_BRACKETS_OPEN}]\s*((?:19|20)\d{{2}})\s*[{_BRACKETS_CLOSE}]\s*(第?\d{{1,5}})\s*号"
)
_ORDER_NO_IN_TEXT = re.compile(r"([\u4e00-\u9fff]{2,16}令)\s*(第\d{1,5}号)")
# Titles that publish another text under their own: 关于印发《X》的通知 is where X's text stands.
_PUBLISHES = re.compile(r"(?:印发|发布|公布|转发|颁布)《([^《》]{4,150})》")
# The part of an interpretation that says what it interprets: its title and its opening.
INTERPRETATION_WINDOW = 400  # characters of body
MIN_TITLE_KEY = 6  # characters; shorter quoted titles (《办法》) name nothing in particular
_NON_WORD = re.compile(r"[\W_]+")

# Sentences that repeal or replace. 被 before the verb turns the direction round: 本办法已被《Y》代替 says this
# document was replaced; 《X》已被《Y》代替 (in a list of repealed texts) speaks of two others and links nothing.
_SENTENCE = re.compile(r"[^。；;！!\n]+")
_REPEAL = re.compile(r"同时废止|予以废止|宣布废止|废止|停止执行|不再执行|同时失效|自行失效|代替|取代|替代")
_PASSIVE = re.compile(r"被.{0,80}?(?:废止|代替|取代|替代)")
_SELF = re.compile(
    r"(?:本|该|此)(?:办法|规定|通知|文件|决定|意见|细则|方案|条例|公告|通告|标准|政策|规范|批复)[^《》]{0,12}被"
)


def title_key(title: str) -> str:
    """A title as a lookup key: NFKC, every space and punctuation mark removed (《》“”（）…)."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", title or ""))


def title_keys(title: str) -> list[str]:
    """The keys a title is cited by: whole; from its first 关于 on (joint titles are cited without their
    publishers: 《关于健全…的实施意见》); and a text it publishes (关于印发《X》的通知 is cited as 《X》)."""
    keys = [title_key(title)]
    start = title.find("关于")
    if start > 0:
        keys.append(title_key(title[start:]))
    keys += [title_key(quoted) for quoted in _PUBLISHES.findall(title)]
    return [key for key in dict.fromkeys(keys) if len(key) >= MIN_TITLE_KEY]


def interpretation_form(title: str, categories: list[str], column: str = "") -> str:
    """政策解读, 图解, 一图读懂 or 答记者问 when the title, a classification or the column says so; else ""."""
    for text in (title, *categories, column):
        if not text or _NOT_AN_INTERPRETATION.search(text):
            continue
        for form, pattern in _FORMS:
            if pattern.search(text):
                return form
    return ""


def kind(doc: Document) -> str:
    """``解读`` for an interpretation, ``原文`` for everything else (the facet's two values)."""
    return INTERPRETATION if interpretation_form(doc.title, doc.categories, doc.column) else ORIGINAL


def doc_no_tokens(text: str) -> list[str]:
    """``n:`` tokens of the 文号 written in ``text``.

    The 机关代字 before the bracket cannot be told from the words before it (印发了宿政办发〔2017〕150号),
    so each ending of the characters before the bracket is a candidate; only real 文号 will match.
    """
    tokens = []
    for match in _DOC_NO_IN_TEXT.finditer(text):
        prefix, tail = match.group(1), f"〔{match.group(2)}〕{match.group(3)}号"
        tokens += [f"n:{prefix[start:]}{tail}" for start in range(len(prefix) - 1)]
    for match in _ORDER_NO_IN_TEXT.finditer(text):
        prefix, tail = match.group(1), match.group(2)
        tokens += [f"n:{prefix[start:]}{tail}" for start in range(max(0, len(prefix) - 12), len(prefix) - 1)]
    return list(dict.fromkeys(tokens))


def quoted_title_tokens(text: str) -> list[str]:
    """``t:`` tokens of the 《titles》 quoted in ``text``."""
    return list(dict.fromkeys(f"t:{key}" for quoted in _QUOTED.findall(text) for key in title_keys(quoted)))


def link_tokens(url: str, base: str = "") -> list[str]:
    """``u:`` for an absolute web link (resolved against ``base``), else ``p:`` for the path of a relative one."""
    url = (url or "").strip()
    if not url or url.startswith(("javascript:", "mailto:", "#")):
        return []
    try:
        absolute = urljoin(base, url) if base else url
        parts = urlsplit(absolute)
    except ValueError:
        return []
    if parts.scheme in ("http", "https") and parts.netloc:
        return [f"u:{_no_spaces(absolute)}"]
    return [f"p:{_no_spaces(parts.path)}"] if _specific_path(parts.path) else []


def refs(doc: Document) -> list[str]:
    """The tokens a document may be cited by: its title keys, its 文号, its URL and that URL's path."""
    tokens = [f"t:{key}" for key in title_keys(doc.title)]
    if doc.doc_no:
        tokens.append(f"n:{_no_spaces(normalise_doc_no(doc.doc_no))}")
    if doc.url:
        tokens += link_tokens(doc.url)
        path = urlsplit(doc.url).path if "://" in doc.url else ""
        if _specific_path(path):
            tokens.append(f"p:{_no_spaces(path)}")
    return list(dict.fromkeys(tokens))


def cites(doc: Document) -> list[str]:
    """For an interpretation, the tokens of what it interprets: 《titles》 and 文号 in its title and opening,
    and the links on its page. Empty for any other document."""
    if kind(doc) != INTERPRETATION:
        return []
    window = f"{doc.title}\n{doc.body[:INTERPRETATION_WINDOW]}"
    tokens = quoted_title_tokens(window) + doc_no_tokens(window)
    for link in doc.related:
        tokens += link_tokens(link.url, doc.url) + quoted_title_tokens(link.title)
    return _without_own(tokens, doc)


def related_tokens(doc: Document) -> list[str]:
    """The tokens of the documents listed under 相关信息 (their URLs, and their titles as keys)."""
    tokens: list[str] = []
    for link in doc.related:
        tokens += link_tokens(link.url, doc.url)
        tokens += [f"t:{key}" for key in title_keys(link.title)]
    return _without_own(tokens, doc)


def mentions(doc: Document) -> list[str]:
    """Tokens of every document this one names anywhere in its title, body or 内容概述: 《titles》 and 文号.

    What related documents list as 本文引用 (and, read the other way, 引用本文); unlike :func:`cites` this is
    every document's, not an interpretation's opening only.
    """
    text = f"{doc.title}\n{doc.summary}\n{doc.body}"
    return _without_own(quoted_title_tokens(text) + doc_no_tokens(text), doc)


def repeals(doc: Document) -> list[str]:
    """Tokens of the documents this one says it repeals or replaces (原《X》同时废止; 本办法代替…)."""
    return _without_own([token for passive, tokens in _repeal_statements(doc) if not passive for token in tokens], doc)


def repealed_by(doc: Document) -> list[str]:
    """Tokens of the documents this one says it was repealed or replaced by (本文件已被《Y》废止)."""
    return _without_own([token for passive, tokens in _repeal_statements(doc) if passive for token in tokens], doc)


def _repeal_statements(doc: Document) -> list[tuple[bool, list[str]]]:
    """(whether the sentence is passive, the documents it names) for each sentence that repeals or replaces."""
    found = []
    for sentence in _SENTENCE.findall(f"{doc.body}\n{doc.summary}"):
        if not _REPEAL.search(sentence):
            continue
        tokens = quoted_title_tokens(sentence) + doc_no_tokens(sentence)
        passive = bool(_PASSIVE.search(sentence))
        if tokens and (not passive or _SELF.search(sentence)):
            found.append((passive, tokens))
    return found


def _without_own(tokens: list[str], doc: Document) -> list[str]:
    """``tokens`` less those naming ``doc`` itself (with the shorter candidates of its own 文号)."""
    own = set(refs(doc))
    own_doc_no = f"n:{_no_spaces(normalise_doc_no(doc.doc_no))}" if doc.doc_no else ""

    def is_own(token: str) -> bool:
        return token in own or bool(own_doc_no and token.startswith("n:") and own_doc_no.endswith(token[2:]))

    return [token for token in dict.fromkeys(tokens) if not is_own(token)]


def _specific_path(path: str) -> bool:
    """A path specific enough to name one page (/art/2024/3/12/art_1.html), not a site's /index.html."""
    return path.count("/") >= 3


def _no_spaces(text: str) -> str:
    return re.sub(r"\s+", "%20", text.strip())
