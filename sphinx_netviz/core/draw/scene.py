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
from .palette import Swatch, darken

if TYPE_CHECKING:
    from ..layout import Glyph, Scene
    from .legend import LegendScene
    from .palette import Palette

__all__ = ["SvgParts", "draw_legend", "draw_scene", "pattern_defs"]


@dataclass(frozen=True)
class SvgParts:
    """What the writer needs besides geometry."""

    prefix: str
    title: str
    desc: str
    palette: Palette
    tooltips: dict[str, str]
    group_colors: dict[int, str]
    #: A diff's marked edges, by (source glyph, target glyph) (draw/diffmarks.py).
    edge_marks: dict[tuple[str, str], str] = field(default_factory=dict)


# Monochrome fill patterns (12, like Net2Vis's textures): (size, list of path data, filled).
_PATTERNS: tuple[tuple[int, str, float], ...] = (
    (8, "M0 0L8 8M8 0L0 8", 1.0),
    (10, "M0 0H5V5H0ZM5 5H10V10H5Z", 0.0),
    (10, "M5 3.5A1.5 1.5 0 1 0 5 6.5A1.5 1.5 0 1 0 5 3.5Z", 0.0),
    (8, "M0 4H8", 1.5),
    (14, "M7 5.5A1.5 1.5 0 1 0 7 8.5A1.5 1.5 0 1 0 7 5.5Z", 0.0),
    (8, "M0 8L8 0", 1.0),
    (8, "M0 8L8 0", 3.0),
    (8, "M0 0L8 8", 1.5),
    (6, "M0 3H6", 0.8),
    (6, "M3 0V6", 0.8),
    (8, "M4 0V8M0 4H8", 1.0),
    (10, "M0 0L10 10M10 0L0 10M5 0V10", 0.8),
)


def pattern_defs(dwg: Root, prefix: str, used: set[int]) -> None:
    for idx in sorted(used):
        size, d, width = _PATTERNS[idx % len(_PATTERNS)]
        pat = E("pattern")
        pat.attribs.update(
            {
                "id": f"{prefix}-pat-{idx}",
                "width": str(size),
                "height": str(size),
                "patternUnits": "userSpaceOnUse",
            }
        )
        pat.add(E("rect", width=str(size), height=str(size), fill="#FFFFFF"))
        path = E("path", d=d)
        if width > 0:
            path.attribs["stroke"] = "#4a4a4a"
            path.attribs["stroke-width"] = fmt(width)
            path.attribs["fill"] = "none"
        else:
            path.attribs["fill"] = "#4a4a4a"
        pat.add(path)
        dwg.defs.add(pat)


def _group_swatch(parts: SvgParts, gid: int) -> Swatch:
    """A group kind's swatch, the same on its glyphs and its legend item: its own colour
    (a hatch pattern in monochrome), so that two kinds of group never look alike."""
    if parts.palette.mono:
        return Swatch("#FFFFFF", "#555555", pattern=gid % 12)
    base = parts.group_colors.get(gid, "#607D8B")
    return Swatch(darken(base), base)


def _glyph_swatch(parts: SvgParts, g: Glyph) -> Swatch:
    if g.kind == "group" and g.gid:
        return _group_swatch(parts, g.gid)
    return parts.palette.swatch(g.type, group=g.kind == "group", dense=g.dense)


def _fill(parts: SvgParts, sw: Swatch) -> str:
    return f"url(#{parts.prefix}-pat-{sw.pattern})" if sw.pattern is not None else sw.fill


def _polygon_markup(
    points: list[tuple[float, float]], sw: Swatch, fill: str, width: float, mark: str = ""
) -> str:
    shape = {
        "class": "nv-shape",
        "points": points_attr(points),
        "fill": fill,
        "stroke": sw.stroke,
        "stroke-width": fmt(width),
        "stroke-linejoin": "round",
    }
    if mark:
        shape.update(outline_attrs(mark, width))
    return leaf_markup("polygon", shape)


def _polygon(points: list[tuple[float, float]], sw: Swatch, fill: str, width: float) -> Elem:
    return Raw(_polygon_markup(points, sw, fill, width))


def draw_scene(
    dwg: Root,
    parent: Elem,
    scene: Scene,
    parts: SvgParts,
    *,
    dx: float = 0.0,
    dy: float = 0.0,
    mini: bool = False,
    used_patterns: set[int],
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
        sw = _glyph_swatch(parts, g)
        if sw.pattern is not None:
            used_patterns.add(sw.pattern)
        group = g.kind == "group"
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
        shape = _polygon_markup(mv(g.points), sw, _fill(parts, sw), width, mark)
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
                    cls="nv-label" if lb.kind != "name" else "nv-label nv-muted",
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
    used: set[int],
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
        elif e.kind == "type":  # painted as its glyphs are (their own class's colour)
            sw = parts.palette.swatch(e.classes[0] if e.classes else e.type)
            if sw.pattern is not None:
                used.add(sw.pattern)
            x, y = e.x + dx, e.y + dy
            pts = [(x, y), (x + SWATCH_W, y), (x + SWATCH_W, y + SWATCH_H), (x, y + SWATCH_H)]
            item.add(_polygon(pts, sw, _fill(parts, sw), 2))
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
            sw = _group_swatch(parts, e.gid) if e.gid else parts.palette.swatch(e.type, group=True)
            if sw.pattern is not None:
                used.add(sw.pattern)
            x, y = e.x + dx, e.y + dy
            pts = [(x, y), (x + GROUP_W, y), (x + GROUP_W, y + GROUP_H), (x, y + GROUP_H)]
            item.add(_polygon(pts, sw, _fill(parts, sw), 5))
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
                    used_patterns=used,
                )
            item.add(text_elem(e.label, x, y + e.h - 2, anchor="start", size=LEGEND_FONT))
        box.add(item)
    parent.add(box)
