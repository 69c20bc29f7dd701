"""The HTML toolkit: bytes → text, element tree, clean text and paragraphs, file links, base URL.

Shared by the HTML reader (detail pages), attachment extraction (HTML attachments and CMS body
fragments) and the crawler (list pages). It knows markup, not disclosure metadata: labels, main
text and related links are the reader's (:mod:`index.readers.html`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import cast
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from index.decoding import decode_text, encoding_name
from index.pagescripts import Effect, script_effects, shown_by_script, write_script_text
from index.record import ReadError

# Decoding ----------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)""", re.IGNORECASE)
_XML_CHARSET = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-z0-9_.:-]+)""", re.IGNORECASE)


def declared_encoding(data: bytes) -> str | None:
    """The encoding a page declares in an XML declaration or a ``<meta>`` tag, if Python knows it."""
    head = data[:16384]
    for pattern in (_XML_CHARSET, _META_CHARSET):
        match = pattern.search(head)
        if match and (name := encoding_name(match.group(1).decode("ascii"))):
            return name
    return None


def decode_html(data: bytes, encoding: str | None = None) -> str:
    """A page's text: by BOM, else the given (HTTP) encoding, else its own declaration, else detection
    (see :func:`index.decoding.decode_text`)."""
    declared = (encoding and encoding_name(encoding)) or declared_encoding(data)
    return decode_text(data, declared)


# Tree ------------------------------------------------------------------------------------------

# Never text: scripts, styles, Word's <xml> islands, form controls (a <select> of other
# departments' sites is navigation).
_NOISE_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "xml",
    "object",
    "embed",
    "iframe",
    "svg",
    "select",
    "button",
    "input",
    "textarea",
)
# Hacked pages hide gambling links in invisible blocks; a reader sees none of it, nor should the index.
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


class NestedTooDeep(ReadError):
    """A page libxml2 could build no whole tree of (it silently drops what lies over 256 levels deep)."""


def parse_tree(text: str, source: str = "") -> HtmlElement:
    """The page's element tree with comments, scripts, styles and hidden blocks removed."""
    # lxml refuses a str that carries an encoding declaration, and control characters.
    text = _CONTROL_CHARS.sub("", _XML_DECLARATION.sub("", text, count=1))
    if not text.strip():
        raise ReadError(source, "empty page")
    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(source, f"not parseable as HTML: {exc}") from exc
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        raise NestedTooDeep(source, "nested deeper than the HTML parser's 256 levels")
    elements = list(root.iter())  # each element's Python proxy made once for the passes below (see parse_html)
    effects = script_effects(root)  # read before any script text is written into the page
    write_script_text(root, effects)
    hidden = hidden_elements(root, effects) + choice_groups(root)
    del elements
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, *_NOISE_TAGS, with_tail=False)
    drop_all(hidden)
    return root


def _is_hidden(el: HtmlElement) -> bool:
    return el.get("hidden") is not None or bool(_HIDDEN.search(el.get("style") or ""))


# Visibility --------------------------------------------------------------------------------------

# A stylesheet rule that shows an element whatever its inline style says (Hanweb: .xxgk_table{display:table!important}).
# A rule's selectors start at the stylesheet's start or after a brace: tried at every character of a long run
# without braces (an unclosed <style> holds the rest of the page as its text, as a browser reads it), each try read
# the run to its end, quadratic in the run (a 24 KB page 2.2 CPU s).
_RULE = re.compile(r"(?<![^{}])([^{}]+)\{([^{}]*)\}")
_SHOWN_IMPORTANT = re.compile(
    r"(?:display\s*:\s*(?!none)[a-z-]+|visibility\s*:\s*visible)\s*!\s*important", re.IGNORECASE
)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_AT_RULE = re.compile(r"@(?:media|supports)[^{@]*\{", re.IGNORECASE)  # no prelude holds an @: none read past one
_HAN = re.compile(r"[\u4e00-\u9fff]")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def han_count(text: str) -> int:
    """Chinese characters (CJK Unified Ideographs) in ``text``, counted by runs: a page's text in a few objects
    per line, not one per character."""
    return sum(map(len, _HAN_RUN.findall(text)))


