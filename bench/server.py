"""The real app on a free local port, timed from launch to healthy.

Two ways to start it: ``serve`` = ``python -m app.serve`` (the app command of ``scripts/run_app.sh``:
``streamlit run`` with the heavy imports and the map data warmed in a background thread) and
``streamlit`` = plain ``python -m streamlit run streamlit_app.py``. ``profile=True`` starts it
through ``bench/profiled_app.py``, which records a cProfile of the first script run (the profiler
slows that run: its timings are only used for the breakdown).
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

    def __init__(
        self, env: dict[str, str] | None = None, profile: bool = False, tag: str = "app", command: str = "serve"
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.log_path = ARTIFACTS / f"streamlit-{tag}.log"
        self.profile_path = ARTIFACTS / f"first-run-{tag}.prof" if profile else None
        self.command = command
        options = [
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ]
        target = ["--serve", *options] if command == "serve" else ["run", "streamlit_app.py", *options]
        if profile:
            cmd = [sys.executable, str(ROOT / "bench" / "profiled_app.py"), str(self.profile_path), *target]
            self.profile_path.unlink(missing_ok=True)
            self.profile_path.with_suffix(".json").unlink(missing_ok=True)
        elif command == "serve":
            cmd = [sys.executable, "-m", "app.serve", *options]
        else:
            cmd = [sys.executable, "-m", "streamlit", *target]
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
def running(
    env: dict[str, str] | None = None, profile: bool = False, tag: str = "app", command: str = "serve"
) -> Iterator[AppServer]:
    srv = AppServer(env, profile, tag, command)
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


def warm_caches(env: dict[str, str]) -> float:
    """``python -m geo_app warm`` (what scripts/run_app.sh runs after installing); returns its seconds."""
    t0 = time.time()
    subprocess.run(
        [sys.executable, "-m", "geo_app", "warm"], cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True
    )
    return time.time() - t0


def empty_cache_env(tmp: Path) -> dict[str, str]:
    """Environment for a start 'right after installation': an empty GEO_APP_CACHE folder."""
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    return {"GEO_APP_CACHE": str(tmp)}
