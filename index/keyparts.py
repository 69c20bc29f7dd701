"""Keys the label table does not hold, read by their parts and by their values (issue 17, item 3).

An API names a field by words glued into one key: camelCase (``secFutrsLawName``, ``lawPubOrgName``), snake_case
(``law_name``), upper case (``LAW_NAME``) or pinyin initials run together (``zcwjbt``, ``xxfbrq``). Such a key is
split into its words (:func:`key_words`) and read by its last one (:func:`field_by_parts`); a word spelled in full
pinyin (``fabuRiqi``, ``fawen_zihao``, ``chengwenDate``) counts as its initials do (``rq``, ``zh``, ``cw``):

- ``…Name``/``…Title``/``…Mc``/``…Bt`` is the title, unless the word before it names what the name belongs to (a
  channel, a user, a site …; an office's name — ``lawPubOrgName`` — is the publisher);
- ``…Content``/``…Text``/``…Body``/``…Zw``/``…Nr`` is the body, except an issuing body (``issuingBody``: the
  publisher); so is a Chinese key naming a piece of the text (``正文片段``, ``内容节选``: a RAG chunk's slice);
- ``…Date``/``…Time``/``…Day``/``…Rq``/``…Sj``, and ``…At`` after a past participle (``publishedAt``,
  ``createdAt``: the Rails and JSON:API naming of a record's timestamps), is the publication date (the 成文日期
  where a word says written, ``cw``/``write``/``sign``), and no date where a word says the date is of something
  else (``efctvDate``, an entry into force; ``updateTime``/``updatedAt``; ``inefctvDate``); such a key's value
  may be a spreadsheet's day number (``42644``), as under a date label;
- ``…No``/``…Num``/``…Number``/``…Code``/``…Wh``/``…Zh`` is the 文号;
- ``…Status``/``…State`` is the 有效性 where its value says one in words (``lawStatus: 现行有效``);
- ``…Org``/``…Dept``/``…Unit``/``…Organ``/``…Jg``/``…Dw``/``…Bm`` (and their ``…OrgName``) is the publisher, and so
  is a key that is only such a word (``department``).

A field read so counts only where its value looks like what the field holds (:func:`plausible`): a 文号 in one of
its written forms (:func:`index.identifiers.parse_doc_no`), a date :func:`index.dates.parse_date` reads, a body's
name (:func:`index.publishers.is_organisation_name`), a title's line of Chinese (any one line of Chinese under a
key whose last word says title, ``infoTitle``, ``xxbt``: only ``…Name``/``…Mc`` may name something else). It
ranks after every key the label table holds, so ``…Name`` is the title only where no better title key exists.

A record whose known keys give no title or no body is then read by its values alone (:func:`fields_by_value`):
a long text of sentences is the body, a line of Chinese naming a document the title (beside a body; or, where it is
the record's only such line, beside its date or address: a policy list's ``{"文件": …, "时间": …, "url": …}``), a
string wholly a 文号 the 文号, wholly a 索引号 the 索引号, the one date among the unread keys the publication date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

# camelCase and ACRONYMWord boundaries, and the separators of snake, kebab and dotted keys.
_BOUNDARY = re.compile(r"[_\-.\s]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_VOWEL = re.compile(r"[aeiouv]")

# The last word of a key, and the field it names.
_FIELD_WORDS: dict[str, str] = {
    **dict.fromkeys(("name", "title", "mc", "bt"), "title"),
    **dict.fromkeys(("content", "text", "body", "zw", "nr", "html", "clob", "fulltext"), "body"),
    **dict.fromkeys(("date", "time", "day", "rq", "sj", "datetime", "timestr", "datestr"), "pub_date"),
    **dict.fromkeys(("no", "num", "number", "nbr", "code", "wh", "zh", "fwzh"), "doc_no"),
    **dict.fromkeys(("status", "state", "validity", "sxx", "yxx", "xl"), "validity"),
    **dict.fromkeys(("fl", "lb"), "category"),  # 分类, 类别 in pinyin initials (xxfl, zcfl, gkfl, xxlb)
    **dict.fromkeys(
        ("org", "dept", "department", "unit", "organ", "organization", "agency", "issuer", "jg", "dw", "bm"),
        "publisher",
    ),
    # The same words in full pinyin (fabuRiqi, fawen_zihao, FABU_JIGOU): the spelled-out twins of the initials above.
    **dict.fromkeys(("biaoti", "mingcheng"), "title"),
    **dict.fromkeys(("neirong", "zhengwen"), "body"),
    **dict.fromkeys(("riqi", "shijian"), "pub_date"),
    **dict.fromkeys(("wenhao", "zihao"), "doc_no"),
    **dict.fromkeys(("youxiaoxing", "zhuangtai"), "validity"),
    **dict.fromkeys(("fenlei", "leibie"), "category"),
    **dict.fromkeys(("jigou", "jiguan", "danwei", "bumen"), "publisher"),
}
# Pinyin-initial words glued in a key of consonants only (zcwjbt, xxfbrq), longest first.
_PINYIN_ENDINGS = ("fwzh", "rq", "sj", "bt", "mc", "zw", "nr", "wh", "zh", "jg", "dw", "bm", "fl", "lb")

# English field words glued to a word before them in a one-word key (inputtime, enpcontent), longest first.
_GLUED_ENDINGS = ("content", "title", "date", "time", "name", "body", "text")

# Words before a name that say whose name it is: not the document's.
_NOT_A_DOCUMENTS_NAME = frozenset(
    """user username channel chnl site web website column col lm lmmc catalog cat category type class classify
    classification theme topic genre subject area region city province county district tag tags sort kind level
    status state source person contact leader creator create created editor edit modifier modify update updated
    attach attachment attachments fj file files app icon image img pic picture photo video audio link url node
    parent menu module dict field label group template tpl mould sub second nick real login admin operator
    author auditor checker reviewer owner dept department org organ organization unit agency office lanmu zhandian
    jigou jiguan danwei bumen fenlei leibie zhuti""".split()
)
# Words before ``…Name`` that make it a class's name: the category (categoryName, classifyName, xxflMc); a catalogue
# is a column.
_CLASS_WORDS = frozenset(("category", "classify", "classification", "fl", "lb", "fenlei", "leibie"))
# Words before ``…Name`` that make it an office's name: the publisher.
_OFFICE_WORDS = frozenset(
    ("org", "organ", "organization", "dept", "department", "unit", "agency", "office", "issuer", "jg", "dw", "bm")
    + ("jigou", "jiguan", "danwei", "bumen")
)
# One-word keys naming the office a record comes from (the value must still be a body's name).
_OFFICE_KEYS = frozenset(("department", "dept", "organ", "organization", "agency", "issuer", "unit", "office"))
# Words that make a date some other date than the publication's.
_OTHER_DATES = frozenset(
    """update updated modify modified edit edited last expire expired expiry expiration invalid inefctv ineffective
    abolish abolished repeal end start begin efctv effective effect implement implementation valid validity ss sx
    fz yx sxrq ssrq fzrq birth login check audit read visit view click deadline insert crawl crawled spider fetch
    collect scrape shixiao feizhi shishi shengxiao youxiao gengxin xiugai jiezhi""".split()
)
# Words before ``…Body`` that make it an organisation, not a text.
_ISSUING_WORDS = frozenset(("issuing", "issue", "issuer", "governing", "publishing"))
_WRITTEN_WORDS = frozenset(
    ("cw", "written", "write", "writ", "sign", "signed", "fw", "cwrq", "fwrq", "chengwen", "fawen", "qianfa", "yinfa")
)
# Words that make a text some other text than the body: a summary, a note, a name; and a reader's query or question
# put to the document (a RAG project's retrieval table: query_text beside the chunk_text it retrieved,
# YushenSun/china-policy-intelligence-rag data/annotations/phase2_5_candidates.csv).
_OTHER_TEXTS = frozenset(
    """summary abstract brief intro introduction short desc description remark note notes memo zy tip title name mc
    bt zhaiyao jianjie beizhu biaoti mingcheng query question prompt wenti""".split()
)
# Words that make a number something else than a 文号 (a phone, a serial, a page, a count).
_OTHER_NUMBERS = frozenset(
    "page size total count phone tel mobile fax seq serial order sort row id zip post visit view click read".split()
)


def key_words(key: str) -> list[str]:
    """The words of a key, lower case: ``secFutrsLawName`` → ``[sec, futrs, law, name]``, ``LAW_PUB_DATE`` →
    ``[law, pub, date]``; a key of consonants only is pinyin initials and gives its known ending as a word of its
    own (``zcwjbt`` → ``[zcwj, bt]``)."""
    words = [word.lower() for word in _BOUNDARY.split(key.strip()) if word]
    last = words[-1] if words else ""
    if len(last) > 2 and last.isalpha() and not _VOWEL.search(last):
        endings: tuple[str, ...] = _PINYIN_ENDINGS
    elif len(words) == 1 and last.isalpha():
        endings = _GLUED_ENDINGS  # inputtime, enpcontent: one lower-case word, a field's word at its end
    else:
        endings = ()
    for ending in endings:
        if last.endswith(ending) and len(last) - len(ending) >= 2:
            words[-1:] = [last[: -len(ending)], ending]
            break
    else:
        if endings is _GLUED_ENDINGS and last.endswith("edat") and len(last) > 6:
            words[-1:] = [last[:-2], "at"]  # PUBLISHEDAT: publishedAt upper-cased, its event's participle, then At
    return words


# Words after a text's label that make a key name a piece of that text (正文片段, 内容节选): a RAG project's
# chunks keep the slice of the page's text they hold under such a key (JunFengXiang/electricity-policy-rag
# 05_输出成果/knowledge_chunks.jsonl: 文件标题, 发布机构, …, 正文片段), as chunk_text reads by its last word.
_TEXT_PIECES = ("片段", "切片", "节选", "摘录", "分块", "段落")


def _piece_of_text(key: str) -> str | None:
    """``body`` for a Chinese key that is a body's label followed by a word for a piece of it (正文片段), else None."""
    from index.labels import canonical_field  # imported here: labels imports this module

    stem = key.strip()
    for piece in _TEXT_PIECES:
        if stem.endswith(piece) and len(stem) > len(piece):
            return "body" if canonical_field(stem[: -len(piece)]) == "body" else None
    return None