def hidden_elements(root: HtmlElement, effects: list[Effect] | None = None) -> list[HtmlElement]:
    """The elements a reader of the page never sees, judged on the page as a whole.

    An inline ``display:none`` / ``visibility:hidden`` / ``hidden``, or a ``<style>`` rule that hides it with
    ``!important`` (AngularJS's ``.ng-hide{display:none !important}`` in a page saved after rendering; see
    :func:`_hidden_by_stylesheet`), hides an element unless:
    it is ``<html>`` or ``<body>`` (gkmlpt's loading curtain, lifted by a script); a ``<style>`` rule
    with ``!important`` shows it (CSS cascade: an important declaration beats an inline one); a
    script in the page shows it by id, and it is the only one of its hidden siblings so shown
    (templates print every 有效性 alternative hidden and show one); or it holds most of the page's
    prose (a page whose text is all hidden shows it once its script has run). Hidden link farms
    (spam) hold links, not prose, and stay hidden. Call before scripts and styles are stripped; ``effects``:
    the page's :func:`index.pagescripts.script_effects`, where the caller has them.
    """
    inline = [el for el in root.iter() if isinstance(el.tag, str) and _is_hidden(el)]
    candidates = list(dict.fromkeys([*inline, *_hidden_by_stylesheet(root)]))
    if not candidates:
        return []
    shown = _shown_by_stylesheet(root, candidates) | shown_by_script(root, effects)
    total = _prose(root)
    hidden = []
    for el in candidates:
        if el.tag in ("html", "body") or el in shown:
            continue
        if len(el.text_content()) <= total / 2:  # too short to hold most of the page's prose
            hidden.append(el)
            continue
        prose = _prose(el)
        linked = sum(_prose(anchor) for anchor in el.iter("a"))
        if total and prose > total / 2 and linked < prose / 2:
            continue
        hidden.append(el)
    return hidden


_CHOICE_TEXT = 200


def choice_groups(root: HtmlElement) -> list[HtmlElement]:
    """The blocks that hold a form's radio buttons or check boxes with their option names (a search
    filter's 文件状态 ○不限 ○现行有效 ○已失效): controls, not values. Call before inputs are stripped."""
    groups: dict[HtmlElement, bool] = {}
    for control in root.iter("input"):
        if (control.get("type") or "").lower() not in ("radio", "checkbox"):
            continue
        group = next((el for el in control.iterancestors() if el.tag in BLOCK_TAGS or el.tag == "span"), None)
        if group is not None and group not in groups:
            groups[group] = group.tag not in ("html", "body") and len(group.text_content()) <= _CHOICE_TEXT
    return [group for group, small in groups.items() if small]


def _prose(el: HtmlElement) -> int:
    """Chinese characters of the element's text outside scripts and styles.

    Counted as all its text less that of the scripts and styles in it, in time linear in the page: an XPath
    ``ancestor::`` test per text node took 13 s on a 7 MB page of 17,000 text nodes (tests/test_fuzz_readers.py).
    """
    if el.tag in ("script", "style"):
        return 0
    inside = sum(han_count(code.text_content()) for code in el.iter("script", "style"))
    return han_count(el.text_content()) - inside


_MAX_TREE_SELECTORS = 200
_COMBINATOR = re.compile(r"[\s>+~]")
# The class, id or tag a simple selector requires (.xxgk_table, #info, table.c → .c).
_SIMPLE_KEY = re.compile(r"[.#][\w-]+|^[a-zA-Z][\w-]*(?![\w.#-])")


