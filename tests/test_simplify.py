"""Coverage simplification keeps shared borders: no gaps, no slivers."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from geo_app.boundaries import CHINA_ALBERS
from geo_app.simplify import DETAIL_LEVELS, coverage_gaps_km2, simplify_coverage


@pytest.mark.parametrize("level", ["close", "prefecture", "province"])
@pytest.mark.parametrize("prefecture", [622900, 620700])
def test_union_equals_prefecture_and_no_gaps(default_counties, default_prefectures, level, prefecture):
    counties = default_counties[default_counties.prefecture_adcode == prefecture]
    outline = default_prefectures[default_prefectures.adcode == prefecture].geometry.iloc[0]
    simplified = simplify_coverage(counties, level)
    assert shapely.coverage_is_valid(simplified.geometry.values)
    union_area = shapely.union_all(simplified.to_crs(CHINA_ALBERS).geometry.values).area
    outline_area = gpd.GeoSeries([outline], crs=4326).to_crs(CHINA_ALBERS).area.iloc[0]
    assert abs(union_area - outline_area) / outline_area < 0.001
    # no hole opens between neighbours and nothing overlaps
    union = shapely.union_all(simplified.geometry.values)
    assert all(len(p.interiors) == 0 for p in getattr(union, "geoms", [union]))
    _, overlap_km2 = coverage_gaps_km2(simplified, union)
    assert overlap_km2 < 0.01


def test_levels_reduce_vertices(default_counties):
    counts = [
        shapely.get_num_coordinates(simplify_coverage(default_counties, lvl).geometry.values).sum()
        for lvl in ["full", "close", "prefecture", "province", "country"]
    ]
    assert counts == sorted(counts, reverse=True)
    assert counts[-2] < counts[0] / 4


def test_neighbours_share_edges_exactly(default_counties):
    simplified = simplify_coverage(default_counties, "province")
    a = simplified.set_index("adcode").geometry
    shared = a[622925].boundary.intersection(a[622922].boundary)  # 和政 / 康乐
    assert shared.length > 0.05  # a real shared border of several km, not a point


def test_unknown_level_is_clear():
    with pytest.raises(ValueError, match="unknown detail level 'huge'"):
        simplify_coverage(None, "huge")
    assert "prefecture" in DETAIL_LEVELS
