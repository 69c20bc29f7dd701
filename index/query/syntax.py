"""What a query typed in the search box means, as a small tree.

* Unquoted words (``低保 殡葬``, or a pasted sentence) are one :class:`Words` node: most of their words must
  match, not all, and not as a phrase (see :mod:`index.whoosh.engine`).
* Quoted text (``"政府信息公开"``, also “…”, 「…」, 『…』) is a :class:`Phrase`: an exact substring match.
  Quotes are syntax only where they stand apart (at the start or after a space, an operator or a prefix,
  and closing before a space or the end): quotes glued inside pasted text (依照“基本法”办事) are text.
* ``AND``, ``OR`` and ``NOT`` (upper case, between spaces) and ``-word`` combine them; ASCII parentheses
  group where the query uses an operator (a pasted title's （试行） or (2017) is text, not syntax).
* A field prefix (``标题:``, ``正文:``, ``文号:``, ``索引号:``, ``发布机构:``, ``全文:``; full-width colon too)
  binds the term, phrase or group after it.

Anything that does not parse (an unclosed quote or bracket, a dangling operator) degrades to plain
words: :func:`parse` never raises, and says so in :attr:`Parsed.degraded`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Field prefix → the request field it searches (index/query/request.py FIELDS keys).
PREFIXES = {
    "标题": "title",
    "名称": "title",
    "正文": "body",
    "全文": "all",
    "文号": "doc_no",
    "索引号": "index_no",
    "发布机构": "publisher",
}
QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "＂": "＂"}
OPERATORS = ("AND", "OR", "NOT")

_BEFORE_QUOTE = ":：(-"
_PREFIX = re.compile(rf"({'|'.join(PREFIXES)})\s*[:：]")
_OPERATOR = re.compile(r"(?:(?<=\s)|^)(AND|OR|NOT)(?=\s|$)")


@dataclass(frozen=True)
class Words:
    """Unquoted text: most of its words must match (in ``field``, or every text field for ``None``)."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    """Quoted text: an exact substring match, whatever the segmentation."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Words | Phrase | Not | And | Or


@dataclass
class Parsed:
    node: Node | None  # None for an empty query
    degraded: bool = False  # the syntax was broken and the text was searched as plain words
    phrases: list[str] = field(default_factory=list)  # quoted texts, for highlighting


class _Broken(Exception):
    pass


def parse(text: str) -> Parsed:
    """The tree a query means; never raises (broken syntax becomes plain words)."""
    text = text.strip()
    if not text:
        return Parsed(None)
    tokens = _tokens(text)
    try:
        node = _Parser(tokens).parse()
    except _Broken:
        plain = " ".join(t[1] for t in tokens if t[0] in ("word", "phrase") and t[1])
        plain = plain or _OPERATOR.sub(" ", text).strip(' -:：()"')
        # Nothing but operators and quotes: the text is searched as it stands (``OR`` is a word then, and
        # punctuation finds nothing); a query that was typed never lists the whole index.
        return Parsed(Words(plain if plain.strip() else text), degraded=True)
    return Parsed(node, phrases=[t[1] for t in tokens if t[0] == "phrase" and t[1]])