# Words a Chinese key puts before a field's label to say whose the labelled value is: the document's own (文档标题,
# 出处链接: a RAG project's table of its sources, shizelengleng/ai-zhengce-tong data/官方文件表.csv, beside 关联条目,
# the topic the document answers), as the label table's 文件标题 and 原文链接 are.
_DOCUMENT_WORDS_BEFORE = ("文档", "文件", "原文", "出处", "公文", "政策")
_DOCUMENT_LABEL_FIELDS = frozenset(("title", "url"))


def _documents_label(key: str) -> str | None:
    """``title`` or ``url`` for a Chinese key that is a word for the document (文档, 出处 …) and then a title's or a
    link's label (标题, 链接): 文档标题, 出处链接; else None."""
    from index.labels import canonical_field  # imported here: labels imports this module

    stem = key.strip()
    if canonical_field(stem) is not None:
        return None  # a label the table holds (文件标题) is read as the table reads it
    for word in _DOCUMENT_WORDS_BEFORE:
        if stem.startswith(word) and len(stem) > len(word):
            field = canonical_field(stem[len(word) :])
            return field if field in _DOCUMENT_LABEL_FIELDS else None
    return None


@lru_cache(maxsize=65536)  # exports repeat their keys on every record
def field_by_parts(key: str) -> str | None:
    """The canonical field a key names by its last word, or None (see the module's rules). ASCII keys of two or
    more words are read so, a Chinese key that names a piece of a text (正文片段: the body), and one that is a word
    for the document before a title's or a link's label (文档标题, 出处链接); the value must still be
    :func:`plausible`."""
    if not key.isascii():
        return _piece_of_text(key) or _documents_label(key)
    words = key_words(key)
    if len(words) == 1 and words[0] in _OFFICE_KEYS:
        return "publisher"  # department: 中共山西省中条山国有林管理局委员会
    if len(words) < 2 or not words[-1].isalpha():
        return None
    last, before = words[-1], set(words[:-1])
    field = _FIELD_WORDS.get(last)
    if last == "at" and words[-2].endswith("ed"):
        field = "pub_date"  # publishedAt, created_at: a record's timestamp named by its event
    if field is None and len(last) > 3:
        from index.labels import canonical_field  # imported here: labels imports this module

        field = canonical_field(last)  # news_doctitle: a table's label after a word of the key's own
        field = field if field in ("title", "body", "pub_date", "doc_no", "publisher") else None
    if field == "title":
        if before & _OFFICE_WORDS and words[-2] in _OFFICE_WORDS:
            return "publisher"
        if words[-2] in _CLASS_WORDS:
            return "category"
        return None if before & _NOT_A_DOCUMENTS_NAME else "title"
    if field == "pub_date":
        if before & _OTHER_DATES:
            return None
        return "written_date" if before & _WRITTEN_WORDS else "pub_date"
    if field == "body":
        if last == "body" and words[-2] in _ISSUING_WORDS:
            return "publisher"  # issuingBody, issuing_body: the body that issued the document
        return None if before & (_OTHER_TEXTS | _NOT_A_DOCUMENTS_NAME) else "body"
    if field == "doc_no":
        return None if before & _OTHER_NUMBERS else "doc_no"
    return field


