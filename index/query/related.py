"""Related documents, each with its reason: 本文引用 (documents this one names), 引用本文 (documents naming this
one), 同主题 (documents about the same thing).

Citations come from the tokens of :mod:`index.crossrefs`: a document names another by 《title》 or 文号
(``crossrefs.mentions``, indexed as ``mentions``), and is named by its title keys, 文号 and URL
(``crossrefs.refs``, indexed as ``refs``); here the two are matched by exact terms, both ways.

同主题 is more-like-this, each store's own (:meth:`index.whoosh.engine.Engine.more_like`,
``ClusterCatalog._more_like``), over the words that characterise the
document, once its boilerplate is gone: the salutation (各有关单位：, 各县（区）人民政府，市各委办局：), the
sentence handing a text down (现将《…》印发给你们，请认真贯彻执行。), closings (特此通知。) and the lists of
attachments and contacts. Without that, two notices of unrelated bodies share 印发, 贯彻执行, 单位 and 通知 —
and a 民政 quarterly report was listed beside a friendship-city letter of intent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from index import crossrefs
from index.convert import to_simplified
from index.query.results import DocSummary
from index.record import Document

CITED = "本文引用"
CITING = "引用本文"
SAME_TOPIC = "同主题"
MAX_CITATIONS = 5  # of each direction
TEXT_CHARS = 3000  # of the body, after boilerplate, that characterise it
TITLE_WEIGHT = 3  # the title's words count this many times

_BOILERPLATE = [
    # a salutation line: 各有关单位：, 各县（区）人民政府，市各委办局：, 各设区市人力资源社会保障局：
    re.compile(r"^[ \t　]*各[^。！？\n]{0,120}[：:][ \t　]*$", re.M),
    # handing a text down, and the request to carry it out
    re.compile(r"现将[^。\n]{0,200}?(?:印发|转发|下发|发|公布)给你们[^。\n]*[。；]?"),
    re.compile(r"请[^。\n]{0,40}(?:贯彻执行|遵照执行|贯彻落实|认真执行|抓好落实|遵照办理|执行)[^。\n]{0,20}[。]"),
    # closings
    re.compile(r"特此(?:通知|公告|通告|批复|函告|报告)[。！]?"),
    re.compile(r"(?:以上|上述)[^。\n]{0,10}(?:请|妥否)[^。\n]{0,30}[。]"),
    # attachment lists, contacts, dates alone on a line, 此件公开发布
    re.compile(r"^[ \t　]*附件[：:\d\s][^\n]*$", re.M),
    re.compile(r"[（(]?(?:联系人|联系电话|电话|传真|邮箱|地址)[：:][^\n）)]*[）)]?"),
    re.compile(r"^[ \t　]*\d{4}年\d{1,2}月\d{1,2}日[ \t　]*$", re.M),
    re.compile(r"[（(]此件[^）)]{0,12}[）)]"),
]


# What every title of a notice says: 关于印发《…》的通知 is about the text it hands down.
_TITLE_BOILERPLATE = re.compile(
    r"^关于|关于(?:印发|转发|发布|公布|下达|做好|进一步)|(?:印发|转发|发布|公布)|的(?:通知|意见|决定|批复|函|公告|通告|报告)$"
)


def significant_text(title: str, body: str) -> str:
    """What characterises a document: its title (weighted) and body with the boilerplate removed."""
    for pattern in _BOILERPLATE:
        body = pattern.sub(" ", body)
    title = _TITLE_BOILERPLATE.sub(" ", title)
    return "\n".join([title] * TITLE_WEIGHT + [body[:TEXT_CHARS]])


@dataclass
class RelatedDoc(DocSummary):
    """A related document and why it is listed: 本文引用, 引用本文 or 同主题."""

    reason: str = ""


class RelatedStore(Protocol):
    """What a store answers for :func:`related_docs`; a document is named by whatever key the store uses."""

    def holding(self, field: str, tokens: list[str], exclude: list, most: int) -> list:
        """Up to ``most`` documents holding any of ``tokens`` in the keyword field ``field``, newest first, copies
        of one document once; none of ``exclude`` and none a copy of the document asked about."""
        ...

    def like(self, text: str, exclude: list, most: int) -> list:
        """Up to ``most`` documents about what ``text`` says (more-like-this), best first, copies once; none of
        ``exclude`` and none a copy of the document asked about."""
        ...

    def summaries(self, keys: list) -> dict:
        """Key → :class:`DocSummary` of each document still there."""
        ...


def related_docs(store: RelatedStore, doc: Document, limit: int) -> list[RelatedDoc]:
    """Up to ``limit`` documents related to ``doc``: what it cites, what cites it (each newest first, at most
    MAX_CITATIONS), then documents on the same topic, best first; no document twice, none a copy of ``doc``."""
    chosen: list[tuple[object, str]] = []

    def take(found: list, reason: str) -> None:
        chosen.extend((key, reason) for key in found[: limit - len(chosen)])

    def room(most: int) -> int:
        return min(most, limit - len(chosen))

    def seen() -> list:
        return [key for key, _ in chosen]

    if room(MAX_CITATIONS) > 0:
        take(store.holding("refs", crossrefs.mentions(doc), seen(), room(MAX_CITATIONS)), CITED)
    if room(MAX_CITATIONS) > 0:
        take(store.holding("mentions", crossrefs.refs(doc), seen(), room(MAX_CITATIONS)), CITING)
    if room(limit) > 0:
        text = significant_text(to_simplified(doc.title), to_simplified(doc.body))  # the index's script
        take(store.like(text, seen(), room(limit)), SAME_TOPIC)
    summaries = store.summaries(seen())
    return [RelatedDoc(**vars(summaries[key]), reason=why) for key, why in chosen if key in summaries]
