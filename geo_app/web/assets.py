"""Serve folium's JS/CSS from the vendored copies in ``static/vendor`` (no network).

folium, its plugins and branca link Leaflet, jQuery, Bootstrap, Font Awesome...
from public CDNs. ``scripts/vendor_assets.py`` downloads those files into
``static/vendor/`` and writes ``manifest.json`` (CDN URL -> local path). This
module uses the manifest to

* :func:`localize_map` - point every link of a map at ``base_url + local path``
  (Streamlit static serving, a local web server, or ``file://``);
* :func:`inline_html` - make a rendered page self-contained (scripts, styles,
  fonts and images inlined; nothing is fetched from the network);
* :func:`find_external_urls` - list what a page would still fetch from outside.

Base-map tiles are data, not assets: offline they simply fail to load (grey
background); vector layers, markers, popups and controls work.

No Streamlit import here on purpose (usable from scripts and tests).
"""

from __future__ import annotations

import base64
import functools
import json
import mimetypes
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

import folium
from branca.element import CssLink, Element, JavascriptLink, MacroElement
from folium.template import Template

__all__ = [
    "STREAMLIT_BASE_URL",
    "VENDOR_DIR",
    "MissingAssetError",
    "file_base_url",
    "find_external_urls",
    "inline_html",
    "load_manifest",
    "localize_map",
    "pop_colormaps",
    "save_offline_html",
]

_E = TypeVar("_E", bound=Element)

VENDOR_DIR: Path = Path(__file__).resolve().parents[2] / "static" / "vendor"

#: The app's own client code (``static/planmap/``), addressed like a vendored package so the
#: same localize/inline machinery serves it: pseudo URL -> path relative to the vendor dir.
OWN_URL = "https://planmap.invalid/"
OWN_ASSETS: dict[str, str] = {OWN_URL + name: "../planmap/" + name for name in ("planmap.js", "planmap.css")}

#: base_url for ``st_folium`` with ``server.enableStaticServing = true`` and the
#: app script next to ``static/``. Absolute on purpose: st_folium injects the
#: links into its component iframe (``/component/streamlit_folium.st_folium/``),
#: where a relative ``app/static/...`` would resolve under the component path.
STREAMLIT_BASE_URL = "/app/static/vendor/"

_FONT_RANK = {".woff2": 0, ".woff": 1, ".ttf": 2, ".otf": 3, ".eot": 4, ".svg": 5}
_FONT_FORMAT = {".woff2": "woff2", ".woff": "woff", ".ttf": "truetype", ".otf": "opentype"}
_MIME = {
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".js": "text/javascript",
    ".css": "text/css",
}

