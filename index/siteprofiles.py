"""Site profiles: an operator's declarative fix for a site the HTML heuristics read wrong.

A profile is a TOML file (stdlib :mod:`tomllib`) naming the pages it is for and, per field, where the
value is on the page: a CSS selector (read with lxml's cssselect) or the label the page prints before it::

    [site]
    name = "广东 gkmlpt"
    hosts = ["*.gd.gov.cn", "www.gz.gov.cn"]   # host names, * for any part
    url = "/gkmlpt/content/"                    # optional: a regular expression searched in the URL

    [fields]
    title = ".content-box td.title-value"                      # a selector: its text
    publisher = { label = "发布机构" }                         # the value printed after this label
    pub_date = { css = "meta[name=PubDate]", attr = "content" }
    body = { css = ".article-content" }                         # body: paragraphs of the block

A field a profile names overrides what the heuristics found, on that site's pages only; a field it
does not name, or whose selector finds nothing on a page, keeps the heuristic value. Profiles come
from ``PORTAL_SITE_PROFILES``: one ``.toml`` file or a folder of them, loaded once with the other settings
(:func:`load`, called by ``portal.settings.load_settings``) and handed down to the readers with the limits
(:attr:`index.limits.Limits.site_profiles`; picklable, for Dask workers). A profile that cannot be used
raises :class:`ProfileError` naming the file and the key.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

from cssselect import SelectorError
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from index.htmltext import clean_text, paragraphs
from index.labels import LABELS, canonical_field, label_key

ENV = "PORTAL_SITE_PROFILES"
# Fields a profile can point at; links (attachments, related) are read from the page's anchors.
FIELDS = frozenset(LABELS) - {"id", "attachments", "related"}


class ProfileError(ValueError):
    """A site profile that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class FieldRule:
    """Where one field's value is: the CSS selector ``css`` (with ``attr``: an attribute, else the text), or
    ``label``."""

    css: str = ""
    attr: str = ""
    label: str = ""


@dataclass(frozen=True)
class SiteProfile:
    name: str
    source: Path
    hosts: tuple[str, ...]
    url: re.Pattern[str] | None
    fields: dict[str, FieldRule]

    def matches(self, url: str) -> bool:
        """Whether a page at ``url`` is this site's (host and URL pattern both, where given)."""
        try:
            host = (urlsplit(url).hostname or "").lower() if "://" in url else ""
        except ValueError:  # a host urllib refuses (a full-width colon, an unbalanced bracket) is no site's
            host = ""
        if self.hosts and not any(fnmatch.fnmatchcase(host, pattern) for pattern in self.hosts):
            return False
        return self.url is None or bool(self.url.search(url))


