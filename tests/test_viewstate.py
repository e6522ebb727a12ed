"""URL query parameters <-> view state: a copied link reopens the view; bad values are ignored."""

from __future__ import annotations

from geo_app.viewstate import ViewState, parse, to_params

KEYS = ["linxia:industrial_belt", "linxia:agri_park", "zhangye:ecology"]
BASEMAPS = ["offline", "osm", "amap"]


def test_round_trip():
    state = ViewState(
        lang="en",
        region="linxia",
        layers=frozenset({"linxia:agri_park"}),
        basemap="osm",
        context=("兰州市",),
        center=(35.6, 103.2),
        zoom=10,
    )
    back = parse(to_params(state, KEYS), KEYS, BASEMAPS)
    assert (back.lang, back.region, back.basemap) == ("en", "linxia", "osm")
    assert back.layers == frozenset({"linxia:agri_park"})
    assert back.context == ("兰州市",)
    assert back.center == (35.6, 103.2) and back.zoom == 10
    assert back.ignored == []


def test_all_and_none_layers():
    assert to_params(ViewState(layers=None), KEYS)["layers"] == "all"
    assert to_params(ViewState(layers=frozenset()), KEYS)["layers"] == "none"
    assert parse({"layers": "none"}, KEYS, BASEMAPS).layers == frozenset()


def test_bad_values_are_ignored_and_reported():
    state = parse(
        {
            "lang": "fr",
            "region": "<b>Mars</b>",
            "basemap": "google",
            "layers": "linxia:agri_park,bogus",
            "lat": "abc",
            "lon": "1",
            "z": "5",
        },
        KEYS,
        BASEMAPS,
    )
    assert state.lang == "zh" and state.region == "all" and state.basemap == "offline"
    assert state.layers == frozenset({"linxia:agri_park"})
    assert state.center is None
    joined = " ".join(state.ignored)
    for bad in ("lang=fr", "region=<b>Mars</b>", "basemap=google", "bogus", "lat=abc"):
        assert bad in joined


def test_out_of_range_view_ignored():
    assert parse({"lat": "95", "lon": "103", "z": "8"}, KEYS, BASEMAPS).center is None
