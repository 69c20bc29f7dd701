"""索引号 and 文号: normalising, parsing and check digits (see shared/docs/disclosure-metadata.md)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from index.record import IndexNo

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DASH_TABLE = str.maketrans({**{dash: "-" for dash in _DASHES}, "\\": "/", "\uff0f": "/"})

_ORG = re.compile(r"[0-9A-Z]{9}")  # 组织机构代码, GB 11714
_USCC = re.compile(r"[0-9A-Z]{18}")  # 统一社会信用代码, GB 32100
_YEAR = re.compile(r"(?:19|20)\d{2}(?:0[1-9]|1[0-2])?")  # 2018, or 202110 (year and month)
_SERIAL = re.compile(r"\d{1,10}")
# A site's or region's code where the org code would be: 6 to 12 letters and digits, a digit among them
# (not 9 or 18 long: those are org codes, checked by their check digit).
_SITE_CODE = re.compile(r"(?=[A-Z]*\d)(?:[0-9A-Z]{6,8}|[0-9A-Z]{10,12})")
_SEPARATORS = re.compile(r"[/\-_.·]+")
_REGION_COMPACT = re.compile(r"(?P<org>[A-Z]{2}\d{6})(?P<year>(?:19|20)\d{2})(?P<serial>\d{4,})")
_GROUP = re.compile(r"[0-9A-Z\u4e00-\u9fff]+")

# A 后段码 on its own, as result lists show it: 2018-00019, 202110-00013.
INDEX_TAIL = re.compile(r"^(?:19|20)\d{2}(?:0[1-9]|1[0-2])?-\d{1,8}$")


def normalise_index_no(text: str) -> str:
    """NFKC, every dash variant to '-', ／ and \\ to '/', no whitespace, upper-case, without a label's colon left in
    front (``：000014349/2019-00012``, where a page set the colon in a cell of its own)."""
    text = unicodedata.normalize("NFKC", text).translate(_DASH_TABLE).strip().lstrip(":").lstrip()
    # Composed again: NFKC can leave a combining mark that only meets its letter once spaces go (U ¯).
    return unicodedata.normalize("NFKC", re.sub(r"\s+", "", text).upper())


def index_no_key(text: str) -> str:
    """The one lookup key of a 索引号 (or a 后段码): letters, digits and Chinese only, upper-case.

    ``014319733/2018-00019``, ``014319733-2018-00019``, ``０１４３１９７３３／２０１８－０００１９`` and
    ``014319733 / 2018 - 00019`` all give ``014319733201800019``: sites publish the same number with
    any separator, so separators cannot tell two numbers apart.
    """
    return "".join(_GROUP.findall(normalise_index_no(text)))


def gb11714_check(code: str) -> str:
    """The check character of an 8-character 组织机构代码 body (GB 11714)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(char, 36) * weight for char, weight in zip(code, weights, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def org_code_ok(code: str) -> bool:
    """Whether a 9-character 组织机构代码 carries a correct GB 11714 check character."""
    return bool(re.fullmatch(r"[0-9A-Z]{8}[0-9X]", code)) and gb11714_check(code[:8]) == code[8]


def code_check_ok(code: str) -> bool | None:
    """Check digit of a 前段码: GB 11714 for 9 characters, GB 32100 for 18, None for other lengths."""
    code = code.replace("-", "")
    if len(code) == 9:
        return org_code_ok(code)
    if len(code) == 18:
        from stdnum.cn import uscc  # here: python-stdnum imports pydoc and ssl, which a search needs not

        return uscc.is_valid(code)
    return None


def parse_index_no(raw: str) -> IndexNo | None:
    """A parsed 索引号, or None when the text is empty. Unknown shapes parse as 'unrecognised'.

    The number is read from its groups whatever separates them (``/``, ``-``, ``.``, ``_``, in any
    width): 前段码 (9-character 组织机构代码 or 18-character 统一社会信用代码, or one written with a
    dash before its check character, or a site's or region's own code of 6–8 or 10–12 characters:
    ``2102000003/2021-13983``, ``SM04100-0200-2022-00023``), any classification codes, the year (or
    year and month), and the serial. ``normalised`` is then written one way, ``前段码/[分类码/]年-序号``, so
    the same number published with other separators is the same document; ``raw`` keeps how it was published.
    """
    normalised = normalise_index_no(raw)
    if not normalised:
        return None
    raw, key = raw.strip().lstrip(":：").lstrip(), index_no_key(normalised)
    # Spaces separate groups too where nothing else does (014319733 2018 00019).
    spaced = unicodedata.normalize("NFKC", raw).translate(_DASH_TABLE).upper().strip().lstrip(":")
    groups = [group for group in re.split(rf"(?:\s|{_SEPARATORS.pattern})+", spaced) if group]
    separators = set("".join(_SEPARATORS.findall(normalised)))
    if len(groups) == 1:
        compact = _REGION_COMPACT.fullmatch(normalised)
        if compact:
            tail = normalised[len(compact["org"]) :]
            return IndexNo(
                raw,
                normalised,
                "region_compact",
                compact["org"],
                int(compact["year"]),
                compact["serial"],
                tail,
                None,
                key,
            )
    elif len(groups) >= 3 and _YEAR.fullmatch(groups[-2]) and _SERIAL.fullmatch(groups[-1]):
        parsed = _org_year_serial(raw, groups, separators, key)
        if parsed:
            return parsed
    if len(groups) >= 4 and separators == {"-"} and all(_GROUP.fullmatch(group) for group in groups):
        return _grouped_index_no(raw, groups, key)
    return IndexNo(raw=raw, normalised=normalised, variant="unrecognised", key=key)


def _org_year_serial(raw: str, groups: list[str], separators: set[str], key: str) -> IndexNo | None:
    """前段码 [分类码…] 年 序号, or None where the first groups are no 前段码."""
    year_group, serial = groups[-2], groups[-1]
    head = groups[:-2]
    if len(head) >= 2 and re.fullmatch(r"[0-9A-Z]{6,8}", head[0]) and re.fullmatch(r"[0-9A-Z]", head[1]):
        org, printed_org, classes, variant = head[0] + head[1], f"{head[0]}-{head[1]}", head[2:], "dashed_org"
    elif _ORG.fullmatch(head[0]) or _USCC.fullmatch(head[0]):
        org, printed_org, classes = head[0], head[0], head[1:]
        if classes:
            variant = "classified"
        elif separators == {"-"}:
            variant = "hyphenated"
        elif len(year_group) == 6:
            variant = "year_month"
        else:
            variant = "uscc" if len(org) == 18 else "standard"
    elif _SITE_CODE.fullmatch(head[0]):
        # A site's or region's own code instead of an org code: 2102000003/2021-13983 (大连),
        # 50000007/2022-1663341 (重庆), SM04100-0200-2022-00023 (三明, with a class code), FZ00101-1300-….
        org, printed_org, classes = head[0], head[0], head[1:]
        variant = "site_code"
    else:
        return None
    if variant == "dashed_org" and classes:
        return None
    tail = f"{year_group}-{serial}"
    normalised = "/".join([printed_org, *(["-".join(classes)] if classes else []), tail])
    return IndexNo(
        raw=raw,
        normalised=normalised,
        variant=variant,
        org_code=org,
        year=int(year_group[:4]),
        serial=serial,
        tail=tail,
        check_ok=None if variant in ("dashed_org", "site_code") else code_check_ok(org),
        key=key,
        class_code="-".join(classes),
    )


def _grouped_index_no(raw: str, groups: list[str], key: str) -> IndexNo:
    year = next((int(g[:4]) for g in groups if re.fullmatch(r"(?:19|20)\d{2}(?:\d{2}){0,2}", g)), None)
    return IndexNo(
        raw=raw,
        normalised="-".join(groups),
        variant="grouped",
        org_code="-".join(groups[:2]),
        year=year,
        serial=groups[-1],
        tail="-".join(groups[-2:]),
        key=key,
    )


# 文号 ------------------------------------------------------------------------------------------

_HAN = r"\u4e00-\u9fff"
# Brackets around the year as sites write them (after NFKC: [ ] ( ) { } < > and the CJK ones).
_OPEN, _CLOSE = r"[\[［(（【〔〖{｛<〈《]", r"[\]］)）】〕〗}｝>〉》]"
_YEAR_IN_BRACKETS = re.compile(rf"{_OPEN}\s*((?:19|20)\d{{2}})\s*年?\s*{_CLOSE}")
_SERIAL_TEXT = r"(?:\d{1,6}|[〇零一二三四五六七八九十百千]{1,8})"
# Joint issuers are separated by spaces or a 、 (财政部 税务总局, 财政部、税务总局).
_ISSUERS = rf"[{_HAN}](?:[{_HAN}]|[ 、,，](?=[{_HAN}])){{0,40}}?"
_DOC_NO_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # 机关代字〔年份〕序号号: 宿政办发〔2017〕150号 (also 第150号, or no 号)
    (
        "bracket",
        re.compile(rf"(?P<issuer>[{_HAN}]{{1,20}})〔(?P<year>(?:19|20)\d{{2}})〕第?(?P<serial>{_SERIAL_TEXT})号?"),
    ),
    # 机关 + 公告 + 年 + 第N号: 财政部 税务总局公告2023年第30号
    (
        "year_number",
        re.compile(
            rf"(?P<issuer>{_ISSUERS})(?P<kind>公告|通告|令)\s*(?P<year>(?:19|20)\d{{2}})\s*年?\s*第?(?P<serial>{_SERIAL_TEXT})号"
        ),
    ),
    # 机关 + 令 + 第N号: 国令第672号, 中华人民共和国自然资源部令第21号, 主席令（第三十一号）
    (
        "number",
        re.compile(rf"(?P<issuer>{_ISSUERS})(?P<kind>令|公告|通告|)\s*\(?第(?P<serial>{_SERIAL_TEXT})号\)?"),
    ),
)
# The state's name before a ministry is often left out (自然资源部令第21号), and 国家 before an
# administration (税务总局公告): keys hold the issuer without them, typed or published.
# Each with the shortest name it may leave: 主席 (主席令), 税务总局 but not 国家令's 令.
_ISSUER_PREFIXES = {"中华人民共和国": 2, "国家": 3}
# A bracket-form 文号 at the very start of a text (冀科平规〔2024〕1号河北省…); the other forms
# open sentences too (国务院令第588号公布的…), so only this one is taken from a body.
_LEADING_DOC_NO = re.compile(rf"^\s*([{_HAN}]{{1,12}}{_OPEN}\s*(?:19|20)\d{{2}}\s*{_CLOSE}\s*第?\d{{1,5}}号)")
# A 令 number heading the text on a line of its own (中华人民共和国国务院令　第782号, then a break or a
# U+3000 indent): that is how a 令 prints its number (GB/T 9704 10.1); one running on into a sentence
# (国务院令第588号公布的…) cites another 令.
_LEADING_ORDER_NO = re.compile(
    rf"^\s*([{_HAN}]{{1,20}}令[\s\u3000]*[(（]?第{_SERIAL_TEXT}号[)）]?)(?=[\s\u3000\xa0]|$)"
)


