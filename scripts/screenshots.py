"""Regenerate the README's app screenshots (docs/*.jpg) the way a planner sees the app: started as
the README starts it, in headless Chromium with every outside request refused.

    python scripts/screenshots.py            # all shots
    python scripts/screenshots.py app_all    # some of them

Each shot waits for its conditions (maps drawn, panel filled), never for a fixed time. Uses the
browser-test helpers (`tests/browser.py`) for the offline page and the app server.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo_app.fileio import atomic_path  # noqa: E402
from tests.browser import offline_page, streamlit_app  # noqa: E402

DOCS = ROOT / "docs"
MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"
SIZE = (1600, 900)  # README images: 1920×1080 or 1440×900 shots scaled to this


def wait_maps(page, n: int) -> None:
    """Maps drawn (counties labelled, items painted), fitted, and the sidebar's layer boxes shown."""
    page.wait_for_function(
        """([sel, n]) => {
            const frames = Array.from(document.querySelectorAll(sel));
            return frames.length === n && frames.every(f => f.contentDocument
                && f.contentDocument.querySelector('.pm-l-county') && f.contentDocument.querySelector('path.pm-item')
                && (!f.contentWindow.map.__pmFit || f.contentWindow.map.getBounds().pad(0.001)
                    .contains(f.contentWindow.L.latLngBounds(f.contentWindow.map.__pmFit))))
                && document.querySelectorAll('[data-testid=stCheckbox]').length > 5;
        }""",
        arg=[MAP_IFRAME, n],
        timeout=90_000,
    )


def click_point() -> tuple[float, float]:
    """(lat, lon) inside a county of the first plan, under that plan's largest belt or cluster:
    the click that shows the identify list with the county first. From the catalog, so the
    script names no plan or region."""
    import shapely

    from geo_app.mapdata import load_map_data

    data = load_map_data()
    first = next(iter(data.catalog.plans))
    f = data.display_features
    belts = f[(f.plan == first) & (f["shape"] == "area") & f.category.isin(["industrial_belt", "industry_cluster"])]
    belt = max(belts.geometry, key=lambda g: g.area)
    counties = data.display_counties[data.display_counties.adcode.isin(data.counties_of_plans((first,)))]
    county = max(counties.geometry, key=lambda g: g.intersection(belt).area)
    p = shapely.intersection(belt, county.buffer(-0.03)).representative_point()
    return p.y, p.x


def first_plan() -> str:
    from geo_app.mapdata import load_map_data

    return next(iter(load_map_data().catalog.plans))


def click_county(page) -> None:
    """Click a county under a belt; wait for the panel and the county's outline."""
    lat, lon = click_point()
    frame = page.locator(MAP_IFRAME).first
    inner = frame.element_handle().content_frame()
    x, y = inner.evaluate(
        f"() => {{ const p = window.map.latLngToContainerPoint([{lat}, {lon}]); return [p.x, p.y]; }}"
    )
    box = frame.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.locator(".st-key-pm_panel button").first.wait_for(timeout=30_000)
    page.locator(".st-key-pm_panel [data-testid=stDataFrame], .st-key-pm_panel table").first.wait_for(timeout=30_000)
    inner.locator(".leaflet-pmSelected-pane path").first.wait_for(timeout=20_000)


def shot_app(page, url: str) -> None:
    page.goto(f"{url}/?region={first_plan()}")
    wait_maps(page, 1)
    click_county(page)


def shot_app_all(page, url: str) -> None:
    page.goto(url + "/?region=all")
    wait_maps(page, 2)


def shot_app_en(page, url: str) -> None:
    from geo_app.mapdata import load_map_data

    last = list(load_map_data().catalog.plans)[-1]
    page.goto(f"{url}/?region={last}&lang=en")
    wait_maps(page, 1)


def shot_present(page, url: str) -> None:
    page.goto(f"{url}/?present=1&deck={first_plan()}&scene=3")
    page.frame_locator(MAP_IFRAME).first.locator(".pm-l-item.pm-hl").first.wait_for(timeout=90_000)


def shot_presenter(page, url: str) -> None:
    page.goto(f"{url}/?present=1&presenter=1&deck={first_plan()}&scene=3")
    page.locator(".pm-notes").wait_for(timeout=90_000)


SHOTS: dict[str, tuple[tuple[int, int], Callable]] = {
    "app": ((1920, 1080), shot_app),
    "app_all": ((1920, 1080), shot_app_all),
    "app_en": ((1920, 1080), shot_app_en),
    "present": ((1920, 1080), shot_present),
    "presenter": ((1440, 900), shot_presenter),
}


def main(names: list[str]) -> None:
    from PIL import Image

    unknown = set(names) - set(SHOTS)
    if unknown:
        sys.exit(f"unknown shot(s): {', '.join(sorted(unknown))}; choose from {', '.join(SHOTS)}")
    with streamlit_app() as url:
        for name in names or list(SHOTS):
            (w, h), take = SHOTS[name]
            with offline_page(w, h) as (page, _blocked):
                take(page, url)
                png = page.screenshot()
            img = Image.open(io.BytesIO(png)).convert("RGB").resize(SIZE, Image.LANCZOS)
            with atomic_path(DOCS / f"{name}.jpg") as tmp:
                img.save(tmp, format="JPEG", quality=85, optimize=True)
            print(f"wrote docs/{name}.jpg")


if __name__ == "__main__":
    main(sys.argv[1:])
