"""Layered regions: the layout of the parts of a graph that are not series-parallel (a
chain of transformer blocks that all read one mask, NASNet cells reading two earlier cells).

Columns are longest-path ranks. The *main path* (a longest path through the region, so it
has a unit in every column) is drawn on one row, y = 0: a chain of blocks reads left to right
and never steps down the page. The other units of a column are stacked above and below the
row, each near the height of its predecessors. Edges between neighbouring columns turn only
in the gap between them; edges spanning several columns (side inputs, long skips) run in a
lane above or below everything they pass over, one lane per source (routing.py), instead of
threading dummy slots through the columns, which is what made the old staircase.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..view.structure import ROOT, Item, Leaf, Opaque, walk_leaves
from .routing import TRACK_STEP, Bundle, assign_lanes, gap_tracks
from .scene import Glyph, Label, Path, Piece, Term, clean

if TYPE_CHECKING:
    from .glyphs import Ctx

__all__ = ["opaque_piece"]


def _units(
    ctx: Ctx, op: Opaque, item_piece: Callable[[Ctx, Item], Piece]
) -> tuple[list[Piece], dict[str, int]]:
    """One piece per chain item, and the unit owning each node."""
    units: list[Piece] = []
    owner: dict[str, int] = {}
    for chain in op.chains:
        for pos, it in enumerate(chain.items):
            if isinstance(it, Leaf) and ctx.vg.nodes[it.node].synthetic and pos > 0:
                # A Split right after its source in a chain: its consumers are wired to
                # the source's unit, so the source's edges leave it as one bundle.
                owner[it.node] = len(units) - 1
                continue
            if isinstance(it, Leaf) and ctx.vg.nodes[it.node].synthetic:
                # A Split inside a tangle cannot fan out cleanly: draw a bare junction.
                j = ctx.leaf_glyph(it.node)
                j.kind, j.w = "junction", 0.0
                ctx.junctions.add(j.id)
                piece = ctx.glyph_piece(j)
            else:
                piece = item_piece(ctx, it)
            idx = len(units)
            units.append(piece)
            for leaf in walk_leaves([it]):
                owner[leaf] = idx
    return units, owner


def _wiring(
    ctx: Ctx, owner: dict[str, int], n: int
) -> tuple[list[list[int]], list[list[int]], list[int], list[int]]:
    """Unit-level successors and predecessors, and the units wired to the region's entry
    and exit."""
    vg = ctx.vg
    succ: list[list[int]] = [[] for _ in range(n)]
    pred: list[list[int]] = [[] for _ in range(n)]
    entries: list[int] = []
    exits: list[int] = []
    for node, u in owner.items():
        for s in vg.succ[node]:
            v = owner.get(s)
            if v is not None and v != u and v not in succ[u]:
                succ[u].append(v)
                pred[v].append(u)
            elif v is None and u not in exits:
                exits.append(u)
        ps = vg.pred[node]
        if (not ps or any(p not in owner for p in ps)) and u not in entries:
            entries.append(u)
        if not vg.succ[node] and u not in exits:
            exits.append(u)
    return succ, pred, entries, exits


def _virtual() -> Piece:
    return Piece(
        0.0,
        0.0,
        0.0,
        [],
        [],
        [],
        [Term("", [(0.0, 0.0), (0.0, 0.0)])],
        [Term("", [(0.0, 0.0), (0.0, 0.0)])],
    )


def _ranks(succ: list[list[int]], entry_u: int, exit_u: int) -> list[int]:
    """Longest-path ranks (real units are in topological order already); the virtual exit
    gets a column of its own after every unit."""
    rank = [0] * len(succ)
    for u in [entry_u, *range(entry_u)]:
        for v in succ[u]:
            if v != exit_u:
                rank[v] = max(rank[v], rank[u] + 1)
    rank[exit_u] = max(rank[:entry_u], default=0) + 1
    return rank


def _pull_late(rank: list[int], succ: list[list[int]], keep: set[int], real: int) -> None:
    """Units off the main path move to the column just before their first reader (latest
    first, so chains move together): a side branch sits next to where it merges, and an
    input read only far ahead (a mask) is drawn where it is used. Its own inputs then arrive
    by a lane, bundled with the other readers of the same tensor, instead of every branch
    stretching back across the row."""
    for u in range(real - 1, -1, -1):
        if u in keep or not succ[u]:
            continue
        late = min(rank[v] for v in succ[u]) - 1
        if late > rank[u]:
            rank[u] = late


def _main_path(rank: list[int], pred: list[list[int]], exit_u: int) -> list[int]:
    """A longest path, walked back from the exit through tight predecessors (one rank
    earlier, which every unit with a predecessor has): one unit per column."""
    path = [exit_u]
    cur = exit_u
    while pred[cur]:
        tight = [p for p in pred[cur] if rank[p] == rank[cur] - 1]
        cur = tight[0] if tight else max(pred[cur], key=lambda p: rank[p])
        path.append(cur)
    path.reverse()
    return path


def _place(
    ctx: Ctx,
    columns: list[list[int]],
    units: list[Piece],
    pred: list[list[int]],
    succ: list[list[int]],
    on_row: set[int],
    rank: list[int],
) -> list[float]:
    """Vertical centre of every unit: the main path on the row, the others stacked outwards,
    above when what they feed sits above (or alternately, when it sits on the row)."""
    ycen = [0.0] * len(units)
    entry_u = len(units) - 2
    reach = [max((rank[v] for v in vs), default=0) for vs in succ]
    # A quarter of the lane gap of series-parallel blocks: off-row units are few (a mask,
    # a side branch), and a transformer should stay a flat strip.
    stack_gap = max(12.0, ctx.vgap / 4)
    toggle = True
    # Right to left: every unit off the row reads into the next column (it was pulled next
    # to its first reader), so it sits at the height of what it feeds, and a branch's units
    # line up with the merge they lead to instead of interleaving with other branches.
    for col in reversed(columns):
        row = [u for u in col if u in on_row]
        up = min((units[u].top for u in row), default=0.0)
        down = max((units[u].bottom for u in row), default=0.0)
        rest: list[tuple[float, int]] = []
        for u in col:
            if u in on_row:
                continue
            ss = succ[u]
            want = sum(ycen[v] for v in ss) / len(ss) if ss else 0.0
            rest.append((want, u))
        above: list[tuple[float, int, int]] = []
        below: list[tuple[float, int, int]] = []
        for want, u in sorted(rest):
            # Side sources (fed only by the region's entry: a mask, positions) go above,
            # where no labels hang; the others alternate when their inputs are on the row.
            side = all(p == entry_u for p in pred[u])
            item = (want, reach[u], u)
            if want < -0.5 or (abs(want) <= 0.5 and (toggle or side)):
                above.append(item)
            else:
                below.append(item)
            if abs(want) <= 0.5 and not side:
                toggle = not toggle
        # Outwards from the row, the shortest reach nearest (its lane is the inner one); a
        # unit whose readers sit further out keeps their height, so chains off the row stay
        # straight too.
        for want, _reach, u in sorted(above, key=lambda t: (-t[0], t[1], t[2])):
            y = min(want, up - stack_gap - units[u].bottom)
            up = y + units[u].top
            ycen[u] = y
        for want, _reach, u in sorted(below):
            y = max(want, down + stack_gap - units[u].top)
            down = y + units[u].bottom
            ycen[u] = y
    return ycen


@dataclass
class _Region:
    """The unit graph of a region: pieces, wiring (with a virtual entry and exit unit in
    their own first and last columns, so that edges from the region's entry and to its exit
    are routed like any other), columns and the main path."""

    units: list[Piece]
    succ: list[list[int]]
    pred: list[list[int]]
    rank: list[int]
    on_row: set[int]
    entry_u: int
    exit_u: int
    ghost_entry: bool  # the entry is the graph's virtual root: its edges are never drawn

    def long_edge(self, u: int, v: int) -> bool:
        """An edge passing over at least one column (it takes a lane)."""
        return self.rank[v] - self.rank[u] > 1 and not (u == self.entry_u and self.ghost_entry)


def _region(ctx: Ctx, op: Opaque, item_piece: Callable[[Ctx, Item], Piece]) -> _Region:
    units, owner = _units(ctx, op, item_piece)
    n = len(units)
    succ, pred, entries, exits = _wiring(ctx, owner, n)
    entry_u, exit_u = n, n + 1
    for _ in range(2):
        units.append(_virtual())
        succ.append([])
        pred.append([])
    for u in entries:
        succ[entry_u].append(u)
        pred[u].append(entry_u)
    for u in exits:
        succ[u].append(exit_u)
        pred[exit_u].append(u)
    rank = _ranks(succ, entry_u, exit_u)
    on_row = set(_main_path(rank, pred, exit_u))
    _pull_late(rank, succ, on_row, entry_u)
    return _Region(units, succ, pred, rank, on_row, entry_u, exit_u, op.entry == ROOT)


Hop = tuple[float, float, Hashable]


def _lanes(
    ctx: Ctx,
    reg: _Region,
    edges: list[tuple[int, int]],
    ycen: list[float],
    col_top: list[float],
    col_bottom: list[float],
) -> tuple[dict[int, Bundle], list[list[Hop]]]:
    """One lane per source of long edges, and the hops each gap must make room for. Short
    edges turn in the gap between their columns; a source with a lane turns all its edges
    on the lane's rise (one trunk)."""
    rank = reg.rank
    bundles: dict[int, Bundle] = {}
    for u, v in edges:
        if reg.long_edge(u, v):
            b = bundles.get(u)
            if b is None:
                row_source = abs(ycen[u]) <= 0.5
                b = Bundle(u, rank[u] + 1, rank[v] - 1, above=ycen[u] <= 0.5, flexible=row_source)
                bundles[u] = b
            b.last = max(b.last, rank[v] - 1)
    for u, b in bundles.items():
        if b.flexible:
            _sides_to_avoid(reg, u, b, ycen)
    assign_lanes(list(bundles.values()), col_top, col_bottom, max(8.0, ctx.vgap / 4))
    hops: list[list[Hop]] = [[] for _ in range(rank[reg.exit_u] + 1)]
    for ei, (u, v) in enumerate(edges):
        if reg.long_edge(u, v):
            lane = bundles[u].y
            hops[rank[u]].append((ycen[u], lane, ("rise", u)))
            hops[rank[v] - 1].append((lane, ycen[v], ("drop", ei)))
        elif abs(ycen[u] - ycen[v]) > 0.5:
            key = ("rise", u) if u in bundles else ("edge", ei)
            hops[rank[u]].append((ycen[u], ycen[v], key))
    return bundles, hops


