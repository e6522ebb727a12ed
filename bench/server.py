"""A real ``streamlit run streamlit_app.py`` on a free local port, timed from launch to healthy.

``profile=True`` starts it through ``bench/profiled_app.py`` instead, which records a cProfile of the
first script run (the profiler slows that run: its timings are only used for the breakdown).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from bench.common import ARTIFACTS, ROOT, rss_kib

STATIC_CACHE = ROOT / "static" / "cache"


def cache_dir() -> Path:
    return Path(os.environ.get("GEO_APP_CACHE") or ROOT / ".cache")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cache_state() -> dict[str, object]:
    """What the disk caches hold now (a cold start's figure depends on it)."""
    from geo_app.mapdata import inputs_key

    cache = cache_dir()
    pkl = cache / "mapdata" / f"{inputs_key()}.pkl"
    return {
        "cache_dir": str(cache),
        "cache_existed": cache.is_dir(),
        "mapdata_cached": pkl.is_file(),
        "topology_cached": any(STATIC_CACHE.glob("topo-*.json")),
    }


class AppServer:
    """One ``streamlit run`` process. Times are ``time.time()`` epochs (comparable with the browser's)."""

    def __init__(self, env: dict[str, str] | None = None, profile: bool = False, tag: str = "app") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.log_path = ARTIFACTS / f"streamlit-{tag}.log"
        self.profile_path = ARTIFACTS / f"first-run-{tag}.prof" if profile else None
        args = [
            "run",
            "streamlit_app.py",
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ]
        if profile:
            cmd = [sys.executable, str(ROOT / "bench" / "profiled_app.py"), str(self.profile_path), *args]
            self.profile_path.unlink(missing_ok=True)
        else:
            cmd = [sys.executable, "-m", "streamlit", *args]
        self._log = self.log_path.open("wb")
        self.t_launch = time.time()
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=self._log, stderr=subprocess.STDOUT
        )
        self.t_health: float | None = None

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_healthy(self, timeout: float = 120) -> float:
        """Poll /_stcore/health every 20 ms; returns seconds from launch to the first 200."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        self.t_health = time.time()
                        return self.t_health - self.t_launch
            except OSError:
                time.sleep(0.02)
        raise RuntimeError(f"streamlit did not answer /_stcore/health in {timeout:.0f} s")

    def rss_kib(self) -> float | None:
        return rss_kib(self.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


@contextlib.contextmanager
def running(env: dict[str, str] | None = None, profile: bool = False, tag: str = "app") -> Iterator[AppServer]:
    srv = AppServer(env, profile, tag)
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


def clear_context_caches() -> list[str]:
    """Delete the context-layer caches (disk and static): safe, they are rebuilt on demand."""
    gone = []
    for folder in (cache_dir() / "web", STATIC_CACHE):
        for p in folder.glob("context-*"):
            p.unlink(missing_ok=True)
            gone.append(str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p))
    return gone


def clear_static_topology() -> None:
    """Remove the served TopoJSON files (static/cache/topo-*), as in a fresh checkout."""
    for p in STATIC_CACHE.glob("topo-*"):
        p.unlink(missing_ok=True)


def empty_cache_env(tmp: Path) -> dict[str, str]:
    """Environment for a start 'right after installation': an empty GEO_APP_CACHE folder."""
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    return {"GEO_APP_CACHE": str(tmp)}
