"""The draft item: one proposed plan item, as the rules, the locator and the writer share it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DraftItem:
    """One proposed item. Spans are in the normalised text; ``quote`` is verbatim original text."""

    name_zh: str
    head: str
    category: str
    site_like: bool
    name_span: tuple[int, int]
    quote_span: tuple[int, int]
    section: str
    counties: list[int] = field(default_factory=list)
    status: str | None = None
    quote: str = ""
    place_names: list[str] = field(default_factory=list)  # in-region places named (for notes)
    ambiguous: list[str] = field(default_factory=list)  # stems like 临夏 that name several units
    outside: list[str] = field(default_factory=list)  # places outside the plan region named in the name
    mentions_elsewhere: int = 0  # other sentences naming the same item (merged)
    # filled by locate / naming
    id: str = ""
    name_en: str = ""
    location: str = ""
    geometry: dict | None = None
    location_source: str | None = None
    location_source_zh: str | None = None
    outside_region: bool = False
    note_en: str | None = None
    note_zh: str | None = None