def plausible(field: str, value: Any, key: str = "") -> bool:
    """Whether a value read by a key's parts (or by itself) looks like what the field holds. ``key`` is the key
    the value came under, where known: a key whose last word says title (``infoTitle``, ``xxbt``) takes any one
    line of Chinese, a date key (``createDate``) any date a date label takes (a spreadsheet's day number too)."""
    from index.dates import parse_date, spreadsheet_day  # imported here, as below

    if field in ("pub_date", "written_date") and key and not isinstance(value, bool):
        # A key whose words say date is a date's label: any date form a date label takes counts (Gson's
        # ``Mar 4, 2020 12:00:00 AM``; 42644, a day number an Excel export keeps under 时间 → createDate).
        return parse_date(value) is not None or spreadsheet_day(value) is not None
    if not isinstance(value, str):
        return field in ("pub_date", "written_date") and is_date(value) and not isinstance(value, bool)
    text = value.strip()
    if field == "title":
        if key and (key_words(key)[-1] in _TITLE_WORDS or (not key.isascii() and _documents_label(key) == "title")):
            return is_title_line(text)
        return is_title(text)
    if field == "body":
        return bool(_CJK.search(text)) and not is_date(text) and not is_url(text)
    if field in ("pub_date", "written_date"):
        return is_date(text)
    if field == "doc_no":
        return is_doc_no(text)
    if field == "publisher":
        from index.labels import is_organisation  # imported here: labels imports this module
        from index.publishers import office_of_website

        # An office's website (国家卫生健康委员会网站) stands for the office, as a page's 来源 does (publishers).
        return is_organisation(text) or bool(office_of_website(text))
    if field == "validity":
        return is_validity(text)
    if field == "category":
        return is_class_name(text)
    return True


