"""Placeholder safe YAML loader (replaced by the limited loader on the safety branch)."""

from __future__ import annotations

from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlError(ValueError):
    """A YAML text that cannot be loaded safely; the message names the source and line."""


def load_yaml(text: str, *, source: str) -> Any:
    """Parse ``text`` (from ``source``, named in errors) with the safe loader."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise YamlError(f"{source}: {where}not valid YAML: {getattr(exc, 'problem', exc)}") from exc
