"""What a page's inline scripts change in what a browser shows, read without running them.

Disclosure templates print some values by script: Hanweb prints every 有效性 alternative hidden and shows
one (``if (yxx == '1') { $("#yxx_1").show(); }``); 广州's 规范性文件 pages write the status after its label
(``var file_status = '有效'; … $('#file_status').parent().append(file_status);``). This module reads the
few statement forms such templates use — jQuery ``$('#id').show()`` / ``.css('display', …)`` /
``.append(…)`` / ``.text(…)`` / ``.html(…)`` (optionally ``.parent()``), and ``getElementById('id')``
``.style.display = …`` / ``.innerHTML = …`` — and the ``if``/``else if``/``else`` guards around them,
where a guard compares variables the script sets to literals (``var v = '1'``) with ``==``, ``!=``,
``===``, ``!==``, ``null`` and ``''``, joined by ``&&`` / ``||``. A statement whose guard cannot be
decided counts as unknown. Nothing is executed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

_QUOTED = r"""(?:"([^"]*)"|'([^']*)')"""
_ARGUMENT = rf"""(?:{_QUOTED}|([A-Za-z_$][\w$]*))"""
_STATEMENT = re.compile(
    # $('#id').parent().append(x) / .text(x) / .html(x) / .show() / .css('display', 'block')
    rf"""\$\(\s*["']#([\w-]+)["']\s*\)(\s*\.\s*parent\(\s*\))?\s*\.\s*"""
    rf"""(?:(append|text|html)\(\s*{_ARGUMENT}\s*\)|(show)\(\s*\)|css\(\s*["']display["']\s*,\s*{_QUOTED}\s*\))"""
    # document.getElementById('id').style.display = 'block' / .innerHTML = x
    rf"""|getElementById\(\s*["']([\w-]+)["']\s*\)\s*\.\s*"""
    rf"""(?:style\s*\.\s*display\s*=\s*{_QUOTED}|(innerHTML|innerText|textContent)\s*=\s*{_ARGUMENT})"""
)
_VAR = re.compile(rf"""\b(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*{_QUOTED}""")
# The guard right before a statement: "if (…) {", "} else if (…) {", "} else {".
_GUARD = re.compile(r"""(?:(else\s+)?if\s*\((.*)\)|(else))\s*\{?\s*$""", re.DOTALL)
_ATOM = re.compile(rf"""^\s*([A-Za-z_$][\w$]*)\s*(===?|!==?)\s*(?:{_QUOTED}|(null|undefined))\s*$""")
_GUARD_REACH = 200


@dataclass(frozen=True)
class Effect:
    """One statement: ``show`` an element, or ``write`` text into it (``parent``: into its parent)."""

    element_id: str
    parent: bool
    kind: str  # "show" or "write"
    text: str
    taken: bool | None  # whether its guard holds: True, False, or None for undecidable


def script_effects(root: HtmlElement) -> list[Effect]:
    """The show/write statements of every inline ``<script>``, each with whether it runs."""
    effects = []
    for script in root.iter("script"):
        code = script.text or ""
        if "#" not in code and "getElementById" not in code:
            continue
        values = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _VAR.finditer(code)}
        chain_taken: bool | None = False
        handlers = handler_spans(code)
        for match in _STATEMENT.finditer(code):
            effect, chain_taken = _effect(match, code, values, chain_taken, handlers)
            if effect is not None:
                effects.append(effect)
    return effects


def _effect(
    match: re.Match[str], code: str, values: dict[str, str], chain: bool | None, handlers: list[tuple[int, int]]
):
    (jq_id, parent, verb, q1, q2, name, show, d1, d2, dom_id, s1, s2, prop, p1, p2, pname) = match.groups()
    before = code[max(0, match.start() - _GUARD_REACH) : match.start()]
    # The guard is what stands between the previous statement end (; or }) and this one.
    tail = re.split(r"[;}]\s*(?=(?:else\b|if\b|\$|document\b|$))", before)[-1]
    guard = _GUARD.search(tail)
    taken: bool | None
    if _inside(handlers, match.start()):
        taken, chain = None, None
    elif guard is None:
        taken = True
        chain = False
    elif guard.group(3):  # else
        taken = None if chain is None else not chain
        chain = True if taken else chain
    else:
        holds = _condition(guard.group(2), values)
        if guard.group(1):  # else if
            taken = False if chain is True else (None if chain is None or holds is None else holds)
        else:
            taken, chain = holds, False
        chain = True if taken else (None if taken is None else chain)
    text: str | None
    if jq_id:
        element_id, up = jq_id, bool(parent)
        if show or (d1 is not None or d2 is not None):
            display = d1 if d1 is not None else (d2 if d2 is not None else "block")
            kind, text = ("show" if display != "none" else "hide"), ""
        else:
            kind, text = "write", _argument(q1, q2, name, values)
    else:
        element_id, up = dom_id, False
        if prop:
            kind, text = "write", _argument(p1, p2, pname, values)
        else:
            display = s1 if s1 is not None else s2
            kind, text = ("show" if display != "none" else "hide"), ""
    if kind == "hide" or (kind == "write" and text is None):
        return None, chain
    return Effect(element_id, up, kind, text or "", taken), chain


