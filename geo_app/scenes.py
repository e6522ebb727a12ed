"""Meeting mode: decks of saved map scenes (``scenes/*.yaml``).

A scene is a title and subtitle (zh/en), a region or extent, the visible layers, features
to highlight and speaker notes. Loading validates every scene; an invalid one is reported
(file, scene id, field) and skipped, so a deck still opens with the rest. ``append_scene``
adds a scene to a deck file as text, keeping the file's comments and layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from geo_app.catalog import Problem
from geo_app.paths import ROOT

SCENES_DIR = ROOT / "scenes"
REGIONS = ("linxia", "zhangye", "both")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Scene:
    """One map view of a presentation."""

    id: str
    title_zh: str
    title_en: str
    layers: tuple[str, ...]  # layer keys plan:category
    subtitle_zh: str = ""
    subtitle_en: str = ""
    region: str | None = None  # linxia | zhangye | both
    extent: tuple[float, float, float, float] | None = None  # min_lon, min_lat, max_lon, max_lat
    highlight: tuple[str, ...] = ()
    notes_zh: str = ""
    notes_en: str = ""

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_zh

    def subtitle(self, lang: str) -> str:
        return self.subtitle_en if lang == "en" and self.subtitle_en else self.subtitle_zh

    def notes(self, lang: str) -> str:
        return self.notes_en if lang == "en" and self.notes_en else self.notes_zh

    def plans(self) -> tuple[str, ...] | None:
        if self.region in ("linxia", "zhangye"):
            return (self.region,)
        return None


@dataclass
class Deck:
    """A sequence of scenes read from one file."""

    id: str
    title_zh: str
    title_en: str
    path: Path
    scenes: list[Scene]
    problems: list[Problem] = field(default_factory=list)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_zh


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def parse_scene(raw: Any, index: int, file: str, layer_keys: list[str], feature_ids: set[str],
                problems: list[Problem]) -> Scene | None:  # fmt: skip
    """A Scene from its YAML mapping, or None with the problems appended."""
    if not isinstance(raw, dict):
        problems.append(Problem(file, f"#{index + 1}", "-", "a scene must be a mapping"))
        return None
    sid = str(raw.get("id") or f"#{index + 1}")
    before = len(problems)

    def bad(name: str, message: str) -> None:
        problems.append(Problem(file, sid, name, message))

    if not raw.get("id") or not _ID_RE.match(sid):
        bad("id", "required, lowercase ASCII [a-z0-9-]")
    if not raw.get("title_zh"):
        bad("title_zh", "required field is missing")
    region, extent = raw.get("region"), raw.get("extent")
    if region is None and extent is None:
        bad("region", "give a region (linxia, zhangye, both) or an extent [min_lon, min_lat, max_lon, max_lat]")
    if region is not None and region not in REGIONS:
        bad("region", f"must be one of {', '.join(REGIONS)}, not {region!r}")
    if extent is not None:
        ok = isinstance(extent, list) and len(extent) == 4 and all(isinstance(v, (int, float)) for v in extent)
        if not ok or not (extent[0] < extent[2] and extent[1] < extent[3]):
            bad("extent", "must be [min_lon, min_lat, max_lon, max_lat] with min < max")
    layers = raw.get("layers", "all")
    if layers == "all":
        plans = (region,) if region in ("linxia", "zhangye") else None
        layers = [k for k in layer_keys if plans is None or k.split(":")[0] in plans]
    elif not isinstance(layers, list):
        bad("layers", "must be 'all' or a list of layer keys plan:category")
        layers = []
    unknown = [k for k in layers if k not in layer_keys]
    if unknown:
        bad("layers", f"unknown layer(s) {', '.join(map(str, unknown))}")
    highlight = raw.get("highlight") or []
    missing = [h for h in highlight if h not in feature_ids]
    if missing:
        bad("highlight", f"unknown feature id(s) {', '.join(map(str, missing))}")
    if len(problems) > before:
        return None
    return Scene(
        id=sid,
        title_zh=str(raw["title_zh"]),
        title_en=str(raw.get("title_en") or raw["title_zh"]),
        subtitle_zh=str(raw.get("subtitle_zh") or ""),
        subtitle_en=str(raw.get("subtitle_en") or raw.get("subtitle_zh") or ""),
        region=region,
        extent=tuple(float(v) for v in extent) if extent else None,
        layers=tuple(layers),
        highlight=tuple(highlight),
        notes_zh=str(raw.get("notes_zh") or ""),
        notes_en=str(raw.get("notes_en") or ""),
    )


def load_deck(path: Path, layer_keys: list[str], feature_ids: set[str]) -> Deck:
    """Read one deck file; invalid scenes are skipped and listed in ``problems``."""
    file = _rel(path)
    problems: list[Problem] = []
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        problems.append(Problem(file, "-", "-", f"cannot read scenes file: {exc}"))
        return Deck(path.stem, path.stem, path.stem, path, [], problems)
    head = doc.get("deck") or {}
    scenes, seen = [], set()
    for i, raw in enumerate(doc.get("scenes") or []):
        scene = parse_scene(raw, i, file, layer_keys, feature_ids, problems)
        if scene is None:
            continue
        if scene.id in seen:
            problems.append(Problem(file, scene.id, "id", "duplicate scene id"))
            continue
        seen.add(scene.id)
        scenes.append(scene)
    return Deck(
        id=str(head.get("id") or path.stem),
        title_zh=str(head.get("title_zh") or path.stem),
        title_en=str(head.get("title_en") or head.get("title_zh") or path.stem),
        path=path,
        scenes=scenes,
        problems=problems,
    )


def load_decks(layer_keys: list[str], feature_ids: set[str], folder: Path = SCENES_DIR) -> dict[str, Deck]:
    """Every deck in ``folder`` keyed by deck id."""
    decks = [load_deck(p, layer_keys, feature_ids) for p in sorted(folder.glob("*.yaml"))]
    return {d.id: d for d in decks}


def scene_to_yaml(scene: Scene) -> str:
    """The YAML block of one scene (a list item under ``scenes:``)."""
    data: dict[str, Any] = {"id": scene.id, "title_zh": scene.title_zh, "title_en": scene.title_en}
    if scene.subtitle_zh:
        data["subtitle_zh"] = scene.subtitle_zh
    if scene.subtitle_en:
        data["subtitle_en"] = scene.subtitle_en
    if scene.region:
        data["region"] = scene.region
    if scene.extent:
        data["extent"] = [round(v, 4) for v in scene.extent]
    data["layers"] = list(scene.layers)
    if scene.highlight:
        data["highlight"] = list(scene.highlight)
    if scene.notes_zh:
        data["notes_zh"] = scene.notes_zh
    if scene.notes_en:
        data["notes_en"] = scene.notes_en
    text = yaml.safe_dump([data], allow_unicode=True, sort_keys=False, width=110)
    return "".join("  " + line if line.strip() else line for line in text.splitlines(keepends=True))


def append_scene(path: Path, scene: Scene, layer_keys: list[str], feature_ids: set[str]) -> None:
    """Append ``scene`` to the deck file at ``path`` (validated first; ids must be new)."""
    problems: list[Problem] = []
    raw = yaml.safe_load(scene_to_yaml(scene).replace("\n  ", "\n").lstrip())[0]
    if parse_scene(raw, 0, _rel(path), layer_keys, feature_ids, problems) is None:
        raise ValueError("; ".join(str(p) for p in problems))
    deck = load_deck(path, layer_keys, feature_ids)
    if scene.id in {s.id for s in deck.scenes}:
        raise ValueError(f"{_rel(path)}: {scene.id}: id: a scene with this id exists already")
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + scene_to_yaml(scene), encoding="utf-8")


def new_scene_id(deck: Deck) -> str:
    """A fresh ASCII id for a scene saved from the app."""
    base = f"{deck.id}-saved"
    n = 1
    ids = {s.id for s in deck.scenes}
    while f"{base}-{n}" in ids:
        n += 1
    return f"{base}-{n}"


def scene_from_view(deck: Deck, title_zh: str, title_en: str, notes: str, lang: str, region: str,
                    layers: tuple[str, ...], center: tuple[float, float] | None = None,
                    zoom: int | None = None) -> Scene:  # fmt: skip
    """A new scene of ``deck`` for what the app shows: the map's extent when the view is known,
    else the region; notes go to the language they were written in."""
    extent = extent_for_view(center, zoom) if center and zoom else None
    return Scene(
        id=new_scene_id(deck),
        title_zh=title_zh.strip(),
        title_en=title_en.strip() or title_zh.strip(),
        region=None if extent else region,
        extent=extent,
        layers=tuple(layers),
        notes_zh=notes.strip() if lang == "zh" else "",
        notes_en=notes.strip() if lang == "en" else "",
    )


# ----------------------------------------------------------------------------- view maths (web mercator)

_TILE = 256


def _merc_y(lat: float) -> float:
    import math

    s = math.sin(math.radians(max(min(lat, 85.0), -85.0)))
    return 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)


def zoom_for_bounds(bounds: list[list[float]], width_px: int = 1100, height_px: int = 720) -> int:
    """The largest integer zoom at which ``[[s, w], [n, e]]`` fits a map of the given size."""
    import math

    (s, w), (n, e) = bounds
    dx = max((e - w) / 360.0, 1e-9)
    dy = max(abs(_merc_y(s) - _merc_y(n)), 1e-9)
    z = min(math.log2(width_px * 0.9 / (_TILE * dx)), math.log2(height_px * 0.9 / (_TILE * dy)))
    return int(max(3, min(18, math.floor(z))))


def extent_for_view(center: tuple[float, float], zoom: int, width_px: int = 1100,
                    height_px: int = 720) -> tuple[float, float, float, float]:  # fmt: skip
    """(min_lon, min_lat, max_lon, max_lat) shown by a map at ``center`` and ``zoom``."""
    import math

    lat, lon = center
    scale = _TILE * 2**zoom
    half_w = width_px / 2 / scale * 360.0
    y = _merc_y(lat)
    dy = height_px / 2 / scale

    def inv(v: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * v))))

    return (lon - half_w, inv(y + dy), lon + half_w, inv(y - dy))
