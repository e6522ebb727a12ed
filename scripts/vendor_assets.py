#!/usr/bin/env python
"""Vendor the JS/CSS assets that folium/branca load from public CDNs.

Run with the project venv (needs ``npm`` on PATH for the registry downloads)::

    .venv/bin/python scripts/vendor_assets.py          # rebuild static/vendor/
    .venv/bin/python scripts/vendor_assets.py --list   # only print the CDN URLs

What it does:

1. Discovers every CDN URL folium/branca/streamlit-folium can reference, by
   introspecting the ``default_js``/``default_css`` class lists of all classes in
   ``folium``, ``folium.plugins`` and ``branca`` and by scanning their sources
   (plus streamlit-folium's) for URLs hard-coded in ``render`` methods.
2. For the packages in ``SPECS`` (Map + the plugins this project uses), runs
   ``npm pack <pkg>@<version>`` into a temporary dir, extracts the tarball and
   copies the needed files to ``static/vendor/<pkg>@<version>/...`` keeping the
   package's directory layout, together with every file a vendored CSS file
   references through a relative ``url(...)`` (fonts, images) and the licence
   files.
3. Writes ``static/vendor/manifest.json`` (CDN URL -> local path, package,
   version, licence, folium classes using it, and the discovered URLs that are
   *not* vendored) and ``static/vendor/LICENSES.md``.

The vendored tree is rebuilt from scratch on every run (in a temp dir, then
swapped in), so the result only depends on the pinned versions below.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import importlib.util
import inspect
import json
import pkgutil
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
VENDOR_DIR = ROOT / "static" / "vendor"

URL_RE = re.compile(r"""["'](https?://[^"'\s]+)["']""")
CSS_URL_RE = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")

# A Transform gets (extracted package dir, output package dir) and may create files
# in the output dir; it returns the relative paths it created.
Transform = Callable[[Path, Path], list[str]]


@dataclass
class PackageSpec:
    """One npm package (or the folium wheel) and the CDN URLs it stands in for."""

    name: str
    version: str
    assets: dict[str, str]  # CDN URL -> path inside the package
    extra: list[str] = field(default_factory=list)  # globs copied as well
    transforms: list[Transform] = field(default_factory=list)
    source: str = "npm"  # "npm" or "folium-wheel"
    license: str | None = None  # overrides package.json
    note: str = ""

    @property
    def dirname(self) -> str:
        return f"{self.name}@{self.version}"


# --------------------------------------------------------------------------
# generated files


def _glyphicons_css(pkg: Path, out: Path) -> list[str]:
    """Cut the Glyphicons part out of Bootstrap 3's CSS (what bootstrap-glyphicons.css was).

    The old netdna ``bootstrap/3.0.0/css/bootstrap-glyphicons.css`` is not on npm;
    Bootstrap 3.4.1 carries the same font and class names (a superset). Only the
    woff2/woff font formats are referenced (every current browser reads them).
    """
    css = (pkg / "dist/css/bootstrap.css").read_text(encoding="utf-8")
    start = css.index("@font-face")
    rules: list[str] = []
    for chunk in css[start:].split("}"):
        selector, _, body = chunk.partition("{")
        selector = " ".join(selector.split())
        if not (selector == "@font-face" or re.fullmatch(r"(\.glyphicon[\w-]*(:before)?,? ?)+", selector)):
            break
        body = " ".join(body.split())
        if selector == "@font-face":
            body = (
                'font-family: "Glyphicons Halflings"; '
                'src: url("../fonts/glyphicons-halflings-regular.woff2") format("woff2"), '
                'url("../fonts/glyphicons-halflings-regular.woff") format("woff");'
            )
        rules.append(f"{selector}{{{body}}}")
    if len(rules) < 200:
        raise RuntimeError(f"glyphicons extraction found only {len(rules)} rules")
    rel = "dist/css/bootstrap-glyphicons.css"
    header = (
        "/* Glyphicons Halflings rules extracted from Bootstrap v3.4.1 dist/css/bootstrap.css\n"
        " * (https://getbootstrap.com/) by scripts/vendor_assets.py. Bootstrap: MIT licence;\n"
        " * Glyphicons Halflings font made available to Bootstrap by its author. */\n"
    )
    (out / rel).parent.mkdir(parents=True, exist_ok=True)
    (out / rel).write_text(header + "\n".join(rules) + "\n", encoding="utf-8")
    return [rel]


def _awesome_rotate_css(_pkg: Path, out: Path) -> list[str]:
    """Re-create folium's leaflet.awesome.rotate css (rules .fa-rotate-1 .. .fa-rotate-360).

    The file lives only in folium's GitHub repository (not in the wheel, not on
    npm); it is a generated list of rotation classes, reproduced here.
    """
    rel = "templates/leaflet.awesome.rotate.min.css"
    rules = "".join(
        f".fa-rotate-{d}{{-ms-transform:rotate({d}deg);-webkit-transform:rotate({d}deg);transform:rotate({d}deg)}}"
        for d in range(1, 361)
    )
    (out / rel).parent.mkdir(parents=True, exist_ok=True)
    (out / rel).write_text(rules + "\n", encoding="utf-8")
    return [rel]


# --------------------------------------------------------------------------
# what is vendored

JSD = "https://cdn.jsdelivr.net"
CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"

SPECS: list[PackageSpec] = [
    # ---- folium.Map ------------------------------------------------------
    PackageSpec(
        "leaflet",
        "1.9.3",
        {
            f"{JSD}/npm/leaflet@1.9.3/dist/leaflet.js": "dist/leaflet.js",
            f"{JSD}/npm/leaflet@1.9.3/dist/leaflet.css": "dist/leaflet.css",
        },
        # marker-icon-2x.png / marker-shadow.png are loaded by leaflet.js itself
        extra=["dist/images/*"],
    ),
    PackageSpec(
        "jquery",
        "3.7.1",
        {
            "https://code.jquery.com/jquery-3.7.1.min.js": "dist/jquery.min.js",
            f"{CDNJS}/jquery/3.7.1/jquery.min.js": "dist/jquery.min.js",  # same file (TimestampedGeoJson)
        },
    ),
    PackageSpec(
        "bootstrap",
        "5.2.2",
        {
            f"{JSD}/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": "dist/js/bootstrap.bundle.min.js",
            f"{JSD}/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": "dist/css/bootstrap.min.css",
        },
    ),
    PackageSpec(
        "bootstrap",
        "3.4.1",
        {
            "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": (
                "dist/css/bootstrap-glyphicons.css"
            ),
        },
        transforms=[_glyphicons_css],
        note="bootstrap@3.0.0 is not on npm; glyphicons CSS generated from 3.4.1 (same names/codepoints)",
    ),
    PackageSpec(
        "@fortawesome/fontawesome-free",
        "6.2.0",
        {f"{JSD}/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": "css/all.min.css"},
    ),
    PackageSpec(
        "drmonty-leaflet-awesome-markers",
        "2.0.2",
        {
            f"{CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": "js/leaflet.awesome-markers.min.js",
            f"{CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": "css/leaflet.awesome-markers.css",
        },
        note="npm repackaging of Leaflet.awesome-markers 2.0.2 (leaflet.awesome-markers on npm has no 2.0.2)",
    ),
    PackageSpec(
        "folium",
        "0.20.0",
        {
            f"{JSD}/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css": (
                "templates/leaflet.awesome.rotate.min.css"
            ),
            # folium.plugins.HeatMap: the file ships in the folium wheel itself
            f"{JSD}/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js": (
                "templates/leaflet_heat.min.js"
            ),
        },
        transforms=[_awesome_rotate_css],
        source="folium-wheel",
        license="MIT",
        note="rotate css generated (only in folium's git repo); leaflet_heat.min.js copied from the installed wheel",
    ),
    # ---- plugins -----------------------------------------------------------
    PackageSpec(
        "leaflet.fullscreen",
        "3.0.0",
        {
            f"{JSD}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": "Control.FullScreen.js",
            f"{JSD}/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": "Control.FullScreen.css",
        },
        note="package has no .min.js (jsDelivr minifies on the fly); the unminified file is served",
    ),
    PackageSpec(
        "leaflet-search",
        "2.9.7",
        {
            f"{JSD}/npm/leaflet-search@2.9.7/dist/leaflet-search.min.js": "dist/leaflet-search.min.js",
            f"{JSD}/npm/leaflet-search@2.9.7/dist/leaflet-search.min.css": "dist/leaflet-search.min.css",
        },
    ),
    PackageSpec(
        "leaflet.markercluster",
        "1.1.0",
        {
            f"{CDNJS}/leaflet.markercluster/1.1.0/leaflet.markercluster.js": "dist/leaflet.markercluster.js",
            f"{CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.css": "dist/MarkerCluster.css",
            f"{CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.Default.css": "dist/MarkerCluster.Default.css",
        },
    ),
    # ---- the app's own map code builds on these (geo_app/web) -------------
    PackageSpec(
        "topojson-client",
        "3.1.0",
        {f"{JSD}/npm/topojson-client@3.1.0/dist/topojson-client.min.js": "dist/topojson-client.min.js"},
        note="decodes the plan geometry, sent once as TopoJSON (shared county borders are one arc)",
    ),
    PackageSpec(
        "@mapbox/leaflet-pip",
        "1.1.0",
        {f"{JSD}/npm/@mapbox/leaflet-pip@1.1.0/leaflet-pip.min.js": "leaflet-pip.min.js"},
        note="point in polygon for the identify list of the standalone map and the deck",
    ),
    PackageSpec(
        "leaflet-draw",
        "1.0.4",
        {
            f"{JSD}/npm/leaflet-draw@1.0.4/dist/leaflet.draw.js": "dist/leaflet.draw.js",
            f"{JSD}/npm/leaflet-draw@1.0.4/dist/leaflet.draw.css": "dist/leaflet.draw.css",
            "https://cdnjs.cloudflare.com/ajax/libs/leaflet.draw/1.0.2/leaflet.draw.js": "dist/leaflet.draw.js",
            "https://cdnjs.cloudflare.com/ajax/libs/leaflet.draw/1.0.2/leaflet.draw.css": "dist/leaflet.draw.css",
        },
        note="folium.plugins.Draw (the plan workbench: draw or edit an item's outline); folium asks for 1.0.2",
    ),
]

LICENSE_GLOBS = ["LICENSE*", "LICENCE*", "MIT-LICENCE*", "license*", "licence*", "COPYING*"]

MIME_KIND = {".js": "js", ".css": "css"}


# --------------------------------------------------------------------------
# discovery


def _iter_modules(pkg_names: Iterable[str]) -> Iterable[object]:
    for pkg_name in pkg_names:
        pkg = importlib.import_module(pkg_name)
        yield pkg
        for info in pkgutil.walk_packages(pkg.__path__, pkg_name + "."):
            try:
                yield importlib.import_module(info.name)
            except Exception as exc:  # pragma: no cover - optional deps
                print(f"  (skipped {info.name}: {exc})", file=sys.stderr)


def discover_urls() -> dict[str, list[str]]:
    """All CDN URLs folium/branca/streamlit-folium may emit -> where they come from."""
    found: dict[str, set[str]] = {}
    for mod in _iter_modules(["folium", "branca"]):
        for obj in vars(mod).values():
            if not inspect.isclass(obj) or not obj.__module__.startswith(("folium", "branca")):
                continue
            for attr in ("default_js", "default_css"):
                for item in getattr(obj, attr, None) or []:
                    if isinstance(item, (tuple, list)) and len(item) == 2:
                        found.setdefault(item[1], set()).add(f"{obj.__module__}.{obj.__qualname__}")
        # URLs hard-coded in render() methods (branca ColorMap's d3, folium Vega...)
        src_file = getattr(mod, "__file__", None)
        if src_file and src_file.endswith(".py"):
            text = Path(src_file).read_text(encoding="utf-8")
            for m in re.finditer(r"(?:JavascriptLink|CssLink)\(\s*" + URL_RE.pattern, text):
                found.setdefault(m.group(1), set()).add(f"{mod.__name__} (render-time link)")
    # streamlit-folium inserts d3 URLs for colormaps itself
    # (read, not imported: importing it starts Streamlit machinery)
    spec = importlib.util.find_spec("streamlit_folium")
    if spec is not None and spec.origin:
        text = Path(spec.origin).read_text(encoding="utf-8")
        for m in URL_RE.finditer(text):
            if m.group(1).endswith((".js", ".css")):
                found.setdefault(m.group(1), set()).add("streamlit_folium.st_folium (hard-coded)")
    return {url: sorted(users) for url, users in sorted(found.items())}


# --------------------------------------------------------------------------
# building


def _npm_pack(spec: PackageSpec, tmp: Path) -> tuple[Path, dict]:
    """Download the tarball with ``npm pack`` and extract it; return (dir, pack info)."""
    dest = tmp / "tarballs"
    dest.mkdir(exist_ok=True)
    proc = subprocess.run(
        ["npm", "pack", f"{spec.name}@{spec.version}", "--json", "--pack-destination", str(dest)],
        check=True,
        capture_output=True,
        text=True,
    )
    info = json.loads(proc.stdout)[0]
    tarball = dest / info["filename"]
    out = tmp / "pkg" / spec.dirname.replace("/", "__")
    with tarfile.open(tarball) as tar:
        tar.extractall(out, filter="data")
    pkg_dir = out / "package"
    if not pkg_dir.is_dir():  # a few old packages use another top-level folder
        (pkg_dir,) = [p for p in out.iterdir() if p.is_dir()]
    return pkg_dir, {"integrity": info.get("integrity"), "tarball": info["filename"]}


def _folium_wheel_dir(tmp: Path) -> tuple[Path, dict]:
    import folium

    pkg = Path(folium.__file__).parent
    out = tmp / "pkg" / "folium-wheel"
    shutil.copytree(pkg, out / "folium")
    dist_info = next(pkg.parent.glob(f"folium-{folium.__version__}.dist-info"), None)
    if dist_info:
        for lic in dist_info.rglob("LICENSE*"):
            shutil.copy2(lic, out / "folium" / lic.name)
    # make the wheel layout look like the GitHub repo layout the CDN URLs use
    return out / "folium", {"integrity": None, "tarball": f"folium=={folium.__version__} (installed wheel)"}


def _css_refs(css_text: str) -> list[str]:
    """Relative file references in url(...) of a CSS text (no data:, no fragments, no absolute)."""
    refs = []
    for m in CSS_URL_RE.finditer(css_text):
        ref = m.group(2).strip()
        if ref.startswith(("data:", "#", "http:", "https:", "//", "/")):
            continue
        refs.append(re.split(r"[?#]", ref, maxsplit=1)[0])
    return refs


def _copy(src_root: Path, rel: str, dst_root: Path) -> None:
    src = src_root / rel
    if not src.is_file():
        raise FileNotFoundError(f"{src_root.name}: {rel} missing from package")
    dst = dst_root / rel
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)


def build(out_root: Path, tmp: Path) -> dict:
    """Build the vendored tree in out_root; return the manifest dict."""
    import branca
    import folium

    discovered = discover_urls()
    assets: dict[str, dict] = {}
    packages: dict[str, dict] = {}
    for spec in SPECS:
        print(f"- {spec.dirname}", file=sys.stderr)
        if spec.source == "npm":
            pkg_dir, pack_info = _npm_pack(spec, tmp)
            pkg_json = json.loads((pkg_dir / "package.json").read_text(encoding="utf-8"))
            if pkg_json.get("version") != spec.version:
                raise RuntimeError(f"{spec.name}: npm gave {pkg_json.get('version')}, wanted {spec.version}")
            lic = spec.license or pkg_json.get("license") or pkg_json.get("licenses")
        else:
            pkg_dir, pack_info = _folium_wheel_dir(tmp)
            lic = spec.license
        if isinstance(lic, list):  # old-style "licenses": [{"type": ...}]
            lic = " OR ".join(x.get("type", str(x)) if isinstance(x, dict) else str(x) for x in lic)
        elif isinstance(lic, dict):
            lic = lic.get("type")
        out_pkg = out_root / spec.dirname
        out_pkg.mkdir(parents=True, exist_ok=True)

        generated = set()
        for transform in spec.transforms:
            generated.update(transform(pkg_dir, out_pkg))

        files: set[str] = set(generated)
        for rel in spec.assets.values():
            if rel not in generated:
                _copy(pkg_dir, rel, out_pkg)
            files.add(rel)
        for pattern in spec.extra:
            for p in sorted(pkg_dir.glob(pattern)):
                if p.is_file():
                    rel = p.relative_to(pkg_dir).as_posix()
                    _copy(pkg_dir, rel, out_pkg)
                    files.add(rel)
        # fonts/images referenced by the CSS files, relative to each CSS file
        for rel in sorted(f for f in files if f.endswith(".css")):
            text = (out_pkg / rel).read_text(encoding="utf-8")
            for ref in _css_refs(text):
                target = (PurePosixPath(rel).parent / ref).as_posix()
                target = str(PurePosixPath(*_normalise(PurePosixPath(target).parts)))
                if not (out_pkg / target).is_file():
                    _copy(pkg_dir, target, out_pkg)
                files.add(target)
        license_files = []
        for pattern in LICENSE_GLOBS:
            for p in pkg_dir.glob(pattern):
                if p.is_file() and p.name not in license_files:
                    shutil.copy2(p, out_pkg / p.name)
                    license_files.append(p.name)
        if not license_files:  # e.g. drmonty-leaflet-awesome-markers ships none
            note = out_pkg / "LICENSE.from-package-json.txt"
            raw = pkg_json.get("licenses") or pkg_json.get("license") if spec.source == "npm" else lic
            note.write_text(
                f"{spec.name} {spec.version}: the package ships no licence file.\n"
                f"Licence declared in its package.json: {json.dumps(raw)}\n"
                f"Homepage: {pkg_json.get('homepage', '-') if spec.source == 'npm' else '-'}\n",
                encoding="utf-8",
            )
            license_files.append(note.name)

        size = sum((out_pkg / f).stat().st_size for f in files)
        packages[spec.dirname] = {
            "name": spec.name,
            "version": spec.version,
            "license": lic,
            "source": spec.source,
            "tarball": pack_info["tarball"],
            "integrity": pack_info["integrity"],
            "license_files": sorted(f"{spec.dirname}/{n}" for n in license_files),
            "files": sorted(files),
            "bytes": size,
            "note": spec.note,
        }
        for url, rel in spec.assets.items():
            if url not in discovered:
                print(f"  ! {url} is not referenced by the installed folium/branca", file=sys.stderr)
            local = out_pkg / rel
            assets[url] = {
                "path": f"{spec.dirname}/{rel}",
                "kind": MIME_KIND[Path(rel).suffix],
                "package": spec.name,
                "version": spec.version,
                "license": lic,
                "sha256": hashlib.sha256(local.read_bytes()).hexdigest(),
                "used_by": discovered.get(url, []),
            }
    not_vendored = {u: users for u, users in discovered.items() if u not in assets}
    return {
        "generated_by": "scripts/vendor_assets.py",
        "folium_version": folium.__version__,
        "branca_version": branca.__version__,
        "base": "paths are relative to static/vendor/",
        "assets": dict(sorted(assets.items())),
        "packages": packages,
        "not_vendored": not_vendored,
    }


def _normalise(parts: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for part in parts:
        if part == "..":
            if not out:
                raise ValueError(f"path escapes the package: {'/'.join(parts)}")
            out.pop()
        elif part not in (".", ""):
            out.append(part)
    return out


def write_licenses(manifest: dict, path: Path) -> None:
    """Write LICENSES.md summarising the vendored packages and what is not vendored."""
    lines = [
        "# Vendored front-end assets",
        "",
        "Generated by `scripts/vendor_assets.py` (do not edit by hand). These files replace the",
        f"CDN links of folium {manifest['folium_version']} / branca {manifest['branca_version']} so maps work without",
        "network; `geo_app/assets.py` rewrites the links using `manifest.json`.",
        "",
        "| package | version | licence | source | licence file(s) | size | note |",
        "| --- | --- | --- | --- | --- | ---: | --- |",
    ]
    total = 0
    for p in manifest["packages"].values():
        total += p["bytes"]
        lic_files = ", ".join(f"`{f}`" for f in p["license_files"]) or "-"
        lines.append(
            f"| {p['name']} | {p['version']} | {p['license']} | {p['source']} | {lic_files} "
            f"| {p['bytes'] / 1024:.0f} KiB | {p['note']} |"
        )
    lines += [
        "",
        f"Total: {total / 1024:.0f} KiB in {sum(len(p['files']) for p in manifest['packages'].values())} files.",
        "",
        "Notes on licences:",
        "",
        "- Font Awesome Free: icons CC BY 4.0, fonts SIL OFL 1.1, code MIT (see its LICENSE.txt).",
        "- Glyphicons Halflings: the font is distributed with Bootstrap under Bootstrap's MIT licence",
        "  by permission of its author (GLYPHICONS).",
        "- folium templates (leaflet.awesome.rotate css, leaflet_heat.min.js): folium, MIT.",
        "",
        "## CDN URLs that are NOT vendored",
        "",
        "Using one of these classes makes `geo_app.assets.localize_map` raise (until it is added to",
        "`SPECS` in `scripts/vendor_assets.py`).",
        "",
    ]
    for url, users in manifest["not_vendored"].items():
        lines.append(f"- `{url}` — {', '.join(users)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--list", action="store_true", help="print the discovered CDN URLs and exit")
    parser.add_argument("--out", type=Path, default=VENDOR_DIR, help="output dir (default static/vendor)")
    args = parser.parse_args(argv)
    if args.list:
        for url, users in discover_urls().items():
            print(url, "<-", ", ".join(users))
        return 0
    if shutil.which("npm") is None:
        print("npm is required (it downloads the packages from the npm registry)", file=sys.stderr)
        return 2
    out: Path = args.out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vendor-") as tmp_s:
        tmp = Path(tmp_s)
        staging = Path(tempfile.mkdtemp(prefix=".vendor-new-", dir=out.parent))
        try:
            manifest = build(staging, tmp)
            (staging / "manifest.json").write_text(
                json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
            write_licenses(manifest, staging / "LICENSES.md")
            if out.exists():
                shutil.rmtree(out)
            staging.rename(out)
        finally:
            if staging.exists():
                shutil.rmtree(staging)
    total = sum(p["bytes"] for p in manifest["packages"].values())
    print(
        f"vendored {len(manifest['assets'])} URLs from {len(manifest['packages'])} packages "
        f"({total / 1024:.0f} KiB) into {out}; {len(manifest['not_vendored'])} URLs not vendored"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