_CSS_URL_RE = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)""", re.I)
_FONT_FACE_RE = re.compile(r"@font-face\s*\{([^}]*)\}", re.I)
_SCRIPT_SRC_RE = re.compile(r"""<script\b[^>]*?\bsrc\s*=\s*(["'])(.*?)\1[^>]*>\s*</script\s*>""", re.I | re.S)
_LINK_RE = re.compile(r"<link\b[^>]*>", re.I)
_ATTR_RE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_RESOURCE_ATTR_RE = re.compile(
    r"""<(script|img|iframe|source|embed|video|audio|track|input|link|object)\b[^>]*?"""
    r"""\b(src|href|data|poster)\s*=\s*(["']?)([^"'\s>]+)\3""",
    re.I,
)
_IMAGE_PATH_KEY = "leaflet_image_path"
_IMPORT_RE = re.compile(r"""@import\s+(?:url\()?\s*["']?([^"')\s;]+)""", re.I)


class MissingAssetError(RuntimeError):
    """A map links a CDN URL that has no vendored copy in static/vendor."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = sorted(set(urls))
        super().__init__(
            "no local copy for these CDN assets (add them to SPECS in "
            "scripts/vendor_assets.py and re-run it):\n  " + "\n  ".join(self.urls)
        )


# ---------------------------------------------------------------------------
# manifest


class _Manifest:
    """Lookup of vendored assets by CDN URL or by (suffix of a) local path."""

    def __init__(self, vendor_dir: Path) -> None:
        path = vendor_dir / "manifest.json"
        if not path.is_file():
            raise FileNotFoundError(f"{path} missing: run scripts/vendor_assets.py")
        data = json.loads(path.read_text(encoding="utf-8"))
        self.vendor_dir = vendor_dir
        self.raw: dict[str, Any] = data
        self.by_url: dict[str, str] = {u: a["path"] for u, a in data["assets"].items()}
        if vendor_dir.resolve() == VENDOR_DIR.resolve():
            self.by_url.update(OWN_ASSETS)
        self.paths: set[str] = set(self.by_url.values())

    def local_path(self, url: str) -> str | None:
        """Vendored path (relative to the vendor dir) for a CDN or already-localized URL."""
        if url in self.by_url:
            return self.by_url[url]
        norm = "https:" + url if url.startswith("//") else re.sub(r"^http:", "https:", url)
        if norm in self.by_url:
            return self.by_url[norm]
        bare = url.split("?", 1)[0].split("#", 1)[0]
        for p in self.paths:  # a URL localized earlier (any base) ends with its path
            if bare == p or bare.endswith("/" + p):
                return p
        return None

    def file(self, rel: str) -> Path:
        return self.vendor_dir / rel


@functools.lru_cache(maxsize=8)
def _manifest(vendor_dir: str) -> _Manifest:
    return _Manifest(Path(vendor_dir))


def load_manifest(vendor_dir: Path | None = None) -> dict[str, Any]:
    """Return the parsed ``manifest.json`` of the vendor dir."""
    return _manifest(str(vendor_dir or VENDOR_DIR)).raw


def file_base_url(vendor_dir: Path | None = None) -> str:
    """``file://`` base URL of the vendor dir (for HTML opened from this machine)."""
    return (vendor_dir or VENDOR_DIR).resolve().as_uri() + "/"


def _is_external(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


# ---------------------------------------------------------------------------
# localize_map


def _walk(el: Element) -> Iterator[Element]:
    yield el
    for attr in ("m1", "m2"):  # folium.plugins.DualMap keeps its maps as attributes
        sub = getattr(el, attr, None)
        if isinstance(sub, Element):
            yield from _walk(sub)
    for child in list(getattr(el, "_children", {}).values()):
        yield from _walk(child)


def _join(base_url: str, rel: str) -> str:
    return base_url + rel if (not base_url or base_url.endswith("/")) else f"{base_url}/{rel}"


def _localize_tree(root: Element, base_url: str, man: _Manifest) -> None:
    """Set instance-level default_js/default_css with local URLs on every element."""
    missing: list[str] = []
    for el in _walk(root):
        for attr in ("default_js", "default_css"):
            links = getattr(el, attr, None)
            if not links:
                continue
            new: list[tuple[str, str]] = []
            for name, url in links:
                rel = man.local_path(url)
                if rel is not None:
                    url = _join(base_url, rel)
                elif _is_external(url):
                    missing.append(url)
                new.append((name, url))
            # instance attribute: folium's class-level lists stay untouched
            setattr(el, attr, new)
    if missing:
        raise MissingAssetError(missing)


def _localize_header(root: Element, base_url: str, man: _Manifest) -> None:
    """Rewrite Javascript/Css links already in the figure header (render-time links)."""
    header = getattr(root.get_root(), "header", None)
    if header is None:
        return
    missing: list[str] = []
    for child in header._children.values():
        if isinstance(child, (JavascriptLink, CssLink)):
            rel = man.local_path(child.url)
            if rel is not None:
                child.url = _join(base_url, rel)
            elif _is_external(child.url):
                missing.append(child.url)
    if missing:
        raise MissingAssetError(missing)


class _LeafletImagePath(MacroElement):
    """Sets ``L.Icon.Default.imagePath`` to the vendored Leaflet images.

    Leaflet guesses the path from leaflet.css; in st_folium's iframe the CSS is
    often not applied yet and the guess yields ``.../distmarker-icon.png``
    (Leaflet issue 4968). Kept as the map's first child so it runs before any
    marker is created; it leaves an imagePath set earlier (inline_html) alone.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
    if (typeof L.Icon.Default.imagePath !== "string") { L.Icon.Default.imagePath = {{ this.path_js }}; }
{% endmacro %}"""
    )

    def __init__(self, path: str) -> None:
        super().__init__()
        self._name = "LeafletImagePath"
        self.path_js = json.dumps(path)


def _set_image_path(m: Element, base_url: str, man: _Manifest) -> None:
    leaflet_js = next((p for p in man.paths if p.endswith("/leaflet.js")), None)
    if leaflet_js is None or not isinstance(m, folium.Map):
        return
    images = str(PurePosixPath(leaflet_js).parent / "images") + "/"
    el = _LeafletImagePath(_join(base_url, images))
    el._parent = m
    m._children[_IMAGE_PATH_KEY] = el
    m._children.move_to_end(_IMAGE_PATH_KEY, last=False)


class _LocalizingRender:
    """Instance-level ``render`` wrapper: localizes before and after folium renders.

    Catches children added after :func:`localize_map` and links that elements put
    into the figure header while rendering (e.g. branca ColorMap's d3). A class
    instance, not a closure, so maps stay picklable/deep-copyable.
    """

    def __init__(self, element: Element, base_url: str, vendor_dir: str) -> None:
        self.element = element
        self.base_url = base_url
        self.vendor_dir = vendor_dir

    def __call__(self, **kwargs: Any) -> Any:
        man = _manifest(self.vendor_dir)
        _localize_tree(self.element, self.base_url, man)
        out = type(self.element).render(self.element, **kwargs)
        _localize_header(self.element, self.base_url, man)
        return out


def localize_map(m: _E, base_url: str, vendor_dir: Path | None = None) -> _E:
    """Point every JS/CSS link of ``m`` (and all its children) at ``base_url + local path``.

    ``base_url`` examples: :data:`STREAMLIT_BASE_URL` for ``st_folium``,
    ``"app/static/vendor/"`` for HTML embedded in the Streamlit main page,
    :func:`file_base_url` for a file opened on this machine.
    Only instance attributes are set, so other maps keep the CDN links. Also
    adds a first child setting ``L.Icon.Default.imagePath`` to the vendored
    Leaflet images (default marker icons inside st_folium's iframe).
    Raises :class:`MissingAssetError` listing CDN URLs without a local copy
    (also at render time, for children added later). Returns ``m``. Works on
    any element, e.g. a FeatureGroup passed to st_folium's feature_group_to_add.
    """
    vd = str(vendor_dir or VENDOR_DIR)
    man = _manifest(vd)
    _localize_tree(m, base_url, man)
    _localize_header(m, base_url, man)
    _set_image_path(m, base_url, man)
    m.render = _LocalizingRender(m, base_url, vd)  # type: ignore[method-assign]
    return m


def pop_colormaps(m: folium.Map) -> list[Element]:
    """Detach every branca ColorMap (legend) from ``m`` and return them.

    ``st_folium`` hard-codes CDN d3 URLs for any ColorMap in the map and stops
    rendering when they fail to load, so offline the legend must be shown
    outside the map, e.g. ``st.html(cm._repr_html_())`` (pure SVG, no d3).
    """
    from branca.colormap import ColorMap

    found: list[Element] = []
    for el in list(_walk(m)):
        for key, child in list(getattr(el, "_children", {}).items()):
            if isinstance(child, ColorMap):
                del el._children[key]
                found.append(child)
        if getattr(el, "color_scale", None) is not None and isinstance(el.color_scale, ColorMap):
            el.color_scale = None  # folium.Choropleth re-adds it at render time otherwise
    return found


# ---------------------------------------------------------------------------
# inline_html


def _data_uri(path: Path) -> str:
    mime = _MIME.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _resolve_rel(css_rel: str, ref: str) -> str:
    parts: list[str] = []
    for part in (PurePosixPath(css_rel).parent / ref).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


def _url_suffix(url: str) -> str:
    return PurePosixPath(url.split("?")[0].split("#")[0]).suffix.lower()


def _prune_font_face(css: str, css_rel: str, seen_fonts: set[str]) -> str:
    """Keep one font format per @font-face (woff2 if present) and each font file once.

    A later @font-face reusing an already inlined file (Font Awesome's v4/v5
    family aliases such as "FontAwesome") is dropped: folium's markup only uses
    the current family names, and it saves ~0.5 MB per page.
    """

    def repl(m: re.Match[str]) -> str:
        body = m.group(1)
        if "data:" in body:
            return m.group(0)
        urls = [u.group(2).strip() for u in _CSS_URL_RE.finditer(body)]
        fonts = [u for u in urls if _url_suffix(u) in _FONT_FORMAT and not _is_external(u)]
        if not fonts:
            return m.group(0)
        best = min(fonts, key=lambda u: _FONT_RANK[_url_suffix(u)])
        target = _resolve_rel(css_rel, best.split("?")[0].split("#")[0])
        if target in seen_fonts:
            return ""
        seen_fonts.add(target)
        rest = re.sub(r"\bsrc\s*:[^;]*;?", "", body).strip().rstrip(";")
        sep = ";" if rest else ""
        return f'@font-face{{{rest}{sep}src:url("{best}") format("{_FONT_FORMAT[_url_suffix(best)]}")}}'

    return _FONT_FACE_RE.sub(repl, css)


def _inline_css(css: str, css_rel: str, man: _Manifest, seen_fonts: set[str]) -> str:
    """Inline the files a vendored CSS references with url(...) as data: URIs."""
    css = _prune_font_face(css, css_rel, seen_fonts)

    def repl(m: re.Match[str]) -> str:
        ref = m.group(2).strip()
        if not ref or ref.startswith(("data:", "#")) or _is_external(ref):
            return m.group(0)
        target = man.file(_resolve_rel(css_rel, ref.split("?")[0].split("#")[0]))
        if not target.is_file():
            return m.group(0)
        return f'url("{_data_uri(target)}")'

    css = _CSS_URL_RE.sub(repl, css)
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.I)


