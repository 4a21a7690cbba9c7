"""Wrapping: ``wrap`` breaks the top-level series into balanced rows no wider than the limit,
joined by an edge that runs in the channel between rows.

Rows are *balanced* (issue 19): no row holds fewer than half the glyphs of the fullest one,
so a wrapped diagram never ends in a stub of two glyphs. Among the partitions that fit the
width and are balanced, the one with the fewest rows wins, then the one whose widest row is
narrowest (rows of even width). ``wrap: auto`` wraps only a diagram too wide for a docs
column (:func:`auto_wrap_width`): one that, shrunk to 800 px, would draw its labels under
9 px.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from .scene import Glyph, Label, Path, Piece, Term, clean, find
from .series import join
from .sizes import COLUMN, FONT, MIN_PX

if TYPE_CHECKING:
    from .glyphs import Ctx

__all__ = ["auto_wrap_width", "balanced_rows", "row_width", "wrap_pieces"]

#: Room right of a row for the dimension label beside the edge going down to the next.
_DOWN_LABEL = 16.0
#: Partitions are searched exactly up to this many top-level pieces (else by width alone).
_EXACT = 80
#: How many more rows than the fewest that fit are tried, looking for balanced ones.
_EXTRA_ROWS = 4


def auto_wrap_width() -> float:
    """The widest diagram ``wrap: auto`` leaves on one row: shrunk to an 800 px column, its
    labels (:data:`FONT`, the smallest text drawn) stay at 9 px or more."""
    return COLUMN * FONT / MIN_PX


def row_width(widths: list[float], gap: float) -> float:
    """The width a row of pieces needs: a lead gap for the edge coming down into it, the
    pieces with gaps between them, and room for the edge (and its label) going down."""
    return gap + sum(widths) + gap * (len(widths) - 1) + gap + _DOWN_LABEL


def _greedy(widths: list[float], gap: float, max_w: float) -> list[int]:
    """Row starts of the greedy fill (a piece wider than ``max_w`` gets a row alone); one
    pass, each row's width kept as it grows (:func:`row_width`)."""
    starts = [0]
    used = widths[0] if widths else 0.0
    for i in range(1, len(widths)):
        grown = used + gap + widths[i]
        if gap + grown + gap + _DOWN_LABEL > max_w:
            starts.append(i)
            used = widths[i]
        else:
            used = grown
    return starts


def _cuts(starts: list[int], n: int) -> list[tuple[int, int]]:
    return list(zip(starts, [*starts[1:], n], strict=True))


