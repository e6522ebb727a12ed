"""Default-view map data as sent: websocket frames with the map component args + the TopoJSON fetched.

A fresh browser context opens the app on a warm server. Counted:

- websocket frames (Playwright ``framereceived``, decoded as Streamlit ``ForwardMsg``): the frames
  carrying st_folium's component args (base map script + every feature group), and all frames;
- static fetches of map data by the map iframes (``/app/static/cache/``: the TopoJSON and any
  context files), from the iframes' resource timings: bytes on the wire (``encodedBodySize``, after
  HTTP compression) and decoded;
- whether Streamlit compresses: the websocket handshake is offered ``permessage-deflate``; static
  files are requested with ``Accept-Encoding: gzip``. What gzip would give is computed here too.

Borders: the TopoJSON's ``counties`` object is decoded here (arcs, delta decoding, transform) and
checked as a coverage: ``shapely.coverage_is_valid`` (no overlaps), gaps narrower than ~100 m,
holes in the union, and every pair of neighbouring counties (touching in the full-detail data)
sharing at least one arc (one border line for both).
"""

from __future__ import annotations

import gzip
import json
import urllib.request
from collections import Counter
from itertools import combinations
from typing import Any

from bench import browser
from bench.common import Section, Target, fmt_bytes, table

GAP_DEG = 0.001  # ~100 m


def _is_map_data(url: str) -> bool:
    """Generated map data under ``static/cache/`` (TopoJSON, context layers); the generated script
    bundle there is code (vendored Leaflet plugins + planmap.js), cached by the browser like them."""
    return "/app/static/cache/" in url and "/cache/planmap-bundle-" not in url


def _category(url: str) -> str:
    if _is_map_data(url):
        return "map data (TopoJSON, context)"
    if "/app/static/" in url:
        return "vendored map assets (Leaflet, plugins, planmap.js bundle, fonts)"
    if "/component/" in url:
        return "st_folium component frontend"
    if "/static/" in url:
        return "Streamlit frontend (JS, CSS, fonts)"
    return "page and Streamlit endpoints"


def ws_compression(url: str) -> str | None:
    """The Sec-WebSocket-Extensions the server accepts when offered permessage-deflate (None: no compression)."""
    from websockets.sync.client import connect

    with connect(url.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"]) as ws:
        return ws.response.headers.get("Sec-WebSocket-Extensions")


def fetch(url: str, gz: bool = False) -> tuple[bytes, str | None]:
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gz else {})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.read(), r.headers.get("Content-Encoding")


# ----------------------------------------------------------------------------- TopoJSON decoding


def _arcs(topo: dict) -> list[list[tuple[float, float]]]:
    tr = topo.get("transform")
    out = []
    for arc in topo["arcs"]:
        if tr:
            x = y = 0
            pts = []
            for dx, dy in arc:
                x, y = x + dx, y + dy
                pts.append((x * tr["scale"][0] + tr["translate"][0], y * tr["scale"][1] + tr["translate"][1]))
        else:
            pts = [tuple(p) for p in arc]
        out.append(pts)
    return out


def _ring(arcs: list, idx: list[int]) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for i in idx:
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(a if not pts else a[1:])
    return pts


def decode(topo: dict, name: str) -> tuple[list[str], list[Any], list[set[int]]]:
    """Keys, shapely geometries and the arc ids each uses, of one object of a TopoJSON."""
    import shapely

    arcs = _arcs(topo)
    keys, geoms, used = [], [], []
    for g in topo["objects"][name]["geometries"]:
        polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"] if g["type"] == "MultiPolygon" else []
        parts = [shapely.Polygon(_ring(arcs, p[0]), [_ring(arcs, r) for r in p[1:]]) for p in polys]
        keys.append(str((g.get("properties") or {}).get("k", g.get("id"))))
        geoms.append(shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0])
        used.append({i if i >= 0 else ~i for p in polys for r in p for i in r})
    return keys, geoms, used


