"""Hostile YAML: bombs, deep nesting, duplicate keys and wrong types are messages, never crashes."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from geo_app.safeyaml import (
    YamlError,
    YamlTypeError,
    expect_list,
    expect_mapping,
    expect_text,
    load_yaml,
    load_yaml_file,
)

BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)


def test_plain_yaml_loads_with_anchors_and_merge_keys():
    doc = load_yaml(
        "base: &b {color: red}\nx:\n  <<: *b\n  size: 2\nlist: [1, two, 3.5, null, true]\n", source="ok.yaml"
    )
    assert doc == {"base": {"color": "red"}, "x": {"color": "red", "size": 2}, "list": [1, "two", 3.5, None, True]}


def test_billion_laughs_is_refused_by_expanded_size():
    assert BILLION_LAUGHS.count("*") < 100  # under the alias limit: the expansion limit must catch it
    with pytest.raises(YamlError, match=r"bomb\.yaml: line \d+: more than .* values once aliases are expanded"):
        load_yaml(BILLION_LAUGHS, source="bomb.yaml")


def test_too_many_aliases_are_refused():
    text = "a: &a x\nb: [" + ", ".join(["*a"] * 101) + "]\n"
    with pytest.raises(YamlError, match="more than 100 aliases"):
        load_yaml(text, source="aliases.yaml")
    assert len(load_yaml(text, source="aliases.yaml", max_aliases=200)["b"]) == 101


def test_recursive_alias_is_refused():
    with pytest.raises(YamlError, match="refers to a collection it is in"):
        load_yaml("a: &a [1, *a]", source="loop.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "[" * 50_000 + "]" * 50_000,  # segfaulted the C composer
        "{a: " * 20_000 + "1" + "}" * 20_000,  # RecursionError
        "- " * 50_000 + "x",  # block sequences on one line
        "".join("  " * i + "k:\n" for i in range(200)) + "  " * 200 + "v",  # indentation
    ],
    ids=["flow-seq-50k", "flow-map-20k", "block-seq-50k", "block-map-200"],
)
def test_deep_nesting_is_a_message(text):
    with pytest.raises(YamlError, match=r"deep\.yaml: line \d+: nested deeper than 64 levels"):
        load_yaml(text, source="deep.yaml")


def test_deep_nesting_does_not_crash_the_interpreter():
    """The segfault killed the process, so check in a child: it must exit normally."""
    code = textwrap.dedent(
        """
        from geo_app.safeyaml import load_yaml, YamlError
        try:
            load_yaml("[" * 50000 + "]" * 50000, source="x")
        except YamlError as exc:
            print("refused:", exc)
        """
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-500:]
    assert "refused: x: line 1: nested deeper than 64 levels" in res.stdout


def test_oversize_text_is_refused_before_parsing():
    with pytest.raises(YamlError, match="larger than 1,000 bytes"):
        load_yaml("a: " + "x" * 2000, source="big.yaml", max_bytes=1000)
    with pytest.raises(YamlError, match="larger than"):
        load_yaml("a: " + "临" * 400, source="big.yaml", max_bytes=1000)  # 1,200 bytes in 400 characters


def test_duplicate_keys_name_both_lines():
    with pytest.raises(YamlError, match=r"dup\.yaml: line 3: duplicate key 'id' \(first on line 1\)"):
        load_yaml("id: a\nname: x\nid: b\n", source="dup.yaml")
    with pytest.raises(YamlError, match="duplicate key '1'"):
        load_yaml("1: a\n0x1: b\n", source="dup.yaml")  # the same int written twice


def test_merge_keys_may_be_overridden_without_duplicate_error():
    assert load_yaml("b: &b {k: 1}\nx: {<<: *b, k: 2}\n", source="m.yaml")["x"] == {"k": 2}


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("a: [1", "line 2"),
        ("a: b\nc: \x01", "line 2: character #x0001 is not allowed"),
        ("? [1]\n: 2", "unhashable key"),
        ("a: *nope", "undefined alias"),
        ("d: 2021-13-45", "month must be in 1..12"),
    ],
)
def test_malformed_yaml_is_one_message(text, needle):
    with pytest.raises(YamlError) as err:
        load_yaml(text, source="bad.yaml")
    assert str(err.value).startswith("bad.yaml")
    assert needle in str(err.value)
    assert "\n" not in str(err.value)


def test_messages_exist_in_chinese():
    with pytest.raises(YamlError) as err:
        load_yaml("id: a\nid: b\n", source="dup.yaml")
    assert err.value.text("zh") == "dup.yaml：第 2 行：键“id”重复（第 1 行已有）"


def test_expect_helpers_name_the_place_and_both_types():
    assert expect_mapping({"a": 1}, "c.yaml", "features[0]") == {"a": 1}
    assert expect_list([1], "c.yaml", "features") == [1]
    assert expect_text(2021, "c.yaml", "issued") == "2021"
    with pytest.raises(YamlTypeError, match=r"c\.yaml: features: expected a list, got a mapping"):
        expect_list({"a": 1}, "c.yaml", "features")
    with pytest.raises(YamlTypeError, match="expected a mapping, got a list"):
        expect_mapping([1], "c.yaml", "plan")
    with pytest.raises(YamlTypeError, match="key 1: expected text, got a number"):
        expect_mapping({1: "x"}, "c.yaml", "plan")
    with pytest.raises(YamlTypeError, match="expected text, got true/false"):
        expect_text(True, "c.yaml", "name_zh")
    with pytest.raises(YamlTypeError, match="expected text, got a number"):
        expect_text(5, "c.yaml", "name_zh", numbers=False)
    with pytest.raises(YamlTypeError, match="at most 3 characters"):
        expect_text("abcd", "c.yaml", "id", max_len=3)
    with pytest.raises(YamlTypeError) as err:
        expect_list("x", "c.yaml", "features")
    assert err.value.text("zh") == "c.yaml：features：应为列表，实际为文本"


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("名称: 临夏\n".encode(), "名称: 临夏\n"),
        ("\ufeff名称: 临夏\n".encode(), "名称: 临夏\n"),
        ("名称: 临夏\n".encode("utf-16"), "名称: 临夏\n"),
        ("名称: 临夏\n".encode("gbk"), "名称: 临夏\n"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "gbk"],
)
def test_yaml_files_in_common_encodings(tmp_path, data, text):
    path = tmp_path / "enc.yaml"
    path.write_bytes(data)
    assert load_yaml_file(path) == {"名称": "临夏"}


def test_binary_file_is_a_clear_message(tmp_path):
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"\x00\x01\x02\xff\xfe\xfa" * 10)
    with pytest.raises(OSError, match=r"bin\.yaml: not UTF-8, UTF-16 or GBK text"):
        load_yaml_file(path)


def test_oversize_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 5000, encoding="utf-8")
    with pytest.raises(OSError, match="larger than 1,000 bytes"):
        load_yaml_file(path, max_bytes=1000)