def _shown_by_stylesheet(root: HtmlElement, candidates: list[HtmlElement]) -> set[HtmlElement]:
    """The ``candidates`` an ``!important`` rule of the page's ``<style>`` blocks shows. A simple selector
    (``.xxgk_table``) is tested on the candidates only; one with combinators (``.b .c``) is run on the
    tree, the first 200 of them (a page's real rules are a handful)."""
    from cssselect import GenericTranslator, SelectorError

    translator = GenericTranslator()
    shown: set[HtmlElement] = set()
    wanted = set(candidates)
    tree_selectors = 0
    # Candidates by class, id and tag: a simple selector is tested only on those that could match it.
    by_key: dict[str, list[HtmlElement]] = {}
    for el in candidates:
        keys = {f"<{el.tag}", *(f".{c}" for c in (el.get("class") or "").split()), f"#{el.get('id') or ''}"}
        for key in keys:
            by_key.setdefault(key, []).append(el)
    for style in root.iter("style"):
        css = _AT_RULE.sub("", _CSS_COMMENT.sub("", style.text or ""))
        for selectors, declarations in _RULE.findall(css):
            if not _SHOWN_IMPORTANT.search(declarations):
                continue
            for selector in (part.strip() for part in selectors.split(",")):
                simple = not _COMBINATOR.search(selector)
                if not simple:
                    tree_selectors += 1
                    if tree_selectors > _MAX_TREE_SELECTORS:
                        continue
                try:
                    prefix = "self::" if simple else "descendant-or-self::"
                    test = etree.XPath(translator.css_to_xpath(selector, prefix=prefix))
                except (SelectorError, etree.XPathError, ValueError, TypeError):
                    continue  # a selector cssselect cannot read (:hover, vendor pseudo-classes)
                if simple:
                    named = _SIMPLE_KEY.search(selector)
                    if named is None:
                        pool = candidates
                    else:
                        pool = by_key.get(named.group(0) if named.group(0)[0] in ".#" else f"<{named.group(0)}", [])
                    shown.update(el for el in pool if el not in shown and test(el))
                else:
                    matched = cast("list[HtmlElement]", test(root))  # a CSS selector's XPath yields elements only
                    shown.update(el for el in matched if el in wanted)
    return shown


# A stylesheet rule that hides an element whatever its inline style says (CSS cascade: an important declaration
# beats an inline one): .ng-hide{display:none !important} (AngularJS, written into the page it renders),
# .hide{display:none!important} (Bootstrap).
_HIDDEN_IMPORTANT = re.compile(r"(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*!\s*important", re.IGNORECASE)
# An at-rule's block (@media print{…}, @media (max-width:430px){…}): its rules hold for some screens only.
_AT_BLOCK_START = re.compile(r"@[a-z-]+[^{;@]*\{", re.IGNORECASE)  # as _AT_RULE: never read past another @
_MAX_HIDING_SELECTORS = 50


def _outside_at_blocks(css: str) -> str:
    """The stylesheet without its at-rule blocks (``@media …{…}``, nested braces and all)."""
    kept: list[str] = []
    at = 0
    while match := _AT_BLOCK_START.search(css, at):
        kept.append(css[at : match.start()])
        depth, end = 1, match.end()
        while depth and end < len(css):
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        at = end
    kept.append(css[at:])
    return "".join(kept)


def _hidden_by_stylesheet(root: HtmlElement) -> list[HtmlElement]:
    """The elements a rule of the page's ``<style>`` blocks hides with ``!important`` (``display:none`` or
    ``visibility:hidden``), rules inside ``@media`` and other at-rule blocks left out (they hold for some screens
    only). Only important rules: an ordinary one loses to an inline style and to any more specific rule (tabs show
    their active panel so), which this reader does not weigh. The first 50 such selectors of the page are run."""
    from cssselect import GenericTranslator, SelectorError

    translator = GenericTranslator()
    hidden: dict[HtmlElement, None] = {}
    selectors_run = 0
    for style in root.iter("style"):
        css = _outside_at_blocks(_CSS_COMMENT.sub("", style.text or ""))
        for selectors, declarations in _RULE.findall(css):
            if not _HIDDEN_IMPORTANT.search(declarations):
                continue
            for selector in (part.strip() for part in selectors.split(",")):
                if not selector or selectors_run >= _MAX_HIDING_SELECTORS:
                    continue
                selectors_run += 1
                try:
                    test = etree.XPath(translator.css_to_xpath(selector, prefix="descendant-or-self::"))
                except (SelectorError, etree.XPathError, ValueError, TypeError):
                    continue  # a selector cssselect cannot read (:hover, vendor pseudo-classes)
                matched = cast("list[HtmlElement]", test(root))  # a CSS selector's XPath yields elements only
                hidden.update((el, None) for el in matched if isinstance(el.tag, str))
    return list(hidden)


def drop_all(elements: Iterable[HtmlElement]) -> None:
    """Remove elements (keeping the text that follows each); already-removed ones are skipped."""
    for el in list(elements):
        if el.getparent() is not None:
            el.drop_tree()


