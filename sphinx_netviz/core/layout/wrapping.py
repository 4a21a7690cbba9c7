"""Wrapping: ``wrap`` breaks the top-level series into rows no wider than the limit, joined
by an edge that runs in the channel between rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .scene import Glyph, Label, Path, Piece, Term, clean, find
from .series import item_piece, join

if TYPE_CHECKING:
    from ..view.structure import Series
    from .glyphs import Ctx

__all__ = ["wrapped"]


def _rows(ctx: Ctx, pieces: list[Piece], max_w: float) -> list[list[Piece]]:
    rows: list[list[Piece]] = [[]]
    width = 0.0
    gap = ctx.gap
    lead = gap
    for p in pieces:
        extra = p.w + (gap if rows[-1] else lead)
        if rows[-1] and width + extra + gap + 16 > max_w:
            rows.append([])
            width = 0.0
            extra = p.w + lead
        rows[-1].append(p)
        width += extra
    return rows


def wrapped(ctx: Ctx, series: Series, max_w: float) -> Piece | None:
    """Break the top-level series into rows no wider than ``max_w`` (when possible)."""
    pieces = [item_piece(ctx, it) for it in series.items]
    if not pieces:
        return None
    rows = _rows(ctx, pieces, max_w)
    if len(rows) == 1:
        return join(ctx, pieces)
    joined = [join(ctx, r) for r in rows]
    gap = ctx.gap
    lead = gap  # left room for the edge coming down from the previous row
    glyphs: list[Glyph] = []
    paths: list[Path] = []
    labels: list[Label] = []
    y = 0.0
    prev: Piece | None = None
    channel = max(16.0, ctx.vgap / 2)
    top = 0.0
    bottom = 0.0
    w = 0.0
    first_entries: list[Term] = []
    for k, row in enumerate(joined):
        prev_bottom = 0.0
        if prev is not None:
            # The dimension label of the row's last glyph hangs beside the edge going down.
            prev_bottom = prev.bottom
            if len(prev.exits) == 1:
                ex_x, ex_y = prev.exits[0].points[-1]
                src = find(prev.glyphs, prev.exits[0].glyph)
                if src is not None:
                    lbs, depth = ctx.dim_label(src, ex_x + gap / 2 + 8, ex_y)
                    labels.extend(lbs)
                    prev_bottom = max(prev_bottom, ex_y + depth)
                    w = max(w, ex_x + gap / 2 + 16)
            y = prev_bottom + channel * 2 - row.top
        q = row.shifted(lead, y)
        if prev is not None:
            mid = prev_bottom + channel
            for ex in prev.exits:
                ex_x, ex_y = ex.points[-1]
                for en in q.entries:
                    pts = [
                        *ex.points,
                        (ex_x + gap / 2, ex_y),
                        (ex_x + gap / 2, mid),
                        (lead / 2, mid),
                        (lead / 2, y),
                        *en.points,
                    ]
                    paths.append(Path(ex.glyph, en.glyph, clean(pts)))
        if k == 0:
            first_entries = q.entries
        glyphs.extend(q.glyphs)
        paths.extend(q.paths)
        labels.extend(q.labels)
        top = min(top, q.top)
        bottom = max(bottom, q.bottom)
        w = max(w, lead + row.w + gap)
        prev = q
    assert prev is not None
    return Piece(w, top, bottom, glyphs, paths, labels, first_entries, prev.exits)
