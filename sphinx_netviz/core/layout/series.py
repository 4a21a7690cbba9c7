"""Series and blocks: the series-parallel part of the layout.

- a series places its items left to right, ``h-spacing`` apart, all on one lane;
- a branching block draws its fan-out glyph, stacks the branches on separate lanes (the
  heaviest on the main lane, the others alternately above and below, shortcuts nearest), and
  merges them in a fan-in glyph; every lane is a horizontal band reserved for its branch and
  its labels, so nothing overlaps and every edge is a horizontal segment on its own lane.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..structure import Block, Group, Item, Leaf, Series
from .layered import opaque_piece
from .scene import Glyph, Label, Path, Piece, Point, Term, concat, find

if TYPE_CHECKING:
    from .glyphs import Ctx

__all__ = ["item_piece", "join", "series_piece"]


def item_piece(ctx: Ctx, it: Item) -> Piece:
    if isinstance(it, Leaf):
        return ctx.glyph_piece(ctx.leaf_glyph(it.node))
    if isinstance(it, Group):
        return ctx.glyph_piece(ctx.group_glyph(it))
    if isinstance(it, Block):
        return block_piece(ctx, it)
    return opaque_piece(ctx, it, item_piece)


def series_piece(ctx: Ctx, series: Series) -> Piece | None:
    pieces = [item_piece(ctx, it) for it in series.items]
    if not pieces:
        return None
    return join(ctx, pieces)


def join(ctx: Ctx, pieces: list[Piece]) -> Piece:
    """Place pieces left to right and connect each one's exits to the next's entries."""
    glyphs: list[Glyph] = []
    paths: list[Path] = []
    labels: list[Label] = []
    x = 0.0
    top = 0.0
    bottom = 0.0
    prev: Piece | None = None
    for p in pieces:
        if prev is not None:
            x += ctx.gap
        q = p.shifted(x, 0.0)
        if prev is not None:
            for ex in prev.exits:
                for en in q.entries:
                    paths.append(Path(ex.glyph, en.glyph, concat(ex.points, en.points)))
                src = find(prev.glyphs, ex.glyph)
                if src is not None and len(prev.exits) == 1:
                    lbs, depth = ctx.dim_label(src, x - ctx.gap / 2, 0.0)
                    labels.extend(lbs)
                    bottom = max(bottom, depth)
        glyphs.extend(q.glyphs)
        paths.extend(q.paths)
        labels.extend(q.labels)
        top = min(top, q.top)
        bottom = max(bottom, q.bottom)
        x += q.w
        prev = q
    first, last = pieces[0], prev
    assert last is not None
    return Piece(x, top, bottom, glyphs, paths, labels, first.entries, last.exits)


def _lanes(
    ctx: Ctx, branch_pieces: list[tuple[int, Piece | None]], bypass_half: float
) -> list[tuple[int, Piece | None, float]]:
    """Lane of each branch: the heaviest on the main lane (y = 0), shortcuts nearest to it,
    the others alternately above and below, each band clear of its neighbours."""

    def weight(entry: tuple[int, Piece | None]) -> tuple[float, int]:
        k, p = entry
        return (-(p.w if p else -1.0), k)

    ordered = sorted(branch_pieces, key=weight)
    main = ordered[0]
    rest = sorted(ordered[1:], key=lambda e: (e[1] is not None, e[0]))
    placed: list[tuple[int, Piece | None, float]] = []
    mp = main[1]
    up = mp.top if mp else -bypass_half
    down = mp.bottom if mp else bypass_half
    placed.append((main[0], mp, 0.0))
    for i, (k, p) in enumerate(rest):
        ptop = p.top if p else -bypass_half
        pbot = p.bottom if p else bypass_half
        if i % 2 == 0:
            y = up - ctx.vgap - pbot
            up = y + ptop
        else:
            y = down + ctx.vgap - ptop
            down = y + pbot
        placed.append((k, p, y))
    placed.sort(key=lambda e: e[2])
    return placed


def block_piece(ctx: Ctx, b: Block) -> Piece:
    """Fan-out glyph (a Split, a real layer with several consumers, or a bare junction),
    the branches on their lanes, and the fan-in glyph."""
    src = ctx.leaf_glyph(b.source) if b.source is not None else ctx.junction()
    mrg = ctx.leaf_glyph(b.merge) if b.merge is not None else ctx.junction()
    branch_pieces = [(k, series_piece(ctx, br)) for k, br in enumerate(b.branches)]
    bypass_half = 6.0
    placed = _lanes(ctx, branch_pieces, bypass_half)
    lanes = [y for _k, _p, y in placed]
    # Fan-out and fan-in glyphs take a port per lane.
    fan_src = src.kind in ("split", "junction")
    src.out_ports = list(lanes) if fan_src else [0.0]
    mrg.in_ports = list(lanes)
    gap = ctx.gap
    # Room for labels wider than the fan glyphs themselves (names, long counts).
    pad_s = max(0.0, (ctx.glyph_labels(src)[2] - src.w) / 2)
    pad_m = max(0.0, (ctx.glyph_labels(mrg)[2] - mrg.w) / 2)
    src.x = pad_s
    x0 = pad_s + src.w + gap
    inner_w = max((p.w for _k, p, _y in placed if p is not None), default=0.0)
    if not fan_src:
        x0 += gap  # room for the vertical part of the edges leaving a plain layer
    xm = x0 + inner_w + gap + pad_m
    if mrg.kind == "junction":
        xm = x0 + inner_w + gap / 2
    mrg.x = xm
    glyphs: list[Glyph] = [src, mrg]
    paths: list[Path] = []
    labels: list[Label] = []
    fan_half = max(src.h_out if fan_src else 0.0, mrg.h_in) / 2
    top = min(-src.h_in / 2, -mrg.h_out / 2, lanes[0] - fan_half)
    bottom = max(src.h_in / 2, mrg.h_out / 2, lanes[-1] + fan_half)
    for _k, p, y in placed:
        start = _src_port(ctx, src, y, fan_src)
        if p is None:
            # A shortcut: straight from the fan-out port to the fan-in port.
            paths.append(Path(src.id, mrg.id, [*start, (xm, y)]))
            top = min(top, y - bypass_half)
            bottom = max(bottom, y + bypass_half)
            continue
        q = p.shifted(x0, y)
        glyphs.extend(q.glyphs)
        paths.extend(q.paths)
        labels.extend(q.labels)
        top = min(top, q.top)
        bottom = max(bottom, q.bottom)
        for en in q.entries:
            paths.append(Path(src.id, en.glyph, concat(start, en.points)))
        for ex in q.exits:
            paths.append(Path(ex.glyph, mrg.id, [*ex.points, (xm, y)]))
        if len(q.exits) == 1:
            g = find(q.glyphs, q.exits[0].glyph)
            end_x = x0 + p.w
            if g is not None and xm - end_x >= gap * 0.9:
                lbs, depth = ctx.dim_label(g, end_x + gap / 2, y)
                labels.extend(lbs)
                bottom = max(bottom, y + depth)
    if not fan_src:
        lbs, depth = ctx.dim_label(src, src.x + src.w + gap / 2, 0.0)
        labels.extend(lbs)
        bottom = max(bottom, depth)
    for g in (src, mrg):
        if g.kind == "junction":
            continue
        lbs, lb_bottom, _need = ctx.glyph_labels(g)
        shift = max(g.in_ports + g.out_ports)
        for lb in lbs:
            lb.y += shift
        labels.extend(lbs)
        bottom = max(bottom, lb_bottom + shift)
    w = xm + mrg.w + pad_m
    entries = [Term(src.id, [(0.0, 0.0), (src.x, 0.0)])]
    exits = [Term(mrg.id, [(xm + mrg.w, 0.0), (w, 0.0)])]
    return Piece(w, top, bottom, glyphs, paths, labels, entries, exits)


def _src_port(ctx: Ctx, src: Glyph, y: float, fan: bool) -> list[Point]:
    x = src.x + src.w
    if fan or abs(y) < 1e-9:
        return [(x, y)]
    bend = x + ctx.gap
    return [(x, 0.0), (bend, 0.0), (bend, y)]
