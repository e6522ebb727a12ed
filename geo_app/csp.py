"""A Content-Security-Policy for the self-contained HTML files (standalone map, deck).

Escaping (``geo_app.escaping``) keeps text from becoming markup; the policy is the second wall
for markup that reaches the page at run time (Leaflet's layer control, tooltips, popups and
plugins write labels with ``innerHTML``): each ``<script>`` of the finished file is allowed by its
SHA-256 hash and nothing else runs, so an ``<img onerror=...>``, an ``onclick`` or a
``javascript:`` link that slipped past an escape does nothing, and no page can load, send or
frame anything. A policy computed from the finished file cannot tell a ``<script>`` block that
was injected into the file itself from its own, so text written into the file must still be
escaped for its context (``html_text``, ``json_for_script``). Styles stay inline (Leaflet sets
them); images may be ``data:`` or tiles over https.
"""

from __future__ import annotations

import base64
import hashlib
import re

from geo_app.escaping import html_attr

_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.S | re.I)
_HEAD = re.compile(r"<head[^>]*>", re.I)


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def script_hashes(html: str) -> list[str] | None:
    """The CSP hash sources of every inline script, or None when a script has a ``src``
    (an external or ``data:`` script cannot be allowed by a hash of its text)."""
    hashes: list[str] = []
    for m in _SCRIPT.finditer(html):
        if re.search(r"\bsrc\s*=", m.group("attrs"), re.I):
            return None
        hashes.append(f"'sha256-{_sha256(m.group('body'))}'")
    return list(dict.fromkeys(hashes))


def policy(hashes: list[str], tiles: bool = True) -> str:
    """The policy text: scripts by hash only; inline styles; data:/https images; no requests."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src " + (" ".join(hashes) or "'none'"),
            "style-src 'unsafe-inline'",
            "img-src data: blob:" + (" https:" if tiles else ""),
            "font-src data:",
            "connect-src 'none'",
            "object-src 'none'",
            "frame-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def add_csp(html: str, tiles: bool = True) -> str:
    """``html`` with a CSP ``<meta>`` as the first element of ``<head>`` (before any script).

    Unchanged when it has a script with ``src`` or no ``<head>``: the caller's tests assert the
    policy is there, so such a change of the assets is noticed instead of breaking the file.
    """
    hashes = script_hashes(html)
    head = _HEAD.search(html)
    if hashes is None or head is None:
        return html
    meta = f'<meta http-equiv="Content-Security-Policy" content="{html_attr(policy(hashes, tiles))}">'
    return html[: head.end()] + meta + html[head.end() :]
