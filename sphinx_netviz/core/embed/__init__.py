"""The page: the figure HTML both adapters embed, inlining, and the static CSS/JS they ship.

- :mod:`.figure`: the figure, its controls and links, placeholders for failed diagrams, the
  static assets (``static/netviz.css``, ``static/netviz.js``);
- :mod:`.inline`: making a standalone SVG document fit to be inlined in an HTML page.

The adapters reach these through the adapter API (:mod:`..adapter`).
"""

from __future__ import annotations

from .figure import Embed, figure_html, placeholder_html
from .inline import inline_svg, unique_ids

__all__ = ["Embed", "figure_html", "inline_svg", "placeholder_html", "unique_ids"]
