"""One YAML loader for every file users can edit (catalog, styles, scenes), with limits.

``yaml.safe_load`` constructs no objects, but it still lets a file exhaust the server: a
"billion laughs" of nested aliases expands to billions of values once walked, a 50,000-deep
``[[[...]]]`` crashes the C composer, a 20,000-deep mapping raises ``RecursionError``, and a
repeated key silently replaces the first value. ``load_yaml`` first walks the parser's events
(an iterative state machine in libyaml as in pure Python) counting depth, aliases and the
values the aliases expand to, and stops at the first limit; only then is the document composed
and constructed. Duplicate keys are refused. Every problem is a ``YamlError`` naming the source,
the line and the problem.

The ``expect_*`` helpers check a value's type before use and raise ``YamlTypeError`` naming
where the value sits, so a wrong type in a hand-edited file is a message, not a traceback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from geo_app.fileio import read_text_file
from geo_app.messages import LocalizedError, Message

_CParser = getattr(yaml, "CSafeLoader", None)  # libyaml: about 10x faster, same limits
_BaseLoader = _CParser or yaml.SafeLoader
_OPEN = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
MERGE_TAG = "tag:yaml.org,2002:merge"

MAX_BYTES = 2_000_000
MAX_DEPTH = 64
MAX_ALIASES = 100
MAX_VALUES = 1_000_000


class YamlError(LocalizedError, ValueError):
    """A YAML text that is malformed or breaks a limit; the message names source and line."""


class YamlTypeError(YamlError):
    """A value of the wrong type where the schema expects another."""


def _line(mark: Any) -> int | str:
    return mark.line + 1 if mark is not None else "?"


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader (libyaml when available) that refuses duplicate mapping keys."""

    source = "<yaml>"

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int | str] = {}
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: SafeConstructor reports it below
                continue
            if first is not None:
                raise YamlError(
                    "yaml_duplicate_key",
                    {"source": self.source, "line": _line(key_node.start_mark), "key": str(key)[:80], "first": first},
                )
            seen[key] = _line(key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


def _check_events(text: str, source: str, max_depth: int, max_aliases: int, max_values: int) -> None:
    """Walk the parse events once and stop at the first limit broken.

    ``size[anchor]`` is the number of values the anchored node stands for, so an alias counts
    what it will expand to: nine aliases of nine aliases of ... count as the billions they are.
    An alias of a collection that is still open (a recursive structure) is refused.
    """
    depth, aliases, values = 0, 0, 0
    open_nodes: list[list[Any]] = []  # [anchor, values so far] per open collection
    size: dict[str, int] = {}

    def fail(key: str, event: yaml.Event, **params: Any) -> YamlError:
        return YamlError(key, {"source": source, "line": _line(event.start_mark), **params})

    def count(n: int, event: yaml.Event) -> None:
        nonlocal values
        values += n
        if values > max_values:
            raise fail("yaml_too_many_values", event, limit=f"{max_values:,}")
        if open_nodes:
            open_nodes[-1][1] += n

    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, _OPEN):
            depth += 1
            if depth > max_depth:
                raise fail("yaml_too_deep", event, limit=max_depth)
            count(1, event)
            open_nodes.append([event.anchor, 1])
        elif isinstance(event, _CLOSE):
            depth -= 1
            anchor, n = open_nodes.pop()
            if open_nodes:
                open_nodes[-1][1] += n - 1  # its own 1 was counted when it opened
            if anchor:
                size[anchor] = n
        elif isinstance(event, yaml.ScalarEvent):
            count(1, event)
            if event.anchor:
                size[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > max_aliases:
                raise fail("yaml_too_many_aliases", event, limit=max_aliases)
            if any(event.anchor == a for a, _ in open_nodes):
                raise fail("yaml_syntax", event, problem=f"alias *{event.anchor} refers to a collection it is in")
            count(size.get(event.anchor, 1), event)


def load_yaml(
    text: str,
    *,
    source: str,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    max_aliases: int = MAX_ALIASES,
    max_values: int = MAX_VALUES,
) -> Any:
    """The one YAML document in ``text`` (plain dicts, lists, str, int, float, bool, None, dates).

    Raises ``YamlError`` (a ``ValueError``) naming ``source`` and the line when the text is
    malformed, larger than ``max_bytes``, nested deeper than ``max_depth``, uses more than
    ``max_aliases`` aliases or expands to more than ``max_values`` values, or repeats a key.
    """
    if not isinstance(text, str):
        raise YamlError("yaml_syntax", {"source": source, "line": 1, "problem": "not text"})
    if len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise YamlError("yaml_too_large", {"source": source, "limit": f"{max_bytes:,}"})
    try:
        _check_events(text, source, max_depth, max_aliases, max_values)
        loader = _Loader(text)
        loader.source = source
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p) or "malformed YAML"
        raise YamlError("yaml_syntax", {"source": source, "line": _line(mark), "problem": problem}) from exc
    except yaml.reader.ReaderError as exc:  # a control character or an invalid code point
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        problem = (
            f"character #x{exc.character:04x} is not allowed in YAML"
            if isinstance(exc.character, int)
            else (str(exc.reason))
        )
        raise YamlError("yaml_syntax", {"source": source, "line": line, "problem": problem}) from exc
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError) as exc:
        # ReaderError (control characters), values the constructor cannot build (dates out of range)
        problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise YamlError("yaml_syntax", {"source": source, "line": "?", "problem": problem}) from exc


