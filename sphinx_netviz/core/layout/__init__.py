"""Left-to-right layout: positioned glyphs, orthogonal edges and labels (geometry only).

This layout is hand-written on purpose: it is the product's craft, and the general-purpose
engines get it wrong for this picture (dagre/Graphviz place branches by crossing-minimisation
heuristics, route edges through other nodes, and know nothing about Net2Vis's fan-shaped split
and merge glyphs). Instead the series-parallel tree (view/structure.py) is laid out recursively:

- scene.py: what comes out (glyphs, edge polylines, labels) and the pieces it is built from;
- sizing.py: Net2Vis's glyph size formulas and label texts;
- glyphs.py: glyph construction, label stacks, outlines;
- series.py: series left to right, blocks with one lane per branch;
- layered.py: non-series-parallel regions (a layered layout keeping the main chain on one
  row, side inputs and long skips in lanes around it);
- routing.py: tracks in column gaps, lanes, junction dissolving;
- wrapping.py: ``wrap`` breaks the top-level series into balanced rows (``auto``: when
  the diagram would not fit a docs column at readable label sizes);
- place.py: the entry point; stats.py: crossings, bends and size of the result.

Spacing: ``h-spacing`` is the gap between consecutive glyphs (Net2Vis's rank separation);
``v-spacing`` keeps Net2Vis's default of 200, which there is dagre's node separation in an
interactive, zoomed canvas; drawn 1:1 that would make every residual block ~300 px tall, so
the gap between parallel lanes here is a quarter of it (50 px by default, at least 12),
added to each lane's own extent (glyphs and their labels).
"""

from __future__ import annotations

from .glyphs import outline
from .place import layout
from .scene import Glyph, Label, Path, Scene
from .sizes import FONT, LABEL_FONT, text_width
from .sizing import Sizer, dims_text, feature_text
from .stats import LayoutStats, count_crossings

__all__ = [
    "FONT",
    "LABEL_FONT",
    "Glyph",
    "Label",
    "LayoutStats",
    "Path",
    "Scene",
    "Sizer",
    "count_crossings",
    "dims_text",
    "feature_text",
    "layout",
    "outline",
    "text_width",
]