def coverage_check(topo: dict) -> dict[str, Any]:
    """Is the decoded ``counties`` object a gap-free coverage whose neighbours share their borders?"""
    import shapely

    from geo_app.mapdata import load_map_data

    keys, geoms, used = decode(topo, "counties")
    arr = geoms
    valid = bool(shapely.coverage_is_valid(arr))
    no_gaps = bool(shapely.coverage_is_valid(arr, gap_width=GAP_DEG))
    union = shapely.union_all(arr)
    polys = list(getattr(union, "geoms", [union]))
    holes = [shapely.Polygon(r) for p in polys for r in p.interiors]
    data = load_map_data()
    full = data.counties.set_index(data.counties.adcode.astype(int).astype(str))
    pairs, shared = [], []
    for a, b in combinations(keys, 2):
        if a not in full.index or b not in full.index:
            continue
        border = full.geometry[a].boundary.intersection(full.geometry[b].boundary)
        if border.length > GAP_DEG:  # neighbours in the full-detail data
            pairs.append((a, b))
            if used[keys.index(a)] & used[keys.index(b)]:
                shared.append((a, b))
    return {
        "counties": len(keys),
        "arcs": len(topo["arcs"]),
        "coverage_valid": valid,
        "no_gaps_100m": no_gaps,
        "holes": len(holes),
        "holes_km2": sum(h.area for h in holes) * 111.0 * 92.0,  # rough km² at 35–39° N
        "neighbour_pairs": len(pairs),
        "pairs_sharing_arcs": len(shared),
        "polygons_valid": bool(all(shapely.is_valid(g) for g in arr)),
    }


# ----------------------------------------------------------------------------- measure


def measure(b: Any, url: str, n_maps: int) -> dict[str, Any]:
    s = browser.Session.new(b)
    try:
        s.goto(url + "/")
        s.wait_drawn(n_maps)
        s.wait_finished(0)
        s.page.wait_for_timeout(1500)  # late requests (fonts, icons)
        msgs = s.messages()
        tm = s.timings()
    finally:
        s.close()
    comp = [m["bytes"] for m in msgs if m["kind"] == "component"]
    kinds = Counter()
    for m in msgs:
        kinds[m.get("element") or m["kind"]] += m["bytes"]
    res = [*tm["res"], *[r for f in tm["frames"] if f for r in f["res"]]]
    by_cat: dict[str, dict[str, int]] = {}
    for r in res:
        c = by_cat.setdefault(_category(r["name"]), {"n": 0, "wire": 0, "decoded": 0})
        c["n"] += 1
        c["wire"] += r["encoded"] if r["transfer"] else 0
        c["decoded"] += r["decoded"]
    data_fetches = [
        {
            "url": r["name"].split("/app/static/", 1)[1],
            "wire": r["encoded"],
            "decoded": r["decoded"],
            "from_cache": not r["transfer"],
        }
        for f in tm["frames"]
        if f
        for r in f["res"]
        if _is_map_data(r["name"])
    ]
    topo_urls = sorted({d["url"] for d in data_fetches if d["url"].startswith("cache/topo-")})
    files = {}
    for u in sorted({d["url"] for d in data_fetches}):
        body, _ = fetch(f"{url}/app/static/{u}")
        zipped, enc = fetch(f"{url}/app/static/{u}", gz=True)
        files[u] = {
            "bytes": len(body),
            "gzip6": len(gzip.compress(body, 6)),
            "served_encoding": enc,
            "served": len(zipped),
        }
    coverage = coverage_check(json.loads(fetch(f"{url}/app/static/{topo_urls[0]}")[0])) if topo_urls else {}
    comp_payloads = [p for p in list(s.payloads) if browser.classify(p)["kind"] == "component"]
    return {
        "n_maps": n_maps,
        "component_frames": comp,
        "component_bytes": sum(comp),
        "component_gzip6": sum(len(gzip.compress(p, 6)) for p in comp_payloads),
        "ws_bytes": sum(m["bytes"] for m in msgs),
        "ws_frames": len(msgs),
        "ws_by_kind": dict(kinds.most_common(8)),
        "data_fetches": data_fetches,
        "files": files,
        "by_category": by_cat,
        "ws_extensions": ws_compression(url),
        "coverage": coverage,
    }


# ----------------------------------------------------------------------------- report


