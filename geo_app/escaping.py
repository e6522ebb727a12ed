"""Placeholder escaping helpers (replaced by the full module on the safety branch)."""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any


def html_text(value: Any) -> str:
    """Text for an HTML element's content."""
    return escape(str(value), quote=False)


def html_attr(value: Any) -> str:
    """Text for a quoted HTML attribute value."""
    return escape(str(value), quote=True)


def json_for_script(obj: Any) -> str:
    """JSON safe inside a <script> element: no </script>, <!--, or line separators break out."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )  # fmt: skip


_MD = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<&$:])")


def plain_markdown(value: Any) -> str:
    """Text shown literally by Markdown: every special character escaped."""
    return _MD.sub(r"\\\1", str(value))
