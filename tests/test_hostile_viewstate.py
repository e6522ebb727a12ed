"""Hostile URL values: every combination of lat/lon/z with bad numbers is ignored with a notice."""

from __future__ import annotations

import itertools

import pytest

from geo_app.viewstate import MAX_CTX, MAX_CTX_CHARS, NOTICE_CHARS, parse, to_params

KEYS = ["linxia:industrial_belt", "linxia:agri_park"]
BASEMAPS = ["offline", "osm"]
GOOD = {"lat": "35.6", "lon": "103.2", "z": "10"}
BAD = [
    "inf",
    "-inf",
    "Infinity",
    "nan",
    "NaN",
    "1e309",
    "-1e309",
    "9" * 400,
    "1e20",
    "abc",
    "",
    " ",
    "0x10",
    "1_0",
    "10,5",
    "١٠",
    "35.6; DROP",
    "[link](javascript:alert(1))",
]


def _combos():
    """Every non-empty subset of keys given, each with a good or a bad value, at least one bad."""
    for n in (1, 2, 3):
        for keys in itertools.combinations(("lat", "lon", "z"), n):
            for bad_key in keys:
                for bad in BAD:
                    params = {k: GOOD[k] for k in keys}
                    params[bad_key] = bad
                    yield params


@pytest.mark.parametrize("params", list(_combos()), ids=lambda p: ",".join(f"{k}={v[:12]}" for k, v in p.items()))
def test_bad_numbers_in_any_combination_are_ignored_with_a_notice(params):
    state = parse(params, KEYS, BASEMAPS)
    assert state.center is None and state.zoom is None
    assert len(state.ignored) == 1 and state.ignored[0].startswith("lat=")
    assert len(state.ignored[0]) < 3 * (NOTICE_CHARS + 10)  # a 400-digit value is cut in the notice


@pytest.mark.parametrize("keys", [("lat",), ("lon",), ("z",), ("lat", "lon"), ("lat", "z"), ("lon", "z")])
def test_incomplete_view_is_ignored_with_a_notice(keys):
    state = parse({k: GOOD[k] for k in keys}, KEYS, BASEMAPS)
    assert state.center is None and len(state.ignored) == 1


@pytest.mark.parametrize(
    ("lat", "lon", "z"),
    [
        ("85.1", "103", "8"),
        ("-85.1", "103", "8"),
        ("35", "180.5", "8"),
        ("35", "-181", "8"),
        ("35", "103", "1.4"),
        ("35", "103", "19.6"),
        ("35", "103", "-0"),
        ("90", "0", "5"),
    ],
)
def test_out_of_range_is_ignored(lat, lon, z):
    assert parse({"lat": lat, "lon": lon, "z": z}, KEYS, BASEMAPS).center is None


def test_good_edge_values_are_kept_and_negative_zero_is_plain_zero():
    state = parse({"lat": "-0", "lon": "-0.0", "z": "18.6"}, KEYS, BASEMAPS)
    assert state.center == (0.0, 0.0) and state.zoom == 18.5 and state.ignored == []  # quarter zoom steps
    assert str(state.center[0]) == "0.0"  # not -0.0
    params = to_params(state, KEYS)
    assert params["lat"] == "0.00000" and params["z"] == "18.5"
    assert parse({"lat": " 85 ", "lon": "-180", "z": "2"}, KEYS, BASEMAPS).zoom == 2


def test_list_values_use_the_last_one():
    state = parse({"lat": ["inf", "35.6"], "lon": ["103.2"], "z": ["10"]}, KEYS, BASEMAPS)
    assert state.center == (35.6, 103.2)


def test_ctx_is_deduplicated_and_bounded():
    names = [f"区域{i}" for i in range(15)]
    value = ",".join(["中国", "中国", " 中国 ", "全国", "x" * (MAX_CTX_CHARS + 1), *names])
    state = parse({"ctx": value}, KEYS, BASEMAPS)
    assert len(state.context) == MAX_CTX
    assert state.context[:3] == ("中国", "全国", "区域0")
    assert all(len(c) <= MAX_CTX_CHARS for c in state.context)
    assert len(state.ignored) == 1 and state.ignored[0].startswith("ctx=xxx")
    assert len(state.ignored[0]) <= len("ctx=") + NOTICE_CHARS + 1


def test_ctx_full_width_commas_and_controls():
    state = parse({"ctx": "兰州市，甘南州,\u202e620000\x00"}, KEYS, BASEMAPS)
    assert state.context == ("兰州市", "甘南州", "620000")


def test_notices_quote_values_without_controls_and_cut():
    state = parse({"lang": "\u202e" + "x" * 500, "region": "a\x1bb", "basemap": "<script>"}, KEYS, BASEMAPS)
    lang, region, basemap = state.ignored
    assert lang == "lang=" + "x" * NOTICE_CHARS + "…"
    assert region == "region=ab" and basemap == "basemap=<script>"  # the app shows notices as plain text
