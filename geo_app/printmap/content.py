"""What a print map shows: the region choice, the items of its plans, the highlights.

``map_content`` turns a region choice (``regions.region_choices``), layer tokens, an optional
extent and highlights into the rows every drawing step uses: the drawn items (areas, lines,
points), the region-wide items (listed, never painted) and the items outside the plan region.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo_app import regions
from geo_app.catalog_rules import plan_units
from geo_app.mapdata import MapData

DRAWN = ("area", "line", "point")


@dataclass
class MapContent:
    """The selection a print map (or a deck page) draws."""

    choice: regions.RegionChoice
    plans: tuple[str, ...]
    adcodes: tuple[int, ...]  # plan regions framed (any level)
    counties: tuple[int, ...]  # county adcodes of those regions
    drawn: gpd.GeoDataFrame  # items with a shape, inside the plan regions
    region_wide: pd.DataFrame  # items without a shape (listed under their region)
    outside: gpd.GeoDataFrame  # items placed outside the plan regions (shown at the map edge)
    highlight: tuple[str, ...] = ()
    extent: tuple[float, float, float, float] | None = None  # lon/lat box of a scene
    layers: tuple[str, ...] = field(default_factory=tuple)


def layer_tokens(data: MapData) -> dict[str, set[str]]:
    """token -> feature ids: ``all``, plan ids, categories, ``plan:category`` keys and feature ids."""
    f = data.features
    vocab: dict[str, set[str]] = {"all": set(f["id"])}
    for key, col in (("plan", "plan"), ("category", "category")):
        for value, ids in f.groupby(col)["id"]:
            vocab.setdefault(str(value), set()).update(ids)
        del key
    for (p, c), ids in f.groupby(["plan", "category"])["id"]:
        vocab[f"{p}:{c}"] = set(ids)
    for fid in f["id"]:
        vocab[fid] = {fid}
    return vocab


def select_ids(data: MapData, layers: str | list[str] | tuple[str, ...] = "all") -> set[str]:
    """Feature ids named by layer tokens; ValueError (with near matches) for an unknown token."""
    import difflib

    tokens = [s.strip() for s in layers.replace("，", ",").split(",")] if isinstance(layers, str) else list(layers)
    tokens = [s for s in tokens if s and s != "counties"] or ["all"]
    vocab = layer_tokens(data)
    ids: set[str] = set()
    for tok in tokens:
        if tok not in vocab:
            near = difflib.get_close_matches(tok, list(vocab), n=3)
            hint = f"; did you mean: {', '.join(near)}?" if near else ""
            raise ValueError(f"unknown layer {tok!r}{hint}")
        ids |= vocab[tok]
    return ids


def resolve(data: MapData, region: str | None) -> regions.RegionChoice:
    """The region choice ``region`` names (default: the first choice); ValueError when unknown."""
    value = region if region not in (None, "") else regions.default_choice(data.catalog)
    choice = regions.resolve_choice(data.catalog, value)
    if choice is None:
        choices = ", ".join(regions.region_choices(data.catalog))
        raise ValueError(f"unknown region {region!r}; choose one of {choices}")
    return choice


def map_content(
    data: MapData,
    region: str | None = None,
    layers: str | list[str] | tuple[str, ...] = "all",
    extent: tuple[float, float, float, float] | None = None,
    highlight: tuple[str, ...] | list[str] = (),
) -> MapContent:
    """The items a map of ``region`` (or of a scene ``extent``) shows for ``layers``."""
    choice = resolve(data, region)
    plans = choice.plans or tuple(data.catalog.plans)
    counties = tuple(sorted(plan_units(tuple(choice.adcodes)).counties)) if choice.adcodes else ()
    ids = select_ids(data, layers) | set(highlight)
    f = data.features
    f = f[f["id"].isin(ids) & f["plan"].isin(plans)]
    wide = f[f["region_wide"].astype(bool)]
    shaped = f[~f["region_wide"].astype(bool) & f["shape"].isin(DRAWN) & f.geometry.notna()]
    shaped = shaped[~shaped.geometry.is_empty]
    outside_mask = shaped["outside_region"].fillna(False).astype(bool)
    drawn, outside = shaped[~outside_mask], shaped[outside_mask]
    if choice.adcodes and set(counties) != {c for p in plans for c in data.plan_counties.get(p, [])}:
        # one region of a multi-region plan: keep what lies in it
        land = data.counties[data.counties["adcode"].isin(counties)].geometry.union_all()
        drawn = drawn[drawn.intersects(land)]
        wide = wide[[not w or bool(set(w) & set(choice.adcodes)) for w in wide.get("within", [[]] * len(wide))]]
    return MapContent(
        choice=choice,
        plans=tuple(p for p in data.catalog.plans if p in plans),
        adcodes=tuple(choice.adcodes),
        counties=counties,
        drawn=drawn,
        region_wide=pd.DataFrame(wide.drop(columns="geometry")),
        outside=outside,
        highlight=tuple(h for h in highlight if h in set(f["id"])),
        extent=tuple(extent) if extent else None,
        layers=tuple(layers) if not isinstance(layers, str) else (layers,),
    )
