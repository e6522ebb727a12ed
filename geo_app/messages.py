"""User-facing messages as a key of the string table plus parameters, shown in Chinese or English.

A library function cannot know the reader's language, so it returns or raises a ``Message`` (or
a ``LocalizedError``): ``str()`` gives the English line for logs and the CLI, ``text(lang)`` the
line the app shows. The templates live in ``geo_app.i18n.STRINGS``; a parameter that is itself a
``Message`` is rendered in the same language; other parameters are user text inserted as they
are, so the caller escapes for its output context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from geo_app.i18n import t


def _value(value: Any, lang: str) -> Any:
    """A parameter in ``lang``: a Message is rendered, a list of Messages joined."""
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, Message) for v in value):
        return ("；" if lang == "zh" else "; ").join(v.text(lang) for v in value)
    return value


def render(key: str, params: dict[str, Any], lang: str = "en") -> str:
    """The template ``key`` in ``lang`` filled with ``params`` (the key itself if it has no entry)."""
    template = t(key, lang)
    values = {k: _value(v, lang) for k, v in params.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):  # a template/parameter mismatch must not hide the message
        return f"{template} {params}"


@dataclass(frozen=True)
class Message:
    """A user-facing line: a string-table key and its parameters."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        return render(self.key, self.params, lang)

    def __str__(self) -> str:
        return self.text("en")


class LocalizedError(Exception):
    """An error whose message is a string-table key and parameters (``str()`` is English)."""

    def __init__(self, key: str, params: dict[str, Any] | None = None):
        self.key = key
        self.params = dict(params or {})
        super().__init__(render(self.key, self.params, "en"))

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (zh or en)."""
        return render(self.key, self.params, lang)

    def __reduce__(self):  # picklable across processes despite the two-argument constructor
        return (self.__class__, (self.key, self.params))
