"""What a web map shows: one frozen, hashable description, so rendered layers can be cached."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MapSpec:
    """Language, basemap, plans and regions shown, visible layers, highlights and mode."""

    lang: str = "zh"
    basemap: str = "offline"
    plans: tuple[str, ...] | None = None  # None: every plan
    frame: tuple[int, ...] | None = None  # region adcodes framed (None: those of the plans)
    visible_layers: frozenset[str] | None = None  # None: every layer of the plans
    highlight: tuple[str, ...] = ()
    selected_county: int | None = None
    context: tuple[int, ...] = ()  # adcodes of context regions (boundaries only)
    tianditu_key: str | None = None
    mode: str = "app"  # app | standalone | deck
    present: bool = False  # projector sizes

    @property
    def embedded(self) -> bool:
        """Data travels inside the page (standalone HTML, deck) instead of as static files."""
        return self.mode != "app"
