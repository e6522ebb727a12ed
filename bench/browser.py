"""Headless Chromium for the benchmark: offline contexts, in-page clocks, map-drawn waits, frame recording.

Every request that is not local is aborted (the machine is offline), as in ``tests/browser.py``;
Chromium is Debian's (``shutil.which("chromium")``), never a download.

Times are taken inside the pages (``Date.now()``, epoch ms, the same clock as ``time.time()`` here):
an init script in the app page records

- each websocket message as it arrives (time, bytes);
- for each map iframe (``iframe[title='streamlit_folium.st_folium']``), checked every animation
  frame: when it appeared, when its component document, Leaflet's container, the first
  ``path.pm-item`` (a drawn plan item) and the first ``.pm-l-item`` (a placed item label) showed.
  "Map drawn" = every map iframe of the page has both;
- on demand, a ``requestAnimationFrame`` monitor of the drawn-path count of every map iframe.

The websocket payloads are also captured by Playwright (``framereceived``) to tell the message
kinds apart (Streamlit ``ForwardMsg`` protobuf): the n-th payload is the n-th message timed in the page.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bench.common import chromium_path

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LOCAL_PREFIXES = ("http://127.0.0.1", "ws://127.0.0.1", "http://localhost", "data:", "blob:", "about:")
VIEWPORT = {"width": 1500, "height": 950}
MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"
COMPONENT = "streamlit_folium.st_folium"

INIT_JS = r"""
(() => {
  if (window.top !== window || window.__pmInit) return;
  window.__pmInit = true;
  try { performance.setResourceTimingBufferSize(5000); } catch (e) {}
  const SEL = "iframe[title='streamlit_folium.st_folium']";
  // every websocket message as it arrives
  const log = (window.__pmWs = { open: null, msgs: [] });
  const Native = window.WebSocket;
  class Recorded extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('open', () => { if (!log.open) log.open = Date.now(); });
      this.addEventListener('message', (e) => {
        const d = e.data;
        const n = d.byteLength !== undefined ? d.byteLength : d.size !== undefined ? d.size : d.length;
        log.msgs.push([Date.now(), n]);
      });
    }
  }
  window.WebSocket = Recorded;
  // each map iframe (element): when it appeared, when Leaflet, drawn items and placed labels first showed.
  // Checked from this page's animation frames (Playwright's init scripts do not reach the component's
  // document, which replaces the iframe's about:blank in the same window).
  const track = () => {
    const now = Date.now();
    for (const f of document.querySelectorAll(SEL)) {
      const T = f.__pmT || (f.__pmT = { seen: now });
      if (T.drawn) continue;
      let d = null;
      try { d = f.contentDocument; } catch (e) {}
      if (!d || d.location.href.indexOf('/component/') < 0) continue;
      if (!T.doc) T.doc = now;
      if (!T.leaflet && d.querySelector('.leaflet-container')) T.leaflet = now;
      if (!T.paths && d.querySelector('path.pm-item')) T.paths = now;
      if (!T.labels && d.querySelector('.pm-l-item')) T.labels = now;
      if (T.paths && T.labels) T.drawn = Math.max(T.paths, T.labels);
    }
    requestAnimationFrame(track);
  };
  requestAnimationFrame(track);
  // on demand: drawn-item paths per map iframe, sampled every painted frame
  const counts = () => [...document.querySelectorAll(SEL)].map((f) => {
    try { const d = f.contentDocument; return d ? d.querySelectorAll('path.pm-item').length : -1; }
    catch (e) { return -1; }
  });
  // ... and the moments the map documents changed (nodes added/removed, text changed)
  const watch = (m) => {
    for (const f of document.querySelectorAll(SEL)) {
      let d = null;
      try { d = f.contentDocument; } catch (e) {}
      if (!d || !d.body || d.__pmObs) continue;
      d.__pmObs = new MutationObserver(() => { if (m.on) m.muts.push(Date.now()); });
      d.__pmObs.observe(d.body, { childList: true, subtree: true, characterData: true });
    }
  };
  window.__pmMon = {
    start() {
      const m = this; m.on = true; m.samples = [[Date.now(), counts()]]; m.muts = [];
      const tick = () => {
        if (!m.on) return;
        watch(m);
        m.samples.push([Date.now(), counts()]);
        requestAnimationFrame(tick);
      };
      watch(m);
      requestAnimationFrame(tick);
      return true;
    },
    stop() {
      this.on = false;
      this.samples.push([Date.now(), counts()]);
      return { samples: this.samples, muts: this.muts };
    },
  };
})();
"""

#: Every expected map iframe has recorded its first drawn items and labels.
DRAWN_JS = """(n) => {
  const fs = [...document.querySelectorAll("iframe[title='streamlit_folium.st_folium']")];
  if (fs.length < n) return false;
  const ts = fs.map((f) => f.__pmT && f.__pmT.drawn);
  return ts.every(Boolean) ? ts : false;
}"""

#: Every map iframe shows drawn items and labels now (after an update).
SHOWS_JS = """(n) => {
  const fs = [...document.querySelectorAll("iframe[title='streamlit_folium.st_folium']")];
  if (fs.length < n) return false;
  return fs.every((f) => { try { const d = f.contentDocument;
    return !!(d && d.querySelector('path.pm-item') && d.querySelector('.pm-l-item')); } catch (e) { return false; } });
}"""

#: Per map iframe: the context layer's drawn features (SVG paths in the context style, or -1 for a
#: painted canvas: layers of more than 300 counties use one; 0 for nothing). The orientation outlines
#: share the pane but not the style.
CONTEXT_JS = """() => [...document.querySelectorAll("iframe[title='streamlit_folium.st_folium']")].map((f) => {
  try {
    const pane = f.contentDocument.querySelector('.leaflet-pmContext-pane');
    if (!pane) return 0;
    const n = pane.querySelectorAll('path[stroke-dasharray="4 3"][stroke-width="0.7"]').length;
    if (n) return n;
    for (const c of pane.querySelectorAll('canvas')) {
      if (!c.width || !c.height) continue;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < d.length; i += 4 * 13) { if (d[i]) return -1; }
    }
    return 0;
  } catch (e) { return 0; }
})"""

MARK_JS = """() => [...document.querySelectorAll("iframe[title='streamlit_folium.st_folium']")].map((f, i) => {
  f.__pmMark = i + 1; try { f.contentWindow.__pmMarker = i + 1; } catch (e) {} return i + 1; })"""

MARKS_JS = """() => [...document.querySelectorAll("iframe[title='streamlit_folium.st_folium']")].map((f) => {
  let win = 0; try { win = f.contentWindow.__pmMarker || 0; } catch (e) { win = -1; }
  return { el: f.__pmMark || 0, win: win }; })"""

TIMINGS_JS = """() => {
  const res = (p) => p.getEntriesByType('resource').map((r) => ({ name: r.name, start: p.timeOrigin + r.startTime,
    end: p.timeOrigin + r.responseEnd, transfer: r.transferSize, encoded: r.encodedBodySize,
    decoded: r.decodedBodySize }));
  const nav = (p) => { const n = p.getEntriesByType('navigation')[0]; const o = p.timeOrigin;
    return n ? { origin: o, response_end: o + n.responseEnd, dcl: o + n.domContentLoadedEventEnd,
                 load: n.loadEventEnd ? o + n.loadEventEnd : null } : { origin: o }; };
  const frames = [...document.querySelectorAll("iframe[title='streamlit_folium.st_folium']")].map((f) => {
    try { const w = f.contentWindow; return { T: f.__pmT || null, nav: nav(w.performance), res: res(w.performance) }; }
    catch (e) { return null; } });
  return { nav: nav(performance), ws: window.__pmWs || null, res: res(performance), frames: frames };
}"""


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """One headless Chromium (sync API) for a part of the benchmark."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if not path:
        raise RuntimeError("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _route(route: Any) -> None:
    if route.request.url.startswith(LOCAL_PREFIXES):
        route.continue_()
    else:
        route.abort()


def new_context(b: Any) -> Any:
    """A fresh context (no cache, no cookies), offline, with the recording init script."""
    ctx = b.new_context(viewport=VIEWPORT, accept_downloads=True)
    ctx.route("**/*", _route)
    ctx.add_init_script(INIT_JS)
    return ctx


# ----------------------------------------------------------------------------- Streamlit messages


def classify(payload: bytes) -> dict[str, Any]:
    """Kind of a ForwardMsg: new_session, script_finished, component (st_folium args), delta, ref, …"""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    try:
        msg = ForwardMsg.FromString(payload)
    except Exception:
        return {"kind": "undecodable", "bytes": len(payload)}
    kind = msg.WhichOneof("type") or "none"
    out: dict[str, Any] = {"kind": kind, "bytes": len(payload)}
    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        el = msg.delta.new_element
        sub = el.WhichOneof("type")
        out["element"] = sub
        if sub == "component_instance" and COMPONENT in el.component_instance.component_name:
            out["kind"] = "component"
    elif kind == "ref_hash":
        out["kind"] = "ref"
    return out


@dataclass
class Session:
    """A page of the app in its own context with its websocket payloads recorded."""

    ctx: Any
    page: Any
    payloads: list[bytes] = field(default_factory=list)
    own_context: bool = True
    t_goto: float = 0.0

    @classmethod
    def new(cls, b: Any, ctx: Any | None = None) -> Session:
        own = ctx is None
        ctx = ctx or new_context(b)
        page = ctx.new_page()
        s = cls(ctx, page, own_context=own)

        def on_ws(ws: Any) -> None:
            ws.on("framereceived", lambda p: s.payloads.append(p if isinstance(p, bytes) else p.encode()))

        page.on("websocket", on_ws)
        return s

    def goto(self, url: str) -> None:
        self.t_goto = time.time()
        self.page.goto(url, wait_until="commit")

    def wait_drawn(self, n: int, timeout: float = 120) -> list[float]:
        """Epoch seconds at which each of the ``n`` (at least) map iframes was first drawn."""
        h = self.page.wait_for_function(DRAWN_JS, arg=n, timeout=timeout * 1000, polling=50)
        return [t / 1000 for t in h.json_value()]

    def wait_shows(self, n: int, timeout: float = 60) -> None:
        self.page.wait_for_function(SHOWS_JS, arg=n, timeout=timeout * 1000, polling=50)

    def messages(self) -> list[dict[str, Any]]:
        """Every message received: kind, bytes and (when the page timed it) the epoch it arrived."""
        ws = self.page.evaluate("() => window.__pmWs")
        times = (ws or {}).get("msgs", [])
        out = []
        for i, p in enumerate(list(self.payloads)):
            m = classify(p)
            if i < len(times) and times[i][1] == len(p):
                m["t"] = times[i][0] / 1000
            out.append(m)
        return out

    def n_finished(self) -> int:
        return sum(1 for p in list(self.payloads) if len(p) < 200 and classify(p)["kind"] == "script_finished")

    def wait_finished(self, after: int, timeout: float = 120) -> float:
        """Wait until more than ``after`` script runs have finished; returns when the next one finished
        (the page's clock for its ``script_finished`` message, else when it was noticed)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.n_finished() > after:
                done = [m for m in self.messages() if m["kind"] == "script_finished"]
                return done[after].get("t", time.time()) if len(done) > after else time.time()
            self.page.wait_for_timeout(25)
        raise TimeoutError(f"no script run finished within {timeout:.0f} s")

    def timings(self) -> dict[str, Any]:
        return self.page.evaluate(TIMINGS_JS)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            if self.own_context:
                self.ctx.close()
            else:
                self.page.close()


def map_count(s: Session) -> int:
    return int(s.page.evaluate(f"() => document.querySelectorAll({MAP_IFRAME!r}).length"))


def breakdown(s: Session, t0: float, t_drawn: float) -> dict[str, Any]:
    """Moments (seconds after ``t0``, an epoch) of a page load, from the page's own clocks."""
    tm = s.timings()
    msgs = s.messages()
    frames = [f for f in tm["frames"] if f and f["T"]]

    def rel(epoch_s: float | None) -> float | None:
        return None if epoch_s is None else round(epoch_s - t0, 4)

    def last(values: list[float | None]) -> float | None:  # epoch ms -> s; None unless every map has it
        return max(values) / 1000 if values and all(v is not None for v in values) else None

    def resources(pred, where: str = "frames") -> list[dict[str, Any]]:
        pool = [r for f in frames for r in f["res"]] if where == "frames" else tm["res"]
        return [r for r in pool if pred(r["name"])]

    topo = resources(lambda n: "/app/static/cache/" in n and "/cache/planmap-bundle-" not in n)
    leaflet_js = resources(lambda n: n.endswith("leaflet.js"))
    comp_js = resources(lambda n: "/component/" in n and n.endswith(".js"), "page") or resources(
        lambda n: "/component/" in n and n.endswith(".js")
    )
    chunk = resources(lambda n: "/static/js/ComponentInstance" in n, "page")
    comps = [m for m in msgs if m["kind"] == "component" and "t" in m]
    nav = tm["nav"]
    return {
        "html": rel(nav.get("response_end") and nav["response_end"] / 1000),
        "dom_ready": rel(nav.get("dcl") and nav["dcl"] / 1000),
        "ws_open": rel((tm["ws"] or {}).get("open") and tm["ws"]["open"] / 1000),
        "first_message": rel(next((m["t"] for m in msgs if "t" in m), None)),
        "component_first": rel(comps[0]["t"]) if comps else None,
        "component_last": rel(comps[-1]["t"]) if comps else None,
        "script_finished": rel(next((m.get("t") for m in msgs if m["kind"] == "script_finished"), None)),
        "iframe_start": rel(min(min(f["T"]["seen"], f["nav"]["origin"]) for f in frames) / 1000) if frames else None,
        "component_chunk": rel(max(r["end"] for r in chunk) / 1000) if chunk else None,
        "component_js_end": rel(max(r["end"] for r in comp_js) / 1000) if comp_js else None,
        "leaflet_js_end": rel(max(r["end"] for r in leaflet_js) / 1000) if leaflet_js else None,
        "topo_start": rel(min(r["start"] for r in topo) / 1000) if topo else None,
        "topo_end": rel(max(r["end"] for r in topo) / 1000) if topo else None,
        "leaflet": rel(last([f["T"].get("leaflet") for f in frames])),
        "paths": rel(last([f["T"].get("paths") for f in frames])),
        "labels": rel(last([f["T"].get("labels") for f in frames])),
        "drawn": rel(t_drawn),
        "maps": len(frames),
    }
