"""Edge routing: vertical tracks in the gaps between columns, lanes above and below a row for
long edges (bundled by source), and joining the edges through bare junctions.

A *hop* is the vertical part of an edge inside the gap between two columns; a *lane* is a
horizontal channel above or below everything drawn in the columns an edge passes over. Long
edges (side inputs such as a mask read by every block, skips over several columns) leave
their source, rise or fall to their lane, run along it and drop into their target, so they
never pass through the row. All long edges of one source share one rise and one lane: drawn
on top of each other they read as one trunk with short drops (a bus), not N crossing edges.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .scene import Path, concat

if TYPE_CHECKING:
    from .scene import Glyph

__all__ = ["Bundle", "assign_lanes", "dissolve_junctions", "gap_tracks"]

#: Distance between neighbouring tracks in a gap and between neighbouring lanes.
TRACK_STEP = 5.0
LANE_STEP = 10.0


@dataclass
class Bundle:
    """The long edges of one source: their column span and, once assigned, their lane."""

    source: int
    first: int  # first column passed over
    last: int  # last column passed over
    above: bool
    flexible: bool = False  # a source on the row may take either side
    #: A unit off the row on that side drops into the columns the lane passes over (an input
    #: pulled next to its reader): a lane there would cross its edge.
    avoid_above: bool = False
    avoid_below: bool = False
    level: int = 0
    y: float = 0.0


def assign_lanes(
    bundles: list[Bundle], col_top: list[float], col_bottom: list[float], clearance: float
) -> None:
    """Give each bundle a lane: beyond every column it passes over, one level further out per
    overlapping bundle on the same side. Shorter spans get the inner levels, so nested
    bundles nest instead of crossing."""
    placed: list[Bundle] = []

    def staggered(b: Bundle, above: bool) -> bool:
        """Would ``b`` overlap a lane on that side without nesting (a sure crossing)?"""
        for o in placed:
            # Lanes meeting in one gap (one drops where the other rises) count as overlapping.
            if o.above != above or o.last < b.first - 1 or o.first > b.last + 1:
                continue
            if not (o.first >= b.first and o.last <= b.last):
                return True
        return False

    for b in sorted(bundles, key=lambda b: (b.last - b.first, b.first, b.source)):
        if b.flexible:
            # A source on the row takes the side where less is stacked over its span (the
            # lane stays closer and passes over fewer edges), then avoids sure crossings.
            cols = range(b.first, b.last + 1)
            up = -min((col_top[c] for c in cols), default=0.0)
            down = max((col_bottom[c] for c in cols), default=0.0)
            b.above = up <= down
            if b.avoid_above != b.avoid_below:
                b.above = b.avoid_below
            if staggered(b, b.above) and not staggered(b, not b.above):
                b.above = not b.above
        taken = {
            o.level
            for o in placed
            if o.above == b.above and not (o.last < b.first - 1 or o.first > b.last + 1)
        }
        level = 0
        while level in taken:
            level += 1
        b.level = level
        cols = range(b.first, b.last + 1)
        if b.above:
            edge = min((col_top[c] for c in cols), default=0.0)
            b.y = edge - clearance - level * LANE_STEP
        else:
            edge = max((col_bottom[c] for c in cols), default=0.0)
            b.y = edge + clearance + level * LANE_STEP
        placed.append(b)
    # A bundle further out must clear the ones inside it.
    for b in placed:
        for o in placed:
            if o is b or o.above != b.above or o.level >= b.level:
                continue
            if o.last < b.first or o.first > b.last:
                continue
            if b.above:
                b.y = min(b.y, o.y - LANE_STEP * (b.level - o.level))
            else:
                b.y = max(b.y, o.y + LANE_STEP * (b.level - o.level))


def gap_tracks(
    hops: list[list[tuple[float, float, Hashable]]], col_x: list[tuple[float, float]]
) -> dict[tuple[int, Hashable], float]:
    """The x of the vertical track of each hop ``(y_from, y_to, key)`` in gap ``r`` (between
    columns r and r + 1). Edges going up take the left tracks, the one starting highest
    leftmost; edges going down the right ones, the one starting highest rightmost: so each
    hop's horizontal parts pass only tracks whose vertical spans they do not meet, whenever
    the hops are staggered rather than nested. Hops sharing a key share a track (a
    bundle)."""
    track_x: dict[tuple[int, Hashable], float] = {}
    for r, hs in enumerate(hops):
        if r >= len(col_x) - 1 or not hs:
            continue
        g0 = col_x[r][1]
        g1 = col_x[r + 1][0]
        first: dict[Hashable, tuple[float, float]] = {}
        for ya, yb, key in hs:
            first.setdefault(key, (ya, yb))
        order = sorted(
            first.items(),
            key=lambda kv: (
                kv[1][1] > kv[1][0],
                -kv[1][0] if kv[1][1] > kv[1][0] else kv[1][0],
                str(kv[0]),
            ),
        )
        step = (g1 - g0) / (len(order) + 1)
        for i, (key, _ys) in enumerate(order):
            track_x[(r, key)] = g0 + step * (i + 1)
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