# A bracketed note closing a value (广州市人力资源和社会保障局（广州市人民政府门户发布）).
_TRAILING_NOTE = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")


def without_note(field: str, value: Any) -> Any:
    """A publisher read by its key's words without the note in brackets closing it, where the value is no body's
    name with it and is one without it (广州市人民政府门户（市医保局供稿）: who wrote the page, where it was published;
    商务部、国家发展和改革委员会（国务院办公厅转发）); any other value as it is."""
    if field != "publisher" or not isinstance(value, str) or plausible(field, value):
        return value
    named = _TRAILING_NOTE.sub("", value.strip())
    return named if named and plausible(field, named) else value


def is_class_name(text: str) -> bool:
    """Whether a string names a class of a classification: Chinese, short, no sentence, no date (综合政务)."""
    return bool(_CJK.search(text)) and len(text) <= 40 and not _SENTENCE_END.search(text) and not is_date(text)


# 有效性 as sites word it (现行有效, 已废止, 失效, 已被修改 …); a status code (0, 1, draft) is no 有效性.
_VALIDITY = re.compile(r"^(?:现行)?有效$|失效|废止|已?被?修改|已?修订|尚未生效|未生效|现行有效|部分有效|全文有效")


def is_validity(text: str) -> bool:
    """Whether a string says a document's 有效性 in words (``现行有效``, ``已废止``, ``失效``)."""
    return len(text) <= 12 and bool(_VALIDITY.search(text.strip()))


