"""发布机构: recognising an organisation's name, resolving short names to full ones, splitting joint issuers.

Filled in below; :func:`is_organisation_name` tells a site's or an office's name from a document title.
"""

from __future__ import annotations

import re

# How the names of Chinese government bodies end (宿迁市民政局, 国务院办公厅, 宿迁市人民政府门户网站).
_ORGANISATION_END = re.compile(
    r"(?:人民政府|政府|门户网站|政府网|网站|办公厅|办公室|委员会|管理局|总局|局|厅|委|办|署|院|中心|部|会|所|站|队|处|科)$"
)
_MAX_NAME = 30


def is_organisation_name(text: str) -> bool:
    """Whether ``text`` reads as the name of a government body or its site, not a document's title."""
    text = text.strip()
    return 2 <= len(text) <= _MAX_NAME and bool(_ORGANISATION_END.search(text)) and "关于" not in text
