"""发布机构: one full name per publisher, whatever a page calls it.

A page may print a short name (``市民政局`` on 宿迁市民政局's own site) or several joint issuers in
one field (``北京市卫生健康委员会，北京市中医管理局``). :func:`resolve_publishers` splits joint issuers
and resolves each short name to the full one only on evidence, trying in turn: the publishers table's entry
for the 索引号's org code, the site's own name where the site is that office, and the table's aliases.
Otherwise the name stays as printed: a place put before it (慈溪市 + 住建局) would invent a publisher. The table is
``index/data/publishers.tsv``, edited by operators (see ``index/data/README.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DEFAULT_TABLE = Path(__file__).parent / "data" / "publishers.tsv"

# How the names of Chinese government bodies end (宿迁市民政局, 国务院办公厅, 宿迁市人民政府门户网站), 议事协调机构
# included (中央应对新型冠状病毒感染肺炎疫情工作领导小组, gov.cn 政策文件库's 发文机关), and the Party bodies that
# issue 公文 too (中共江西省市场监督管理局党组, …党委, …党工委: GB/T 9704-2012 covers 党政机关公文).
_ORGANISATION_END = re.compile(
    r"(?:人民政府|政府|门户网站|政府网|网站|办公厅|办公室|委员会|管理局|总局|局|厅|委|办|署|院|中心|部|会|所|站|队|处|科|"
    r"领导小组|工作组|党组|党委|党工委)$"
)
_MAX_NAME = 30
# Administrative levels a short name starts with, meaning "this place's": 市民政局, 县教育局, 省财政厅.
_LEVELS = "省市县区州盟旗镇乡"
# Between joint issuers: a comma, 、, a semicolon, or spaces between two names.
_JOINT = re.compile(r"\s*[，,、；;]\s*|\s+")


# A body's other name in brackets after its own, as one office under two names prints it:
# 鼓楼区发展和改革局（区经信办）, 南京市人力资源和社会保障局（市公务员局）.
_SECOND_NAME = re.compile(r"^(.+?)\s*[（(]([^（）()]+)[）)]$")


# A note in brackets after a publisher's name on where or how the page came out, no second name of the body:
# 广州市人力资源和社会保障局（广州市人民政府门户发布）, 广州市人民政府门户（市医保局供稿）, …（省医保局解读）
# (shizelengleng/ai-zhengce-tong's documents.json ``source``).
_PUBLICATION_NOTE = re.compile(r"\s*[（(][^（）()]*(?:发布|供稿|解读)[）)]$")


def is_organisation_name(text: str) -> bool:
    """Whether ``text`` reads as the name of a government body or its site, not a document's title; a name
    with the body's other name in brackets after it counts where both read so, and one with a note on the page's
    publication after it (``（广州市人民政府门户发布）``) as the name before the note."""
    text = _PUBLICATION_NOTE.sub("", text.strip())
    if not 2 <= len(text) <= _MAX_NAME or "关于" in text:
        return False
    if two := _SECOND_NAME.match(text):
        return all(_ORGANISATION_END.search(name.strip()) for name in two.groups())
    return bool(_ORGANISATION_END.search(text))


@dataclass(frozen=True)
class Publisher:
    """One line of the publishers table."""

    name: str  # the full official name, the facet value
    aliases: tuple[str, ...] = ()  # other names the publisher goes by (short names, abbreviations)
    codes: tuple[str, ...] = ()  # 组织机构代码 or 统一社会信用代码, as 索引号 carry them


class PublisherTable:
    """Publishers by org code and by alias. An alias two publishers share names neither."""

    def __init__(self, publishers: list[Publisher]) -> None:
        self.publishers = publishers
        self.by_code = {code: p.name for p in publishers for code in p.codes}
        names: dict[str, set[str]] = {}
        for publisher in publishers:
            for alias in publisher.aliases:
                names.setdefault(alias, set()).add(publisher.name)
        self.by_alias = {alias: next(iter(full)) for alias, full in names.items() if len(full) == 1}
        self._aliases = {p.name: p.aliases for p in publishers}

    def aliases_of(self, name: str) -> tuple[str, ...]:
        return self._aliases.get(name, ())

    @classmethod
    def load(cls, path: Path) -> PublisherTable:
        """The table in a TSV file: full name, aliases (、-separated), org codes (,-separated); ``#`` comments.

        Raises ValueError naming the file and line for a line without a name.
        """
        publishers = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cells = [cell.strip() for cell in line.split("\t")] + ["", ""]
            if not cells[0]:
                raise ValueError(f"{path} line {number}: no publisher name in the first column")
            aliases = tuple(a for a in re.split(r"[、,，]", cells[1]) if a.strip())
            codes = tuple(c.strip().upper() for c in re.split(r"[,，\s]+", cells[2]) if c.strip())
            publishers.append(Publisher(cells[0], tuple(a.strip() for a in aliases), codes))
        return cls(publishers)


@cache
def default_table() -> PublisherTable:
    return PublisherTable.load(DEFAULT_TABLE)


@dataclass(frozen=True)
class Resolved:
    """A publisher as a page named it, and its full name."""

    written: str
    name: str
    how: str = ""  # "" (already full), "org_code", "site", "table" or "website"


def split_publishers(text: str) -> list[str]:
    """Joint issuers, one name each (北京市卫生健康委员会，北京市中医管理局 → two); a single name as it is.

    A name is only split where every part reads as an organisation's name, so 国务院 办公厅 or a
    name with a comma inside a bracket stays whole. A note on the page's publication in brackets after the
    names (``（广州市人民政府门户发布）``, ``（市医保局供稿）``) is no part of them.
    """
    text = _PUBLICATION_NOTE.sub("", text.strip())
    parts = [part for part in _JOINT.split(text) if part]
    if len(parts) > 1 and all(is_organisation_name(part) for part in parts):
        return list(dict.fromkeys(parts))
    return [text] if text else []


def resolve_publishers(
    text: str, site: str = "", org_code: str = "", table: PublisherTable | None = None
) -> list[Resolved]:
    """Each publisher ``text`` names (joint issuers split), with its full name where it was short."""
    table = table or default_table()
    return [_resolve(name, site, org_code, table) for name in split_publishers(text)]


# A page's 来源 may name the office's website (来源：发展改革委网站) or its account on the site's CMS (来源：仁化住房和
# 城乡规划建设局管理员): the office published it, not the site or its administrator.
_WEBSITE = re.compile(r"(?:(?:门户)?网站|门户|管理员)$")


def office_of_website(name: str) -> str:
    """The office whose website or CMS account ``name`` names (发展改革委网站 → 发展改革委), or "" where it names
    none (中国政府网, a page's own title)."""
    office = _WEBSITE.sub("", name.strip())
    return office if office != name.strip() and is_organisation_name(office) else ""


def _resolve(name: str, site: str, org_code: str, table: PublisherTable) -> Resolved:
    office = office_of_website(name)
    if office:
        found = _resolve(office, site, org_code, table)
        return Resolved(name, found.name, found.how or "website")
    by_code = table.by_code.get(org_code.upper()) if org_code else None
    if by_code and by_code != name and by_code.endswith(name):
        return Resolved(name, by_code, "org_code")
    if name[:1] in _LEVELS and (own := _site_is_the_office(name, site)):
        return Resolved(name, own, "site")
    if name in table.by_alias:
        return Resolved(name, table.by_alias[name], "table")
    return Resolved(name, name)


def _site_is_the_office(name: str, site: str) -> str:
    """The site's own name where the site is the office a short name stands for, else ''.

    ``市民政局`` on the site ``宿迁市民政局`` is that bureau: its page calls itself so. On a government's
    portal (``慈溪市人民政府``) the same words may name the city's bureau or the one above it (宁波's), and
    ``市政府办公厅`` is not what ``重庆市人民政府`` calls its general office: putting the place before them
    invents a name. So only the site's own name counts, read with 政府 for 人民政府 (``市政府`` on
    ``宿迁市人民政府``).
    """
    site = re.sub(r"(?:门户网站|网站|网)$", "", site.strip())  # 宿迁市人民政府门户网站, …政府网
    if not site or re.search(r"[^\u4e00-\u9fff]", site):
        return ""
    short, own = name.replace("人民政府", "政府"), site.replace("人民政府", "政府")
    rest = short[1:]  # 市民政局 → 民政局: what follows the level
    if not rest or not own.endswith(rest):
        return ""
    place = own[: -len(rest)]
    # The place is a whole place of that level (宿迁市, 江苏省宿迁市), named with two characters at least.
    if not (place.endswith(name[0]) and len(place) >= 3):
        return ""
    # A portal may call itself by the short form (丽水市政府门户网站): the office is still the 人民政府, and the
    # short form is no name to put in a facet. (A 市政府 is the 市人民政府; 政府 names no other body.)
    return re.sub(r"(?<!人民)政府$", "人民政府", site)
