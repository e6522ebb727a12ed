"""The workbench's map layers (geo_app.web.workbench_map) and previews (geo_app.workbench.preview)."""

from __future__ import annotations

import folium
import shapely

from geo_app.web.spec import MapSpec
from geo_app.web.workbench_map import editable_group, editable_shape, from_display, item_group, workbench_base
from geo_app.workbench import preview


def _js(group: folium.FeatureGroup) -> str:
    host = folium.Map(tiles=None)
    group.add_to(host)
    return host.get_root().render()


def test_the_edit_tool_starts_from_a_handful_of_vertices(map_data):
    belt = map_data.features.set_index("id").loc["linxia-taizishan-mushroom-belt"].geometry
    start = editable_shape(belt)
    assert start.geom_type == "Polygon" and len(shapely.get_coordinates(start)) <= 120
    assert start.intersection(belt).area > 0.8 * belt.area / len(getattr(belt, "geoms", [belt]))
    assert editable_shape(shapely.Point(103, 35)) is None and editable_shape(None) is None
    line = shapely.LineString([(103, 35), (103.5, 35.2)])
    assert editable_shape(line).equals(line)


def test_item_and_editable_groups_escape_and_shift_for_gcj02():
    label = "</script><b>园区</b>"
    html = _js(item_group(shapely.Point(103.6, 35.47), [622924], label, MapSpec()))
    assert "</script><b>" not in html and "622924" in html
    amap = MapSpec(basemap="amap")
    gcj = _js(editable_group(shapely.Polygon([(103, 35), (103.1, 35), (103.1, 35.1)]), amap))
    assert "drawnItems.clearLayers" in gcj and "[103.0, 35.0]" not in gcj  # shifted to GCJ-02
    lon, lat = from_display(103.00123, 35.00456, MapSpec())
    assert (lon, lat) == (103.00123, 35.00456)
    back = from_display(*shapely.get_coordinates(_shift(103.6, 35.47))[0], amap)
    assert abs(back[0] - 103.6) < 1e-7 and abs(back[1] - 35.47) < 1e-7


def _shift(lon: float, lat: float) -> shapely.Point:
    from geo_app.datum import wgs84_to_gcj02

    x, y = wgs84_to_gcj02(lon, lat)
    return shapely.Point(float(x), float(y))


def test_the_base_map_has_the_drawing_tools_in_chinese(map_data):
    html = workbench_base(map_data, {}, "zh").get_root().render()
    assert "L.Control.Draw" in html and "画轮廓" in html and '"marker": false' in html


def test_previews_follow_the_recipe(map_data):
    counties = map_data.plan_counties["linxia"]
    site = {"location": "site", "geometry": {"recipe": "point", "lonlat": [103.62, 35.47]}, "counties": []}
    assert preview.preview(site, map_data, counties).geometry.equals(shapely.Point(103.62, 35.47))
    zone = {"location": "zone", "counties": [622925],
            "geometry": {"recipe": "zone", "near": ["plateau-edge"], "buffer_km": 12, "width": "assumed"}}  # fmt: skip
    assert preview.preview(zone, map_data, counties).geometry.area > 0
    bad = {"location": "stand_in", "geometry": {"recipe": "point", "at": "no-such-town"}, "counties": []}
    assert preview.preview(bad, map_data, counties).geometry is None
    assert preview.preview({"location": "region_wide"}, map_data, counties).geometry is None
    assert preview.county_at(map_data, counties, 103.62, 35.47) == 622924
    assert "town-guanghe-chengguanzhen" in preview.towns_in(map_data, counties).index
    assert "plateau-edge" in preview.rule_features(map_data, counties).index
