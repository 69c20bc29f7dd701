"""Known-item queries drawn from the corpus by a seeded recipe: each query has exactly one right document.

Five kinds, each what a person does with a document they have seen:

* ``title``        its exact title, pasted
* ``doc_no``       its 文号 typed with ``[ ]`` instead of 〔〕
* ``sentence``     a sentence copied from its body (15–60 characters, occurring in no other document)
* ``short_title``  its title without 关于 … 的通知 (or 的决定, 的意见 …), as people retell it
* ``typo_title``   its exact title with one character replaced by another common character
* ``excerpt``      200 characters copied from its body (the longest query the portal takes)

and, timed but not scored, ``no_hit``: strings of common characters that occur in no document (the
suggestion path runs on each).

Only documents that the query names unambiguously are drawn: titles and 文号 that occur once in the
sample, sentences found verbatim in one body only. The same seed gives the same queries.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass

KINDS = ("title", "doc_no", "sentence", "short_title", "typo_title", "excerpt")
EXCERPT_CHARS = 200

_SHORTENABLE = re.compile(r"^关于(.{6,})的(通知|决定|意见|批复|公告|通告|报告|函|办法|规定|复函|请示)$")
_SENTENCE_END = re.compile(r"(?<=[。！？；])")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DOC_NO = re.compile(r"^(.+)〔((?:19|20)\d{2})〕(.+)$")


@dataclass(frozen=True)
class KnownItem:
    kind: str
    query: str
    doc_id: str


def draw(records: list[dict], per_kind: int, seed: int = 20261130) -> list[KnownItem]:
    """``per_kind`` queries of each kind (fewer where the sample has fewer candidates)."""
    rng = random.Random(seed)
    titles = Counter(r.get("title") or "" for r in records)
    doc_nos = Counter(_doc_no(r) for r in records)
    items: list[KnownItem] = []
    shuffled = records[:]
    rng.shuffle(shuffled)
    common = _common_characters(records)
    bodies = "\x00".join(r.get("body") or "" for r in records)

    def take(kind: str, make) -> None:
        found = 0
        for record in shuffled:
            if found >= per_kind:
                break
            query = make(record)
            if query:
                items.append(KnownItem(kind, query, record["id"]))
                found += 1

    def unique_title(record: dict) -> str:
        title = record.get("title") or ""
        return title if titles[title] == 1 and len(title) >= 6 else ""

    take("title", unique_title)
    take("doc_no", lambda r: _bracketed(_doc_no(r)) if _doc_no(r) and doc_nos[_doc_no(r)] == 1 else "")
    take("sentence", lambda r: _unique_sentence(r, bodies, rng))
    take("short_title", lambda r: _shortened(unique_title(r), titles))
    take("typo_title", lambda r: _with_typo(unique_title(r), common, rng))
    take("excerpt", lambda r: _unique_excerpt(r, bodies, rng))
    return items


def no_hits(records: list[dict], count: int, seed: int = 20261130) -> list[str]:
    """``count`` strings of four common characters found in no title or body (for timing the empty path)."""
    rng = random.Random(seed)
    common = _common_characters(records)
    texts = "\x00".join((r.get("title") or "") + "\x00" + (r.get("body") or "") for r in records)
    found: list[str] = []
    while len(found) < count:
        candidate = "".join(rng.sample(common[:300], 4))
        if candidate not in texts:
            found.append(candidate)
    return found


def _doc_no(record: dict) -> str:
    value = str(record.get("doc_number") or "").strip()
    return "" if value in ("", "None", "null") else value


def _bracketed(doc_no: str) -> str:
    match = _DOC_NO.match(doc_no)
    return f"{match[1]}[{match[2]}]{match[3]}" if match else ""


def _unique_sentence(record: dict, bodies: str, rng: random.Random) -> str:
    body = record.get("body") or ""
    if "<" in body[:200]:  # raw HTML bodies (bucm): a person copies the rendered text, not the markup
        return ""
    sentences = [s.strip() for s in _SENTENCE_END.split(body) if 15 <= len(s.strip()) <= 60]
    sentences = [s for s in sentences if len(_CJK.findall(s)) >= 10 and "\n" not in s]
    rng.shuffle(sentences)
    for sentence in sentences[:5]:
        first = bodies.find(sentence)
        if first >= 0 and bodies.find(sentence, first + 1) < 0:
            return sentence
    return ""


def _unique_excerpt(record: dict, bodies: str, rng: random.Random) -> str:
    body = " ".join((record.get("body") or "").split())
    if "<" in body[:200] or len(body) < EXCERPT_CHARS * 2:
        return ""
    start = rng.randrange(0, len(body) - EXCERPT_CHARS)
    excerpt = body[start : start + EXCERPT_CHARS]
    return excerpt if bodies.count(excerpt[:60]) == 1 else ""


def _shortened(title: str, titles: Counter) -> str:
    match = _SHORTENABLE.match(title)
    if not match:
        return ""
    short = match[1]
    # The shortened title must still point at one document: no other title contains it.
    return short if sum(1 for other in titles if short in other) == 1 else ""


def _common_characters(records: list[dict]) -> list[str]:
    counts = Counter(ch for r in records[:2000] for ch in (r.get("title") or "") if _CJK.match(ch))
    return [ch for ch, _ in counts.most_common(500)]


def _with_typo(title: str, common: list[str], rng: random.Random) -> str:
    if len(title) < 8:
        return ""
    positions = [i for i, ch in enumerate(title) if _CJK.match(ch)]
    position = rng.choice(positions)
    replacement = rng.choice([ch for ch in common if ch != title[position]])
    return title[:position] + replacement + title[position + 1 :]