# A line naming a document: Chinese, no sentence inside it, not a date, an address or a body's name.
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE_END = re.compile(r"[。！？；][^。！？；]")
_DOCUMENT_WORDS = re.compile(
    r"关于|通知|决定|办法|规定|条例|意见|公告|通告|方案|细则|批复|规划|计划|报告|决议|命令|规则|标准|指南|法$|函$"
)


# Last words of a key that only ever name a title (``name``/``mc`` also name offices, people, files).
_TITLE_WORDS = frozenset(("title", "bt", "doctitle", "biaoti"))


def is_title_line(text: str) -> bool:
    """Whether a string can be a title given under a title's key: one line of at most 200 characters with two or
    more Chinese characters, not a date, an address or a 文号 alone. A numbered 公告 or 通告 with its issuer
    (某指挥部通告（第1号）, 财政部公告2023年第30号) is how such a document is titled: under a title's key, its title."""
    return (
        0 < len(text) <= 200
        and "\n" not in text
        and len(_CJK.findall(text)) >= 2
        and not (is_date(text) or is_url(text) or (is_doc_no(text) and not _numbered_notice(text)))
    )


def _numbered_notice(text: str) -> bool:
    from index.identifiers import parse_doc_no

    parsed = parse_doc_no(text)
    return parsed is not None and parsed.kind in ("公告", "通告")


def is_title(text: str) -> bool:
    """Whether a string reads as a document's title: one line of 5–200 characters, at least 4 Chinese, no
    sentence break inside, not a date, an address, a 文号 or a body's name."""
    if not 5 <= len(text) <= 200 or "\n" in text or len(_CJK.findall(text)) < 4:
        return False
    if _SENTENCE_END.search(text) or is_date(text) or is_url(text) or is_doc_no(text):
        return False
    from index.publishers import is_organisation_name

    return not is_organisation_name(text)


def is_body(text: str) -> bool:
    """Whether a string reads as a document's text: at least 60 characters with two sentences, or HTML
    paragraphs; never an object or array as JSON text."""
    if len(text) < 60 or (text[:1], text[-1:]) in (("{", "}"), ("[", "]")):
        return False  # short, or JSON text a response holds as a string
    if re.search(r"<(?:p|div|br)\b", text, re.IGNORECASE) and _CJK.search(text):
        return True
    return len(re.findall(r"[。！？]", text)) >= 2


def is_date(value: Any) -> bool:
    """A value that is a date and nothing else (a time of day may follow)."""
    from index.dates import parse_date

    if isinstance(value, str):
        text = re.sub(r"[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$", "", value.strip())
        parsed = parse_date(text, whole=True) if text else None
        return parsed is not None and bool(parsed.iso)
    if isinstance(value, int) and not isinstance(value, bool):
        parsed = parse_date(value)
        return parsed is not None and bool(parsed.iso)
    return False


