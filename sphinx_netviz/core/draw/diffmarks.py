"""How a diff's marks are written: outlines, badges, marked edges and the legend's key.

The marks must read without colour (``palette: mono``, a greyscale print), so each differs
from an unmarked glyph by its *outline* and carries a text *badge*; colour only repeats it:

========  =========================================  =======
mark      outline                                    badge
========  =========================================  =======
added     thick and solid, in the text colour         ``+``
changed   thick dash-dot, in the text colour          ``~``
removed   dashed, grey; the fill ghosted (30 %)       ``-``
========  =========================================  =======

Added edges are drawn twice as thick, removed ones dashed. The badge is a ``<text>`` above
the glyph's top-right corner, inside the glyph's ``<g>`` (so its tooltip covers it), with the
``nv-label`` class: the page theme colours it like every label. Which glyph or edge carries
which mark is decided upstream (view/marks.py); this module only writes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..layout.sizes import LEGEND_FONT, SWATCH_H, SWATCH_TEXT_GAP, SWATCH_W, text_width
from .markup import FG, fmt, leaf_markup

if TYPE_CHECKING:
    from ..layout import Glyph, Scene
    from ..view.vgraph import VGraph

__all__ = [
    "BADGES",
    "MARKS",
    "badge_markup",
    "edge_attrs",
    "glyph_badge",
    "glyph_notes",
    "legend_item",
    "legend_width",
    "marks_drawn",
    "outline_attrs",
    "path_marks",
]

#: The marks in the legend's order, and their badges.
MARKS = ("added", "changed", "removed")
BADGES = {"added": "+", "changed": "~", "removed": "-"}
#: Outline of removed (ghost) glyphs: a grey that netviz.css does not restyle.
GHOST_STROKE = "#6e7781"
BADGE_FONT = 14.0


def outline_attrs(mark: str, width: float) -> dict[str, str]:
    """Attributes the glyph polygon of a marked glyph gets besides its own (``width``: its
    usual outline width, 3 for a layer and 8 for a group). Marks keep one dash rhythm and
    at most 6 px of outline, so a group's mark reads as a line, not as blocks."""
    thick = fmt(min(width, 5.0) + 1)
    if mark == "added":
        return {"stroke": FG, "stroke-width": thick}
    if mark == "changed":
        return {"stroke": FG, "stroke-width": thick, "stroke-dasharray": "9 3.5 2.5 3.5"}
    if mark == "removed":
        return {
            "stroke": GHOST_STROKE,
            "stroke-width": "2",
            "stroke-dasharray": "6 4",
            "fill-opacity": "0.3",
        }
    return {}


def badge_markup(mark: str, right: float, top: float) -> str:
    """The ``+``/``~``/``-`` badge above the top-right corner (``right``, ``top``)."""
    attrs = {
        "class": "nv-label nv-diff-badge",
        "data-diff": mark,
        "x": fmt(right),
        "y": fmt(top - 4),
        "font-size": fmt(BADGE_FONT),
        "font-weight": "700",
        "text-anchor": "end",
        "fill": FG,
    }
    return leaf_markup("text", attrs, BADGES[mark])


def glyph_badge(g: Glyph, dx: float, dy: float) -> str:
    """The badge of a marked glyph, placed from its outline."""
    right = max(p[0] for p in g.points) + dx
    top = min(p[1] for p in g.points) + dy
    return badge_markup(g.diff, right, top)


def edge_attrs(mark: str) -> dict[str, str]:
    """Attributes a marked edge gets besides its own."""
    if mark == "added":
        return {"data-diff": "added", "stroke-width": "2.5"}
    if mark == "removed":
        return {"data-diff": "removed", "stroke-dasharray": "5 4"}
    return {}


def path_marks(scene: Scene, vg: VGraph) -> dict[tuple[str, str], str]:
    """Marks of the scene's edges, by (source glyph, target glyph): the view's marked edges
    mapped onto the glyphs holding their ends (through a Split glyph, whose edges to its
    consumers carry the mark), plus every edge into or out of a ghost glyph."""
    if vg.diff is None:
        return {}
    glyph_of: dict[str, str] = {}
    ghosts: set[str] = set()
    for g in scene.glyphs:
        if g.diff == "removed":
            ghosts.add(g.id)
        for node in g.node_ids:
            vn = vg.nodes.get(node)
            if vn is not None:
                glyph_of.update((m, g.id) for m in vn.members)
    wanted = {}
    for (a, b), mark in vg.diff.edges.items():
        ga, gb = glyph_of.get(a), glyph_of.get(b)
        if ga is not None and gb is not None and ga != gb:
            wanted[(ga, gb)] = mark
    out: dict[tuple[str, str], str] = {}
    for p in scene.paths:
        source = p.source
        split = vg.nodes.get(source)
        if split is not None and split.synthetic and vg.pred.get(source):
            producer = vg.nodes.get(vg.pred[source][0])
            if producer is not None and producer.members:
                source = glyph_of.get(producer.members[0], source)
        found = wanted.get((source, p.target))
        if found is None and (source in ghosts or p.target in ghosts):
            found = "removed"
        if found is not None:
            out[(p.source, p.target)] = found
    return out


def legend_width(mark: str) -> float:
    """Width of the legend's key for one mark: a neutral swatch, its badge, the word."""
    return SWATCH_W + 12 + SWATCH_TEXT_GAP + text_width(mark, LEGEND_FONT)


def legend_item(mark: str, x: float, y: float) -> tuple[str, str]:
    """(swatch polygon, badge) markup of the legend's key for ``mark`` at (x, y)."""
    pts = [(x, y), (x + SWATCH_W, y), (x + SWATCH_W, y + SWATCH_H), (x, y + SWATCH_H)]
    attrs = {
        "class": "nv-shape",
        "points": " ".join(f"{fmt(px)},{fmt(py)}" for px, py in pts),
        "fill": "#D0D7DE" if mark == "removed" else "#FFFFFF",
        "stroke": FG,
        "stroke-width": "2",
        "stroke-linejoin": "round",
    }
    attrs.update(outline_attrs(mark, 2.0))
    polygon = leaf_markup("polygon", attrs)
    return polygon, badge_markup(mark, x + SWATCH_W + 12, y + 16)


def glyph_notes(scene: Scene, vg: VGraph) -> dict[str, list[str]]:
    """What changed, per marked glyph: the lines its tooltip gains."""
    if vg.diff is None:
        return {}
    out: dict[str, list[str]] = {}
    for g in scene.glyphs:
        if g.diff:
            members = [m for x in g.node_ids if x in vg.nodes for m in vg.nodes[x].members]
            out[g.id] = vg.diff.notes(members, g.diff, g.count_old, g.count)
    return out


def marks_drawn(scene: Scene, edge_marks: dict[tuple[str, str], str]) -> tuple[str, ...]:
    """The marks a scene shows (glyphs and edges), in the legend's order."""
    shown = {g.diff for g in scene.glyphs} | set(edge_marks.values())
    return tuple(m for m in MARKS if m in shown)
