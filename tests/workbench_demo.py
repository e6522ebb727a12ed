"""A small draft catalog for workbench tests: a plan "demo" over Linxia whose quotes come from two
paragraphs of data/plans/linxia_2022.txt (so check can verify them), drafted by the real rules."""

from __future__ import annotations

import shutil
from pathlib import Path

from geo_app.paths import LAYERS_DIR, PLANS_DIR
from geo_app.workbench import catalog_writer
from geo_app.workbench.draft import draft_plan

TEXT = "data/plans/linxia_2022.txt"
HEADER = {
    "id": "demo",
    "title_zh": "示范规划",
    "title_en": "Demo plan",
    "issuer_zh": "临夏回族自治州人民政府办公室",
    "issued": "2022-06-16",
    "text": TEXT,
    "regions": [622900],
    "short_zh": "示范",
    "short_en": "Demo",
    "unit_zh": "州",
    "unit_en": "prefecture",
    "color": "#4477AA",
}


def excerpt() -> str:
    """Two paragraphs of the Linxia plan: parks and zones, and the belts of the foothills."""
    lines = (PLANS_DIR / "linxia_2022.txt").read_text(encoding="utf-8").split("\n")
    return "\n".join(lines[365:369] + lines[336:338])


def make_demo_catalog(folder: Path, plan_id: str = "demo") -> Path:
    """Write ``folder/<plan_id>.yaml`` (every feature ``review: draft``) and the style table."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(LAYERS_DIR / "styles.yaml", folder / "styles.yaml")
    draft = draft_plan(excerpt(), ["622900"], plan_id)
    features = [catalog_writer.feature_dict(item) for item in draft.items]
    header = {**HEADER, "id": plan_id}
    return catalog_writer.write_catalog(folder / f"{plan_id}.yaml", header, features, comment="A demo draft.")
