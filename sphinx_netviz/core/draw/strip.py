"""Composition strips: a group's members as one row of swatches, each with its count.

A legend explains a group by drawing its members as a miniature diagram (Net2Vis's
"glyph = members"). A cell of forty layers in a tangle of lanes makes that miniature taller
than the diagram it explains (a NASNet cell: 300 px); the legend then says what the group is
made of instead: one small swatch per member type, in drawing order, with its count
(``x10``), in the types' own looks. The strip is a scene like a miniature, so the SVG writer
draws it with the same code.
"""

from __future__ import annotations

from collections import Counter

from ..layout import Glyph, Label, Scene
from ..layout.sizes import COUNT_FONT_MINI, text_width

__all__ = ["composition_strip"]

#: Swatch size and the gap between entries (a miniature's glyph size, Sizer.mini()).
_W = 8.0
_H = 24.0
_GAP = 6.0


def composition_strip(members: list[str]) -> Scene:
    """A strip of one swatch per type of ``members`` (in first-seen order) with its count."""
    counts = Counter(members)
    glyphs: list[Glyph] = []
    labels: list[Label] = []
    x = 2.0
    cy = 2.0 + _H / 2
    for i, (t, c) in enumerate(counts.items()):
        text = f"\u00d7{c}" if c > 1 else ""
        slot = max(_W, text_width(text, COUNT_FONT_MINI)) if text else _W
        gx = x + (slot - _W) / 2
        points = [
            (gx, cy - _H / 2),
            (gx + _W, cy - _H / 2),
            (gx + _W, cy + _H / 2),
            (gx, cy + _H / 2),
        ]
        glyphs.append(
            Glyph(f"strip{i}", "layer", t, t, gx, _W, cy, _H, _H, [cy], [cy], points=points)
        )
        if text:
            labels.append(Label(gx + _W / 2, cy + _H / 2 + 11, text, "count", size=COUNT_FONT_MINI))
        x += slot + _GAP
    height = 2.0 + _H + (13.0 if labels else 0.0) + 2.0
    return Scene(glyphs, [], labels, [], round(x - _GAP + 2.0, 2), height)