# A title's words in what would be the issuer of a 文号: 关于 (GB/T 9704 7.3.3: 发文机关 + 关于 + 事由 + 文种), or the
# 的 that ends a 事由 before its 文种 (…防控的通告). No organ's name or 代字 holds either so.
_TITLE_WORDS = re.compile(r"关于|的$")


@dataclass(frozen=True)
class DocNo:
    """A parsed 文号: who issued it, its form, year and serial."""

    issuer: str  # 机关代字 (宿政办发) or the issuing organs (财政部 税务总局, 中华人民共和国自然资源部)
    form: str  # bracket, year_number, number
    kind: str  # 公告, 通告, 令 or "" (the 代字 of a bracket form says it)
    year: int | None
    serial: int


def normalise_doc_no(text: str) -> str:
    """文号 as shown: GB/T 9704 brackets round the year (宿政办发[2017]150号 → 宿政办发〔2017〕150号),
    no spaces except one between joint issuers (财政部 税务总局公告2023年第30号; 国务院令 第797号 is one issuer)."""
    text = unicodedata.normalize("NFKC", text)
    text = _YEAR_IN_BRACKETS.sub(r"〔\1〕", text)
    text = re.sub(r"\s+(?=第)", "", text.strip())  # 国务院令 第797号: no issuer starts with 第
    text = re.sub(rf"(?<=[{_HAN}])\s+(?=[{_HAN}])", " ", text)
    # Composed again: a combining mark NFKC left after a space meets its letter once spaces go.
    return unicodedata.normalize("NFKC", re.sub(rf"(?<![{_HAN}])\s+|\s+(?![{_HAN}])", "", text))


