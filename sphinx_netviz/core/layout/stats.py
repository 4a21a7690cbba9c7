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
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .scene import Path, Point

__all__ = ["LayoutStats", "count_crossings", "measure"]

_CELL = 64.0
_EPS = 0.01


@dataclass(frozen=True)
class LayoutStats:
    """Quality figures of one laid-out diagram (the legend excluded)."""

    crossings: int
    bends: int
    width: float
    height: float
    glyphs: int
    edges: int

    def lines(self) -> list[str]:
        """``name: value`` lines, as ``netviz render --stats`` prints them."""
        return [
            f"crossings: {self.crossings}",
            f"bends: {self.bends}",
            f"width: {self.width:g}",
            f"height: {self.height:g}",
            f"glyphs: {self.glyphs}",
            f"edges: {self.edges}",
        ]


_Seg = tuple[float, float, float, float, int]  # x0, y0, x1, y1 (sorted), path


def _segments(paths: list[tuple[str, str, list[Point]]]) -> list[_Seg]:
    segs: list[_Seg] = []
    for k, (_s, _t, pts) in enumerate(paths):
        for a, b in itertools.pairwise(pts):
            if abs(a[0] - b[0]) < _EPS and abs(a[1] - b[1]) < _EPS:
                continue
            x0, x1 = sorted((a[0], b[0]))
            y0, y1 = sorted((a[1], b[1]))
            segs.append((x0, y0, x1, y1, k))
    return segs


def _meet(a: _Seg, b: _Seg) -> Point | None:
    """A point where two orthogonal segments meet (the overlap's start when collinear)."""
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[2], b[2]), min(a[3], b[3])
    if x0 > x1 + _EPS or y0 > y1 + _EPS:
        return None
    return (round(x0, 1), round(y0, 1))


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
    each pair of edges counts once per distinct meeting point."""
    segs = _segments(paths)
    cells: dict[tuple[int, int], list[int]] = {}
    for i, (x0, y0, x1, y1, _k) in enumerate(segs):
        for cx in range(int(x0 // _CELL), int(x1 // _CELL) + 1):
            for cy in range(int(y0 // _CELL), int(y1 // _CELL) + 1):
                cells.setdefault((cx, cy), []).append(i)
    seen: set[tuple[int, int, Point]] = set()
    for members in cells.values():
        if len(members) < 2:
            continue
        for i, j in itertools.combinations(members, 2):
            a, b = segs[i], segs[j]
            pa, pb = a[4], b[4]
            if pa == pb:
                continue
            sa, ta, _ = paths[pa]
            sb, tb, _ = paths[pb]
            if sa == sb:
                continue
            p = _meet(a, b)
            if p is not None and ta == tb and not _proper(a, b):
                continue
            if p is not None:
                seen.add((min(pa, pb), max(pa, pb), p))
    return len(seen)


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
