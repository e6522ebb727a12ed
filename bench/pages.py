"""Headless Chromium for the benchmark: offline contexts, byte meters, draw-and-pan timing, cold app starts.

Every request that is not local is refused (a meeting-room PC without internet), as in
``tests/browser.py``. Chromium is Debian's (``shutil.which("chromium")``), never a download.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import ROOT, chromium_path

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FILE_PREFIXES = ("file:", "data:", "blob:", "about:")
APP_PREFIXES = (*FILE_PREFIXES, "http://127.0.0.1", "ws://127.0.0.1")
VIEWPORT = {"width": 1500, "height": 950}
MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"

#: JS predicate: at least n elements match a selector, or (canvas) a Leaflet canvas has painted pixels.
DRAWN_JS = """([sel, n, canvas]) => {
  if (canvas) {
    for (const c of document.querySelectorAll('.leaflet-overlay-pane canvas')) {
      if (!c.width || !c.height) continue;
      const s = document.createElement('canvas'); s.width = 64; s.height = 64;
      const g = s.getContext('2d'); g.drawImage(c, 0, 0, 64, 64);
      const d = g.getImageData(0, 0, 64, 64).data;
      for (let i = 3; i < d.length; i += 4) { if (d[i]) return true; }
    }
    return false;
  }
  return document.querySelectorAll(sel).length >= n;
}"""
TWO_FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"


@contextlib.contextmanager
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole run (each measurement gets a fresh context, no cache)."""
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


def offline_context(b: Any, allowed: tuple[str, ...] = FILE_PREFIXES) -> tuple[Any, list[str]]:
    """A fresh browser context whose requests outside ``allowed`` prefixes are aborted."""
    ctx = b.new_context(viewport=VIEWPORT)
    blocked: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(allowed):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    return ctx, blocked


def _category(url: str) -> str:
    if "/app/static/vendor/" in url:
        return "vendored map assets (Leaflet, plugins, fonts)"
    if "/component/" in url:
        return "st_folium component frontend"
    if "/_stcore/" in url:
        return "Streamlit endpoints"
    if "/static/" in url:
        return "Streamlit frontend (JS, CSS, fonts)"
    return "page and other"


class ByteMeter:
    """Counts what a page receives: HTTP response bodies (decoded and as transferred) and websocket frames."""

    def __init__(self, page: Any) -> None:
        self.responses: list[Any] = []
        self.ws_received = 0
        self.ws_frames = 0
        self.ws_largest = 0
        self.ws_first_at: float | None = None
        self.ws_largest_at: float | None = None
        page.on("response", self._response)
        page.on("websocket", self._socket)

    def _response(self, response: Any) -> None:
        self.responses.append(response)

    def _socket(self, ws: Any) -> None:
        ws.on("framereceived", self._frame)

    def _frame(self, payload: str | bytes) -> None:
        n = len(payload.encode() if isinstance(payload, str) else payload)
        now = time.perf_counter()
        self.ws_received += n
        self.ws_frames += 1
        self.ws_first_at = self.ws_first_at or now
        if n > self.ws_largest:
            self.ws_largest, self.ws_largest_at = n, now

    def totals(self) -> dict[str, Any]:
        """Bytes by category; call after the page has settled."""
        decoded: Counter[str] = Counter()
        wire: Counter[str] = Counter()
        count: Counter[str] = Counter()
        for r in self.responses:
            cat = _category(r.url)
            count[cat] += 1
            with contextlib.suppress(Exception):  # redirects, the websocket upgrade: no body
                decoded[cat] += len(r.body())
            try:
                sizes = r.request.sizes()
                wire[cat] += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            except Exception:
                pass
        ws = "websocket frames (app state, map payload)"
        decoded[ws] = wire[ws] = self.ws_received
        count[ws] = self.ws_frames
        return {
            "decoded": dict(decoded),
            "wire": dict(wire),
            "count": dict(count),
            "total_decoded": sum(decoded.values()),
            "total_wire": sum(wire.values()),
            "ws_largest_frame": self.ws_largest,
        }


