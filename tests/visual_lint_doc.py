"""A rendered diagram as the visual lint reads it: the SVG parsed with xml.etree.

Only the public markup contract (shared/DESIGN.md section 3) is read: glyph groups with their
``data-*`` attributes, one polygon and a tooltip each; edges with ``data-source`` and
``data-target``; ``<text>`` labels with a ``font-size``; legend items with their swatch. So
the lint judges what a reader sees, whatever the code that drew it, and keeps working while
the core is reorganised.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import cached_property

__all__ = [
    "Doc",
    "Edge",
    "Finding",
    "Glyph",
    "LegendItem",
    "SvgDoc",
    "Text",
    "as_doc",
    "parse_svg",
    "vertical_runs",
    "where",
]

Point = tuple[float, float]
Box = tuple[float, float, float, float]

#: How far apart two coordinates may be and still count as one (coordinates carry 2 decimals).
EPS = 0.011

_SHAPES = re.compile(r"^in (?P<ins>.*?) \u2192 out (?P<outs>.*)$", re.MULTILINE)
_SPLIT = re.compile(r"^Split: (?P<shape>\S+) to \d+ consumers", re.MULTILINE)
_PATTERN = re.compile(r"url\(#.*-pat-(\d+)\)")


def _local(tag: str) -> str:
    """The tag without its namespace (a standalone SVG has one, an inlined scene none)."""
    return tag.rsplit("}", 1)[-1]


def _points(text: str) -> tuple[Point, ...]:
    out: list[Point] = []
    for pair in text.split():
        x, y = pair.split(",")
        out.append((float(x), float(y)))
    return tuple(out)


def _split_shapes(text: str) -> tuple[str, ...]:
    """``16x32, 16x32`` (tooltips write a multiplication sign) -> the shape texts;
    ``none`` and ``unknown`` say nothing."""
    parts = [p.strip() for p in text.split(",")]
    return tuple(p for p in parts if p and p not in ("none", "unknown", "scalar"))


def vertical_runs(points: tuple[Point, ...], x: float) -> list[float]:
    """Lengths of the polygon's vertical edges lying on the line ``x``, collinear neighbours
    joined: a plain glyph has one run per side (its tensor's height), a fan one per port."""
    runs: list[float] = []
    n = len(points)
    current = 0.0
    for i in range(n):
        (xa, ya), (xb, yb) = points[i], points[(i + 1) % n]
        if abs(xa - x) < EPS and abs(xb - x) < EPS and abs(ya - yb) > EPS:
            current += abs(ya - yb)
        elif current:
            runs.append(current)
            current = 0.0
    if current:
        # The closing edge may continue the first run: join them (the outline starts at the
        # top-left corner, mid-way along the left side of a fan).
        if runs and abs(points[0][0] - x) < EPS and abs(points[1][0] - x) < EPS:
            runs[0] += current
        else:
            runs.append(current)
    return runs


@dataclass(frozen=True)
class Glyph:
    """One drawn glyph: ``nv-layer`` (a layer or a synthetic Split) or ``nv-group``."""

    id: str
    kind: str  # "layer" | "group"
    type: str
    name: str
    synthetic: bool
    count: int
    points: tuple[Point, ...]
    tooltip: str
    fill: str

    @cached_property
    def bbox(self) -> tuple[float, float, float, float]:
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        return (min(xs), min(ys), max(xs), max(ys))

    @property
    def width(self) -> float:
        return self.bbox[2] - self.bbox[0]

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]

    @property
    def cx(self) -> float:
        return (self.bbox[0] + self.bbox[2]) / 2

    @cached_property
    def left_runs(self) -> list[float]:
        return vertical_runs(self.points, self.bbox[0])

    @cached_property
    def right_runs(self) -> list[float]:
        return vertical_runs(self.points, self.bbox[2])

    @property
    def plain(self) -> bool:
        """A trapezoid (one port per side): its sides are its tensors' drawn heights."""
        return len(self.points) == 4 and len(self.left_runs) == 1 and len(self.right_runs) == 1

    @property
    def h_in(self) -> float:
        """The height of one input end (the shortest left run: fan ends are one tensor)."""
        return min(self.left_runs, default=self.height)

    @property
    def h_out(self) -> float:
        return min(self.right_runs, default=self.height)

    @cached_property
    def shapes(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(input shape texts, output shape texts) as the tooltip writes them."""
        m = _SPLIT.search(self.tooltip)
        if m is not None:
            return (m["shape"],), (m["shape"],)
        m = _SHAPES.search(self.tooltip)
        if m is None:
            return (), ()
        return _split_shapes(m["ins"]), _split_shapes(m["outs"])

    @property
    def vector_out(self) -> bool:
        """Its output is 1-D (Net2Vis draws it as a rule: both sides sized by the units)."""
        outs = self.shapes[1]
        return bool(outs) and "\u00d7" not in outs[0]


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    points: tuple[Point, ...]

    @property
    def backward(self) -> bool:
        """Ends left of where it starts: the edge that carries a wrapped chain to the next
        row (every other edge runs left to right)."""
        return self.points[-1][0] < self.points[0][0] - EPS


@dataclass(frozen=True)
class Text:
    text: str
    x: float
    y: float
    size: float
    rotated: bool
    legend: bool


@dataclass(frozen=True)
class LegendItem:
    kind: str  # "type" | "group"
    type: str
    fill: str
    stroke: str

    @property
    def look(self) -> str:
        """Fill and pattern, comparable across diagrams: ``#RRGGBB`` or ``pattern N``."""
        m = _PATTERN.fullmatch(self.fill)
        return f"pattern {m[1]}" if m else self.fill.upper()


@dataclass(frozen=True)
class SvgDoc:
    title: str
    width: float
    height: float
    glyphs: tuple[Glyph, ...]
    edges: tuple[Edge, ...]
    texts: tuple[Text, ...]
    legend: tuple[LegendItem, ...]
    has_style: bool = False
    by_id: dict[str, Glyph] = field(default_factory=dict, compare=False, repr=False)
    #: (x0, y0, x1, y1) of everything the legend draws (swatches, miniatures, text)
    legend_box: Box | None = None

    @cached_property
    def diagram_box(self) -> Box | None:
        """(x0, y0, x1, y1) of the diagram itself: glyphs, edges and labels, no legend."""
        xs: list[float] = []
        ys: list[float] = []
        for g in self.glyphs:
            xs += [g.bbox[0], g.bbox[2]]
            ys += [g.bbox[1], g.bbox[3]]
        for e in self.edges:
            xs += [p[0] for p in e.points]
            ys += [p[1] for p in e.points]
        for t in self.labels:
            xs.append(t.x)
            ys += [t.y - t.size, t.y + 3]
        return (min(xs), min(ys), max(xs), max(ys)) if xs else None

    @property
    def labels(self) -> tuple[Text, ...]:
        """The diagram's own labels (not the legend's)."""
        return tuple(t for t in self.texts if not t.legend)


def _glyph(el: ET.Element, kind: str) -> Glyph | None:
    poly = next((c for c in el if _local(c.tag) == "polygon"), None)
    if poly is None:
        return None
    title = next((c for c in el if _local(c.tag) == "title"), None)
    return Glyph(
        id=el.get("data-id", ""),
        kind=kind,
        type=el.get("data-type", ""),
        name=el.get("data-name", el.get("data-type", "")),
        synthetic=el.get("data-synthetic") == "true",
        count=int(el.get("data-count", "1") or 1),
        points=_points(poly.get("points", "")),
        tooltip=(title.text or "") if title is not None else "",
        fill=poly.get("fill", ""),
    )


def _walk(
    el: ET.Element,
    in_legend: bool,
    glyphs: list[Glyph],
    edges: list[Edge],
    texts: list[Text],
    legend: list[LegendItem],
) -> None:
    for child in el:
        tag = _local(child.tag)
        cls = (child.get("class") or "").split()
        if tag == "g" and ("nv-layer" in cls or "nv-group" in cls):
            g = _glyph(child, "group" if "nv-group" in cls else "layer")
            if g is not None:
                glyphs.append(g)
            continue
        if tag == "g" and "nv-legend-item" in cls:
            swatch = next((c for c in child if _local(c.tag) == "polygon"), None)
            # a diff's key (data-diff) explains outlines and badges, not a look of a kind
            if swatch is not None and not child.get("data-diff"):
                legend.append(
                    LegendItem(
                        child.get("data-kind", "type"),
                        child.get("data-type", ""),
                        swatch.get("fill", ""),
                        swatch.get("stroke", ""),
                    )
                )
            _walk(child, True, glyphs, edges, texts, legend)
            continue
        if tag == "polyline" and "nv-edge" in cls:
            edges.append(
                Edge(
                    child.get("data-source", ""),
                    child.get("data-target", ""),
                    _points(child.get("points", "")),
                )
            )
            continue
        if tag == "text":
            texts.append(
                Text(
                    text="".join(child.itertext()),
                    x=float(child.get("x", "0")),
                    y=float(child.get("y", "0")),
                    size=float(child.get("font-size", "16")),
                    rotated="rotate" in (child.get("transform") or ""),
                    legend=in_legend,
                )
            )
            continue
        _walk(child, in_legend or "nv-legend" in cls, glyphs, edges, texts, legend)


def _legend_box(root: ET.Element) -> Box | None:
    xs: list[float] = []
    ys: list[float] = []
    for g in root.iter():
        if _local(g.tag) != "g" or "nv-legend" not in (g.get("class") or "").split():
            continue
        for el in g.iter():
            tag = _local(el.tag)
            if tag in ("polygon", "polyline"):
                pts = _points(el.get("points", ""))
                xs += [p[0] for p in pts]
                ys += [p[1] for p in pts]
            elif tag == "text":
                size = float(el.get("font-size", "16"))
                xs.append(float(el.get("x", "0")))
                ys += [float(el.get("y", "0")) - size, float(el.get("y", "0")) + 3]
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def parse_svg(svg: str) -> SvgDoc:
    """Parse one diagram SVG (a document, or an inlined drill-down scene)."""
    root = ET.fromstring(svg)
    glyphs: list[Glyph] = []
    edges: list[Edge] = []
    texts: list[Text] = []
    legend: list[LegendItem] = []
    _walk(root, False, glyphs, edges, texts, legend)
    title_el = next((c for c in root if _local(c.tag) == "title"), None)
    width = root.get("width")
    height = root.get("height")
    if width is None or height is None:
        box = (root.get("viewBox") or "0 0 0 0").split()
        width, height = box[2], box[3]
    return SvgDoc(
        title=(title_el.text or "") if title_el is not None else root.get("aria-label", ""),
        width=float(width),
        height=float(height),
        glyphs=tuple(glyphs),
        edges=tuple(edges),
        texts=tuple(texts),
        legend=tuple(legend),
        has_style=any(_local(c.tag) == "style" for c in root.iter()),
        by_id={g.id: g for g in glyphs},
        legend_box=_legend_box(root),
    )


Doc = SvgDoc | str


class Finding(str):
    """A readable finding (a plain ``str``) that also carries how bad it is (``score``,
    larger is worse: a ratio, or the pixels missing), to rank the worst examples."""

    score: float

    def __new__(cls, text: str, score: float = 1.0) -> Finding:
        obj = super().__new__(cls, text)
        obj.score = score
        return obj


def as_doc(doc: Doc) -> SvgDoc:
    return parse_svg(doc) if isinstance(doc, str) else doc


def where(doc: SvgDoc) -> str:
    return doc.title.removesuffix(" architecture diagram") or "diagram"
