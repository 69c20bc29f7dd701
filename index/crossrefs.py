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
from dataclasses import dataclass
from datetime import date
from urllib.parse import urljoin, urlsplit

from index.identifiers import normalise_doc_no
from index.record import Document

INTERPRETATION = "解读"
ORIGINAL = "原文"
PRESS = "新闻发布"  # a press conference or Q&A that interprets no document it names
KINDS = (ORIGINAL, INTERPRETATION, PRESS)
# What an interpretation is called, most specific first (the value shown and stored).
_FORMS = (
    ("答记者问", re.compile(r"答记者问")),
    ("一图读懂", re.compile(r"一图读懂|一图看懂|一图了解")),
    ("图解", re.compile(r"图解")),
    ("政策解读", re.compile(r"解读")),
)
# Titles that only mention interpreting are not interpretations: 关于开展政策解读工作的通知.
_NOT_AN_INTERPRETATION = re.compile(r"(?:关于|做好|加强|开展|规范|推进).*解读工作|解读工作.*(?:通知|意见|办法|方案)$")

# A press conference: 外交部发言人…在例行记者会上答记者问, 新闻发布会实录, 吹风会.
_PRESS = re.compile(
    r"记者会|记者招待会|发布会|吹风会|通气会|答记者问|答问|回答记者提问|发言人.{0,60}(?:谈话|声明|表示|答|主持|举行)"
)
# A policy text whose title speaks of press work (关于建立新闻发布会制度的通知) is no press conference.
_POLICY_TITLE = re.compile(r"^关于.*(?:通知|办法|意见|规定|决定|方案|制度)$")
# A Q&A on a document says so in its title: 就《X》答记者问, 就印发…答记者问.
_QA_ON_DOCUMENT = re.compile(r"《|就(?:印发|出台|发布|实施|修订|修改|制定|公布|颁布)[^，。]{0,40}答")
# What an interpretation's title says besides the name of what it interprets: 关于…的若干措施解读 names
# 关于…的若干措施; 图解丨…, 一图读懂… and …政策解读 likewise.
_FORM_WORDS = re.compile(r"^(?:【?(?:图解|一图读懂|一图看懂|一图了解)】?[丨|｜:：\s]*)|(?:的?(?:政策)?解读|的?图解)$")
_NAMED_DOCUMENT = re.compile(
    r"^关于.{4,}|(?:条例|办法|规定|细则|措施|方案|意见|通知|规划|计划|决定|指引|指南|规则|纲要)$"
)

# A regulation's title, and the note on its edition some sites print after it.
_REGULATION = re.compile(r"(?:条例|办法|规定|细则|规则|章程|准则|法)$")
_VERSION_NOTE = re.compile(r"\s*[（(][^（）()]{0,20}(?:修订|修正|修改|试行|暂行|草案)[^（）()]{0,6}[)）]\s*$")

# A date in a regulation's heading that says what happened to the text then.
_EDITION_DATE = re.compile(
    r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:(?!\d{4}\s*年)[^。]){0,160}?"
    r"(?:通过|修订|修正|公布|发布|颁布|批准)"
)
EDITION_WINDOW = 800  # characters of body where a regulation's heading gives its dates