def is_doc_no(text: str) -> bool:
    """A string that is a 文号 in one of its written forms (GB/T 9704: 机关代字〔年份〕序号号 …)."""
    from index.identifiers import parse_doc_no

    return 4 <= len(text) <= 60 and parse_doc_no(text) is not None


def is_url(text: str) -> bool:
    return bool(re.match(r"(?:https?:)?//|/\S*\.s?html?\b|www\.", text, re.IGNORECASE))


def _as_text(value: Any) -> str | None:
    """A value as the text it holds: a string, or a list of strings as its lines (Scrapy's ``.getall()`` gives every
    value as a list, one item for a one-line value); None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return "\n".join(value)
    return None


def fields_by_value(pairs: Iterable[tuple[str, Any]], fields: dict[str, Any]) -> dict[str, Any]:
    """Fields a record's unread keys give by their values alone, for the fields it lacks: the longest text of
    sentences is the body; then, beside a body, the line naming a document is the title (one with a document's
    word — 关于, 通知, 办法 … — before others, else the longest), and without a body the one such line where the
    record has a date or an address (a list's record); a string wholly a 索引号 the 索引号, wholly a 文号
    the 文号, wholly a validity word (现行有效, 已废止) the validity; a list of objects naming files the
    attachments; the one date among the unread keys (a date another word of its key makes other —
    ``updateTime`` — aside) the publication date. ``pairs`` are the (key, value) pairs no label and no key's
    parts read."""
    from index.labels import is_index_no

    strings = [(key, text.strip()) for key, value in pairs if (text := _as_text(value)) and text.strip()]
    found: dict[str, Any] = {}
    if not _text(fields.get("body")):
        bodies = [value for _key, value in strings if is_body(value)]
        if bodies:
            found["body"] = max(bodies, key=len)
    body = found.get("body") or _text(fields.get("body"))
    if not _text(fields.get("title")):
        titles = [value for _key, value in strings if is_title(value) and value != body]
        if titles and body:
            found["title"] = max(titles, key=lambda title: (bool(_DOCUMENT_WORDS.search(title)), len(title)))
        elif len(titles) == 1 and (fields.get("pub_date") or fields.get("url")):
            found["title"] = titles[0]  # a list's record: its one title-like value beside its date or address
    if "index_no" not in fields:
        numbers = [value for _key, value in strings if len(value) <= 60 and is_index_no(value)]
        if numbers:
            found["index_no"] = numbers[0]
    if "doc_no" not in fields:
        numbers = [value for _key, value in strings if is_doc_no(value)]
        if numbers:
            found["doc_no"] = numbers[0]
    if "pub_date" not in fields:
        dates = {value for key, value in strings if is_date(value) and not set(key_words(key)) & _OTHER_DATES}
        if len(dates) == 1:
            found["pub_date"] = dates.pop()
    if "attachments" not in fields:
        files = [value for _key, value in pairs if _is_file_list(value)]
        if files:
            found["attachments"] = files[0]  # fjList: [{fjmc: 附件1.doc, fjlj: …}], an API's list of its files
    if "validity" not in fields:
        words = {value for _key, value in strings if is_validity(value)}
        if len(words) == 1:
            found["validity"] = words.pop()  # 状态: 现行有效, a law database's status under a key no label names
    return found


def _is_file_list(value: Any) -> bool:
    """Whether a value is a list of objects each naming or addressing a file (a string ending in an attachment's
    extension: 附件1.实施细则.doc, /P020210203.pdf), as an API lists a document's attachments under a key of its
    own (``fjList``, ``fileList``, ``attachs``)."""
    from index.htmltext import ATTACHMENT_KINDS  # imported here: htmltext is not needed to read keys

    def is_file(text: Any) -> bool:
        return isinstance(text, str) and text.strip().rsplit(".", 1)[-1].lower() in ATTACHMENT_KINDS

    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) and any(is_file(part) for part in item.values()) for item in value)
    )


def _text(value: Any) -> str:
    return text.strip() if (text := _as_text(value)) else ""