def leaf_blocks(root: HtmlElement) -> list[HtmlElement]:
    """Block elements holding no other block element: the cells, items and lines of a page."""
    has_block_inside: set[HtmlElement] = set()
    for el in root.iter():
        # An empty block (<div class="clear"></div>, a spacer) does not split the line it sits in.
        if el.tag in BLOCK_TAGS and (len(el) or (el.text or "").strip()):
            for ancestor in el.iterancestors():
                if ancestor in has_block_inside:
                    break
                has_block_inside.add(ancestor)
    return [el for el in root.iter() if el.tag in BLOCK_TAGS and el not in has_block_inside]


def marked_text(el: HtmlElement) -> str:
    """The element's text with ``\\x1f`` at every tag boundary and ``\\n`` for ``<br>``.

    The marks let a label written alone in its own tag (``<span>索引号</span>…``) be told
    from the same characters inside a sentence.
    """
    parts: list[str] = []
    for event, node in etree.iterwalk(el, events=("start", "end")):
        if event == "start":
            parts.append("\n" if node.tag == "br" else MARK)
            parts.append(node.text or "")
        else:
            parts.append(MARK)
            if node is not el:
                parts.append(node.tail or "")
    return "".join(parts)


MARK = "\x1f"
_SPACE_RUN = re.compile(r"\s+")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_CJK = r"\u3001-\u303f\u4e00-\u9fff\uff01-\uffef"
# Source files wrap long lines; a line break between two Chinese characters is not a space.
_WRAPPED = re.compile(rf"(?<=[{_CJK}])[^\S\n]*\n\s*(?=[{_CJK}])")


def clean_text(text: str) -> str:
    """One line of text: tag marks and zero-width characters gone, NBSP/U+3000/space runs as one space."""
    text = _ZERO_WIDTH.sub("", text.replace(MARK, ""))
    return _SPACE_RUN.sub(" ", _WRAPPED.sub("", text)).strip()


# Base URL ----------------------------------------------------------------------------------------


def base_url(root: HtmlElement, url: str) -> str:
    """What relative links resolve against: the page URL (and its ``<base href>``); '' when unknown,
    so that a saved page's ``files/a.pdf`` stays a path beside the file."""
    if not url:
        return ""
    base = root.find(".//base[@href]")
    return absolute(base.get("href").strip(), url) if base is not None else url


def absolute(href: str, base: str) -> str:
    """``href`` resolved against ``base``; as it is where urllib cannot split either (see :func:`_path_of`)."""
    try:
        return urljoin(base, href) if base else href
    except ValueError:
        return href


def _path_of(url: str) -> str:
    """The path of a URL. urllib raises ValueError for a host holding a character NFKC turns into a separator (a
    full-width colon typed in a link, ``http://www.example.gov.cn：8080/a.pdf``; CPython's bpo-36216 check), which
    lost the whole page: then the path is what follows the host's first ``/``."""
    try:
        return urlsplit(url).path
    except ValueError:
        rest = re.split(r"[?#]", _URL_SCHEME.sub("", url, count=1), maxsplit=1)[0]
        return rest[rest.find("/") :] if "/" in rest else ""


# File kinds --------------------------------------------------------------------------------------

_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,5})$")
_URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def kind_of(name_or_url: str) -> str:
    """The lower-case extension of a file name or URL (``pdf``), ignoring query string and fragment."""
    text = name_or_url.strip()
    path = _path_of(text) if _URL_SCHEME.match(text) else re.split(r"[?#]", text, maxsplit=1)[0]
    last = unquote(path).replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    match = _EXTENSION.search(last)
    return match.group(1).lower() if match else ""


# Links -------------------------------------------------------------------------------------------

ATTACHMENT_KINDS = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "zip", "rar", "txt", "ofd"})
_KIND_IN_TEXT = re.compile(
    r"\.(" + "|".join(sorted(ATTACHMENT_KINDS)) + r")(?![a-z0-9])"
    r"|[（(\[【](" + "|".join(sorted(ATTACHMENT_KINDS)) + r")[)）\]】]",
    re.IGNORECASE,
)
# Link texts that say "download" rather than what the file is; the file name is a better name.
_GENERIC_LINK_TEXT = frozenset({"下载", "点击下载", "附件", "下载附件", "点击", "点击此处", "此处", "这里", "查看"})
_NOT_LINKS = ("javascript:", "mailto:", "tel:", "#")


