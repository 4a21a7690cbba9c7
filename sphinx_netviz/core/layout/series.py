"""Series and blocks: the series-parallel part of the layout.

- a series places its items left to right, ``h-spacing`` apart, all on one lane;
- a branching block draws its fan-out glyph, stacks the branches on separate lanes (the
  heaviest on the main lane, the others alternately above and below, shortcuts nearest), and
  merges them in a fan-in glyph; every lane is a horizontal band reserved for its branch and
  its labels, so nothing overlaps and every edge is a horizontal segment on its own lane;
- a block that *reads* side inputs (a folded run, a composite layer, a nested model) is no
  fan-in: its side inputs turn down into its left side above the main input, and a side
  input that starts at a model input (a padding mask) sits right before it, clearing only
  what lies under it (the paper's "mask arrow into the decoder stack", not a tall glyph).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..view.hierarchy import HIERARCHY_KINDS
from ..view.structure import Block, Group, Item, Leaf, Series, walk_leaves
from .layered import opaque_piece
from .routing import TRACK_STEP
from .scene import Glyph, Label, Path, Piece, Point, Term, band, clean, concat, find

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


def _free(ctx: Ctx, branch: Series) -> bool:
    """A branch that starts at a model input (nothing drawn leads into it: a mask, segment
    ids). It may sit anywhere left of where it is read, so it is placed next to its reader."""
    leaves = walk_leaves(branch.items[:1])
    return bool(leaves) and not ctx.vg.pred[leaves[0]]


def _reader(ctx: Ctx, merge: str | None) -> bool:
    """A block that reads side inputs (a folded run, a composite layer, a nested model): they
    enter its left side above the main input. Net2Vis's fan-in shape, reaching out to every
    branch, is for merge layers (Add, Concatenate), whose inputs are equals."""
    if merge is None:
        return False
    n = ctx.vg.nodes[merge]
    return merge in ctx.vg.folds or (n.node is not None and n.node.kind in HIERARCHY_KINDS)


Lane = tuple[int, Piece | None, float, float]  # branch index, piece, lane y, x offset


def _lanes(
    ctx: Ctx,
    branches: list[tuple[int, Piece | None, bool]],
    bypass_half: float,
    reach: float,
    by_reader: bool,
) -> list[Lane]:
    """Lane and x offset of each branch. The heaviest takes the main lane (y = 0); shortcuts
    nearest to it; the others alternately above and below, each band clear of its
    neighbours. Free branches (starting at a model input) go above the rest with a compact
    gap (no fan-out is drawn to them), clearing only what lies under them: side inputs of a
    block end just before it (a mask arrow into a decoder stack), inputs of a merge layer
    start at the left like the main input (two towers of equals)."""

    def weight(entry: tuple[int, Piece | None, bool]) -> tuple[float, int]:
        k, p, _free = entry
        return (-(p.w if p else -1.0), k)

    ordered = sorted(branches, key=weight)
    main = ordered[0]
    rest = sorted((e for e in ordered[1:] if not e[2]), key=lambda e: (e[1] is not None, e[0]))
    placed: list[Lane] = []
    mp = main[1]
    up = mp.top if mp else -bypass_half
    down = mp.bottom if mp else bypass_half
    placed.append((main[0], mp, 0.0, 0.0))
    # Shortcuts and side inputs keep a compact gap (as in Net2Vis's own figures, a skip
    # line runs just above the glyphs it passes); branches with glyphs keep the lane gap.
    stack = min(ctx.vgap, max(12.0, ctx.vgap / 4))
    for i, (k, p, _free) in enumerate(rest):
        ptop = p.top if p else -bypass_half
        pbot = p.bottom if p else bypass_half
        gap = ctx.vgap if p else stack
        if i % 2 == 0:
            y = up - gap - pbot
            up = y + ptop
        else:
            y = down + gap - ptop
            down = y + pbot
        placed.append((k, p, y, 0.0))
    inner_w = max((p.w for _k, p, _f in branches if p is not None), default=0.0)
    for k, p, _free in (e for e in ordered[1:] if e[2]):
        assert p is not None  # a free branch has its input glyph
        dx = inner_w - p.w if by_reader else 0.0
        tops = [-1.0]  # the main lane's edges run along y = 0
        for _k, q, y, qx in placed:
            if q is None:
                tops.append(y - bypass_half)
                continue
            b = band(q, qx, y, dx, reach)
            if b is not None:
                tops.append(b[0])
            if qx + q.w < reach:  # its edge to the merge runs along its lane
                tops.append(y - 1.0)
        y = min(tops) - stack - p.bottom
        placed.append((k, p, y, dx))
    placed.sort(key=lambda e: e[2])
    return placed


def block_piece(ctx: Ctx, b: Block) -> Piece:
    """Fan-out glyph (a Split, a real layer with several consumers, or a bare junction),
    the branches on their lanes, and the fan-in glyph (a merge layer, or a block reading
    side inputs).

    Every drawn glyph keeps one port per side and its own tensors' height (issue 19: height
    encodes size, so a glyph never reaches across lanes): branches on other lanes leave a
    Split's right side and enter a merge's left side at points spread over that side, each
    turning to or from its lane on a vertical track of its own between the glyph and the
    branches. Only a bare junction (``split-layers: false``) keeps one end per lane."""
    src = ctx.leaf_glyph(b.source) if b.source is not None else ctx.junction()
    mrg = ctx.leaf_glyph(b.merge) if b.merge is not None else ctx.junction()
    reader = _reader(ctx, b.merge)
    branch_pieces = [
        (k, series_piece(ctx, br), b.source is None and _free(ctx, br))
        for k, br in enumerate(b.branches)
    ]
    bypass_half = 6.0
    gap = ctx.gap
    inner_w = max((p.w for _k, p, _f in branch_pieces if p is not None), default=0.0)
    # Lanes other than the main one take a track each beside the fan glyphs: free branches
    # all go above, the others alternate (an upper bound before they are placed).
    n_free = sum(1 for _k, _p, f in branch_pieces if f)
    side_tracks = n_free + max(0, len(branch_pieces) - 1 - n_free + 1) // 2
    # Room for labels wider than the fan glyphs themselves (names, long counts).
    pad_s = max(0.0, (ctx.glyph_labels(src)[2] - src.w) / 2)
    pad_m = max(0.0, (ctx.glyph_labels(mrg)[2] - mrg.w) / 2)
    fan_src = src.kind in ("split", "junction")
    src.x = pad_s
    x0 = pad_s + src.w + gap
    if not fan_src:
        x0 += gap  # room for the vertical part of the edges leaving a plain layer
    elif src.kind == "split":
        x0 += TRACK_STEP * max(0, side_tracks - 1)  # the tracks of the exits to side lanes
    # Side lanes turn down (or up) into the merge on tracks of their own, right of the main
    # lane's size label.
    xm = x0 + inner_w + gap + pad_m + TRACK_STEP * side_tracks
    if mrg.kind == "junction":
        xm = x0 + inner_w + gap / 2
    placed = _lanes(ctx, branch_pieces, bypass_half, xm - x0, reader)
    lanes = [y for _k, _p, y, _dx in placed]
    if src.kind == "junction":
        src.out_ports = list(lanes)  # not drawn: the edges through it fan out here
    if mrg.kind == "junction":
        mrg.in_ports = list(lanes)
    mrg.x = xm
    glyphs: list[Glyph] = [src, mrg]
    paths: list[Path] = []
    labels: list[Label] = []
    top = min(-src.h_in / 2, -src.h_out / 2, -mrg.h_out / 2, -mrg.h_in / 2, lanes[0])
    bottom = max(src.h_in / 2, src.h_out / 2, mrg.h_out / 2, mrg.h_in / 2, lanes[-1])
    side = [y for y in lanes if abs(y) > 1e-9]
    entry_at = _side_entries(ctx, mrg, side, x0 + inner_w, xm)
    exit_at = _side_exits(ctx, src, side, x0)
    for _k, p, y, dx in placed:
        start = exit_at.get(y) or _src_port(ctx, src, y, fan_src)
        into = entry_at.get(y, [(xm, y)])
        if p is None:
            # A shortcut: from the fan-out to the fan-in, along its lane.
            paths.append(Path(src.id, mrg.id, clean([*start, *into])))
            top = min(top, y - bypass_half)
            bottom = max(bottom, y + bypass_half)
            continue
        q = p.shifted(x0 + dx, y)
        glyphs.extend(q.glyphs)
        paths.extend(q.paths)
        labels.extend(q.labels)
        top = min(top, q.top)
        bottom = max(bottom, q.bottom)
        for en in q.entries:
            paths.append(Path(src.id, en.glyph, concat(start, en.points)))
        for ex in q.exits:
            paths.append(Path(ex.glyph, mrg.id, clean([*ex.points, *into])))
        if len(q.exits) == 1:
            g = find(q.glyphs, q.exits[0].glyph)
            end_x = x0 + dx + p.w
            if g is not None and xm - end_x >= gap * 0.9 and not (reader and y):
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
        labels.extend(lbs)
        bottom = max(bottom, lb_bottom)
    w = xm + mrg.w + pad_m
    entries = [Term(src.id, [(0.0, 0.0), (src.x, 0.0)])]
    exits = [Term(mrg.id, [(xm + mrg.w, 0.0), (w, 0.0)])]
    return Piece(w, top, bottom, glyphs, paths, labels, entries, exits)


def _spread(side: list[float], half: float) -> dict[float, float]:
    """Where each side lane meets a glyph's side: lanes above between its centre and its top
    edge, the outermost highest (likewise below), so that their tracks never cross."""
    out: dict[float, float] = {}
    for group in ([y for y in side if y < 0], sorted((y for y in side if y > 0), reverse=True)):
        n = len(group)
        for i, y in enumerate(group):  # outermost first
            sign = -1.0 if y < 0 else 1.0
            out[y] = sign * (half - half * (i + 1) / (n + 1))
    return out


def _rank(side: list[float]) -> dict[float, tuple[int, int]]:
    """(index from the outermost, lanes on that side) of each side lane."""
    above = [y for y in side if y < 0]
    below = sorted((y for y in side if y > 0), reverse=True)
    return {
        **{y: (i, len(above)) for i, y in enumerate(above)},
        **{y: (i, len(below)) for i, y in enumerate(below)},
    }


def _side_entries(
    ctx: Ctx, mrg: Glyph, side: list[float], x_end: float, xm: float
) -> dict[float, list[Point]]:
    """Where each side lane turns towards the merge (or a block reading side inputs) and
    enters its left side: lanes above enter above the main input, the outermost highest and
    on the track nearest to the glyph, so that no two of them cross (likewise below)."""
    if mrg.in_ports != [0.0] or mrg.kind == "junction" or not side:
        return {}
    ends = _spread(side, min(mrg.h_in, mrg.h_out) / 2)
    out: dict[float, list[Point]] = {}
    for y, (i, n) in _rank(side).items():
        xv = x_end + ctx.gap * 0.8 + TRACK_STEP * (n - 1 - i) + TRACK_STEP / 2
        xv = min(xv, xm - 1.0)
        out[y] = [(xv, y), (xv, ends[y]), (xm, ends[y])]
    return out


def _side_exits(ctx: Ctx, src: Glyph, side: list[float], x0: float) -> dict[float, list[Point]]:
    """Where each side lane leaves a Split's right side and turns to its lane: the mirror of
    :func:`_side_entries` (the outermost lane highest, on the track nearest to the glyph)."""
    if src.kind != "split" or not side:
        return {}
    x = src.x + src.w
    ends = _spread(side, min(src.h_in, src.h_out) / 2)
    out: dict[float, list[Point]] = {}
    for y, (i, _n) in _rank(side).items():
        xv = min(x + ctx.gap / 2 + TRACK_STEP * i, x0 - 1.0)
        out[y] = [(x, ends[y]), (xv, ends[y]), (xv, y)]
    return out


def _src_port(ctx: Ctx, src: Glyph, y: float, fan: bool) -> list[Point]:
    x = src.x + src.w
    if abs(y) < 1e-9:
        return [(x, 0.0)]
    if fan:
        return [(x, y)]  # a bare junction: one end per lane
    bend = x + ctx.gap
    return [(x, 0.0), (bend, 0.0), (bend, y)]