def _sides_to_avoid(reg: _Region, u: int, b: Bundle, ycen: list[float]) -> None:
    """Mark the side of the row where a unit off the row, in a column the lane rises from or
    passes over, has an edge down (or up) to the row inside the lane's span."""
    rank = reg.rank
    for w, y in enumerate(ycen):
        if w == u or abs(y) <= 0.5 or not rank[u] <= rank[w] <= b.last:
            continue
        if any(abs(ycen[v]) <= 0.5 and rank[v] <= b.last + 1 for v in reg.succ[w]):
            if y < 0:
                b.avoid_above = True
            else:
                b.avoid_below = True


def opaque_piece(ctx: Ctx, op: Opaque, item_piece: Callable[[Ctx, Item], Piece]) -> Piece:
    """Lay out a non-series-parallel region: columns, the main row, lanes, routes."""
    reg = _region(ctx, op, item_piece)
    units, rank = reg.units, reg.rank
    columns: list[list[int]] = [[] for _ in range(rank[reg.exit_u] + 1)]
    for u in range(len(units)):
        columns[rank[u]].append(u)
    ycen = _place(ctx, columns, units, reg.pred, reg.succ, reg.on_row, rank)
    col_top = [min((ycen[u] + units[u].top for u in col), default=0.0) for col in columns]
    col_bottom = [max((ycen[u] + units[u].bottom for u in col), default=0.0) for col in columns]
    edges = [(u, v) for u in range(len(units)) for v in reg.succ[u]]
    bundles, hops = _lanes(ctx, reg, edges, ycen, col_top, col_bottom)
    # Columns left to right; each gap wide enough for its tracks.
    base_gap = max(ctx.gap * 1.5, 16.0)
    gaps = [max(base_gap, TRACK_STEP * (len({k for _a, _b, k in h}) + 1)) for h in hops]
    x = 0.0
    placed: dict[int, Piece] = {}
    col_x: list[tuple[float, float]] = []
    glyphs: list[Glyph] = []
    paths: list[Path] = []
    labels: list[Label] = []
    for ci, col in enumerate(columns):
        width = max((units[k].w for k in col), default=8.0)
        for k in col:
            q = units[k].shifted(x + (width - units[k].w) / 2, ycen[k])
            placed[k] = q
            glyphs.extend(q.glyphs)
            paths.extend(q.paths)
            labels.extend(q.labels)
        col_x.append((x, x + width))
        x += width + gaps[ci]
    w = x - gaps[-1]
    top = min([0.0, *col_top, *(b.y - 2 for b in bundles.values())])
    bottom = max([0.0, *col_bottom, *(b.y + 2 for b in bundles.values())])
    entry_terms, exit_terms = _route(
        reg, edges, placed, bundles, gap_tracks(hops, col_x), col_x, w, paths
    )
    return Piece(w, top, bottom, glyphs, paths, labels, entry_terms, exit_terms)