def attachment_links(root: HtmlElement, base: str = "") -> list[dict[str, str]]:
    """Links to files (by the href's extension or a file name in the link text), one per URL."""
    found: dict[str, dict[str, str]] = {}
    links_per_line: dict[HtmlElement, int] = {}
    for anchor in root.iter("a"):
        href = link_target(anchor)
        kind = href and _attachment_kind(href, anchor)
        if not kind:
            continue
        url = absolute(href, base)
        name = attachment_name(anchor, url, links_per_line)
        if url not in found:
            found[url] = {"name": name, "url": url, "kind": kind}
    return list(found.values())


# A name a CMS gives an uploaded file (2023010515111064784.docx, W020240812635213806845.pdf, P0200….docx):
# digits, or a letter and digits, or hex; never what the document is called.
_MACHINE_NAME = re.compile(r"^(?:[A-Za-z]{0,2}\d{6,}|[0-9a-f]{16,}|[A-Za-z0-9]{6,12})(?:[_-]\d+)?\.[A-Za-z0-9]{2,5}$")
_ATTACHMENT_PREFIX = re.compile(r"^(?:相关)?附\s*件\s*\d*\s*[:：.、]?\s*")


def attachment_name(anchor: HtmlElement, url: str, links_per_line: dict[HtmlElement, int] | None = None) -> str:
    """What a file link is called on the page: its text, else its ``title`` or ``alt`` (gkmlpt's
    ``<a class="nfw-cms-attachment" alt="….pdf">点击下载</a>``), else the words printed beside it on its
    line (``附件：清远市促进消费若干措施 <a>下载</a>``), else the file name from the URL. A link text that is
    only a CMS upload name (``2023010515111064784.docx``) counts as no text. ``links_per_line`` caches
    how many links each line holds, for a page of many links."""
    candidates = (
        lambda: link_text(anchor),
        lambda: clean_text(anchor.get("title") or ""),
        lambda: clean_text(anchor.get("alt") or ""),
        lambda: _words_beside(anchor, {} if links_per_line is None else links_per_line),
    )
    for candidate in (take() for take in candidates):
        if candidate and not _MACHINE_NAME.match(candidate) and candidate not in _GENERIC_LINK_TEXT:
            return candidate
    return link_text(anchor) or file_name(url)


def _words_beside(anchor: HtmlElement, links_per_line: dict[HtmlElement, int]) -> str:
    """The text of the anchor's line (its nearest block) without the anchor and its 附件： prefix,
    when the line holds this one link only."""
    line = next((el for el in anchor.iterancestors() if el.tag in BLOCK_TAGS), None)
    if line is None:
        return ""
    if line not in links_per_line:
        links_per_line[line] = sum(1 for _ in line.iter("a"))
    if links_per_line[line] != 1:
        return ""
    own = clean_text(anchor.text_content())
    text = clean_text(line.text_content())
    if own:
        text = text.replace(own, " ")
    text = clean_text(_ATTACHMENT_PREFIX.sub("", clean_text(text)))
    return text if 2 <= len(text) <= 100 else ""


def href_of(anchor: HtmlElement) -> str:
    href = (anchor.get("href") or "").strip()
    return "" if href.lower().startswith(_NOT_LINKS) else href


# A file's address where a script opens it (<a href="javascript:void(0)" onclick="download('/files/a.pdf')">,
# data-url="…"): a web address, a path from the site's root or beside the page, or a name with a file kind.
_ADDRESS = re.compile(
    r"^(?:https?://|/(?!/)|\.{1,2}/)\S+$|^[^\s\"'<>(),;]+\.(?:" + "|".join(sorted(ATTACHMENT_KINDS)) + r")$", re.I
)
_QUOTED = re.compile(r"""["']([^"'\s<>]+)["']""")


