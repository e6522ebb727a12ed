"""Labels placed on the server so they never collide, at any zoom.

For each zoom from ``ZOOMS.start`` up, labels are placed in priority order (county names
first, then highlighted items, then items by area, then towns): a label takes the first of
its candidate positions whose box overlaps nothing already placed (labels, markers, badges)
and keeps that position at every higher zoom, where everything only moves apart. A label
whose shape is still too small on screen waits for a closer zoom. The client (planmap.js
``PM.labels``) shows each label from its ``z0``.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field

ZOOMS = range(5, 15)
PAD = 3  # px between boxes


@dataclass
class Candidate:
    """A label to place: text, CSS class, candidate anchors (lon, lat, dx px, dy px), priority."""

    text: str
    cls: str
    anchors: list[tuple[float, float, float, float]]
    priority: float
    font_px: float = 12.5
    color: str | None = None
    min_zoom: int = 0
    max_zoom: int = 99
    extent_deg: float = 0.0  # the labelled shape's size: the label waits until it is big enough
    key: str = ""


@dataclass
class Obstacle:
    """Something on the map labels must not cover (a marker, a badge), in pixels around a point."""

    lon: float
    lat: float
    w: float
    h: float
    min_zoom: int = 0
    dx: float = 0.0  # pixel offset (a fanned-out marker)
    dy: float = 0.0


@dataclass
class Placed:
    """A placed label, as ``PM.labels`` takes it."""

    candidate: Candidate
    anchor: tuple[float, float, float, float]
    z0: int
    box: tuple[float, float] = field(default=(0.0, 0.0))

    def js(self) -> dict:
        lon, lat, dx, dy = self.anchor
        out = {"ll": [round(lat, 5), round(lon, 5)], "t": self.candidate.text, "c": self.candidate.cls, "z0": self.z0}
        if self.candidate.max_zoom < 99:
            out["z1"] = self.candidate.max_zoom
        if self.candidate.color:
            out["col"] = self.candidate.color
        if dx or dy:
            out["ax"], out["ay"] = round(-dx), round(-dy)
        return out


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def text_box(text: str, font_px: float) -> tuple[float, float]:
    """Estimated (width, height) in px of a (possibly multi-line) label."""
    lines = text.split("\n")
    width = max(sum(font_px if _wide(c) else 0.56 * font_px for c in line) for line in lines)
    return width + 6, len(lines) * font_px * 1.2 + 4


def wrap(text: str, per_line: int = 10) -> str:
    """Break a long label into balanced lines of about ``per_line`` wide characters (Latin counts
    half): 高寒阴湿区中药材产业带 -> 高寒阴湿区中 / 药材产业带, never a lone 业带 on the last line."""
    width = sum(2 if _wide(c) else 1 for c in text)
    if width <= per_line * 2.4:
        return text
    n = min(3, -(-width // (per_line * 2)))
    target = width / n
    spaced = " " in text
    words = text.split(" ") if spaced else list(text)
    lines, line, w = [], [], 0.0
    for word in words:
        ww = sum(2 if _wide(c) else 1 for c in word) + (1 if spaced else 0)
        if line and w + ww / 2 > target and len(lines) < n - 1:
            lines.append(line)
            line, w = [], 0.0
        line.append(word)
        w += ww
    lines.append(line)
    return "\n".join((" " if spaced else "").join(ln) for ln in lines)


def _px(lon: float, lat: float, z: int) -> tuple[float, float]:
    scale = 256 * 2**z
    x = (lon + 180.0) / 360.0 * scale
    s = math.sin(math.radians(max(min(lat, 85.0), -85.0)))
    y = (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * scale
    return x, y


def _rect(lon: float, lat: float, dx: float, dy: float, w: float, h: float, z: int) -> tuple[float, ...]:
    x, y = _px(lon, lat, z)
    x, y = x + dx, y + dy
    return (x - w / 2 - PAD, y - h / 2 - PAD, x + w / 2 + PAD, y + h / 2 + PAD)


def _hits(r: tuple[float, ...], boxes: list[tuple[float, ...]]) -> bool:
    return any(r[0] < b[2] and b[0] < r[2] and r[1] < b[3] and b[1] < r[3] for b in boxes)


def _big_enough(c: Candidate, z: int, w: float) -> bool:
    """An item's label waits until its shape spans at least half the label's width on screen."""
    if c.extent_deg <= 0:
        return True
    return c.extent_deg / 360.0 * 256 * 2**z >= 0.5 * w


def place(candidates: list[Candidate], obstacles: list[Obstacle] = (), zooms: range = ZOOMS) -> list[Placed]:
    """Place the candidates without collisions; returns the labels that fit at some zoom."""
    order = sorted(candidates, key=lambda c: -c.priority)
    sizes = {id(c): text_box(c.text, c.font_px) for c in order}
    placed: list[Placed] = []
    for z in zooms:
        boxes = [_rect(o.lon, o.lat, o.dx, o.dy, o.w, o.h, z) for o in obstacles if o.min_zoom <= z]
        for p in placed:
            if p.candidate.max_zoom >= z:
                boxes.append(_rect(*p.anchor, *p.box, z))
        done = {id(p.candidate) for p in placed}
        for c in order:
            if id(c) in done or c.min_zoom > z or c.max_zoom < z or not _big_enough(c, z, sizes[id(c)][0]):
                continue
            for anchor in c.anchors:
                r = _rect(*anchor, *sizes[id(c)], z)
                if not _hits(r, boxes):
                    placed.append(Placed(c, anchor, z, sizes[id(c)]))
                    boxes.append(r)
                    break
    return placed


def around(lon: float, lat: float, step: float = 16.0) -> list[tuple[float, float, float, float]]:
    """Anchors at a point and around it (pixel offsets), centre first."""
    return [
        (lon, lat, dx, dy)
        for dx, dy in [(0, 0), (0, -step), (0, step), (step * 3, 0), (-step * 3, 0), (0, -2 * step), (0, 2 * step)]
    ]