def _exact(
    widths: list[float], counts: list[int], gap: float, max_w: float, k: int
) -> tuple[float, list[int]] | None:
    """The balanced partition into ``k`` rows, each fitting ``max_w``, whose widest row is
    narrowest: (widest, row starts), or None.

    Balanced rows whose least holds ``lo`` glyphs hold at most ``2 lo`` each, and ``lo``
    lies between ``total / (2k - 1)`` and ``total / k``; for each such ``lo``, a table over
    (pieces placed, rows made) keeps the narrowest widest row."""
    n = len(widths)
    prefix = [0]
    for c in counts:
        prefix.append(prefix[-1] + c)
    total = prefix[-1]
    # first[j]: the first piece a row ending before piece j may start at (rows fit max_w;
    # a single piece wider than max_w may still be a row alone)
    first = [0] * (n + 1)
    for j in range(1, n + 1):
        i = j - 1
        while i > 0 and row_width(widths[i - 1 : j], gap) <= max_w:
            i -= 1
        first[j] = i
    inf = float("inf")
    best: tuple[float, list[int]] | None = None
    for lo in range(max(1, -(-total // (2 * k - 1))), total // k + 1):
        hi = 2 * lo
        cost = [[inf] * (k + 1) for _ in range(n + 1)]
        back = [[-1] * (k + 1) for _ in range(n + 1)]
        cost[0][0] = 0.0
        for r in range(1, k + 1):
            for j in range(r, n + 1):
                for i in range(max(first[j], r - 1), j):
                    prev = cost[i][r - 1]
                    c = prefix[j] - prefix[i]
                    if prev == inf or c < lo or c > hi:
                        continue
                    value = max(prev, row_width(widths[i:j], gap))
                    if value < cost[j][r]:
                        cost[j][r], back[j][r] = value, i
        if cost[n][k] < inf and (best is None or cost[n][k] < best[0] - 1e-9):
            starts: list[int] = []
            j = n
            for r in range(k, 0, -1):
                j = back[j][r]
                starts.append(j)
            best = (cost[n][k], starts[::-1])
    return best


def _even(widths: list[float], gap: float, k: int) -> list[int]:
    """Row starts cutting the pieces into ``k`` rows of about equal width (each cut at the
    piece boundary nearest to its share of the total): for diagrams with too many
    top-level pieces to search exactly, such as a chain of thousands of blocks."""
    ends: list[float] = []
    total = 0.0
    for w in widths:
        total += w + gap
        ends.append(total)
    starts = [0]
    for r in range(1, k):
        target = total * r / k
        i = min(bisect.bisect_left(ends, target), len(ends) - 1)
        nearer_before = i > 0 and target - ends[i - 1] < ends[i] - target
        cut = max(starts[-1] + 1, i if nearer_before else i + 1)
        if cut >= len(widths):
            break
        starts.append(cut)
    return starts


def _balanced(counts: list[int], starts: list[int]) -> bool:
    rows = [sum(counts[a:b]) for a, b in _cuts(starts, len(counts))]
    return 2 * min(rows) >= max(rows)


def balanced_rows(widths: list[float], counts: list[int], gap: float, max_w: float) -> list[int]:
    """Row starts for pieces of ``widths`` holding ``counts`` glyphs: the fewest rows that
    fit ``max_w`` (a piece wider than that gets a row alone) with no row under half the
    glyphs of the fullest. Where no balanced rows fit, the balanced rows whose widest is
    narrowest; where no rows at all are balanced (a block as wide as the whole diagram
    between two stubs), one row: a stub row is what balance rules out."""
    n = len(widths)
    fewest = len(_greedy(widths, gap, max_w))
    if fewest <= 1:
        return [0]
    tries = range(fewest, min(n, fewest + _EXTRA_ROWS) + 1)
    if n > _EXACT:
        starts = [0]
        for k in tries:
            starts = _even(widths, gap, k)
            rows = [widths[a:b] for a, b in _cuts(starts, n)]
            fit = all(len(r) == 1 or row_width(r, gap) <= max_w for r in rows)
            if fit and _balanced(counts, starts):
                return starts
        return starts  # thousands of pieces: even rows, the last tried
    for k in tries:
        found = _exact(widths, counts, gap, max_w, k)
        if found is not None:
            return found[1]
    relaxed = [
        found
        for k in range(2, min(n, fewest + _EXTRA_ROWS) + 1)
        if (found := _exact(widths, counts, gap, float("inf"), k)) is not None
    ]
    return min(relaxed, key=lambda f: f[0])[1] if relaxed else [0]


def _glyph_count(piece: Piece) -> int:
    return sum(1 for g in piece.glyphs if g.kind != "junction")


def wrap_pieces(ctx: Ctx, pieces: list[Piece], max_w: float) -> Piece:
    """Break the top-level pieces into balanced rows no wider than ``max_w`` (when
    possible) and join them: each row's exit runs down the channel under it and back to
    the left edge of the next row."""
    gap = ctx.gap
    starts = balanced_rows([p.w for p in pieces], [_glyph_count(p) for p in pieces], gap, max_w)
    if len(starts) == 1:
        return join(ctx, pieces)
    joined = [join(ctx, pieces[a:b]) for a, b in _cuts(starts, len(pieces))]
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
                    w = max(w, ex_x + gap / 2 + _DOWN_LABEL)
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
