"""Layered regions: a small Sugiyama-style layout for the parts of a graph that are not
series-parallel (NASNet cells reading two earlier cells, say).

Columns are longest-path ranks; edges spanning several ranks get dummy slots; a barycentre
sweep orders each column; each item sits at the mean height of its predecessors where it
can (straight chains), and orthogonal routes run their vertical parts only in the gaps
between columns (routing.py assigns the tracks).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..structure import Item, Leaf, Opaque, walk_leaves
from .routing import gap_tracks
from .scene import Glyph, Label, Path, Piece, Term, clean

if TYPE_CHECKING:
    from .glyphs import Ctx

__all__ = ["opaque_piece"]

Key = tuple[str, int]  # ("u", unit index) or ("d", dummy index)


def _units(
    ctx: Ctx, op: Opaque, item_piece: Callable[[Ctx, Item], Piece]
) -> tuple[list[Piece], dict[str, int]]:
    """One piece per chain item, and the unit owning each node."""
    units: list[Piece] = []
    owner: dict[str, int] = {}
    for chain in op.chains:
        for it in chain.items:
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


def _order(
    columns: list[list[Key]],
    chains_of: dict[tuple[int, int], list[int]],
    succ: list[list[int]],
) -> dict[Key, list[Key]]:
    """Barycentre ordering of each column by its predecessors; returns the predecessors."""
    pos: dict[Key, float] = {}
    for col in columns:
        for i, key in enumerate(col):
            pos[key] = float(i)
    nbr_prev: dict[Key, list[Key]] = {}
    for (u, v), ids in chains_of.items():
        seq: list[Key] = [("u", u), *(("d", d) for d in ids), ("u", v)]
        for a, b2 in itertools.pairwise(seq):
            nbr_prev.setdefault(b2, []).append(a)
    for u in range(len(succ)):
        for v in succ[u]:
            if (u, v) not in chains_of:
                nbr_prev.setdefault(("u", v), []).append(("u", u))
    for col in columns[1:]:
        col.sort(
            key=lambda k: (
                sum(pos[p] for p in nbr_prev.get(k, [])) / len(nbr_prev[k])
                if nbr_prev.get(k)
                else pos[k],
                pos[k],
            )
        )
        for i, key in enumerate(col):
            pos[key] = float(i)
    return nbr_prev


def _heights(
    ctx: Ctx,
    columns: list[list[Key]],
    nbr_prev: dict[Key, list[Key]],
    ext: dict[Key, tuple[float, float]],
) -> dict[Key, float]:
    """Each column's items keep their order and try to sit at the mean height of their
    predecessors (straight chains), pushed apart where needed."""
    ycen: dict[Key, float] = {}
    for ci, col in enumerate(columns):
        desired: list[float | None] = []
        for key in col:
            prev_keys = nbr_prev.get(key, [])
            desired.append(
                sum(ycen[p] for p in prev_keys) / len(prev_keys) if prev_keys and ci > 0 else None
            )
        # Stack in order of wanted height (the barycentre order breaks ties), so that no
        # item is pushed past a neighbour that wanted to sit lower: no downward drift.
        stack = sorted(
            range(len(col)),
            key=lambda i: (desired[i] if desired[i] is not None else float(i), i),
        )
        col[:] = [col[i] for i in stack]
        desired = [desired[i] for i in stack]
        ys: list[float] = []
        cursor = -math.inf
        for key, want in zip(col, desired, strict=True):
            lo, hi = ext[key]
            y = cursor - lo if want is None else max(want, cursor - lo)
            if cursor == -math.inf and want is None:
                y = 0.0
            ys.append(y)
            cursor = y + hi + ctx.vgap
        diffs = [w_ - y for w_, y in zip(desired, ys, strict=True) if w_ is not None]
        shift = sum(diffs) / len(diffs) if diffs else -(ys[0] + ys[-1]) / 2
        for key, y in zip(col, ys, strict=True):
            ycen[key] = y + shift
    return ycen


def opaque_piece(ctx: Ctx, op: Opaque, item_piece: Callable[[Ctx, Item], Piece]) -> Piece:
    units, owner = _units(ctx, op, item_piece)
    n = len(units)
    succ, pred, entries, exits = _wiring(ctx, owner, n)
    # Virtual entry and exit units (no glyphs) in their own first and last columns, so
    # that edges from the region's entry and to its exit are routed like any other.
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
    n += 2
    # Longest-path ranks (real units are in topological order already).
    rank = [0] * n
    for u in [entry_u, *range(entry_u)]:
        for v in succ[u]:
            if v != exit_u:
                rank[v] = max(rank[v], rank[u] + 1)
    rank[exit_u] = max(rank[:entry_u], default=0) + 1
    n_ranks = max(rank) + 1
    columns: list[list[Key]] = [[] for _ in range(n_ranks)]
    for u in range(n):
        columns[rank[u]].append(("u", u))
    # Dummy slots for edges spanning several ranks.
    chains_of: dict[tuple[int, int], list[int]] = {}
    dummy_count = 0
    for u in range(n):
        for v in succ[u]:
            if rank[v] - rank[u] > 1:
                ids = []
                for r in range(rank[u] + 1, rank[v]):
                    columns[r].append(("d", dummy_count))
                    ids.append(dummy_count)
                    dummy_count += 1
                chains_of[(u, v)] = ids
    nbr_prev = _order(columns, chains_of, succ)
    ext: dict[Key, tuple[float, float]] = {}
    for col in columns:
        for key in col:
            ext[key] = (units[key[1]].top, units[key[1]].bottom) if key[0] == "u" else (-4.0, 4.0)
    ycen = _heights(ctx, columns, nbr_prev, ext)
    ycen[("u", entry_u)] = 0.0
    ycen[("u", exit_u)] = 0.0
    # Each hop between adjacent columns that changes height needs a vertical track in the
    # gap; tracks are spread so that edges never run on top of each other.
    hops: list[list[tuple[float, float, int]]] = [[] for _ in range(n_ranks)]
    edge_list: list[tuple[int, int]] = [(u, v) for u in range(n) for v in succ[u]]
    route_keys: dict[tuple[int, int], list[Key]] = {}
    for ei, (u, v) in enumerate(edge_list):
        seq: list[Key] = [("u", u), *(("d", d) for d in chains_of.get((u, v), [])), ("u", v)]
        route_keys[(u, v)] = seq
        for r_off, (a_key, b_key) in enumerate(itertools.pairwise(seq)):
            if abs(ycen[a_key] - ycen[b_key]) > 0.5:
                hops[rank[u] + r_off].append((ycen[a_key], ycen[b_key], ei))
    track_step = 5.0
    base_gap = max(ctx.gap * 1.5, 16.0)
    gaps = [max(base_gap, track_step * (len(h) + 1)) for h in hops]
    x = 0.0
    placed_units: dict[int, Piece] = {}
    col_x: list[tuple[float, float]] = []
    top = 0.0
    bottom = 0.0
    glyphs: list[Glyph] = []
    paths: list[Path] = []
    labels: list[Label] = []
    for ci, col in enumerate(columns):
        width = max((units[k].w for kind, k in col if kind == "u"), default=8.0)
        for key in col:
            lo, hi = ext[key]
            yc = ycen[key]
            if key[0] == "u":
                k = key[1]
                q = units[k].shifted(x + (width - units[k].w) / 2, yc)
                placed_units[k] = q
                glyphs.extend(q.glyphs)
                paths.extend(q.paths)
                labels.extend(q.labels)
            top = min(top, yc + lo)
            bottom = max(bottom, yc + hi)
        col_x.append((x, x + width))
        x += width + gaps[ci]
    w = x - gaps[-1]
    track_x = gap_tracks(hops, col_x)
    # Orthogonal routes; vertical segments only in the gaps between columns.
    entry_terms: list[Term] = []
    exit_terms: list[Term] = []
    for ei, (u, v) in enumerate(edge_list):
        pu, pv = placed_units[u], placed_units[v]
        seq = route_keys[(u, v)]
        for ex in pu.exits:
            for en in pv.entries:
                pts = list(ex.points)
                cur_y = pts[-1][1]
                for i in range(1, len(seq)):
                    r = rank[u] + i - 1
                    ny = ycen[seq[i]] if i < len(seq) - 1 else en.points[-1][1]
                    xg = track_x.get((r, ei), (col_x[r][1] + col_x[r + 1][0]) / 2)
                    pts += [(xg, cur_y), (xg, ny)]
                    cur_y = ny
                    if i < len(seq) - 1:
                        pts.append((col_x[r + 1][1], cur_y))
                pts += list(en.points[1:])
                if u == entry_u:
                    entry_terms.append(Term(en.glyph, clean([(0.0, 0.0), *pts])))
                elif v == exit_u:
                    exit_terms.append(Term(ex.glyph, clean([*pts, (w, 0.0)])))
                else:
                    paths.append(Path(ex.glyph, en.glyph, clean(pts)))
    return Piece(w, top, bottom, glyphs, paths, labels, entry_terms, exit_terms)