def link_target(anchor: HtmlElement) -> str:
    """Where a link leads: its ``href``; for a script link (``javascript:``, ``#``), the address a ``data-*``
    attribute or its ``onclick`` handler holds (see _ADDRESS), else ""."""
    href = href_of(anchor)
    if href:
        return href
    values = [v.strip() for k, v in anchor.items() if k.startswith("data-")]
    values += _QUOTED.findall(anchor.get("onclick") or "") + _QUOTED.findall(anchor.get("href") or "")
    return next((value for value in values if _ADDRESS.match(value)), "")


def markup_links(markup: str) -> list[dict[str, str]]:
    """The file links in a fragment of markup an export lists as an attachment (``<a href='javascript:x'>附件</a>``):
    each ``<a>``'s name as a page's (:func:`attachment_name`, else its visible text) and its address
    (:func:`link_target`, "" where it has none); markup without links is an item a line of its visible text.
    Never raises: markup lxml cannot read is its text with the tags removed."""
    try:
        root = lxml.html.fragment_fromstring(_CONTROL_CHARS.sub("", markup), create_parent="div")
    except (etree.ParserError, ValueError):
        return [{"name": clean_text(re.sub(r"<[^>]*>", " ", markup)), "url": ""}]
    links = []
    for anchor in root.iter("a"):
        url = link_target(anchor)
        name = attachment_name(anchor, url) or clean_text(anchor.text_content())
        if name or url:
            links.append({"name": name, "url": url})
    if not links:  # names without links: one a line (<br>, <p>)
        links = [{"name": line, "url": ""} for line in paragraphs(root)]
    return links


def _attachment_kind(href: str, anchor: HtmlElement) -> str:
    kind = kind_of(href)
    if kind in ATTACHMENT_KINDS:
        return kind
    named = _KIND_IN_TEXT.search(f"{anchor.text_content()} {anchor.get('title') or ''}")
    return (named.group(1) or named.group(2)).lower() if named else ""


def link_text(anchor: HtmlElement) -> str:
    text = clean_text(anchor.text_content()) or clean_text(anchor.get("title") or "")
    return "" if text in _GENERIC_LINK_TEXT else text


def file_name(url: str) -> str:
    return unquote(_path_of(url).rstrip("/").rsplit("/", 1)[-1])


# Page tools --------------------------------------------------------------------------------------

# A line made only of a page's tools (打印 关闭, 打印页面, 【我要纠错】, 我的收藏, 【字体：大 中 小】, the share
# buttons 微博 微信 QQ空间 更多, 下载本信息公开文件, the QR code's 扫一扫在手机打开当前页 / 手机扫一扫打开此页,
# the read-aloud button 朗读 / 听全文 of Hanweb and gkmlpt
# pages, 视力保护色, the collect button's message 取消收藏成功!) and its visit counter (浏览次数：1234, 访问量: 56次,
# [点击数：7], the count a script fills in or its "-" before it does): never the document's text, in a page or
# in text copied from one.
_COUNTER_WORD = r"(?:浏览次数|浏览量|访问量|访问次数|点击数|点击量|点击率|阅读次数|阅读量|阅读数)"
_TOOL_WORDS = (
    r"(?:(?:我要)?打印(?:本页|此页|该页|本文|页面|文档|文章)?|关闭(?:本页|此页|窗口|本文|页面)?|返回顶部|返回|"
    r"(?:取消)?收藏(?:成功|失败)[!！]?|收藏|我的收藏|"
    r"加入收藏|分享到?|字体|字号|[大中小]|朗读|听全文|视力保护色|"
    r"(?:新浪|腾讯)?微博|微信|QQ空间|QQ|更多|"
    r"下载本信息公开文件|下载本页|保存本页|(?:我要)?纠错|"
    rf"{_COUNTER_WORD}\s*[:：]?\s*(?:\d+\s*次?)?|"
    r"扫一扫在手机(?:上)?(?:打开|查看)当前页面?|(?:用)?手机扫一扫(?:打开|查看)?(?:此页|本页|当前页面?)?|扫一扫|在手机上打开|"
    r"[:：\s【】\[\]［］()（）|｜/\-—–]+)"
)
_TOOL_LINE = re.compile(rf"^(?:{_TOOL_WORDS})+$")


