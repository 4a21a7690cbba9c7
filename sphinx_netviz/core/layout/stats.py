"""The layout's own measure of its quality: edge crossings, bends, width and height.

Crossings are counted from the drawn polylines by segment intersection (edges are
orthogonal, so two segments meet when a horizontal one spans a vertical one's x and the
vertical one spans the horizontal one's y, or when collinear segments overlap). What is not a
crossing: edges leaving one source (one tensor: a bundle that branches, drawn as one trunk),
and edges entering one target where they join (a fan-in: T-junctions and shared runs); two
edges into one target that cross properly, strictly inside both segments, still count. Pairs of
segments are only compared within grid cells they share, so counting stays near-linear.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from .scene import LayoutStats

if TYPE_CHECKING:
    from .scene import Path, Point

__all__ = ["LayoutStats", "count_crossings", "measure"]

_CELL = 64.0
_EPS = 0.01


_Seg = tuple[float, float, float, float, int, str, str]  # box (sorted), path, source, target


def _segments(paths: list[tuple[str, str, list[Point]]]) -> list[_Seg]:
    segs: list[_Seg] = []
    for k, (src, tgt, pts) in enumerate(paths):
        for a, b in itertools.pairwise(pts):
            if abs(a[0] - b[0]) < _EPS and abs(a[1] - b[1]) < _EPS:
                continue
            x0, x1 = (a[0], b[0]) if a[0] <= b[0] else (b[0], a[0])
            y0, y1 = (a[1], b[1]) if a[1] <= b[1] else (b[1], a[1])
            segs.append((x0, y0, x1, y1, k, src, tgt))
    return segs


def _proper(a: _Seg, b: _Seg) -> bool:
    """A horizontal and a vertical segment crossing strictly inside both (not a T-junction,
    not a shared corner, not a collinear overlap)."""
    ha, hb = abs(a[1] - a[3]) < _EPS, abs(b[1] - b[3]) < _EPS
    if ha == hb:
        return False
    h, v = (a, b) if ha else (b, a)
    x, y = v[0], h[1]
    return h[0] + _EPS < x < h[2] - _EPS and v[1] + _EPS < y < v[3] - _EPS


def count_crossings(paths: list[tuple[str, str, list[Point]]]) -> int:
    """Edge crossings among ``(source, target, polyline)`` edges (rules in the module doc):
    each pair of edges counts once per distinct meeting point (the overlap's start when
    collinear segments overlap)."""
    cells: dict[tuple[int, int], list[_Seg]] = {}
    for seg in _segments(paths):
        for cx in range(int(seg[0] // _CELL), int(seg[2] // _CELL) + 1):
            for cy in range(int(seg[1] // _CELL), int(seg[3] // _CELL) + 1):
                cells.setdefault((cx, cy), []).append(seg)
    seen: set[tuple[int, int, float, float]] = set()
    for members in cells.values():
        if len(members) < 2:
            continue
        # One source's segments never cross each other (a bundle: its trunk is shared by
        # every edge, so a cell on it can hold hundreds): pair across sources only.
        by_source: dict[str, list[_Seg]] = {}
        for seg in members:
            by_source.setdefault(seg[5], []).append(seg)
        if len(by_source) < 2:
            continue
        groups = list(by_source.values())
        for gi, group in enumerate(groups[:-1]):
            others = [b for other in groups[gi + 1 :] for b in other]
            for a in group:
                _meet(a, others, seen)
    return len(seen)


def _meet(a: _Seg, others: list[_Seg], seen: set[tuple[int, int, float, float]]) -> None:
    """Record where segment ``a`` meets segments of other sources."""
    ax0, ay0, ax1, ay1, pa, _sa, ta = a
    for b in others:
        if b[0] > ax1 + _EPS or ax0 > b[2] + _EPS or b[1] > ay1 + _EPS or ay0 > b[3] + _EPS:
            continue
        if b[6] == ta and not _proper(a, b):
            continue  # edges joining into one target
        pb = b[4]
        x = round(ax0 if ax0 > b[0] else b[0], 1)
        y = round(ay0 if ay0 > b[1] else b[1], 1)
        seen.add((pa, pb, x, y) if pa < pb else (pb, pa, x, y))


def measure(paths: list[Path], width: float, height: float, glyphs: int) -> LayoutStats:
    """The stats of a finished scene."""
    lines = [(p.source, p.target, p.points) for p in paths]
    bends = sum(max(0, len(p.points) - 2) for p in paths)
    return LayoutStats(
        crossings=count_crossings(lines),
        bends=bends,
        width=width,
        height=height,
        glyphs=glyphs,
        edges=len(paths),
    )
