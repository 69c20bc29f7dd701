"""引用本文: a document cited as GB/T 7714-2015 prescribes for an electronic resource, and as BibTeX and CSL-JSON.

GB/T 7714-2015《信息与文献 参考文献著录规则》, 4.8.1 (电子资源 的著录格式)::

    主要责任者. 题名: 其他题名信息[文献类型标识/文献载体标识]. 出版地: 出版者, 出版年: 引文页码(更新或修改日期)
    [引用日期]. 获取和访问路径. 数字对象唯一标识符.

and its example 4.8.2 [2], a government notice with its 文号 as 其他题名信息::

    北京市人民政府办公厅. 关于转发北京市企业投资项目核准暂行实施办法的通知: 京政办发[2005]37号[A/OL].
    (2005-07-12)[2011-07-12]. http://china.findlaw.cn/fagui/p_1/39934.html.

Here: 主要责任者 is the 发布机构 (8.1.2: up to three issuers, then ``, 等``; 8.1.4: none known is ``佚名``);
题名 the title and 其他题名信息 the 文号 (8.2); the type is ``EB/OL`` (Table B.1: EB 电子公告, OL 联机网络); 出版项 is
left out as in the standard's online examples; (更新或修改日期) is the 公开日期 and [引用日期] the day of citing, both
ISO 8601 (8.8.2, 8.8.3), the date in parentheses left out where the document has none (example 4.8.2 [4]); 获取和访问
路径 is this portal's permanent address of what is cited. The 文号 keeps its 〔〕 as published (GB/T 9704-2012 7.2.4).

BibTeX is a biblatex ``@online`` entry (biblatex-gb7714-2015 prints it as [EB/OL]): a corporate author in double
braces, ``date`` and ``urldate`` in ISO 8601. CSL-JSON follows the CSL 1.0.2 data schema (``csl-data.json``): type
``webpage``, the issuer as a ``literal`` name, dates as ``date-parts``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from index.dates import CHINA
from index.record import Document

MAX_CREATORS = 3  # GB/T 7714-2015 8.1.2: more issuers than this are cut to the first three and 等
ANONYMOUS = "佚名"  # GB/T 7714-2015 8.1.4
RESOURCE_TYPE = "EB/OL"  # Table B.1 and B.2: 电子公告, 联机网络
BIBTEX_SUFFIX = ".bib"  # /doc/<id>.bib
CSL_SUFFIX = ".csl.json"  # /doc/<id>.csl.json
BIBTEX_TYPE = "application/x-bibtex; charset=utf-8"
CSL_TYPE = "application/vnd.citationstyles.csl+json; charset=utf-8"
_BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")
_BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


@dataclass
class Citation:
    """One document cited three ways; ``url`` is what is cited (the permanent address), ``accessed`` the day."""

    gbt7714: str
    bibtex: str
    csl: dict[str, Any]
    url: str
    accessed: str  # ISO date of citing (引用日期)
    key: str  # the BibTeX key and CSL id (citation_key)


def today() -> date:
    """The date in Beijing: the 引用日期 of a citation given now."""
    return datetime.now(CHINA).date()


def creators(doc: Document) -> list[str]:
    """The issuers as GB/T 7714-2015 8.1.2 lists them: all up to three, else the first three and 等."""
    names = doc.publishers or ([doc.publisher] if doc.publisher else [])
    return names[:MAX_CREATORS] + ["等"] if len(names) > MAX_CREATORS else names


def gbt7714(doc: Document, url: str, accessed: date) -> str:
    """``发布机构. 题名: 文号[EB/OL]. (公开日期)[引用日期]. URL.`` (GB/T 7714-2015 4.8.1)."""
    creator = ", ".join(creators(doc)) or ANONYMOUS
    title = _one_line(doc.title) or "（无标题）"
    other = f": {_one_line(doc.doc_no)}" if doc.doc_no else ""
    updated = f"({doc.pub_date})" if doc.pub_date else ""
    return f"{_ended(creator)} {title}{other}[{RESOURCE_TYPE}]. {updated}[{accessed.isoformat()}]. {_ended(url)}"


def bibtex(doc: Document, url: str, accessed: date, key: str, version: int | None = None) -> str:
    """A biblatex ``@online`` entry; every value braced, BibTeX's special characters escaped."""
    names = [name if name == "等" else "{" + _bib(name) + "}" for name in creators(doc) or [ANONYMOUS]]
    author = " and ".join("others" if name == "等" else name for name in names)  # corporate names braced whole
    fields = [("author", author), ("title", _bib(doc.title))]
    if doc.doc_no:
        fields.append(("number", _bib(doc.doc_no)))
    if doc.pub_date:
        fields += [("date", doc.pub_date), ("year", doc.pub_date[:4])]
    if version:
        fields.append(("version", str(version)))
    fields += [("url", url), ("urldate", accessed.isoformat()), ("langid", "chinese")]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@online{{{key},\n{body}\n}}\n"


def csl_json(doc: Document, url: str, accessed: date, key: str, version: int | None = None) -> dict[str, Any]:
    """One CSL-JSON item (csl-data.json, CSL 1.0.2)."""
    item: dict[str, Any] = {
        "id": key,
        "type": "webpage",
        "title": _one_line(doc.title),
        "author": [{"literal": name} for name in creators(doc) or [ANONYMOUS]],
        "URL": url,
        "accessed": {"date-parts": [_parts(accessed.isoformat())]},
        "language": "zh-CN",
    }
    if doc.doc_no:
        item["number"] = doc.doc_no
    if doc.publisher:
        item["publisher"] = doc.publisher
    if version:
        item["version"] = str(version)
    if doc.pub_date and _parts(doc.pub_date):
        item["issued"] = {"date-parts": [_parts(doc.pub_date)]}
    return item


def cite(doc: Document, url: str, accessed: date | None = None, version: int | None = None) -> Citation:
    """``doc`` cited at ``url`` (absolute: its version's permanent address where it has one), on ``accessed``
    (default: today in Beijing); ``version`` (the version's number) goes into the BibTeX and CSL-JSON."""
    accessed = accessed or today()
    key = citation_key(doc.id, version)
    return Citation(
        gbt7714(doc, url, accessed),
        bibtex(doc, url, accessed, key, version),
        csl_json(doc, url, accessed, key, version),
        url,
        accessed.isoformat(),
        key,
    )


def citation_key(doc_id: str, version: int | None = None) -> str:
    """A BibTeX key from the document's id (and version): ``014319733/2018-00019`` version 2 →
    ``xxgk-014319733-2018-00019-v2``."""
    key = "xxgk-" + (_KEY_UNSAFE.sub("-", doc_id).strip("-") or "doc")
    return f"{key}-v{version}" if version else key


def _ended(text: str) -> str:
    """``text`` closed by the item's full stop, not doubled where it ends with one (``Inc.``, example 4.8.2 [4])."""
    return text if text.endswith(".") else text + "."


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _bib(text: str) -> str:
    """``text`` on one line with LaTeX's special characters escaped, so braces always balance."""
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES.get(m.group(1), "\\" + m.group(1)), _one_line(text))


def _parts(iso: str) -> list[int]:
    """``2018-04-10`` → [2018, 4, 10]; ``2018-04`` → [2018, 4]; [] for no date."""
    pieces = iso.split("-")
    return [int(piece) for piece in pieces] if all(piece.isdecimal() for piece in pieces) and pieces[0] else []
