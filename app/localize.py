"""Streamlit's own fixed English texts in the Chinese UI.

Select boxes get their placeholder from ``placeholder`` (``choose``); the "No results" of a
select box's empty search is fixed text in Streamlit's frontend, so a small in-page component
(no iframe) replaces it in the open dropdown with the UI language's words.
"""

from __future__ import annotations

import streamlit as st

from geo_app.i18n import t

LOCALIZE_JS = """
export default function (component) {
  const w = window;
  const st = (w.__pmLocalize = w.__pmLocalize || {});
  st.texts = component.data.texts || {};
  if (st.observer) return;
  const fix = (root) => {
    const walker = w.document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const to = st.texts[n.nodeValue];
      if (to !== undefined && n.nodeValue !== to) n.nodeValue = to;
    }
  };
  st.observer = new MutationObserver((records) => {
    for (const r of records) {
      for (const node of r.addedNodes) if (node.nodeType === 1 || node.nodeType === 3) fix(node.parentNode || node);
      if (r.type === "characterData" && r.target.parentNode) fix(r.target.parentNode);
    }
  });
  st.observer.observe(w.document.body, { childList: true, subtree: true, characterData: true });
}
"""

_localize = st.components.v2.component("pm_localize", html="<span></span>", js=LOCALIZE_JS)


def fixed_texts(lang: str) -> None:
    """Replace Streamlit's fixed English texts in this page by the UI language's."""
    texts = {"No results": t("no_results", lang)} if lang != "en" else {}
    _localize(data={"texts": texts}, key="pm_localize")