# A function body runs as the page loads only in these places: $(function(){…}), $(document).ready(…),
# window.onload = …, addEventListener('load' | 'DOMContentLoaded', …) and setTimeout(…). Any other
# (a click handler, an ajax callback, function f() {…} waiting for a call) may never run.
_FUNCTION_OPEN = re.compile(r"function\s*[A-Za-z_$]?[\w$]*\s*\([^)]*\)\s*\{")
_RUNS_ON_LOAD = re.compile(
    r"(?:\$\(\s*|\.ready\(\s*|onload\s*=\s*|['\"](?:load|DOMContentLoaded)['\"]\s*,\s*|setTimeout\(\s*)$"
)


def handler_spans(code: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the function bodies in ``code`` that may not run as the page loads,
    found in one pass over the braces, merged into sorted disjoint spans."""
    openers = {m.end() - 1: m.start() for m in _FUNCTION_OPEN.finditer(code)}
    spans: list[tuple[int, int]] = []
    open_handlers: list[tuple[int, int]] = []  # (depth, start offset)
    depth = 0
    for brace in re.finditer(r"[{}]", code):
        i = brace.start()
        if brace.group() == "{":
            depth += 1
            start = openers.get(i)
            if start is not None and not _RUNS_ON_LOAD.search(code[max(0, start - 40) : start]):
                open_handlers.append((depth, i))
        else:
            if open_handlers and open_handlers[-1][0] == depth:
                spans.append((open_handlers.pop()[1], i))
            depth -= 1
    spans.extend((start, len(code)) for _, start in open_handlers)  # a body the script leaves open
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _inside(spans: list[tuple[int, int]], position: int) -> bool:
    """Whether ``position`` lies in one of the sorted, disjoint ``spans``."""
    i = bisect.bisect_right(spans, (position, len(spans) and spans[-1][1] + 1)) - 1
    return i >= 0 and spans[i][0] < position < spans[i][1]


def _argument(q1: str | None, q2: str | None, name: str | None, values: dict[str, str]) -> str | None:
    if q1 is not None or q2 is not None:
        return q1 if q1 is not None else q2
    return values.get(name or "")


def _condition(text: str, values: dict[str, str]) -> bool | None:
    """``a == 'x' || b != ''`` on the script's literal variables; None when it cannot be decided."""
    if "(" in text or ")" in text:
        return None
    disjuncts = []
    for conjunction in text.split("||"):
        parts = [_atom(atom, values) for atom in conjunction.split("&&")]
        disjuncts.append(False if False in parts else (None if None in parts else True))
    return True if True in disjuncts else (None if None in disjuncts else False)


def _atom(text: str, values: dict[str, str]) -> bool | None:
    match = _ATOM.match(text)
    if not match or match.group(1) not in values:
        return None
    name, op, a, b, nothing = match.groups()
    value = values[name]
    equal = False if nothing else value == (a if a is not None else b)
    return equal if op.startswith("=") else not equal


def shown_by_script(root: HtmlElement, effects: list[Effect] | None = None) -> set[HtmlElement]:
    """Hidden elements a script surely shows; of several it may show under one parent, none. ``effects``: the
    page's :func:`script_effects`, where the caller has them."""
    effects = script_effects(root) if effects is None else effects
    ids = {e.element_id for e in effects if e.kind == "show" and e.taken}
    shown = [el for el in root.iter() if isinstance(el.tag, str) and el.get("id") in ids]
    by_parent: dict[HtmlElement | None, list[HtmlElement]] = {}
    for el in shown:
        by_parent.setdefault(el.getparent(), []).append(el)
    return {els[0] for els in by_parent.values() if len(els) == 1}


def write_script_text(root: HtmlElement, effects: list[Effect] | None = None) -> None:
    """Put the text scripts surely write (``.append(file_status)``) where a browser shows it. ``effects``: the
    page's :func:`script_effects`, where the caller has them."""
    by_id = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    for effect in script_effects(root) if effects is None else effects:
        target = by_id.get(effect.element_id)
        if effect.kind != "write" or not effect.taken or not effect.text.strip() or target is None:
            continue
        if effect.parent:
            target = target.getparent()
            if target is None:
                continue
        _append_text(target, effect.text)


def _append_text(el: HtmlElement, text: str) -> None:
    if "<" in text:  # markup a script writes (innerHTML = '<b>有效</b>'): its text, as a browser shows it
        try:
            text = lxml.html.fragment_fromstring(text, create_parent="div").text_content()
        except (etree.ParserError, ValueError):
            return
    children = [child for child in el if isinstance(child.tag, str) and child.tag != "script"]
    if children:
        last = children[-1]
        last.tail = (last.tail or "") + text
    else:
        el.text = (el.text or "") + text
