"""Placeholders: what a site prints where a field has no value (无, 暂无, 其它, -, /, 空 …).

Disclosure pages and CMS exports fill an empty 文号, 分类 or 索引号 with a word or a dash rather than leave it
blank (``fileNum: "其它"``, ``文号：无``, ``索引号：/``). Such a value is no 文号, no classification and no
publisher: :func:`is_placeholder` says so, and :func:`index.labels.map_fields` and :mod:`index.normalise`
treat it as empty for the fields in :data:`PLACEHOLDER_FIELDS`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Fields whose value is an identifier, a classification or a name, never a sentence: a placeholder there is empty.
PLACEHOLDER_FIELDS = frozenset(
    {
        "index_no",
        "doc_no",
        "category",
        "category_scheme",
        "category_topic",
        "category_genre",
        "publisher",
        "keywords",
        "attachments",
    }
)

# Words sites print for "nothing here", compared after NFKC, without spaces or brackets around them.
_WORDS = frozenset(
    {
        "无",
        "暂无",
        "空",
        "其它",
        "无文号",
        "无索引号",
        "无分类",
        # An export's attachment column with nothing in it (JiangCheng-1/pachong1 data/policies.csv: 无附件链接).
        "无附件",
        "无附件链接",
        "暂无附件",
        "不详",
        "未知",
        # "this site": a CMS's default 来源/ContentSource, never who issued the document (issue 17 item 6).
        "本网",
        "本站",
        "本网站",
        "null",
        "none",
        "nil",
        "n/a",
        "na",
        "undefined",
    }
)
# 其他 is a value of the classification schemes (主题分类 其他, the seed page's 规划计划 / 其他 / 报告; 266 河北
# documents of the shared corpus are classified 其他), a placeholder anywhere else (公安部规章库 fbjg: 其他).
_NOT_A_CLASSIFICATION = frozenset({"其他"})
_CLASSIFICATIONS = frozenset({"category", "category_scheme", "category_topic", "category_genre"})
# Punctuation alone: a dash, a slash, dots, an em dash (-, /, --, —, …).
_PUNCTUATION_ONLY = re.compile(r"[\s\-_/\\.·—–―~～*]+")
_BRACKETS = re.compile(r"^[（(【\[]+|[）)】\]]+$")


def is_placeholder(value: Any, field: str = "") -> bool:
    """Whether ``value`` (a string) is a placeholder for nothing in ``field``: ``无``, ``暂无``, ``其它``, ``-``,
    ``/``, ``空`` …; ``其他`` too, except in a classification, where it is a class.

    Only whole values count: ``其他文件`` or ``无锡市民政局`` are values.
    """
    if not isinstance(value, str):
        return False
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return False
    if _PUNCTUATION_ONLY.fullmatch(text):
        return True
    word = _BRACKETS.sub("", re.sub(r"\s+", "", text)).lower()
    return word in _WORDS or (word in _NOT_A_CLASSIFICATION and field not in _CLASSIFICATIONS)