def parse_doc_no(text: str) -> DocNo | None:
    """The parts of a 文号 in any of its written forms, or None when the text is not one.

    Forms (``disclosure-metadata.md``, GB/T 9704): 机关代字〔年份〕序号号 with any bracket, with or
    without 第 and 号; 机关 + 公告/通告/令 + 年份 + 第N号 without brackets (财政部 税务总局公告2023年第30号);
    机关 + 令 + 第N号 (国令第672号, 主席令第三十一号). Serials in Chinese numerals are read as numbers.
    What stands before the number is an organ's name or 代字, never a title's words (:data:`_TITLE_WORDS`): a
    numbered notice's title (某指挥部关于加强防控的通告（第4号）) is no 文号.
    """
    normalised = normalise_doc_no(text)
    for form, pattern in _DOC_NO_FORMS:
        match = pattern.fullmatch(normalised)
        if match:
            serial = _serial_number(match["serial"])
            if serial is None or _TITLE_WORDS.search(match["issuer"]):
                return None
            groups = match.groupdict()
            year = int(groups["year"]) if groups.get("year") else None
            return DocNo(match["issuer"], form, groups.get("kind") or "", year, serial)
    return None


_WHOLLY_BRACKETED = re.compile(r"^[(（](?P<inside>[^()（）]*)[)）]$")


