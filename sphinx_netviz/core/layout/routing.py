"""Edge routing helpers: vertical tracks in the gaps between columns, and joining the edges
through bare junctions into single edges."""

from __future__ import annotations

from .scene import Glyph, Path, concat

__all__ = ["dissolve_junctions", "gap_tracks"]


def gap_tracks(
    hops: list[list[tuple[float, float, int]]], col_x: list[tuple[float, float]]
) -> dict[tuple[int, int], float]:
    """The x of the vertical track of each hop ``(y_from, y_to, edge)`` in gap ``r`` (between
    columns r and r + 1). Edges going up take the left tracks, edges going down the right
    ones, each ordered so that they nest instead of crossing."""
    track_x: dict[tuple[int, int], float] = {}
    for r, hs in enumerate(hops):
        if r >= len(col_x) - 1:
            continue
        g0 = col_x[r][1]
        g1 = col_x[r + 1][0]
        order = sorted(hs, key=lambda h: (h[1] > h[0], h[0] if h[1] > h[0] else -h[0]))
        step = (g1 - g0) / (len(order) + 1)
        for i, (_ya, _yb, ei) in enumerate(order):
            track_x[(r, ei)] = g0 + step * (i + 1)
    return track_x


def dissolve_junctions(
    glyphs: list[Glyph], paths: list[Path], junctions: set[str]
) -> tuple[list[Glyph], list[Path]]:
    """Bare junctions are not drawn: each edge through one is joined into a single edge."""
    if not junctions:
        return glyphs, paths
    outgoing: dict[str, list[Path]] = {}
    kept: list[Path] = []
    for p in paths:
        if p.source in junctions:
            outgoing.setdefault(p.source, []).append(p)
        if p.source not in junctions and p.target not in junctions:
            kept.append(p)

    def expand(p: Path, depth: int = 0) -> list[Path]:
        if p.target not in junctions or depth > 100:
            return [p]
        out: list[Path] = []
        for q in outgoing.get(p.target, []):
            out.extend(expand(Path(p.source, q.target, concat(p.points, q.points)), depth + 1))
        return out

    for p in paths:
        if p.source not in junctions and p.target in junctions:
            kept.extend(expand(p))
    return [g for g in glyphs if g.id not in junctions], kept