def load_profile(path: Path) -> SiteProfile:
    """One profile file. Raises ProfileError (file and key named) for bad TOML, an unknown field,
    a selector cssselect cannot read, or a profile that matches no pages."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"{path}: not a readable TOML site profile: {exc}") from exc
    site = data.get("site", {})
    if not isinstance(site, dict):
        raise ProfileError(f"{path}: [site] must be a table")
    hosts = site.get("hosts", [])
    hosts = [hosts] if isinstance(hosts, str) else hosts
    if not isinstance(hosts, list) or not all(isinstance(host, str) and host for host in hosts):
        raise ProfileError(f"{path}: site.hosts must be a host name or a list of them")
    pattern = site.get("url")
    if not hosts and not pattern:
        raise ProfileError(f"{path}: [site] needs hosts or url, or the profile would apply to every page")
    try:
        url = re.compile(pattern) if pattern else None
    except (re.error, TypeError) as exc:
        raise ProfileError(f"{path}: site.url is not a regular expression: {exc}") from exc
    rules = {}
    for name, spec in data.get("fields", {}).items():
        rules[_field_name(path, name)] = _rule(path, name, spec)
    if not rules:
        raise ProfileError(f"{path}: [fields] names no field")
    return SiteProfile(str(site.get("name") or path.stem), path, tuple(host.lower() for host in hosts), url, rules)


def _field_name(path: Path, name: str) -> str:
    field = name if name in FIELDS else canonical_field(name)
    if field not in FIELDS:
        raise ProfileError(f"{path}: fields.{name}: not a field ({', '.join(sorted(FIELDS))}, or a label of one)")
    return field


def _rule(path: Path, name: str, spec: object) -> FieldRule:
    if isinstance(spec, str):
        spec = {"css": spec}
    if not isinstance(spec, dict) or not (("css" in spec) ^ ("label" in spec)):
        raise ProfileError(f"{path}: fields.{name}: give a selector (a string, or css = …) or label = …")
    if "label" in spec:
        return FieldRule(label=label_key(str(spec["label"])))
    try:
        _selector(str(spec["css"]))
    except (SelectorError, SyntaxError) as exc:
        raise ProfileError(f"{path}: fields.{name}: not a CSS selector cssselect reads: {exc}") from exc
    return FieldRule(css=str(spec["css"]), attr=str(spec.get("attr", "")))


@cache
def _selector(css: str) -> CSSSelector:
    """``css`` compiled (once per process: a compiled selector cannot be pickled to a worker, its text can)."""
    return CSSSelector(css)


def load_profiles(location: Path) -> list[SiteProfile]:
    """The profiles in a ``.toml`` file or a folder of them (sorted by file name)."""
    if location.is_dir():
        return [load_profile(path) for path in sorted(location.glob("*.toml"))]
    if location.is_file():
        return [load_profile(location)]
    raise ProfileError(f"{location}: no such site profile file or folder ({ENV})")


def load(location: str) -> tuple[SiteProfile, ...]:
    """The profiles at ``location`` (``PORTAL_SITE_PROFILES``: a ``.toml`` file or a folder of them; none for "").
    Raises ProfileError naming the file and the key of a profile that cannot be used."""
    location = location.strip()
    return tuple(load_profiles(Path(location))) if location else ()


def profile_for(url: str, profiles: Sequence[SiteProfile]) -> SiteProfile | None:
    """The first profile whose site a page at ``url`` belongs to."""
    return next((profile for profile in profiles if url and profile.matches(url)), None)


def apply_profile(profile: SiteProfile, root: HtmlElement) -> dict[str, str]:
    """The fields a profile reads from a page (``root``: the page before anything was removed);
    fields the page does not have are left out."""
    found = {}
    for field, rule in profile.fields.items():
        if rule.label:
            value = value_after_label(root, rule.label)
        elif rule.css:
            elements = cast("list[HtmlElement]", _selector(rule.css)(root))  # a CSS selector matches elements only
            if not elements:
                continue
            if rule.attr:
                value = clean_text(str(elements[0].get(rule.attr) or ""))
            elif field == "body":
                value = "\n\n".join(para for el in elements for para in paragraphs(el))
            else:
                value = clean_text(" ".join(el.text_content() for el in elements))
        else:
            continue
        if value:
            found[field] = value
    return found


_COLONS = " \t:：\u3000\xa0"


def value_after_label(root: HtmlElement, label: str) -> str:
    """The value printed after a label: the rest of the label's own element (``文件编号：X``), else the
    text of the element after it (``<td>文件编号</td><td>X</td>``). ``label`` is compared by label_key."""
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "head", "script", "style"):
            continue
        text = clean_text(el.text_content())
        if not text or len(text) > 200:
            continue
        key = label_key(text)
        if key == label:
            holder = el.getnext()
            return clean_text(holder.text_content()) if holder is not None else clean_text(el.tail or "").strip(_COLONS)
        if key.startswith(label) and len(el) == 0:
            rest = text
            for char in label:  # drop the label's characters and the spaces between them
                rest = rest[rest.index(char) + 1 :] if char in rest else rest
            return rest.strip(_COLONS)
    return ""
