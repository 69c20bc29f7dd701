"""jieba, imported without ``pkg_resources``: jieba 0.42's ``_compat`` imports it only to open its own data files
(``resource_stream``), and falls back to opening them beside its module where it cannot; setuptools' import costs
about 0.2–0.5 s, which a search from the shell would otherwise pay. Import jieba from here."""

from __future__ import annotations

import sys

if "jieba" not in sys.modules and "pkg_resources" not in sys.modules:
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # an import of it raises ImportError
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]

import jieba  # noqa: E402  (the module imported above, or one imported before)

__all__ = ["jieba"]
