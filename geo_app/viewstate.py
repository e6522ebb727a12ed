"""The app's view state (region, layers, basemap, language, centre, zoom) <-> URL query parameters.

Kept out of the Streamlit script so it can be unit-tested: ``parse`` validates every value
and reports the ones it ignored; ``to_params`` writes the canonical form back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

REGIONS = ("both", "linxia", "zhangye")


@dataclass
class ViewState:
    """Everything a shared link reopens."""

    lang: str = "zh"
    region: str = "both"
    layers: frozenset[str] | None = None  # None: all layers
    basemap: str = "offline"
    context: tuple[str, ...] = ()
    center: tuple[float, float] | None = None
    zoom: int | None = None
    ignored: list[str] = field(default_factory=list)

    def plans(self) -> tuple[str, ...] | None:
        return None if self.region == "both" else (self.region,)


def _first(params: Mapping, key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    return None if value is None else str(value)


def parse(params: Mapping, layer_keys: list[str], basemaps: list[str]) -> ViewState:
    """A ViewState from query parameters; invalid values are dropped and listed in ``ignored``."""
    state = ViewState()
    if (v := _first(params, "lang")) is not None:
        if v in ("zh", "en"):
            state.lang = v
        else:
            state.ignored.append(f"lang={v}")
    if (v := _first(params, "region")) is not None:
        if v in REGIONS:
            state.region = v
        else:
            state.ignored.append(f"region={v}")
    if (v := _first(params, "basemap")) is not None:
        if v in basemaps:
            state.basemap = v
        else:
            state.ignored.append(f"basemap={v}")
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
                state.ignored.append("layers=" + ",".join(bad))
            state.layers = frozenset(good) if good or not bad else None
    if (v := _first(params, "ctx")) is not None:
        state.context = tuple(x.strip() for x in v.split(",") if x.strip())[:10]
    lat, lon, z = _first(params, "lat"), _first(params, "lon"), _first(params, "z")
    if lat is not None or lon is not None or z is not None:
        try:
            flat, flon, iz = float(lat or ""), float(lon or ""), int(float(z or ""))
            if not (-85 <= flat <= 85 and -180 <= flon <= 180 and 2 <= iz <= 19):
                raise ValueError
            state.center, state.zoom = (flat, flon), iz
        except ValueError:
            state.ignored.append(f"lat={lat}, lon={lon}, z={z}")
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
        params["z"] = str(state.zoom)
    return params
