"""The app's view state (region, layers, basemap, language, centre, zoom) <-> URL query parameters.

Kept out of the Streamlit script so it can be unit-tested: ``parse`` validates every value
and reports the ones it ignored; ``to_params`` writes the canonical form back.

A URL is anyone's input. Numbers must be finite and in range (``z=inf``, ``nan``, ``1e309`` and
text are ignored with the notice, whichever keys come with them); ``ctx`` is bounded (at most
``MAX_CTX`` distinct entries of at most ``MAX_CTX_CHARS`` characters, the rest ignored with the
notice); notices quote at most ``NOTICE_CHARS`` characters of a value, without control
characters. The notices are plain text: show them with ``escaping.plain_markdown``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from geo_app.escaping import strip_controls

#: What a region value may look like (a region choice id: all, a plan id or an adcode); whether
#: it names a region of the catalog is decided by ``geo_app.regions.resolve_choice``.
REGION_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MAX_CTX = 10
MAX_CTX_CHARS = 60
NOTICE_CHARS = 40
LAT_RANGE = (-85.0, 85.0)  # web mercator
LON_RANGE = (-180.0, 180.0)
ZOOM_RANGE = (2, 19)
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)


@dataclass
class ViewState:
    """Everything a shared link reopens."""

    lang: str = "zh"
    region: str = "all"
    layers: frozenset[str] | None = None  # None: all layers
    basemap: str = "offline"
    context: tuple[str, ...] = ()
    center: tuple[float, float] | None = None
    zoom: float | None = None
    ignored: list[str] = field(default_factory=list)


def _first(params: Mapping, key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    return None if value is None else str(value)


def shown(value: object) -> str:
    """A user value as quoted in a notice: controls removed, cut to ``NOTICE_CHARS``."""
    text = strip_controls(value)
    return text if len(text) <= NOTICE_CHARS else text[:NOTICE_CHARS] + "…"


def number_in(value: str | None, lo: float, hi: float) -> float | None:
    """``value`` as a finite float within [lo, hi], else None (text, nan, inf, 1e309, out of range)."""
    if value is None or len(value) > 40 or not _DECIMAL.fullmatch(value.strip()):
        return None  # only plain ASCII decimals: no "1_0", no other scripts' digits, no "inf"
    number = float(value)
    if not math.isfinite(number) or not lo <= number <= hi:
        return None
    return number + 0.0  # -0.0 -> 0.0


def split_context(value: str) -> tuple[tuple[str, ...], list[str]]:
    """Context queries from a comma list (ASCII or full-width commas): de-duplicated, at most
    ``MAX_CTX`` of at most ``MAX_CTX_CHARS`` characters; and the entries ignored."""
    kept: list[str] = []
    ignored: list[str] = []
    for part in value.replace("，", ",").split(","):
        q = strip_controls(part).strip()
        if not q or q in kept:
            continue
        if len(q) > MAX_CTX_CHARS or len(kept) >= MAX_CTX:
            ignored.append(q)
        else:
            kept.append(q)
    return tuple(kept), ignored


def _view(lat: str | None, lon: str | None, z: str | None) -> tuple[tuple[float, float], float] | None:
    """Centre and zoom when all three are numbers in range, else None."""
    flat, flon, fz = number_in(lat, *LAT_RANGE), number_in(lon, *LON_RANGE), number_in(z, *ZOOM_RANGE)
    if flat is None or flon is None or fz is None:
        return None
    return (flat, flon), round(fz * 4) / 4  # the map zooms in quarter steps


def parse(params: Mapping, layer_keys: list[str], basemaps: list[str]) -> ViewState:
    """A ViewState from query parameters; invalid values are dropped and listed in ``ignored``."""
    state = ViewState()
    if (v := _first(params, "lang")) is not None:
        if v in ("zh", "en"):
            state.lang = v
        else:
            state.ignored.append(f"lang={shown(v)}")
    if (v := _first(params, "region")) is not None:
        if REGION_RE.match(v):
            state.region = v
        else:
            state.ignored.append(f"region={shown(v)}")
    if (v := _first(params, "basemap")) is not None:
        if v in basemaps:
            state.basemap = v
        else:
            state.ignored.append(f"basemap={shown(v)}")
    if (v := _first(params, "layers")) is not None:
        if v == "all":
            state.layers = None
        elif v == "none":
            state.layers = frozenset()
        else:
            wanted = [k for k in v.split(",") if k]
            good = [k for k in wanted if k in layer_keys]
            bad = [k for k in wanted if k not in layer_keys]
            if bad:
                state.ignored.append("layers=" + shown(",".join(bad)))
            state.layers = frozenset(good) if good or not bad else None
    if (v := _first(params, "ctx")) is not None:
        state.context, dropped = split_context(v)
        if dropped:
            state.ignored.append("ctx=" + shown(",".join(dropped)))
    lat, lon, z = _first(params, "lat"), _first(params, "lon"), _first(params, "z")
    if lat is not None or lon is not None or z is not None:
        view = _view(lat, lon, z)
        if view is None:
            state.ignored.append(f"lat={shown(lat)}, lon={shown(lon)}, z={shown(z)}")
        else:
            state.center, state.zoom = view
    return state


def to_params(state: ViewState, all_keys: list[str]) -> dict[str, str]:
    """Canonical query parameters for ``state`` (centre and zoom only when set)."""
    if state.layers is None or set(state.layers) >= set(all_keys):
        layers = "all"
    elif not state.layers:
        layers = "none"
    else:
        layers = ",".join(k for k in all_keys if k in state.layers)
    params = {"lang": state.lang, "region": state.region, "basemap": state.basemap, "layers": layers}
    if state.context:
        params["ctx"] = ",".join(state.context)
    if state.center and state.zoom:
        params["lat"] = f"{state.center[0]:.5f}"
        params["lon"] = f"{state.center[1]:.5f}"
        params["z"] = f"{state.zoom:g}"
    return params
