"""Shared helpers for browser tests: headless Chromium with every outside request refused,
and a real `streamlit run` of the app on a free local port."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import require_chromium

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LOCAL_PREFIXES = (
    "file:",
    "data:",
    "blob:",
    "about:",
    "http://127.0.0.1",
    "http://localhost",
    "ws://127.0.0.1",
    "ws://localhost",
)


@contextlib.contextmanager
def offline_page(width: int = 1500, height: int = 950) -> Iterator[tuple[object, list[str]]]:
    """A Playwright page whose non-local requests are all aborted; yields (page, blocked URLs)."""
    from playwright.sync_api import sync_playwright

    chromium = require_chromium()
    blocked: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": width, "height": height})

        def route(r):
            if r.request.url.startswith(LOCAL_PREFIXES):
                return r.continue_()
            blocked.append(r.request.url)
            return r.abort()

        context.route("**/*", route)
        page = context.new_page()
        try:
            yield page, blocked
        finally:
            browser.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_app(timeout: float = 90, env: dict[str, str] | None = None) -> Iterator[str]:
    """Start the app as the README does (``python -m app.serve``, i.e. `streamlit run
    streamlit_app.py` with the warm-up thread) headless (``env``: extra environment, e.g. another
    catalog folder in GEO_APP_LAYERS); yield its base URL; stop it after."""
    import os

    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = (ARTIFACTS / f"streamlit-{port}.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.serve",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        stdout=log,  # a file, not a pipe: a full pipe would stall the server
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("streamlit did not start")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def is_tile(url: str) -> bool:
    """Basemap tile requests (allowed to fail offline)."""
    return any(h in url for h in ("tile", "autonavi", "arcgisonline", "cartocdn", "tianditu"))