_QUOTED = re.compile(r"《([^《》]{4,150})》")
_BRACKETS_OPEN, _BRACKETS_CLOSE = re.escape("[［(（【〔〖{｛"), re.escape("]］)）】〕〗}｝")
_DOC_NO_IN_TEXT = re.compile(
    rf"([\u4e00-\u9fff]{{2,12}})[{_BRACKETS_OPEN}]\s*((?:19|20)\d{{2}})\s*[{_BRACKETS_CLOSE}]\s*(第?\d{{1,5}})\s*号"
)
_ORDER_NO_IN_TEXT = re.compile(r"([\u4e00-\u9fff]{2,16}令)\s*(第\d{1,5}号)")
# What every match of the two holds, found without trying a prefix at each character: a text without them (most
# texts) is not searched further.
_DOC_NO_TAIL = re.compile(rf"[{_BRACKETS_OPEN}]\s*(?:19|20)\d{{2}}\s*[{_BRACKETS_CLOSE}]\s*第?\d{{1,5}}\s*号")
_ORDER_NO_TAIL = re.compile(r"令\s*第\d{1,5}号")
# Titles that publish another text under their own: 关于印发《X》的通知 is where X's text stands.
_PUBLISHES = re.compile(r"(?:印发|发布|公布|转发|颁布)((?:[和及、与]?《[^《》]{4,150}》)+)")
# What stands before a title's 关于 where the title is an infographic's or a 解读's (一图看懂 关于…): not a publisher.
_FORM_PREFIX = re.compile(r"图解|一图|读懂|看懂|解读")
# The part of an interpretation that says what it interprets: its title and its opening.
INTERPRETATION_WINDOW = 400  # characters of body
MIN_TITLE_KEY = 6  # characters; shorter quoted titles (《办法》) name nothing in particular
_NON_WORD = re.compile(r"[\W_]+")

# Sentences that repeal or replace, read clause by clause (see :func:`statements`). The verbs are looked for
# outside 《titles》: a kept 《关于废止…的决定》 repeals nothing. 被 before the verb turns the direction round:
# 本办法已被《Y》代替 says this document was replaced; 《X》已被《Y》代替 (in a list of repealed texts) speaks of
# two others and links nothing.
_SENTENCE = re.compile(r"[^。；;！!\n]+")
_SEGMENT_END = re.compile(r"[。；;！!？?\n]")
# Where a clean-up catalogue's lists begin: （一）保留…目录, 二、废止…目录.
_LIST_HEADING = re.compile(r"[（(][一二三四五六七八九十]{1,3}[)）]|(?<![\u4e00-\u9fff〇])[一二三四五六七八九十]{1,3}、")
_CLAUSE_END = re.compile(r"[，,]")
_REPEAL = re.compile(r"废止|停止执行|不再执行|代替|取代|失效")
_REVISED = re.compile(r"对[^〇]*》.*?修订")  # 对《X》《Y》进行整合修订
# A clause that keeps, proposes or only plans: 保留, 继续有效, 拟废止, 建议废止, 有效期届满自行失效.
_NOT_DONE = re.compile(r"保留|继续有效|继续执行|拟|建议|征求|暂缓|不予|有效期|届满|到期")
_PASSIVE = re.compile(r"被.{0,80}?(?:废止|代替|取代|替代)")
_SELF = re.compile(
    r"(?:本|该|此)(?:办法|规定|通知|文件|决定|意见|细则|方案|条例|公告|通告|标准|政策|规范|批复)[^《》]{0,12}被"
)
# What is left of a clause that only lists names: 《X》（冀科平〔2018〕10号）、《Y》和
_NAME_ONLY = re.compile(r"^[\s\d、和及与等原第件个份号.．（）()〔〕\[\]［］]*$")


@dataclass
class Statement:
    """One clause of a document that repeals or replaces others: the tokens of the documents it names, whether
    it says the document itself was repealed (``passive``), and its text (the sentence a link is shown with)."""

    passive: bool
    tokens: list[str]
    text: str


