"""The entry point: lay out the grouped tree, dissolve junctions, outline glyphs, add sample
boxes, move everything into the positive quadrant and measure the result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .glyphs import Ctx, outline
from .routing import dissolve_junctions
from .scene import Glyph, Piece, Scene, extent, label_box
from .series import item_piece, join
from .sizes import MARGIN, STROKE_PAD
from .sizing import Sizer
from .stats import measure
from .wrapping import auto_wrap_width, wrap_pieces

if TYPE_CHECKING:
    from ..group.grouping import Grouping
    from ..options.schema import Options
    from ..view.structure import Series
    from ..view.vgraph import VGraph

__all__ = ["layout"]


def layout(
    vg: VGraph,
    grouping: Grouping,
    options: Options,
    *,
    sizer: Sizer | None = None,
    mini: bool = False,
    tree: Series | None = None,
    margin: float = MARGIN,
    group_names: bool = True,
) -> Scene:
    """Lay out the grouped tree of ``vg``; coordinates end up inside (0, 0, w, h).
    ``group_names=False`` leaves group glyphs unnamed (the repeats of one block)."""
    if sizer is None:
        extra = [n for sub in vg.manual_members.values() for n in sub.nodes.values()]
        sizer = Sizer.from_view(vg, options, extra)
    series = tree if tree is not None else grouping.tree
    ctx = Ctx(vg, grouping, options, sizer, mini=mini, group_names=group_names)
    piece = _rows(ctx, [item_piece(ctx, it) for it in series.items], margin)
    if piece is None:
        return Scene([], [], [], [], 2 * margin, 2 * margin)
    glyphs, paths = dissolve_junctions(piece.glyphs, piece.paths, ctx.junctions)
    labels = piece.labels
    samples: list[tuple[float, float, float, float]] = []
    if options.samples and not mini:
        samples = _samples(vg, glyphs, options.h_spacing)
    # Bounding box over everything drawn, then move into the positive quadrant. Boxes first
    # (min/max over small lists), path points by column: no list of every coordinate.
    boxes = [extent(g) for g in glyphs] + [label_box(lb) for lb in labels]
    boxes += [(sx, sy, sx + sw, sy + sh) for sx, sy, sw, sh in samples]
    inf = float("inf")
    x_lo = min((b[0] for b in boxes), default=inf)
    x_hi = max((b[2] for b in boxes), default=-inf)
    y_lo = min((b[1] for b in boxes), default=piece.top)
    y_hi = max((b[3] for b in boxes), default=piece.bottom)
    for p in paths:
        px, py = zip(*p.points, strict=True)
        x_lo, x_hi = min(x_lo, *px), max(x_hi, *px)
        y_lo, y_hi = min(y_lo, *py), max(y_hi, *py)
    y_lo, y_hi = min(y_lo, piece.top), max(y_hi, piece.bottom)
    if x_lo == inf:  # nothing drawn but bare junctions
        x_lo = x_hi = 0.0
    dx = margin + STROKE_PAD - x_lo
    dy = margin + STROKE_PAD - y_lo
    for g in glyphs:
        g.x += dx
        g.y += dy
        g.in_ports = [p + dy for p in g.in_ports]
        g.out_ports = [p + dy for p in g.out_ports]
        g.points = outline(g)  # once, in final coordinates
    for p in paths:
        p.points = [(round(x + dx, 2), round(y + dy, 2)) for x, y in p.points]
    for lb in labels:
        lb.x = round(lb.x + dx, 2)
        lb.y = round(lb.y + dy, 2)
    samples = [(round(a + dx, 2), round(b + dy, 2), c, d) for a, b, c, d in samples]
    width = round(x_hi - x_lo + 2 * (margin + STROKE_PAD), 2)
    height = round(y_hi - y_lo + 2 * (margin + STROKE_PAD), 2)
    stats = None if mini else measure(paths, width, height, len(glyphs))
    return Scene(glyphs, paths, labels, samples, width, height, stats)


def _rows(ctx: Ctx, pieces: list[Piece], margin: float) -> Piece | None:
    """The top-level pieces on one row, or wrapped into balanced rows: at ``wrap: N``
    pixels, or (``wrap: auto``) when one row would not fit a docs column readably."""
    if not pieces:
        return None
    wrap = ctx.o.wrap
    if ctx.mini or not wrap:
        return join(ctx, pieces)
    if wrap == "auto":
        room = 2 * (margin + STROKE_PAD)
        natural = sum(p.w for p in pieces) + ctx.gap * (len(pieces) - 1) + room
        if natural <= auto_wrap_width():
            return join(ctx, pieces)
        return wrap_pieces(ctx, pieces, auto_wrap_width() - room)
    return wrap_pieces(ctx, pieces, float(wrap) - 2 * margin)


def _samples(
    vg: VGraph, glyphs: list[Glyph], gap: float
) -> list[tuple[float, float, float, float]]:
    """Dashed input/output sample boxes beside input and output glyphs, where free."""
    boxes: list[tuple[float, float, float, float]] = []
    by_node: dict[str, Glyph] = {}
    for g in glyphs:
        for nid in g.node_ids:
            by_node.setdefault(nid, g)
    bboxes = [extent(g) for g in glyphs]

    def free(b: tuple[float, float, float, float]) -> bool:
        x, y, w, h = b
        return all(x + w < g[0] - 2 or x > g[2] + 2 or y + h < g[1] or y > g[3] for g in bboxes)

    def box(g: Glyph, side: str) -> tuple[float, float, float, float] | None:
        """The sample box left of an input glyph or right of an output glyph (multi-dim
        tensors only, as in Net2Vis)."""
        shape, h = (g.in_shape, g.h_in) if side == "in" else (g.out_shape, g.h_out)
        if shape is None or len(shape) < 2:
            return None
        x = g.x - gap - h if side == "in" else g.x + g.w + gap
        return (x, g.y - h / 2, h, h)

    done: set[tuple[str, str]] = set()
    for side, ids in (("in", vg.inputs), ("out", vg.outputs)):
        for nid in ids:
            glyph = by_node.get(nid)
            if glyph is None or (glyph.id, side) in done:
                continue
            b = box(glyph, side)
            if b is not None and free(b):
                boxes.append(b)
                done.add((glyph.id, side))
    return boxes
