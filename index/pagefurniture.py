"""The words a government site's frame prints round a document, as a dump of the page's text keeps them.

One table of the furniture's vocabulary (:data:`FOOTER_MARKS`) and three questions asked of a line of a page's
text: whether it is a footer's line (:func:`is_footer_line`), whether only a footer opens with it
(:func:`opens_footer`), and which marks it holds (:func:`footer_marks`). A site's footer is its filing numbers
(ICP备案, 公网安备, 网站标识码: 《政府网站发展指引》, 国办发〔2017〕47号, has every page show them at its foot),
the office that runs it and its address, the copyright, a browser hint and a visit counter. The page's tools over
and under the text (打印, 关闭, 字体, 扫一扫) are :func:`index.htmltext.is_page_tools`'s; the words here add the
tools a footer bar prints beside them (我要纠错, 手机版, 无障碍 …).

A line is read, never a page: what a document's own text says about these things (a notice on 网站标识码, the
联系电话 under its text) is no footer by a word alone; see :func:`is_footer_line`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Marks a footer prints, each with the name it counts under (one line holding 地址 and 电话 holds two marks).
# ``strong`` marks are printed by a site's footer and by no document: a line opening with one opens the footer.
FOOTER_MARKS: tuple[tuple[str, str, bool], ...] = (
    ("icp", r"ICP\s*备|ICP证|备案号|备案编号", True),
    ("police", r"公网安备|公安机关备案|公安备案", True),
    ("site_code", r"网站标识码|标识码[:：]?\s*[A-Za-z]{0,2}\d{6,}", True),
    ("copyright", r"版权所有|Copyright|copyright|COPYRIGHT|©|（C）|\(C\)|All\s+Rights\s+Reserved", True),
    ("host", r"主办单位|承办单位|主办[:：]|承办[:：]|技术支持|运维单位|维护单位|网站管理|建设管理", False),
    ("address", r"地\s*址[:：]|邮\s*编[:：]|邮政编码|电\s*话[:：]|传\s*真[:：]|E-?mail|邮\s*箱[:：]", False),
    ("browser", r"浏览器|分辨率|最佳浏览|浏览效果", False),
    ("visits", r"访问量|访问次数|访问人次|访客|位访问者|总访问|今日访问|浏览量", False),
    ("site_links", r"网站地图|联系我们|关于我们|网站声明|隐私声明|免责声明|使用帮助|意见建议|意见反馈|网站纠错", False),
    ("access", r"无障碍|适老化|长者模式|IPv6|IPV6|ipv6|手机版|移动版|政务微博|政务微信|官方微信|官方微博", False),
    ("report", r"违法和不良信息举报|举报中心|党政机关|政府网站找错", False),
)
_MARKS = tuple((name, re.compile(pattern), strong) for name, pattern, strong in FOOTER_MARKS)
_STRONG_AT_START = re.compile(
    r"^[\s【\[［(（]*(?:" + "|".join(pattern for _name, pattern, strong in FOOTER_MARKS if strong) + ")"
)
# A footer bar's tools and links beside 网站地图 (a line of nothing else opens the footer).
_BAR_WORDS = re.compile(
    r"^(?:[\s|｜/【】\[\]［］()（）·•]*(?:我要纠错|纠错|手机版|移动版|无障碍(?:浏览|阅读)?|长者模式|适老化(?:服务)?|"
    r"繁体|简体|English|登录|注册|网站地图|联系我们|关于我们|网站声明|使用帮助|意见反馈|返回首页|首页))+[\s|｜/【】\[\]］)）]*$"
)
# A footer holds short lines: longer, or ending as a sentence does, a line is text unless its marks say otherwise.
_SHORT = 100
_SENTENCE_END = re.compile(r"[。；！？!?]$")
_TERSE = 40  # a line this short with one mark (建议使用IE9及以上版本浏览器访问本网站。) is still the footer's


def footer_marks(line: str) -> set[str]:
    """The names of the footer marks the line holds (see :data:`FOOTER_MARKS`)."""
    return {name for name, pattern, _strong in _MARKS if pattern.search(line)}


def has_strong_mark(line: str) -> bool:
    """Whether the line holds a mark only a site's footer prints (an ICP or 公网安备 filing, 网站标识码, 版权所有)."""
    return any(strong and pattern.search(line) for _name, pattern, strong in _MARKS)


def opens_footer(line: str) -> bool:
    """Whether a footer starts with this line: it opens with a mark only a footer prints (``版权所有：…``,
    ``网站标识码：…``, ``京ICP备…``), or it is a footer bar's links and tools alone (``我要纠错 | 手机版``)."""
    text = line.strip()
    return bool(text) and bool(_STRONG_AT_START.match(text) or _BAR_WORDS.match(text))


_BAR_WORD = re.compile(
    r"我要纠错|纠错|手机版|移动版|无障碍(?:浏览|阅读)?|长者模式|适老化(?:服务)?|繁体|简体|English|网站地图|联系我们|返回首页"
)
_BAR_PUNCTUATION = re.compile(r"^[\s|｜/【】\[\]［］()（）·•:：]*$")


# A credit a page prints under (or over) its text: its editor, reviewer, author or photographer, a 扫码 prompt
# (责任编辑：张三, 编辑：某某局, 手机扫码阅读).
CREDIT = re.compile(r"(?:责任编辑|编辑|审核|审校|校对|作者|摄影|供稿|(?:手机)?扫码)\s*[:：]|手机扫码|扫码阅读")
_CREDIT_LINE = 40  # a credit names a person or an office: a longer line is text


def is_credit_line(line: str) -> bool:
    """Whether a line is a credit alone (see CREDIT): it opens with one and is short."""
    text = line.strip()
    return len(text) <= _CREDIT_LINE and bool(CREDIT.match(text))


# Where a page shares itself: 分享到： then the services' names.
_SHARE_BAR = re.compile(
    r"^[\s【\[]*分享(?:到|至)?[\s:：】\]]*"
    r"(?:(?:微信|朋友圈|新浪微博|腾讯微博|微博|QQ空间|QQ|qq空间|qq|人人网|豆瓣|钉钉)[\s|｜、,，]*)+$"
)


def is_tool_bar(line: str, is_tools: Callable[[str], bool]) -> bool:
    """Whether a line is a bar of the page's tools (``is_tools``: 打印, 关闭, 字体 …) with a footer bar's words
    among them (``【我要纠错】 【打印本页】 【关闭窗口】``, ``纠错 | 手机版``), or its share bar (``分享到：微信 微博
    QQ空间``)."""
    text = line.strip()
    if _SHARE_BAR.match(text):
        return True
    if not text or not _BAR_WORD.search(text):
        return False
    rest = _BAR_WORD.sub(" ", text)
    return bool(_BAR_PUNCTUATION.match(rest)) or is_tools(rest)


def is_footer_line(line: str) -> bool:
    """Whether a line may stand in a site's footer: a short line that is no sentence (a link, a name, a number),
    or a line holding footer marks: two of them in any line (``主办：… 地址：… 电话：… 网站标识码：…``, however
    long), one in a line of at most _TERSE characters. A sentence of a document's text with one mark in it
    (各级政府网站要在页面底部标注网站标识码……) is none."""
    text = line.strip()
    if not text or (len(text) <= _SHORT and not _SENTENCE_END.search(text)):
        return True
    marks = footer_marks(text)
    return len(marks) >= 2 or (len(marks) == 1 and len(text) <= _TERSE)
