"""Size constants shared by the layout, the legend and the SVG writer (one place).

The layout reserves room for what the writer draws: label font sizes and line steps, stroke
widths (a thick group outline needs a margin), legend swatches. Keeping them here means a
change to one number moves the geometry and the drawing together.
"""

from __future__ import annotations

__all__ = [
    "COUNT_FONT_MINI",
    "EDGE_WIDTH",
    "EDGE_WIDTH_MINI",
    "EQUALS_FONT",
    "EQUALS_X",
    "FONT",
    "GROUP_H",
    "GROUP_LABEL_H",
    "GROUP_STROKE",
    "GROUP_W",
    "ITEM_GAP",
    "LABEL_FONT",
    "LEGEND_FONT",
    "LINE_STEP",
    "MARGIN",
    "MINI_STROKE_SCALE",
    "MINI_X",
    "ROW_GAP",
    "STROKE",
    "STROKE_PAD",
    "SWATCH_H",
    "SWATCH_TEXT_GAP",
    "SWATCH_W",
    "text_width",
]

#: Diagram label text (dims, features, names, counts).
FONT = 11.0
LABEL_FONT = 11.0
#: Vertical step between stacked labels under a glyph.
LINE_STEP = 13.0
#: The xN count under a glyph in a legend's mini drawing.
COUNT_FONT_MINI = 8.0
#: Legend text.
LEGEND_FONT = 12.0

#: Outline widths of layer and group glyphs; mini drawings (legend) scale them down.
STROKE = 3.0
GROUP_STROKE = 8.0
MINI_STROKE_SCALE = 0.4
#: Edge widths.
EDGE_WIDTH = 1.25
EDGE_WIDTH_MINI = 1.0

#: Room around a scene: the margin plus half the thickest stroke (so outlines are not cut).
MARGIN = 10.0
STROKE_PAD = 6.0

#: Legend geometry: type swatch, group swatch, gaps between items and rows.
SWATCH_W = 12.0
SWATCH_H = 28.0
GROUP_W = 18.0
GROUP_H = 30.0
ITEM_GAP = 28.0
ROW_GAP = 16.0
#: Legend: text right of a type swatch; a group's "=" and mini drawing right of its swatch;
#: the room for the group's name under it.
SWATCH_TEXT_GAP = 8.0
EQUALS_X = 12.0
EQUALS_FONT = 14.0
MINI_X = 24.0
GROUP_LABEL_H = 18.0


def text_width(text: str, size: float = LABEL_FONT) -> float:
    """An estimate of rendered text width (sans-serif): enough to keep labels apart."""
    return 0.6 * size * len(text) + 2
