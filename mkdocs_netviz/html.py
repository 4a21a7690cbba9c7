"""The HTML a fence becomes. The figure itself is the core's (one markup for Sphinx and
MkDocs, :mod:`sphinx_netviz.core.embed.figure`); only the plain-code fallback is MkDocs' own.

Diagrams are inlined as SVG (not ``<img>``): only inline SVG inherits the page's CSS custom
properties, which is how one picture follows Material's light and dark palettes. The script
that opens groups and zooms (``netviz.js``) delegates its listeners from the document, so
Material's instant navigation (which swaps page bodies without re-running scripts) keeps
working.
"""

from __future__ import annotations

from html import escape

from sphinx_netviz.core.adapter import Embed, figure_html, placeholder_html

__all__ = ["Embed", "figure_html", "placeholder_html", "source_html"]


def source_html(source: str) -> str:
    """The fence shown as plain code, used when the plugin is disabled (fast drafts)."""
    return f'<pre class="netviz-source"><code>{escape(source)}</code></pre>'
