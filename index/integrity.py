"""Integrity checks on a document's text: injected gambling spam and encoding loss.

A flagged document is still indexed; the findings are stored with it, listed in the
ingest report and shown on its detail page.
"""

from __future__ import annotations

import re

from index.record import Finding

# Gambling and lottery advertising injected into hacked government pages. Each pattern is
# specific to advertising: 福利彩票 or 体育彩票 on a 民政 or 体育 page are legitimate and do not match.
# The lookahead names every first character the alternatives can start with, so at most positions of a
# text the 30 alternatives are not tried one by one (4× faster over the corpus; tests/test_normalise.py
# holds a phrase of every alternative).
_SPAM = re.compile(
    r"(?=[0-9比百时六北幸p真棋娱网线在博赌外澳威太b皇开注彩老捕足体])(?:"
    r"\d{2,4}比分直播|比分直播|百家乐|时时彩|六合彩|北京赛车|幸运飞艇|PK10|pk拾|[真棋]人?娱乐(?:城|平台|官网)"
    r"|娱乐城|网上赌场|线上赌场|在线赌场|博彩(?:公司|网站|平台|网)|赌球|外围(?:投注|足球)|澳门(?:新)?(?:葡京|威尼斯人|金沙)"
    r"|威尼斯人(?:娱乐|官网)|太阳城(?:娱乐|集团|官网)|bet365|皇冠(?:体育|投注|现金网)|开户(?:即)?送(?:彩金|\d+元)"
    r"|注册(?:即)?送(?:彩金|\d+元)|彩金|老虎机|捕鱼(?:游戏|平台)|(?:足球|体育)投注(?:平台|网站|app))",
    re.IGNORECASE,
)

# "?" standing where a character was lost: ASCII question marks touching CJK text
# (Chinese text writes its question mark full-width), and U+FFFD replacement characters.
_LOST = re.compile(r"(?<=[\u3400-\u9fff])\?+|\?+(?=[\u3400-\u9fff])|\ufffd+")

# Fields checked, in the order findings are reported.
CHECKED_FIELDS = ("title", "category", "publisher", "doc_no", "keywords", "summary", "body")


def spam_matches(text: str) -> list[str]:
    """The distinct spam phrases found in ``text``, in order of first appearance."""
    return list(dict.fromkeys(match.group(0) for match in _SPAM.finditer(text)))


def lost_characters(text: str) -> int:
    """How many characters look lost to an encoding error."""
    if "?" not in text and "\ufffd" not in text:  # the common case, without a pass of the regex
        return 0
    return sum(len(match.group(0)) for match in _LOST.finditer(text))


def integrity_findings(texts: dict[str, str]) -> list[Finding]:
    """Findings for a document's text fields (canonical name → text)."""
    findings: list[Finding] = []
    for name in CHECKED_FIELDS:
        text = texts.get(name) or ""
        phrases = spam_matches(text)
        if phrases:
            findings.append(
                Finding(
                    "spam",
                    name,
                    f"疑似被注入的赌博广告（suspected injected gambling spam）: {'、'.join(phrases[:5])}",
                )
            )
        lost = lost_characters(text)
        if lost:
            findings.append(
                Finding(
                    "encoding_loss",
                    name,
                    f"疑似编码错误导致的字符丢失（{lost} characters lost to an encoding error: ? or U+FFFD）",
                )
            )
    return findings


def marked_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, code) of each suspected spam phrase (``spam``) and each run of lost characters
    (``encoding_loss``) in ``text``, in text order, not overlapping; for showing them where they stand."""
    found = [(m.start(), m.end(), "spam") for m in _SPAM.finditer(text)]
    found += [(m.start(), m.end(), "encoding_loss") for m in _LOST.finditer(text)]
    spans: list[tuple[int, int, str]] = []
    for start, end, code in sorted(found):
        if not spans or start >= spans[-1][1]:
            spans.append((start, end, code))
    return spans