def _route(
    reg: _Region,
    edges: list[tuple[int, int]],
    placed: dict[int, Piece],
    bundles: dict[int, Bundle],
    track_x: dict[tuple[int, Hashable], float],
    col_x: list[tuple[float, float]],
    w: float,
    paths: list[Path],
) -> tuple[list[Term], list[Term]]:
    """Orthogonal routes: vertical parts only in the gaps between columns, long edges along
    their source's lane. Edges inside the region go to ``paths``; those from its entry and
    to its exit come back as terms for the enclosing piece to join."""
    rank = reg.rank

    def track(r: int, key: Hashable) -> float:
        return track_x.get((r, key), (col_x[r][1] + col_x[r + 1][0]) / 2)

    entry_terms: list[Term] = []
    exit_terms: list[Term] = []
    for ei, (u, v) in enumerate(edges):
        for ex in placed[u].exits:
            for en in placed[v].entries:
                pts = list(ex.points)
                ey = pts[-1][1]
                ny = en.points[-1][1]
                if reg.long_edge(u, v):
                    lane = bundles[u].y
                    xr = track(rank[u], ("rise", u))
                    xd = track(rank[v] - 1, ("drop", ei))
                    pts += [(xr, ey), (xr, lane), (xd, lane), (xd, ny)]
                elif abs(ey - ny) > 0.01:
                    xg = track(rank[u], ("rise", u) if u in bundles else ("edge", ei))
                    pts += [(xg, ey), (xg, ny)]
                pts += list(en.points[1:])
                if u == reg.entry_u:
                    entry_terms.append(Term(en.glyph, clean([(0.0, 0.0), *pts])))
                elif v == reg.exit_u:
                    exit_terms.append(Term(ex.glyph, clean([*pts, (w, 0.0)])))
                else:
                    paths.append(Path(ex.glyph, en.glyph, clean(pts)))
    return entry_terms, exit_terms