def bracketed_doc_no(text: str) -> str | None:
    """What a 文号 field wholly in round brackets holds: the 文号 inside (``（国发〔2018〕43号）`` gives
    ``国发〔2018〕43号``), ``""`` where the brackets hold a note and no 文号 (``（2025年第一批常态分配通告）``,
    ``（依据《居住证暂行条例》）``, ``（依据粤财社〔2026〕19号）``: an export's remark in the 文号 column, see
    :func:`cites_basis`), None where the text is not bracketed."""
    match = _WHOLLY_BRACKETED.match(normalise_doc_no(text))
    if not match:
        return None
    inside = match["inside"].strip()
    if cites_basis(inside):
        return ""
    if parse_doc_no(inside):
        return normalise_doc_no(inside)
    if any(pattern.search(inside) for _form, pattern in _DOC_NO_FORMS):
        return None  # a 文号 with words around it: kept as written
    return ""


# A note in a 文号 column citing the document a record rests on, not the record's own number:
# （依据粤财社〔2026〕19号）, 穗府办规〔2021〕14号为依据 (shizelengleng/ai-zhengce-tong: data/官方文件表.csv, a page
# following a provincial notice, and data/documents.json). No 文号 is written with these words.
_CITES_BASIS = re.compile(r"依据|为准$|^(?:根据|按照|参照)\S")


def cites_basis(text: str) -> bool:
    """Whether a 文号 field's text (its brackets taken off) cites another document as what the record rests on
    (依据…, …为依据, 根据…) instead of giving the record's own 文号."""
    note = normalise_doc_no(text).strip()
    match = _WHOLLY_BRACKETED.match(note)
    return bool(_CITES_BASIS.search(match["inside"].strip() if match else note))


def doc_no_key(text: str) -> str:
    """The lookup key of a 文号 as written or typed: the same for every written form of one 文号.

    ``宿政办发[2017]第150号`` and ``宿政办发〔2017〕150号`` give ``宿政办发〔2017〕150号``;
    ``中华人民共和国自然资源部令第21号`` gives ``自然资源部令第21号`` (``国家税务总局…``: ``税务总局…``).
    Text that is no 文号 keys as itself (normalised, no spaces), so an unusual 文号 still finds itself.
    """
    parsed = parse_doc_no(text)
    if parsed is None:
        return re.sub(r"\s+", "", normalise_doc_no(text))
    return _render(parsed, _issuer_name(parsed.issuer))


def doc_no_keys(text: str) -> list[str]:
    """Every key a published 文号 is found by: :func:`doc_no_key` first, then one per shorter issuer.

    A joint 文号 is found under each issuer (财政部 税务总局公告2023年第30号 also as 税务总局公告2023年第30号).
    Store these; look up :func:`doc_no_key`.
    """
    parsed = parse_doc_no(text)
    if parsed is None:
        key = doc_no_key(text)
        return [key] if key else []
    names = [_issuer_name(parsed.issuer)]
    if parsed.form != "bracket":  # a 代字 (宿政办发) is one word, not a list of organs
        names += [_issuer_name(part) for part in re.split(r"[ 、,，]", parsed.issuer)]
    return list(dict.fromkeys(_render(parsed, name) for name in names))


def _issuer_name(issuer: str) -> str:
    """The issuer as keys hold it: each organ without 中华人民共和国 (and 国家 where a name remains), joined."""
    names = []
    for name in re.split(r"[ 、,，]", issuer):
        for prefix, shortest in _ISSUER_PREFIXES.items():
            if name.startswith(prefix) and len(name) - len(prefix) >= shortest:
                name = name[len(prefix) :]
        names.append(name)
    return "".join(names)


