"""Scene types: what the layout produces (glyphs, edge polylines, labels) and the pieces it
composes them from while working bottom-up through the series-parallel tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .sizes import LABEL_FONT, text_width

if TYPE_CHECKING:
    from ..ir.graph import Shape

__all__ = [
    "Glyph",
    "Label",
    "LayoutStats",
    "Path",
    "Piece",
    "Point",
    "Scene",
    "Term",
    "band",
    "clean",
    "concat",
    "extent",
    "find",
    "label_box",
]

Point = tuple[float, float]


@dataclass(slots=True)
class Glyph:
    """One drawn glyph (a layer, a group, a split) in absolute coordinates."""

    id: str
    kind: str  # "layer" | "group" | "split" | "junction"
    type: str
    name: str
    x: float
    w: float
    y: float  # lane centre (where edges attach)
    h_in: float
    h_out: float
    in_ports: list[float] = field(default_factory=list)
    out_ports: list[float] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    members: int = 1
    count: int = 1
    gid: int = 0
    dense: bool = False
    node_ids: tuple[str, ...] = ()
    in_shape: Shape | None = None
    out_shape: Shape | None = None
    #: A diff's mark (``"added"``, ``"changed"``, ``"removed"``; ``""`` for none) and, for a
    #: group whose repeat count changed, the count in the reference (0 otherwise).
    diff: str = ""
    count_old: int = 0

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        return (min(xs), min(ys), max(xs), max(ys))


@dataclass(slots=True)
class Path:
    """An orthogonal edge polyline from glyph ``source`` to glyph ``target``."""

    source: str
    target: str
    points: list[Point]


@dataclass(slots=True)
class Label:
    """A text label. ``rotate`` labels run downwards from (x, y)."""

    x: float
    y: float
    text: str
    kind: str  # "dim" | "feat" | "name" | "count" | "group" (a group's name line)
    rotate: bool = False
    anchor: str = "middle"
    size: float = LABEL_FONT


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


@dataclass(slots=True)
class Scene:
    """Everything the SVG writer draws, in absolute coordinates inside (0, 0, width, height);
    ``stats`` is the layout's own measure of its quality (crossings, bends, size)."""

    glyphs: list[Glyph]
    paths: list[Path]
    labels: list[Label]
    samples: list[tuple[float, float, float, float]]
    width: float
    height: float
    stats: LayoutStats | None = None


@dataclass(slots=True)
class Term:
    """A dangling edge end of a piece: entries run from (0, 0) to the glyph's port, exits
    from the port to (w, 0); the enclosing piece joins them to its neighbours."""

    glyph: str
    points: list[Point]


@dataclass(slots=True)
class Piece:
    """A laid-out part of the tree in local coordinates: x from 0 to ``w``, the connecting
    lane at y = 0, everything drawn between ``top`` (<= 0) and ``bottom`` (>= 0)."""

    w: float
    top: float
    bottom: float
    glyphs: list[Glyph]
    paths: list[Path]
    labels: list[Label]
    entries: list[Term]
    exits: list[Term]

    def shifted(self, dx: float, dy: float) -> Piece:
        """Move the piece (its glyphs, paths and labels are moved in place)."""

        def mv(points: list[Point]) -> list[Point]:
            return [(x + dx, y + dy) for x, y in points]

        for g in self.glyphs:
            g.x += dx
            g.y += dy
            g.in_ports = [p + dy for p in g.in_ports]
            g.out_ports = [p + dy for p in g.out_ports]
        for p in self.paths:
            p.points = mv(p.points)
        for lb in self.labels:
            lb.x += dx
            lb.y += dy
        return Piece(
            self.w,
            self.top + dy,
            self.bottom + dy,
            self.glyphs,
            self.paths,
            self.labels,
            [Term(t.glyph, mv(t.points)) for t in self.entries],
            [Term(t.glyph, mv(t.points)) for t in self.exits],
        )


def extent(g: Glyph) -> tuple[float, float, float, float]:
    """The box of the glyph's outline, from its geometry (the outline is drawn only once,
    after the scene is moved into place)."""
    ins = g.in_ports or [g.y]
    outs = g.out_ports or [g.y]
    hi, ho = g.h_in / 2, g.h_out / 2
    top = min(min(ins) - hi, min(outs) - ho)
    bottom = max(max(ins) + hi, max(outs) + ho)
    return (g.x, top, g.x + g.w, bottom)


def label_box(lb: Label) -> tuple[float, float, float, float]:
    """The approximate box of a label's text (rotated labels run downwards)."""
    tw = text_width(lb.text, lb.size)
    if lb.rotate:
        return (lb.x - lb.size / 2, lb.y, lb.x + lb.size / 2, lb.y + tw)
    return (lb.x - tw / 2, lb.y - lb.size, lb.x + tw / 2, lb.y + 3)


def band(piece: Piece, dx: float, dy: float, lo: float, hi: float) -> tuple[float, float] | None:
    """The vertical extent (top, bottom) of what ``piece``, moved by (dx, dy), draws between
    x = ``lo`` and ``hi``; None when it draws nothing there. The skyline a side input is
    placed against: it only has to clear what lies under its own lane."""
    ys: list[float] = []
    boxes = [extent(g) for g in piece.glyphs] + [label_box(lb) for lb in piece.labels]
    for x0, y0, x1, y1 in boxes:
        if x0 + dx < hi and x1 + dx > lo:
            ys += [y0 + dy, y1 + dy]
    for p in piece.paths:
        for (xa, ya), (xb, yb) in zip(p.points, p.points[1:], strict=False):
            if min(xa, xb) + dx <= hi and max(xa, xb) + dx >= lo:
                ys += [ya + dy, yb + dy]
    return (min(ys), max(ys)) if ys else None


def find(glyphs: list[Glyph], gid: str) -> Glyph | None:
    for g in glyphs:
        if g.id == gid:
            return g
    return None


def concat(a: list[Point], b: list[Point]) -> list[Point]:
    return clean([*a, *b])


def clean(points: list[Point]) -> list[Point]:
    """Drop repeated and collinear points (keeps the polyline minimal and orthogonal)."""
    out: list[Point] = []
    for p in points:
        p = (round(p[0], 2), round(p[1], 2))
        if out and abs(out[-1][0] - p[0]) < 1e-6 and abs(out[-1][1] - p[1]) < 1e-6:
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if (abs(a[0] - b[0]) < 1e-6 and abs(b[0] - p[0]) < 1e-6) or (
                abs(a[1] - b[1]) < 1e-6 and abs(b[1] - p[1]) < 1e-6
            ):
                out[-1] = p
                continue
        out.append(p)
    if len(out) == 1:
        out.append(out[0])
    return out