def is_page_tools(line: str) -> bool:
    """Whether a line of text is only page tools and the page's visit counter (see _TOOL_WORDS)."""
    line = line.strip()
    return 2 <= len(line) <= 100 and bool(_TOOL_LINE.match(line))


# Paragraphs --------------------------------------------------------------------------------------

_CELL_TAGS = frozenset({"td", "th"})
# Just after a list item's label (Word's ``1.&nbsp;&nbsp; 加强…``, 一、, （一）, (12), ①) no paragraph starts.
NOT_AFTER_A_LABEL = (
    r"(?<![0-9０-９一二三四五六七八九十][.．、])"
    r"(?<![（(][0-9０-９一二三四五六七八九十][）)])"
    r"(?<![（(][0-9０-９一二三四五六七八九十]{2}[）)])"
    r"(?<![①-⑳])"
)
# A paragraph indent inside one block of text: two U+3000 (or NBSP runs), where a page set its paragraphs apart by
# indentation instead of markup; after a sentence's end, and after a line no sentence ends (a signature's issuer,
# its date: …请遵照执行。　　河北省科学技术厅　　2024年8月21日　　…), as normalise.split_wall_of_text reads a
# one-line text.
_INDENT = re.compile(  # the lookahead first: a position that opens no space is refused before the lookbehinds run
    r"(?=[ \t\r\n\u3000\xa0])" + NOT_AFTER_A_LABEL + r"[ \t\r\n]*(?:\u3000{2,}|\xa0{2,}|(?:\u3000\xa0|\xa0\u3000)+)"
)


def paragraphs(el: HtmlElement) -> list[str]:
    """The element's text split into paragraphs: each block element and each ``<br>`` ends one, except inside a
    row of a data table (see :func:`_is_data_row`), which is one line however its cells are marked up."""
    found: list[str] = []
    line: list[str] = []
    row: HtmlElement | None = None  # the data-table row being read, its cells on one line

    def flush() -> None:
        for piece in _INDENT.split("".join(line)):
            if text := clean_text(piece):
                found.append(text)
        line.clear()

    for event, node in etree.iterwalk(el, events=("start", "end")):
        if event == "start":
            if row is None and node.tag == "tr" and _is_data_row(node):
                flush()
                row = node
            elif row is not None and (node.tag in BLOCK_TAGS or node.tag == "br"):
                line.append(" ")  # a cell's paragraphs (Word's <td><p>…</p></td>) stay on the row's line
            elif (node.tag in BLOCK_TAGS and node.tag not in _CELL_TAGS) or node.tag == "br":
                flush()
            elif node.tag in _CELL_TAGS:
                line.append(" ")  # cells of a table row stay on one line
            line.append(node.text or "")
        else:
            if node is row:
                row = None
                flush()
            elif row is None and node.tag in BLOCK_TAGS and node.tag not in _CELL_TAGS:
                flush()
            elif row is not None and node.tag in BLOCK_TAGS:
                line.append(" ")
            if node is not el:
                line.append(node.tail or "")
    flush()
    return found


# A data table's row: two or more cells with text, none of them long (a layout table's cell holds a whole text).
_MAX_DATA_CELL = 500


def _is_data_row(tr: HtmlElement) -> bool:
    """Whether a ``<tr>`` is a row of a data table (a 任务分工表, a 指标 table) rather than a layout row: it holds no
    table of its own, at least two of its cells hold text, and no cell holds more than _MAX_DATA_CELL characters."""
    if any(True for _ in tr.iterdescendants("table")):
        return False
    cells = [len(clean_text(cell.text_content())) for cell in tr if cell.tag in _CELL_TAGS]
    return sum(1 for size in cells if size) >= 2 and max(cells) <= _MAX_DATA_CELL


def html_to_text(fragment: str) -> str:
    """Text of an HTML body fragment (a CMS export's editor markup): paragraphs separated by blank lines.

    Word-pasted markup (``<o:p>``, ``mso-`` styles, conditional comments), scripts and styles
    are dropped, entities decoded, NBSP and U+3000 indentation removed.
    """
    if not fragment or not fragment.strip():
        return ""
    try:
        root = parse_tree(fragment)
    except ReadError:
        return ""
    body = root.find("body")
    return "\n\n".join(paragraphs(body if body is not None else root))