def _render(parsed: DocNo, issuer: str) -> str:
    if parsed.form == "bracket":
        return f"{issuer}〔{parsed.year}〕{parsed.serial}号"
    if parsed.form == "year_number":
        return f"{issuer}{parsed.kind}{parsed.year}年第{parsed.serial}号"
    return f"{issuer}{parsed.kind}第{parsed.serial}号"


_CHINESE_DIGIT = dict(zip("〇零一二三四五六七八九", (0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_CHINESE_UNIT = {"十": 10, "百": 100, "千": 1000}


def _serial_number(text: str) -> int | None:
    """A serial as a number: 150, 015 → 15, 三十一 → 31, 一百零二 → 102; None for a malformed numeral."""
    if text.isdecimal():
        return int(text)
    if not any(char in _CHINESE_UNIT for char in text):
        return int("".join(str(_CHINESE_DIGIT[char]) for char in text))
    total, digit = 0, None
    for char in text:
        if char in _CHINESE_UNIT:
            total += (1 if digit is None else digit) * _CHINESE_UNIT[char]
            digit = None
        elif digit is not None and _CHINESE_DIGIT[char] and digit:
            return None  # two digits in a row (三四十)
        else:
            digit = _CHINESE_DIGIT[char] or (digit if digit is not None else None)
    return total + (digit or 0)


# A 规章's promulgation note, in brackets under its title: (2024年4月18日经…通过 2024年4月25日国家发展改革委令
# 第20号公布 自2024年7月1日起施行). The 令 number it was published under is its 文号; one cited in a
# sentence (依据国务院令第588号…) is not: only a wholly bracketed note counts, and only the number 公布 follows.
_PROMULGATED = re.compile(
    rf"(?:^|(?<=[日\s，,、]))(?P<doc_no>[{_HAN}]{{1,20}}?令\s*[(（]?第\s*{_SERIAL_TEXT}\s*号[)）]?)\s*(?:公布|发布)"
)


def promulgation_doc_no(paragraph: str) -> str:
    """The 令 number a 规章 was published under, where ``paragraph`` is its bracketed promulgation note
    (``(2024年4月25日国家发展改革委令第20号公布 自2024年7月1日起施行)`` gives ``国家发展改革委令第20号``); else ""."""
    note = _WHOLLY_BRACKETED.match(paragraph.strip())
    found = _PROMULGATED.search(note["inside"]) if note else None
    return normalise_doc_no(found["doc_no"]) if found and parse_doc_no(found["doc_no"]) else ""


# The heading a 令 prints over its text (GB/T 9704-2012 10.1): the issuing organs' full names with 令 after them,
# over the 令号 第N号 (a gazette letter-spaces the names of a joint 令, one a line, and spaces the number: 第　20　号).
_ORDER_HEADING = re.compile(
    rf"^\s*(?P<issuers>[{_HAN}][{_HAN}\s]{{0,300}}?)\s*令\s*[(（]?第\s*(?P<serial>{_SERIAL_TEXT})\s*号[)）]?(?=\s|$)"
)
# Where one issuer's name ends and the next begins, in a run of joint issuers' names with the spaces gone.
_ISSUER_BREAK = re.compile(r"(?<=[部委局署院厅室行会府办])(?=中华人民共和国|国家|国务院)")


def split_order_heading(body: str) -> tuple[list[str], str, str]:
    """(issuers, 令号, rest of body) where ``body`` opens with a 令's heading (``国家质量监督检验检疫总局令`` over
    ``第　156　号``; or eight ministries' names over ``令`` and ``第　20　号``): the issuers' names without the
    spaces a gazette prints in them, the number as ``第N号``; ``([], "", body)`` where it does not. Whether each
    name is an organ's is the caller's to judge."""
    match = _ORDER_HEADING.match(body)
    if not match:
        return [], "", body
    issuers = [name for name in _ISSUER_BREAK.split(re.sub(r"\s+", "", match["issuers"])) if name]
    return issuers, f"第{match['serial']}号", body[match.end() :].lstrip()


def split_leading_doc_no(body: str) -> tuple[str, str]:
    """(文号, rest of body) where a crawled body starts with its 文号: a bracket form glued to what follows
    (冀科平规〔2024〕1号河北省…) or set off by an underscore or a bar (发改能源规〔2025〕411号_国家发展改革委…: a
    reposting site's heading), or a 令 number on a line of its own (中华人民共和国国务院令第782号　　…)."""
    match = _LEADING_DOC_NO.match(body) or _LEADING_ORDER_NO.match(body)
    if not match:
        return "", body
    return normalise_doc_no(match.group(1)), body[match.end() :].lstrip().lstrip("_|｜").lstrip()