def section(raw: dict[str, Any], prev: dict[str, Any]) -> Section:
    sec = Section("payload", "2. Default-view map data as sent")
    fetched = [d for d in raw["data_fetches"] if not d["from_cache"]]
    static_wire = sum(d["wire"] for d in fetched)
    static_decoded = sum(d["decoded"] for d in fetched)
    total = raw["component_bytes"] + static_wire
    cov = raw["coverage"]
    sec.targets.append(
        Target(
            "Default-view map data as sent (component frames + map-data fetches)",
            "≤ 300 KB",
            f"{fmt_bytes(total)} = {fmt_bytes(raw['component_bytes'])} websocket + {fmt_bytes(static_wire)} TopoJSON",
            total <= 300e3,
            value=total,
            previous=prev.get("payload"),
            previous_text=prev.get("payload_text", ""),
            previous_source=prev.get("payload_source", ""),
        )
    )
    gap_free = bool(
        cov and cov["coverage_valid"] and cov["no_gaps_100m"] and cov["pairs_sharing_arcs"] == cov["neighbour_pairs"]
    )
    sec.targets.append(
        Target(
            "Shared county borders gap-free in what is sent",
            "valid coverage, neighbours share arcs",
            f"{cov.get('counties')} counties: valid {cov.get('coverage_valid')}, no gaps < 100 m "
            f"{cov.get('no_gaps_100m')}, {cov.get('pairs_sharing_arcs')}/{cov.get('neighbour_pairs')} neighbour "
            f"pairs share an arc, {cov.get('holes')} holes",
            gap_free,
        )
    )
    zipped_ws = raw["component_gzip6"]
    served_topo = sum(raw["files"][d["url"]]["served"] for d in fetched)
    b = sec.body
    rows = [
        [
            f"Websocket frames with the map component args ({len(raw['component_frames'])}, one per map)",
            fmt_bytes(raw["component_bytes"]),
            fmt_bytes(zipped_ws),
            "not compressed (no permessage-deflate)" if not raw["ws_extensions"] else raw["ws_extensions"],
        ],
        *[
            [
                f"Fetch `{d['url']}`" + (" (from browser cache)" if d["from_cache"] else ""),
                f"{fmt_bytes(d['wire'] if not d['from_cache'] else 0)} on the wire ({fmt_bytes(d['decoded'])} decoded)",
                fmt_bytes(raw["files"][d["url"]]["gzip6"]),
                f"served with Content-Encoding: {raw['files'][d['url']]['served_encoding'] or 'none'}",
            ]
            for d in raw["data_fetches"]
        ],
        [
            "**Map data as sent (websocket args + map-data fetches)**",
            f"**{fmt_bytes(total)}**",
            fmt_bytes(zipped_ws + served_topo),
            f"decoded: {fmt_bytes(raw['component_bytes'] + static_decoded)}",
        ],
    ]
    b += table(["What", "As sent", "With gzip -6", "Note"], rows)
    urls = [d["url"] for d in raw["data_fetches"] if not d["from_cache"]]
    dup = {u for u in urls if urls.count(u) > 1}
    if dup:
        b += [
            f"Each of the {raw['n_maps']} map iframes fetches the map data itself, at the same time, so the browser "
            f"cache does not help: {', '.join(sorted(dup))} crossed the wire {len(urls) - len(set(urls)) + 1} times. "
            "Likewise each iframe loads its own component JS and vendored Leaflet, plugins and fonts (table below).",
            "",
        ]
    b += [
        f"Streamlit's websocket: {'compressed: ' + raw['ws_extensions'] if raw['ws_extensions'] else 'not compressed'}"
        " (`server.enableWebsocketCompression` is off by default; the handshake was offered permessage-deflate). "
        "App static files (`/app/static/`) are gzip-compressed by Streamlit's server; its own frontend bundle "
        "(`/static/`) is deliberately not.",
        "",
        f"All websocket frames of the first run: {fmt_bytes(raw['ws_bytes'])} in {raw['ws_frames']} frames; "
        "largest kinds: " + ", ".join(f"{k} {fmt_bytes(v)}" for k, v in raw["ws_by_kind"].items()) + ".",
        "",
        "Everything the page fetched over HTTP, by kind (bytes on the wire / decoded):",
        "",
    ]
    b += table(
        ["Kind", "Requests", "On the wire", "Decoded"],
        [[k, v["n"], fmt_bytes(v["wire"]), fmt_bytes(v["decoded"])] for k, v in sorted(raw["by_category"].items())],
        "lrrr",
    )
    if cov:
        b += [
            f"Borders (decoded from the served TopoJSON): {cov['counties']} counties, {cov['arcs']} arcs in the file; "
            f"`coverage_is_valid` {cov['coverage_valid']}; no gaps narrower than ~100 m {cov['no_gaps_100m']}; "
            f"holes in the union {cov['holes']} ({cov['holes_km2']:.3f} km²); polygons valid {cov['polygons_valid']}; "
            f"{cov['pairs_sharing_arcs']} of {cov['neighbour_pairs']} neighbouring pairs (touching along a border in "
            "the full-detail data) are drawn from one shared arc.",
            "",
        ]
    sec.raw = raw
    return sec