def title_key(title: str) -> str:
    """A title as a lookup key: NFKC, every space and punctuation mark removed (《》“”（）…)."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", title or ""))


def title_keys(title: str) -> list[str]:
    """The keys a title is cited by: whole; from its first 关于 on (joint titles are cited without their
    publishers: 《关于健全…的实施意见》), unless that 关于 stands inside a 《title》 it quotes (科技部解读《关于…》
    is not cited as 《关于…》) or follows an infographic's words (一图看懂 关于…); and each text it publishes
    (关于印发《X》《Y》的通知 is cited as 《X》 and as 《Y》)."""
    keys = [title_key(title)]
    start = title.find("关于")
    prefix = title[:start]
    if start > 0 and prefix.count("《") <= prefix.count("》") and not _FORM_PREFIX.search(prefix):
        keys.append(title_key(title[start:]))
    keys += [title_key(quoted) for run in _PUBLISHES.findall(title) for quoted in _QUOTED.findall(run)]
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
    """What a document is (the 文件类型 facet): ``解读``, ``新闻发布`` or ``原文``.

    ``解读`` is an interpretation that names or links what it interprets (:func:`cites` is not empty); a
    press conference or a Q&A that names no document (外交部发言人…在例行记者会上答记者问) is ``新闻发布``;
    every other document, an infographic of a procedure that names no document included, is ``原文``.
    """
    form = interpretation_form(doc.title, doc.categories, doc.column)
    if _PRESS.search(doc.title) and "负责人" not in doc.title and not _POLICY_TITLE.search(doc.title):
        return PRESS  # a spokesman's press conference, whatever it mentions; 有关负责人就《X》答记者问 is not one
    if form and _QA_ON_DOCUMENT.search(doc.title):
        return INTERPRETATION  # 就《X》答记者问, 《X》解读
    if form and _interpreted(doc):
        return INTERPRETATION  # 负责人就调整…答记者问, naming the notice (宿人社发〔2022〕47号) in its opening
    return PRESS if form == "答记者问" else ORIGINAL


def interpretation_of(doc: Document) -> str:
    """What an interpretation is called (政策解读, 图解, 一图读懂, 答记者问); "" for a document of another kind."""
    return interpretation_form(doc.title, doc.categories, doc.column) if kind(doc) == INTERPRETATION else ""


def version_key(doc: Document) -> str:
    """The key versions of one regulation share: its title (NFKC, punctuation out, a trailing （2020年修订） or
    （试行） dropped) where the title names a regulation (…条例, …办法, …规定, …细则, …规则, …法); "" otherwise,
    and for a 解读 or 新闻发布. Two documents with one key and different dates are versions of it."""
    if kind(doc) != ORIGINAL:
        return ""
    title = _VERSION_NOTE.sub("", doc.title.strip())
    if not _REGULATION.search(title) or title.startswith("关于"):
        return ""
    key = title_key(title)
    return key if len(key) >= MIN_TITLE_KEY else ""


def version_date(doc: Document) -> str:
    """The date of the edition a regulation's text is (ISO): the latest date its heading says it was adopted,
    revised or published (2018年11月22日…通过 2024年12月31日…修正 → 2024-12-31); "" where it says none.
    A page's own 公开日期 is not used: a site reposting a law years later publishes no new version."""
    found = []
    for match in _EDITION_DATE.finditer(doc.body[:EDITION_WINDOW]):
        year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
        if 1 <= month <= 12 and 1 <= day <= 31:
            found.append(f"{year}-{month:02d}-{day:02d}")
    return max(found, default="")


def edition_sentence(doc: Document) -> str:
    """The words of a regulation's heading that date its edition (2024年12月31日…修正), else its title."""
    found = [match for match in _EDITION_DATE.finditer(doc.body[:EDITION_WINDOW])]
    if not found:
        return doc.title
    latest = max(found, key=lambda match: (int(match.group(1)), int(match.group(2)), int(match.group(3))))
    return re.sub(r"\s+", " ", latest.group()).strip()


MIN_EDITION_GAP = 180  # days: two dates of one edition (通过, then 公布) lie closer than this


def are_versions(one: Document, other: Document) -> bool:
    """Whether two documents are different editions of one regulation: the same :func:`version_key`, and
    edition dates (:func:`version_date`) both known and more than MIN_EDITION_GAP days apart."""
    key = version_key(one)
    if not key or key != version_key(other):
        return False
    first, second = version_date(one), version_date(other)
    if not (first and second):
        return False
    try:
        return abs((date.fromisoformat(first) - date.fromisoformat(second)).days) > MIN_EDITION_GAP
    except ValueError:  # a heading's impossible date (2月30日)
        return False


def named_in_title(title: str) -> list[str]:
    """``t:`` tokens of the document an interpretation's title names without quotes: 关于…的若干措施解读 names
    关于…的若干措施 (its form words removed, what is left must read as a document's title)."""
    name = _FORM_WORDS.sub("", title.strip())
    name = _FORM_WORDS.sub("", name).strip()
    if name == title.strip() or "《" in name or not _NAMED_DOCUMENT.search(name):
        return []
    return [f"t:{key}" for key in title_keys(name)]


