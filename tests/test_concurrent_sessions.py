"""Two app sessions saving scenes into one deck at the same time: every confirmed save is on disk.

Each session is a real script run of the app (Streamlit AppTest) in its own process, filling the
"save the current view" form five times; both start together. Afterwards every id a session was told
was saved is in the file, ids are unique and the file is a valid deck.
"""

from __future__ import annotations

import multiprocessing as mp
import re
import shutil

import pytest

from geo_app.paths import ROOT


def _session(scenes_dir: str, tag: str, start, out) -> None:
    import os

    os.environ["GEO_APP_SCENES"] = scenes_dir
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=180)
    at.query_params["region"] = "linxia"
    at.run()
    start.wait(60)
    confirmed = []
    for i in range(5):
        title = next(ti for ti in at.sidebar.text_input if ti.label.startswith("标题"))
        title.input(f"{tag}-{i}")
        next(b for b in at.sidebar.button if b.label == "保存").click().run()
        for s in at.sidebar.success:
            m = re.search(r"(linxia-saved-\d+)", s.value)
            if m:
                confirmed.append((f"{tag}-{i}", m.group(1)))
    out.put(confirmed)


@pytest.mark.parametrize("run", range(2))
def test_two_sessions_saving_at_once_lose_nothing(tmp_path, run):
    for name in ("linxia.yaml", "zhangye.yaml"):
        shutil.copy(ROOT / "scenes" / name, tmp_path / name)
    ctx = mp.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_session, args=(str(tmp_path), tag, start, out)) for tag in ("A", "B")]
    for p in procs:
        p.start()
    start.set()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(60)
    confirmed = [c for r in results for c in r]
    assert len(confirmed) == 10

    from geo_app import scenes
    from geo_app.mapdata import load_map_data
    from geo_app.web.layers import layer_keys

    data = load_map_data()
    deck = scenes.load_deck(tmp_path / "linxia.yaml", layer_keys(data), set(data.features.id))
    assert not deck.problems
    on_disk = {s.id: s.title_zh for s in deck.scenes}
    ids = [sid for _, sid in confirmed]
    assert len(set(ids)) == 10  # no two sessions were told the same id
    for title, sid in confirmed:
        assert on_disk.get(sid) == title, (sid, title)
    assert len(deck.scenes) == 7 + 10
