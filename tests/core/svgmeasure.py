"""Measure a rendered SVG the way a reader sees it: parse it with a real XML parser, take the
``nv-edge`` polylines and the glyph polygons, and count edge crossings by intersecting the
segments (written independently of the layout's own counter, to check it).

Rules (the documented meaning of a crossing): edges with the same source never cross (one
tensor, drawn as a bundle); edges with the same target may join (T-junctions, shared runs)
but a proper crossing strictly inside both segments counts; any other meeting counts, once
per pair of edges and meeting point.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from xml.etree import ElementTree

NS = "{http://www.w3.org/2000/svg}"


@dataclass
class Edge:
    source: str
    target: str
    points: list[tuple[float, float]]


@dataclass
class Shape:
    id: str
    type: str
    cls: str
    points: list[tuple[float, float]]

    @property
    def cy(self) -> float:
        ys = [p[1] for p in self.points]
        return (min(ys) + max(ys)) / 2

    @property
    def top(self) -> float:
        return min(p[1] for p in self.points)


def _pts(text: str) -> list[tuple[float, float]]:
    out = []
    for pair in text.split():
        x, y = pair.split(",")
        out.append((float(x), float(y)))
    return out


def parse(svg: str) -> tuple[list[Shape], list[Edge], list[str], tuple[float, float]]:
    """(glyphs, edges, label texts, (width, height) of the viewBox)."""
    root = ElementTree.fromstring(svg)
    glyphs: list[Shape] = []
    edges: list[Edge] = []
    for g in root.iter(f"{NS}g"):
        cls = g.get("class", "")
        if cls in ("nv-layer", "nv-group"):
            poly = g.find(f"{NS}polygon")
            assert poly is not None
            glyphs.append(
                Shape(
                    g.get("data-id", ""), g.get("data-type", ""), cls, _pts(poly.get("points", ""))
                )
            )
    for pl in root.iter(f"{NS}polyline"):
        if pl.get("class") == "nv-edge":
            edges.append(
                Edge(
                    pl.get("data-source", ""), pl.get("data-target", ""), _pts(pl.get("points", ""))
                )
            )
    labels = [t.text or "" for t in root.iter(f"{NS}text") if "nv-label" in t.get("class", "")]
    _x, _y, w, h = (float(v) for v in root.get("viewBox", "0 0 0 0").split())
    return glyphs, edges, labels, (w, h)


def _segs(e: Edge) -> list[tuple[float, float, float, float]]:
    out = []
    for (ax, ay), (bx, by) in itertools.pairwise(e.points):
        if (ax, ay) != (bx, by):
            out.append((min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))
    return out


def _proper(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    a_h, b_h = a[1] == a[3], b[1] == b[3]
    if a_h == b_h:
        return False
    h, v = (a, b) if a_h else (b, a)
    return h[0] < v[0] < h[2] and v[1] < h[1] < v[3]


def crossings(edges: list[Edge]) -> int:
    seen = set()
    for (i, e), (j, f) in itertools.combinations(enumerate(edges), 2):
        if e.source == f.source:
            continue
        for a in _segs(e):
            for b in _segs(f):
                x0, y0 = max(a[0], b[0]), max(a[1], b[1])
                x1, y1 = min(a[2], b[2]), min(a[3], b[3])
                if x0 > x1 + 0.01 or y0 > y1 + 0.01:
                    continue
                if e.target == f.target and not _proper(a, b):
                    continue
                seen.add((i, j, round(x0, 1), round(y0, 1)))
    return len(seen)


def bends(edges: list[Edge]) -> int:
    return sum(max(0, len(e.points) - 2) for e in edges)