def time_file_page(
    b: Any,
    path: Path,
    map_var: str,
    selector: str,
    n: int,
    canvas: bool,
    timeout: float,
    screenshot: Path | None = None,
) -> dict[str, Any]:
    """Open a map page from file:// (non-file requests refused); time until drawn, then until a mouse pan ends.

    Returns ``drawn_s`` (navigation start -> features painted), ``panned_s`` (-> ``moveend`` of a
    240×140 px drag held 100 ms before release), ``pan_s`` (drag start -> ``moveend``), or ``error``
    when it did not finish in ``timeout``. ``screenshot``: where to save the page after the pan.
    """
    ctx, blocked = offline_context(b)
    page = ctx.new_page()
    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    deadline = t0 + timeout

    def left_ms() -> float:
        return max(1.0, (deadline - time.perf_counter()) * 1000)

    try:
        page.goto(path.as_uri(), wait_until="commit", timeout=left_ms())
        page.wait_for_function(DRAWN_JS, arg=[selector, n, canvas], timeout=left_ms(), polling=50)
        page.evaluate(TWO_FRAMES_JS)
        out["drawn_s"] = time.perf_counter() - t0
        page.evaluate(
            f"() => {{ window.__pmMoved = false; window.__pmCenter0 = {map_var}.getCenter();"
            f" {map_var}.once('moveend', () => {{ window.__pmMoved = true; }}); }}"
        )
        cx, cy = VIEWPORT["width"] / 2, VIEWPORT["height"] / 2
        t1 = time.perf_counter()
        page.mouse.move(cx, cy)
        page.mouse.down()
        page.mouse.move(cx - 240, cy - 140, steps=8)
        page.wait_for_timeout(100)  # hold before release: no inertia animation, moveend follows the drag
        page.mouse.up()
        page.wait_for_function("() => window.__pmMoved === true", timeout=left_ms(), polling=20)
        page.evaluate(TWO_FRAMES_JS)
        now = time.perf_counter()
        out["pan_s"], out["panned_s"] = now - t1, now - t0
        out["moved"] = bool(page.evaluate(f"() => !{map_var}.getCenter().equals(window.__pmCenter0)"))
        if screenshot:
            page.screenshot(path=str(screenshot))
    except Exception as exc:  # a timeout or a crashed tab: recorded, not raised
        out["error"] = f"did not finish in {timeout:.0f} s" if "Timeout" in type(exc).__name__ else str(exc)[:200]
    finally:
        with contextlib.suppress(Exception):
            ctx.close()
    out["blocked"] = blocked
    return out


# ----------------------------------------------------------------------------- the real app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_app_map(page: Any, n_counties: int, county_stroke: str, timeout_ms: float) -> None:
    """Wait until the st_folium iframe shows the county paths and a visible legend row."""
    frame = page.frame_locator(MAP_IFRAME)
    frame.locator(".leaflet-container").wait_for(timeout=timeout_ms)
    frame.locator(f'.leaflet-overlay-pane path[stroke="{county_stroke}"]').nth(n_counties - 1).wait_for(
        state="visible", timeout=timeout_ms
    )
    frame.locator(".pm-legend .pm-row:not(.pm-hidden)").first.wait_for(state="visible", timeout=timeout_ms)


def app_cold_start(b: Any, n_counties: int, county_stroke: str, timeout: float = 180) -> dict[str, Any]:
    """``streamlit run`` from a cold process to the map drawn in Chromium; also the bytes the page received.

    ``ready_s``: launch -> /_stcore/health answers; ``first_frame_s`` / ``map_frame_s``: launch -> the
    first websocket frame / the largest one (the map payload) arrives; ``drawn_s``: launch -> map
    drawn. The page is opened as soon as the server is ready; health is polled every 20 ms.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    ctx, blocked = offline_context(b, APP_PREFIXES)  # browser set-up is not part of the figure
    page = ctx.new_page()
    meter = ByteMeter(page)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "streamlit_app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    out: dict[str, Any] = {}
    try:
        while True:
            if time.perf_counter() - t0 > timeout:
                raise RuntimeError("streamlit did not start")
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.02)
        out["ready_s"] = time.perf_counter() - t0
        page.goto(url + "/", wait_until="commit")
        wait_app_map(page, n_counties, county_stroke, timeout * 1000)
        out["drawn_s"] = time.perf_counter() - t0
        if meter.ws_first_at and meter.ws_largest_at:  # the largest frame is the one with the map
            out["first_frame_s"], out["map_frame_s"] = meter.ws_first_at - t0, meter.ws_largest_at - t0
        page.wait_for_timeout(2000)  # late requests (fonts, icons) count towards the bytes
        out["bytes"] = meter.totals()
        out["blocked"] = blocked
    finally:
        with contextlib.suppress(Exception):
            ctx.close()
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return out