def doc_no_tokens(text: str) -> list[str]:
    """``n:`` tokens of the 文号 written in ``text``.

    The 机关代字 before the bracket cannot be told from the words before it (印发了宿政办发〔2017〕150号),
    so each ending of the characters before the bracket is a candidate; only real 文号 will match.
    """
    tokens = []
    for match in _DOC_NO_IN_TEXT.finditer(text) if _DOC_NO_TAIL.search(text) else ():
        prefix, tail = match.group(1), f"〔{match.group(2)}〕{match.group(3)}号"
        tokens += [f"n:{prefix[start:]}{tail}" for start in range(len(prefix) - 1)]
    for match in _ORDER_NO_IN_TEXT.finditer(text) if _ORDER_NO_TAIL.search(text) else ():
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
    the document its title names (:func:`named_in_title`), and the links on its page. Empty for any other
    document."""
    if kind(doc) != INTERPRETATION:
        return []
    return _interpreted(doc)


def _interpreted(doc: Document) -> list[str]:
    """The tokens of what a document names as interpreted, whatever its kind (see :func:`cites`)."""
    tokens = [token for _, found in cite_sentences(doc) for token in found]
    for link in doc.related:
        tokens += link_tokens(link.url, doc.url) + quoted_title_tokens(link.title)
    return _without_own(tokens, doc)


# A sentence that gives the grounds of a text, not the text interpreted: 根据《X》…制定, 为贯彻落实《Y》.
_GROUNDS = re.compile(r"根据|依据|按照|依照|贯彻|落实|遵循|衔接|参照|对照|精神")


def interpreted_sentences(doc: Document) -> list[tuple[str, list[str]]]:
    """(sentence, tokens) naming what an interpretation interprets, the sentence a 解读 → 原文 link is shown
    with: its title where the title names a document (《X》解读 interprets X, whatever X's grounds its opening
    cites); else the sentences of its opening that name a document and do not give grounds (根据《X》,
    为贯彻落实《Y》); and the links on its page."""
    found = cite_sentences(doc)
    links = [(link.title, quoted_title_tokens(link.title) + link_tokens(link.url, doc.url)) for link in doc.related]
    titled = [(sentence, tokens) for sentence, tokens in found if sentence == doc.title]
    if titled:
        return titled + [pair for pair in links if pair[1]]
    return [
        (sentence, tokens) for sentence, tokens in found if (sentence, tokens) in links or not _GROUNDS.search(sentence)
    ]


def cite_sentences(doc: Document) -> list[tuple[str, list[str]]]:
    """(sentence, tokens) for each sentence of an interpretation's title and opening that names a document:
    the sentence a 解读 → 原文 link is shown with."""
    found = [(doc.title, quoted_title_tokens(doc.title) + doc_no_tokens(doc.title) + named_in_title(doc.title))]
    found += [
        (sentence.strip(), quoted_title_tokens(sentence) + doc_no_tokens(sentence))
        for sentence in _SENTENCE.findall(doc.body[:INTERPRETATION_WINDOW])
    ]
    found += [(link.title, quoted_title_tokens(link.title) + link_tokens(link.url, doc.url)) for link in doc.related]
    return [(sentence, tokens) for sentence, tokens in found if tokens]


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


def repeals(doc: Document, said: list[Statement] | None = None) -> list[str]:
    """Tokens of the documents this one says it repeals or replaces (原《X》同时废止; 本办法代替…); ``said``: its
    :func:`statements`, where the caller has them already."""
    said = statements(doc) if said is None else said
    return _without_own([token for found in said if not found.passive for token in found.tokens], doc)


def repealed_by(doc: Document, said: list[Statement] | None = None) -> list[str]:
    """Tokens of the documents this one says it was repealed or replaced by (本文件已被《Y》废止); ``said`` as in
    :func:`repeals`."""
    said = statements(doc) if said is None else said
    return _without_own([token for found in said if found.passive for token in found.tokens], doc)


def statements(doc: Document) -> list[Statement]:
    """The clauses of an original (not of a 解读 or 新闻发布) that repeal or replace documents they name.

    A text is cut into sentences (。；！\\n) and at the headings of numbered lists (（一）, 二、), so each list of
    a clean-up catalogue stands alone; each sentence into clauses at commas. A clause states a repeal when,
    outside its 《titles》, it holds 废止, 停止执行, 不再执行, 代替, 取代 or 失效 (or reads 对《X》…修订), and
    nothing that keeps or only proposes (保留, 继续有效, 拟, 建议, 有效期届满). It names the documents in it,
    and, where it names none, those of the clauses beside it that are lists of names only
    (《X》（…号），自本办法施行之日起废止).
    """
    text = f"{doc.body}\n{doc.summary}"
    # A clause states a repeal only with one of _REPEAL's words or 修订 in it (masking 《titles》 adds neither):
    # most texts have none, and are not cut into clauses.
    if kind(doc) != ORIGINAL or not (_REPEAL.search(text) or "修订" in text):
        return []
    found = []
    for segment in _segments(text):
        clauses = _clauses(segment)
        for i, clause in enumerate(clauses):
            masked = _mask(clause)
            if _NOT_DONE.search(masked) or not (_REPEAL.search(masked) or _REVISED.search(masked)):
                continue
            named = [clause]
            for step in (-1, 1):  # the lists of names right before and after the clause
                j = i + step
                while 0 <= j < len(clauses) and _names(clauses[j]) and _NAME_ONLY.match(_unnamed(clauses[j])):
                    named.insert(0, clauses[j]) if step < 0 else named.append(clauses[j])
                    j += step
            tokens = [token for part in named for token in _names(part)]
            passive = bool(_PASSIVE.search(masked))
            if tokens and (not passive or _SELF.search(masked)):
                found.append(Statement(passive, list(dict.fromkeys(tokens)), "，".join(named).strip()))
    return found


def name_position(text: str, names: set[str]) -> int:
    """Where ``text`` first names one of the documents ``names`` stands for (a 《title》 or a 文号); −1."""
    found = [
        match.start() for match in _QUOTED.finditer(text) if names.intersection(quoted_title_tokens(match.group()))
    ]
    found += [
        match.start() for match in _DOC_NO_IN_TEXT.finditer(text) if names.intersection(doc_no_tokens(match.group()))
    ]
    return min(found, default=-1)


def _segments(text: str) -> list[str]:
    """``text`` cut at sentence ends and list headings (never inside a 《title》)."""
    masked = _mask(text)
    cuts = {0, len(text)}
    cuts.update(match.end() for match in _SEGMENT_END.finditer(masked))
    cuts.update(match.start() for match in _LIST_HEADING.finditer(masked))
    points = sorted(cuts)
    return [text[a:b] for a, b in zip(points, points[1:], strict=False) if text[a:b].strip()]


def _clauses(segment: str) -> list[str]:
    masked = _mask(segment)
    points = [0, *(match.end() for match in _CLAUSE_END.finditer(masked)), len(segment)]
    return [segment[a:b].strip(" ，,") for a, b in zip(points, points[1:], strict=False) if segment[a:b].strip(" ，,")]


def _mask(text: str) -> str:
    """``text`` with every character inside 《…》 replaced by 〇 (same length: positions stay)."""
    return _QUOTED_ANY.sub(lambda match: "《" + "〇" * (len(match.group()) - 2) + "》", text)


_QUOTED_ANY = re.compile(r"《[^《》]*》")


def _names(clause: str) -> list[str]:
    return quoted_title_tokens(clause) + doc_no_tokens(clause)


def _unnamed(clause: str) -> str:
    """A clause without its 《titles》 and 文号 (to tell a list of names from a sentence)."""
    text = _QUOTED_ANY.sub("", clause)
    text = _DOC_NO_IN_TEXT.sub("", text)
    return _ORDER_NO_IN_TEXT.sub("", text)


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
