"""Size constants shared by the layout, the legend and the SVG writer (one place).

The layout reserves room for what the writer draws: label font sizes and line steps, stroke
widths (a thick group outline needs a margin), legend swatches. Keeping them here means a
change to one number moves the geometry and the drawing together.
"""

from __future__ import annotations

import itertools
import re

__all__ = [
    "COLUMN",
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
    "LEGEND_COLUMN",
    "LEGEND_FONT",
    "LINE_STEP",
    "MARGIN",
    "MINI_STROKE_SCALE",
    "MINI_X",
    "MIN_PX",
    "ROW_GAP",
    "STROKE",
    "STROKE_PAD",
    "SWATCH_H",
    "SWATCH_TEXT_GAP",
    "SWATCH_W",
    "name_lines",
    "text_width",
]

#: Diagram label text (dims, features, names, counts).
FONT = 11.0
LABEL_FONT = 11.0
#: Vertical step between stacked labels under a glyph.
LINE_STEP = 13.0
#: The xN count under a glyph in a legend's mini drawing (no text is smaller than FONT:
#: ``wrap: auto`` keeps every label readable at the column width).
COUNT_FONT_MINI = 11.0
#: Legend text.
LEGEND_FONT = 12.0
#: The docs column a diagram is judged at, and the smallest label size it must keep there
#: once shrunk to fit (issue 19): ``wrap: auto`` wraps anything wider than
#: COLUMN * FONT / MIN_PX.
COLUMN = 800.0
MIN_PX = 9.0
#: The narrowest docs column a legend under a narrower diagram wraps to (Furo, Material and
#: Read the Docs columns are 640-800 px): it never makes a small diagram's figure wider.
LEGEND_COLUMN = 640.0

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


#: Longest line of a group's name under its glyph (characters), and most lines.
NAME_LINE = 13
NAME_LINES = 3


def _break_cost(name: str, at: int) -> float | None:
    """How much a break before ``name[at]`` costs (None: not a place to break): after an
    opening parenthesis, a comma or a space is free, inside a hyphenated chain costs a
    little, and a repeat count (``x3``) stays with what it counts."""
    before = name[at - 1]
    if name[at] in "\u00d7 ":
        return None
    if before == "(" and name[at - 2 : at - 1] == " ":
        return None  # "cell (45 layers)": break before the parenthesis, not after it
    if before in "(,":
        return 0.0
    if before == " ":
        return 0.5 if name[at - 2] == "," else 1.0
    if before == "-":
        return 2.0
    return None


def name_lines(name: str, count: int = 1) -> list[str]:
    """A group's name as the lines of its label row, with ``xN`` after the last line.

    The fewest lines (at most :data:`NAME_LINES`) whose longest is at most
    :data:`NAME_LINE` characters, breaking where it reads best (:func:`_break_cost`);
    a name that fits no way is broken into its most even lines. Each line keeps its break
    character, a space too, so the lines joined are exactly the name (in parentheses when
    it ends in a count of its own: ``(Conv x2) x3``)."""
    suffix = f" \u00d7{count}" if count > 1 else ""
    if suffix and re.search(r"\u00d7\d+$", name):
        name = f"({name})"  # "(Conv x2) x3", not "Conv x2 x3"
    cuts = [(i, c) for i in range(1, len(name)) if (c := _break_cost(name, i)) is not None]
    best: tuple[tuple[bool, int, float], list[str]] | None = None
    for n in range(NAME_LINES):
        for chosen in itertools.combinations(cuts, n):
            ends = [0, *(i for i, _c in chosen), len(name)]
            lines = [name[a:b] for a, b in itertools.pairwise(ends)]
            if any(len(line.strip()) < 3 for line in lines):
                continue  # no line of a lone bracket or word stub
            longest = max(len(line.rstrip()) for line in lines)
            lines[-1] += suffix
            cost = sum(c for _i, c in chosen)
            score = (longest > NAME_LINE, n if longest <= NAME_LINE else 0, longest + 1.5 * cost)
            if best is None or score < best[0]:
                best = (score, lines)
    assert best is not None
    return best[1]
