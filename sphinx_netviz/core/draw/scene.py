"""Drawing a laid-out scene and a legend into SVG elements (markup contract: svg.py).

Shared by the diagram, the legend on its own and the drill-down scenes, so all three carry
the same glyph, edge and label markup; legend items draw their "glyph = members" scene with
the same code, scaled down (``mini``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..layout.sizes import (
    EDGE_WIDTH,
    EDGE_WIDTH_MINI,
    EQUALS_FONT,
    EQUALS_X,
    GROUP_H,
    GROUP_STROKE,
    GROUP_W,
    LEGEND_FONT,
    MINI_STROKE_SCALE,
    STROKE,
    SWATCH_H,
    SWATCH_TEXT_GAP,
    SWATCH_W,
)
from .diffmarks import edge_attrs, glyph_badge, legend_item, outline_attrs
from .markup import (
    EDGE,
    FG,
    MUTED,
    SAMPLE,
    E,
    Elem,
    Raw,
    Root,
    fmt,
    g_elem,
    leaf_markup,
    parent_markup,
    points_attr,
    text_elem,
)

if TYPE_CHECKING:
    from ..layout import Glyph, Scene
    from .legend import LegendScene
    from .looks import Look, Looks
    from .patterns import Patterns

__all__ = ["SvgParts", "draw_legend", "draw_scene", "glyph_look"]


@dataclass(frozen=True)
class SvgParts:
    """What the writer needs besides geometry."""

    prefix: str
    title: str
    desc: str
    looks: Looks
    tooltips: dict[str, str]
    #: A diff's marked edges, by (source glyph, target glyph) (draw/diffmarks.py).
    edge_marks: dict[tuple[str, str], str] = field(default_factory=dict)


#: Label classes by kind: layer names are muted; a group's name lines are marked as such
#: (``nv-gname``: a name, not a size, for whoever reads the labels back).
_LABEL_CLASS = {"name": "nv-label nv-muted", "group": "nv-label nv-gname"}


def glyph_look(parts: SvgParts, g: Glyph) -> Look:
    """A glyph's look: its group's (a folded run, a manual group) or its type's. The legend
    entry of the same kind reads the same table, so both always agree."""
    if g.kind == "group":
        return parts.looks.of_group(g.type)
    return parts.looks.of_type(g.type)


def _fill(patterns: Patterns, look: Look) -> str:
    if look.pattern is None:
        return look.fill
    return patterns.url(look.pattern, look.fill, look.ink)


def _polygon_markup(
    points: list[tuple[float, float]], stroke: str, fill: str, width: float, mark: str = ""
) -> str:
    shape = {
        "class": "nv-shape",
        "points": points_attr(points),
        "fill": fill,
        "stroke": stroke,
        "stroke-width": fmt(width),
        "stroke-linejoin": "round",
    }
    if mark:
        shape.update(outline_attrs(mark, width))
    return leaf_markup("polygon", shape)


def _polygon(points: list[tuple[float, float]], stroke: str, fill: str, width: float) -> Elem:
    return Raw(_polygon_markup(points, stroke, fill, width))


def draw_scene(
    dwg: Root,
    parent: Elem,
    scene: Scene,
    parts: SvgParts,
    *,
    dx: float = 0.0,
    dy: float = 0.0,
    mini: bool = False,
    patterns: Patterns,
) -> None:
    def mv(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        return [(x + dx, y + dy) for x, y in points]

    edges = g_elem("nv-edges")
    common = {
        "class": "nv-legend-edge" if mini else "nv-edge",
        "fill": "none",
        "stroke": EDGE,
        "stroke-width": fmt(EDGE_WIDTH_MINI if mini else EDGE_WIDTH),
    }
    for p in scene.paths:
        attrs = dict(common, points=points_attr(mv(p.points)))
        if not mini:
            attrs["data-source"] = p.source
            attrs["data-target"] = p.target
            mark = parts.edge_marks.get((p.source, p.target)) if parts.edge_marks else None
            if mark is not None:
                attrs.update(edge_attrs(mark))
        edges.add(Raw(leaf_markup("polyline", attrs)))
    parent.add(edges)
    for bx, by, bw, bh in scene.samples:
        r = E("rect")
        r.attribs.update(
            {
                "class": "nv-sample",
                "x": fmt(bx + dx),
                "y": fmt(by + dy),
                "width": fmt(bw),
                "height": fmt(bh),
                "fill": "none",
                "stroke": SAMPLE,
                "stroke-width": "2",
                "stroke-dasharray": "4",
            }
        )
        parent.add(r)
    glyphs = g_elem("nv-glyphs")
    for g in scene.glyphs:
        look = glyph_look(parts, g)
        group = g.kind == "group"
        # Net2Vis: a dense (1-D) layer has no visible border.
        stroke = look.fill if g.dense and look.pattern is None and not group else look.stroke
        width = (GROUP_STROKE if group else STROKE) * (MINI_STROKE_SCALE if mini else 1.0)
        data: dict[str, str]
        if group and not mini:
            data = {
                "class": "nv-group",
                "data-id": g.id,
                "data-type": g.type,
                "data-members": str(g.members),
                "data-count": str(g.count),
            }
        elif mini:
            data = {"class": "nv-mini"}
        else:
            data = {
                "class": "nv-layer",
                "data-id": g.id,
                "data-type": g.type,
                "data-name": g.name,
                # IR nodes this glyph stands for: 1, or 0 for a synthetic Split, so that
                # summing data-members over layers and groups counts every drawn IR node.
                "data-members": str(g.members),
            }
            if g.kind == "split":
                data["data-synthetic"] = "true"
        mark = "" if mini else g.diff
        if mark:  # a diff (draw/diffmarks.py): outline, badge and data-diff
            data["data-diff"] = mark
            if g.count_old:
                data["data-count-old"] = str(g.count_old)
        tip = "" if mini else parts.tooltips.get(g.id, g.name)
        # Drill-down scenes leave tooltips out (their glyphs' data attributes say it).
        title = leaf_markup("title", {}, tip) if tip else ""
        shape = _polygon_markup(mv(g.points), stroke, _fill(patterns, look), width, mark)
        badge = glyph_badge(g, dx, dy) if mark else ""
        glyphs.add(Raw(parent_markup("g", data, title + shape + badge)))
    parent.add(glyphs)
    if scene.labels:
        labels = g_elem("nv-labels")
        for lb in scene.labels:
            labels.add(
                text_elem(
                    lb.text,
                    lb.x + dx,
                    lb.y + dy,
                    anchor=lb.anchor,
                    rotate=lb.rotate,
                    size=lb.size,
                    cls=_LABEL_CLASS.get(lb.kind, "nv-label"),
                    fill=FG if lb.kind != "name" else MUTED,
                )
            )
        parent.add(labels)


def draw_legend(
    parent: Elem,
    dwg: Root,
    legend: LegendScene,
    parts: SvgParts,
    dx: float,
    dy: float,
    patterns: Patterns,
) -> None:
    box = g_elem("nv-legend")
    for e in legend.entries:
        item = g_elem("nv-legend-item", **{"data-type": e.type, "data-kind": e.kind})
        if e.classes:  # the glyphs' own class names, where the legend shows another name
            item.attribs["data-classes"] = " ".join(e.classes)
        if e.kind == "diff":  # the key of a diff's marks (draw/diffmarks.py)
            item.attribs["data-diff"] = e.type
            swatch, badge = legend_item(e.type, e.x + dx, e.y + dy)
            item.add(Raw(swatch))
            item.add(Raw(badge))
            x = e.x + dx + SWATCH_W + 12 + SWATCH_TEXT_GAP
            item.add(
                text_elem(e.label, x, e.y + dy + SWATCH_H / 2 + 4, anchor="start", size=LEGEND_FONT)
            )
        elif e.kind == "type":
            look = parts.looks.of_type(e.classes[0] if e.classes else e.type)  # as its glyphs
            x, y = e.x + dx, e.y + dy
            pts = [(x, y), (x + SWATCH_W, y), (x + SWATCH_W, y + SWATCH_H), (x, y + SWATCH_H)]
            item.add(_polygon(pts, look.stroke, _fill(patterns, look), 2))
            item.add(
                text_elem(
                    e.label,
                    x + SWATCH_W + SWATCH_TEXT_GAP,
                    y + SWATCH_H / 2 + 4,
                    anchor="start",
                    size=LEGEND_FONT,
                )
            )
        else:
            # A group kind (folded or manual) shows its group look; a composite layer or a
            # nested model is a type: its glyph's look, explained by its members.
            grouped = bool(e.gid) or e.manual
            look = parts.looks.of_group(e.label) if grouped else parts.looks.of_type(e.type)
            x, y = e.x + dx, e.y + dy
            pts = [(x, y), (x + GROUP_W, y), (x + GROUP_W, y + GROUP_H), (x, y + GROUP_H)]
            item.add(_polygon(pts, look.stroke, _fill(patterns, look), 5))
            item.add(text_elem("=", x + GROUP_W + EQUALS_X, y + GROUP_H / 2 + 5, size=EQUALS_FONT))
            if e.mini is not None:
                draw_scene(
                    dwg,
                    item,
                    e.mini,
                    parts,
                    dx=e.mini_x + dx,
                    dy=e.mini_y + dy,
                    mini=True,
                    patterns=patterns,
                )
            item.add(text_elem(e.label, x, y + e.h - 2, anchor="start", size=LEGEND_FONT))
        box.add(item)
    parent.add(box)