def load_yaml_file(path: Path | str, *, source: str | None = None, **limits: int) -> Any:
    """``load_yaml`` of a file read with ``fileio.read_text_file`` (encodings, size checked first)."""
    max_bytes = limits.get("max_bytes", MAX_BYTES)
    text = read_text_file(path, max_bytes=max_bytes)
    return load_yaml(text, source=source or str(path), **limits)


# ----------------------------------------------------------------------------- type checks


def type_of(value: Any) -> Message:
    """The kind of a YAML value, as a localisable word."""
    if isinstance(value, bool):
        key = "bool"
    elif value is None:
        key = "null"
    elif isinstance(value, Mapping):
        key = "mapping"
    elif isinstance(value, list):
        key = "list"
    elif isinstance(value, str):
        key = "text"
    elif isinstance(value, (int, float)):
        key = "number"
    elif isinstance(value, (dt.date, dt.datetime)):
        key = "date"
    else:
        key = "other"
    return Message(f"type_{key}")


def _wrong(value: Any, expected: str, source: str, where: str) -> YamlTypeError:
    return YamlTypeError(
        "yaml_type", {"source": source, "where": where, "expected": Message(f"type_{expected}"), "got": type_of(value)}
    )


def expect_mapping(value: Any, source: str, where: str) -> dict:
    """``value`` if it is a mapping with text keys, else ``YamlTypeError``."""
    if not isinstance(value, dict):
        raise _wrong(value, "mapping", source, where)
    for key in value:
        if not isinstance(key, str):
            raise _wrong(key, "text", source, f"{where}: key {key!r}")
    return value


def expect_list(value: Any, source: str, where: str) -> list:
    """``value`` if it is a list, else ``YamlTypeError``."""
    if not isinstance(value, list):
        raise _wrong(value, "list", source, where)
    return value


def expect_text(value: Any, source: str, where: str, *, numbers: bool = True, max_len: int | None = None) -> str:
    """``value`` as text: a string, or (with ``numbers``) an int/float/date written without quotes
    (``2021``); anything else, or text longer than ``max_len``, is a ``YamlTypeError``."""
    ok = isinstance(value, str) or (
        numbers and isinstance(value, (int, float, dt.date)) and not isinstance(value, bool)
    )
    if not ok:
        raise _wrong(value, "text", source, where)
    text = str(value)
    if max_len is not None and len(text) > max_len:
        raise YamlTypeError(
            "yaml_type",
            {"source": source, "where": where, "expected": f"at most {max_len} characters", "got": len(text)},
        )
    return text