def _tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) tokens: word, phrase, op, not, prefix, open, close, broken."""
    grouping = bool(_OPERATOR.search(text)) or bool(re.search(r"(?:^|\s)-\S", text))
    tokens: list[tuple[str, str]] = []
    i, length = 0, len(text)
    while i < length:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in QUOTES and _starts_phrase(text, i):
            close = _closing_quote(text, i)
            if close >= 0:
                tokens.append(("phrase", text[i + 1 : close].strip()))
                i = close + 1
                continue
            if QUOTES[ch] not in text[i + 1 :]:  # never closed: broken syntax
                tokens.append(("broken", text[i + 1 :]))
                tokens.append(("word", text[i + 1 :].strip()))
                break
            # closed only glued to more text (“港人治港”和…): the quotes are text
        if grouping and ch in "()":
            tokens.append(("open" if ch == "(" else "close", ch))
            i += 1
            continue
        prefix = _PREFIX.match(text, i)
        if prefix:
            tokens.append(("prefix", PREFIXES[prefix.group(1)]))
            i = prefix.end()
            continue
        if ch == "-" and (i == 0 or text[i - 1].isspace()) and i + 1 < length and not text[i + 1].isspace():
            tokens.append(("not", "-"))
            i += 1
            continue
        end = i + 1 if ch in QUOTES else i  # a quote here is text (glued, or closed only inside text)
        while end < length and not text[end].isspace() and not (text[end] in QUOTES and _starts_phrase(text, end)):
            if grouping and text[end] in "()":
                break
            end += 1
        word = text[i:end]
        tokens.append(("op", word) if word in OPERATORS else ("word", word))
        i = end
    return tokens


def _has_text(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _starts_phrase(text: str, i: int) -> bool:
    """Whether a quote at ``i`` stands apart: at the start, or after a space, an operator or a prefix."""
    return i == 0 or text[i - 1].isspace() or text[i - 1] in _BEFORE_QUOTE


def _closing_quote(text: str, i: int) -> int:
    """The index of the quote closing the one at ``i`` and standing apart (before a space, ")" or the end); −1."""
    close = text.find(QUOTES[text[i]], i + 1)
    while close >= 0 and close + 1 < len(text) and not (text[close + 1].isspace() or text[close + 1] == ")"):
        close = text.find(QUOTES[text[i]], close + 1)
    return close


class _Parser:
    """Recursive descent: or := and ("OR" and)*; and := unary ("AND"? unary)*; unary := ("NOT" | "-") unary | atom."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        if any(kind == "broken" for kind, _ in tokens):
            raise _Broken
        self.tokens = tokens
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Node | None:
        node = self.or_()
        if self.peek() is not None:
            raise _Broken
        return node

    def or_(self) -> Node:
        children = [self.and_()]
        while self.peek() == ("op", "OR"):
            self.take()
            children.append(self.and_())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_(self) -> Node:
        children: list[tuple[Node, bool]] = []  # (node, joined to the one before by an explicit AND)
        while (token := self.peek()) is not None and token not in (("op", "OR"), ("close", ")")):
            explicit = token == ("op", "AND")
            if explicit:
                self.take()
                if not children:
                    raise _Broken
            children.append((self.unary(), explicit))
        if not children:
            raise _Broken
        merged = _merge_words(children)
        # Punctuation left between phrases (“一国两制”，“港人治港”) is no condition of its own.
        merged = [n for n in merged if not (isinstance(n, Words) and not _has_text(n.text))] or merged
        return merged[0] if len(merged) == 1 else And(tuple(merged))

    def unary(self) -> Node:
        token = self.peek()
        if token is None:
            raise _Broken
        if token in (("op", "NOT"), ("not", "-")):
            self.take()
            return Not(self.unary())
        return self.atom(None)

    def atom(self, field: str | None) -> Node:
        if self.peek() is None:
            raise _Broken
        kind, text = self.take()
        if kind == "prefix":
            return self.atom(text)
        if kind == "word":
            return Words(text, field)
        if kind == "phrase":
            if not text:
                raise _Broken
            return Phrase(text, field)
        if kind == "open":
            node = self.or_()
            if self.peek() != ("close", ")"):
                raise _Broken
            self.take()
            return _with_field(node, field) if field else node
        raise _Broken


def _merge_words(children: list[tuple[Node, bool]]) -> list[Node]:
    """Unquoted words next to each other (no AND between them), in the same field, become one Words node."""
    merged: list[Node] = []
    for child, explicit in children:
        previous = merged[-1] if merged else None
        if not explicit and isinstance(child, Words) and isinstance(previous, Words) and previous.field == child.field:
            merged[-1] = Words(f"{previous.text} {child.text}", child.field)
        else:
            merged.append(child)
    return merged


def _with_field(node: Node, field: str) -> Node:
    if isinstance(node, Words | Phrase):
        return type(node)(node.text, node.field or field)
    if isinstance(node, Not):
        return Not(_with_field(node.child, field))
    return type(node)(tuple(_with_field(child, field) for child in node.children))