def _leaflet_icon_fix(man: _Manifest, leaflet_rel: str) -> str:
    """Script giving L.Icon.Default data: URIs (its path detection needs a real leaflet.css URL)."""
    img = man.file(leaflet_rel).parent / "images"
    opts = {
        key: _data_uri(img / name)
        for key, name in (
            ("iconUrl", "marker-icon.png"),
            ("iconRetinaUrl", "marker-icon-2x.png"),
            ("shadowUrl", "marker-shadow.png"),
        )
        if (img / name).is_file()
    }
    return (
        "<script>if (window.L && L.Icon && L.Icon.Default) {L.Icon.Default.imagePath = '';"
        f"L.Icon.Default.mergeOptions({json.dumps(opts)});}}</script>"
    )


def _attrs(tag: str) -> dict[str, str]:
    return {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None) for m in _ATTR_RE.finditer(tag)}


def inline_html(html: str, vendor_dir: Path | None = None, strict: bool = True) -> str:
    """Return ``html`` (a rendered folium page) with every vendored script/stylesheet inlined.

    ``<script src=CDN>`` becomes ``<script>...</script>`` and ``<link rel=stylesheet
    href=CDN>`` becomes ``<style>`` with fonts/images as ``data:`` URIs. Links that
    were already localized (any base URL) are recognised too. With ``strict`` an
    external script/stylesheet without a local copy raises :class:`MissingAssetError`.
    Tile URLs inside the map's JS are left alone (offline they just fail).
    """
    man = _manifest(str(vendor_dir or VENDOR_DIR))
    missing: list[str] = []
    seen_fonts: set[str] = set()

    def script_repl(m: re.Match[str]) -> str:
        url = m.group(2)
        rel = man.local_path(url)
        if rel is None:
            if _is_external(url):
                missing.append(url)
            return m.group(0)
        code = man.file(rel).read_text(encoding="utf-8")
        code = re.sub(r"</(script)", r"<\\/\1", code, flags=re.I)
        # "<!--" would switch the HTML parser to the "script data escaped" state
        inline = "<!--" not in code
        tag = f"<script>{code}\n</script>" if inline else f'<script src="{_data_uri(man.file(rel))}"></script>'
        tag = f"<!-- vendored: {rel} -->{tag}"
        if rel.endswith("/leaflet.js"):
            tag += _leaflet_icon_fix(man, rel)
        return tag

    def link_repl(m: re.Match[str]) -> str:
        attrs = _attrs(m.group(0))
        url = attrs.get("href", "")
        if "stylesheet" not in attrs.get("rel", "").lower().split():
            return m.group(0)
        rel = man.local_path(url)
        if rel is None:
            if _is_external(url):
                missing.append(url)
            return m.group(0)
        css = _inline_css(man.file(rel).read_text(encoding="utf-8"), rel, man, seen_fonts)
        return f"<!-- vendored: {rel} --><style>{css}\n</style>"

    out = _SCRIPT_SRC_RE.sub(script_repl, html)
    out = _LINK_RE.sub(link_repl, out)
    if strict and missing:
        raise MissingAssetError(missing)
    return out


def save_offline_html(m: folium.Map, path: str | Path) -> Path:
    """Render ``m`` and write a self-contained HTML file (see :func:`inline_html`)."""
    path = Path(path)
    path.write_text(inline_html(m.get_root().render()), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# checks


def find_external_urls(html: str) -> list[str]:
    """External (http/https/protocol-relative) URLs the page would load as resources.

    Looks at src/href/data attributes of resource tags (script, link, img,
    iframe, ...; also inside JS strings, e.g. popup HTML), CSS ``url(...)`` and
    ``@import``. Not reported: ``<a href>`` navigation links and tile URL
    templates in the map's JS.
    """
    found: set[str] = set()
    for m in _RESOURCE_ATTR_RE.finditer(html):
        if _is_external(m.group(4)):
            found.add(m.group(4))
    for m in _CSS_URL_RE.finditer(html):
        if _is_external(m.group(2).strip()):
            found.add(m.group(2).strip())
    for m in _IMPORT_RE.finditer(html):
        if _is_external(m.group(1)):
            found.add(m.group(1))
    return sorted(found)
