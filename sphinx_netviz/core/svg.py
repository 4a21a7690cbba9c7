"""The SVG writer (svgwrite): diagram, legend, and the placeholder for failed diagrams.

Markup contract (shared/DESIGN.md section 3): ``role="img"`` with ``<title>``/``<desc>`` and
``aria-labelledby``; a ``viewBox``; no scripts, event attributes or external references;
every ``id`` carries a per-diagram prefix derived from the content hash; one
``<g class="nv-layer">`` / ``<g class="nv-group">`` per glyph holding exactly one
``<polygon class="nv-shape">`` in absolute coordinates and a ``<title>`` tooltip; edges are
``class="nv-edge"`` with ``data-source``/``data-target``; the only transforms are
``rotate(...)`` on ``<text>``. Text and edge colours come from CSS custom properties
(``--netviz-fg``, ``--netviz-edge``, ...) with light fallbacks, so the page theme decides
them; presentation attributes carry the same fallbacks for renderers without CSS (cairosvg).
Attributes are set in a fixed order and numbers are formatted by hand: identical input gives
byte-identical output.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import svgwrite.base
import svgwrite.params

from .palette import Palette, Swatch
from .sizes import (
    EDGE_WIDTH,
    EDGE_WIDTH_MINI,
    EQUALS_FONT,
    EQUALS_X,
    GROUP_H,
    GROUP_STROKE,
    GROUP_W,
    LABEL_FONT,
    LEGEND_FONT,
    MINI_STROKE_SCALE,
    STROKE,
    SWATCH_H,
    SWATCH_TEXT_GAP,
    SWATCH_W,
)

if TYPE_CHECKING:
    from .layout import Glyph, Scene
    from .legend import LegendScene

__all__ = ["SvgParts", "detail_svg", "diagram_svg", "legend_only_svg", "placeholder_svg"]

FG = "#24292f"
MUTED = "#57606a"
EDGE = "#57606a"
SAMPLE = "#afb8c1"
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

#: Scoped to ``svg.netviz`` so that inlining never restyles anything else on the page.
STYLE = (
    "svg.netviz{font-family:" + FONT_FAMILY + "}"
    f"svg.netviz .nv-label{{fill:var(--netviz-fg,{FG})}}"
    f"svg.netviz .nv-muted{{fill:var(--netviz-muted,{MUTED})}}"
    f"svg.netviz .nv-edge,svg.netviz .nv-legend-edge{{stroke:var(--netviz-edge,{EDGE});fill:none}}"
    f"svg.netviz .nv-sample{{stroke:var(--netviz-sample,{SAMPLE});fill:none}}"
    "svg.netviz .nv-layer:hover .nv-shape,svg.netviz .nv-group:hover .nv-shape"
    "{filter:brightness(1.08)}"
)


def fmt(value: float) -> str:
    """A number with at most two decimals and no trailing zeros (deterministic)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _points(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{fmt(x)},{fmt(y)}" for x, y in points)


@dataclass(frozen=True)
class SvgParts:
    """What the writer needs besides geometry."""

    prefix: str
    title: str
    desc: str
    palette: Palette
    tooltips: dict[str, str]
    group_colors: dict[int, str]


#: One shared svgwrite parameter set (validation off): creating one per element was a fifth
#: of the time of a 10,000-layer render.
_PARAMETER = svgwrite.params.Parameter(debug=False)


class _Elem(svgwrite.base.BaseElement):  # type: ignore[misc]
    """A plain svgwrite element with a given tag; attributes are set verbatim (no
    validation, our own number formatting) and serialised sorted by name."""

    elementname = "g"

    def __init__(self, tag: str, text: str | None = None, **attrs: str) -> None:
        # svgwrite's own __init__ builds a Parameter object per element; share one.
        self._parameter = _PARAMETER
        self.attribs = dict(attrs)
        self.elements: list[_Elem] = []
        self.elementname = tag
        self.text = text

    def get_xml(self) -> object:
        xml = super().get_xml()
        if self.text is not None:
            xml.text = self.text
        return xml

    def tostring(self) -> str:
        """The same markup as svgwrite's ``tostring`` (ElementTree's escaping, attributes
        sorted by name, empty ones dropped), written straight to a string: building and
        serialising an ElementTree took 60 % of a 10,000-layer render."""
        out: list[str] = []
        self._write(out)
        return "".join(out)

    def _write(self, out: list[str]) -> None:
        out.append("<" + self.elementname)
        for key, value in sorted(self.attribs.items()):
            if value:
                out.append(f' {key}="{_escape_attr(str(value))}"')
        if self.text is None and not self.elements:
            out.append(" />")
            return
        out.append(">")
        if self.text:
            out.append(_escape_text(self.text))
        for el in self.elements:
            el._write(out)
        out.append(f"</{self.elementname}>")


def _escape_text(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


_ATTR_ESCAPES = (
    ("&", "&amp;"),
    ("<", "&lt;"),
    (">", "&gt;"),
    ('"', "&quot;"),
    ("\r", "&#13;"),
    ("\n", "&#10;"),
    ("\t", "&#09;"),
)


_ATTR_SPECIAL = re.compile('[&<>"\r\n\t]')


def _escape_attr(text: str) -> str:
    if _ATTR_SPECIAL.search(text) is None:
        return text
    for raw, esc in _ATTR_ESCAPES:
        if raw in text:
            text = text.replace(raw, esc)
    return text


def E(tag: str, text: str | None = None, **attrs: str) -> _Elem:
    """Build an element: ``E("rect", x="1")``; attribute names as SVG spells them."""
    return _Elem(tag, text, **attrs)


class _Root(_Elem):
    """The ``<svg>`` root; ``defs`` is inserted only when something needs it."""

    def __init__(self) -> None:
        super().__init__("svg")
        self.defs = E("defs")


def _drawing(width: float, height: float, prefix: str, title: str, desc: str) -> _Root:
    dwg = _Root()
    dwg.attribs["xmlns"] = "http://www.w3.org/2000/svg"
    dwg.attribs["version"] = "1.1"
    dwg.attribs["class"] = "netviz"
    dwg.attribs["id"] = prefix
    dwg.attribs["width"] = fmt(width)
    dwg.attribs["height"] = fmt(height)
    dwg.attribs["viewBox"] = f"0 0 {fmt(width)} {fmt(height)}"
    dwg.attribs["role"] = "img"
    dwg.attribs["aria-labelledby"] = f"{prefix}-title {prefix}-desc"
    # netviz.css lets a diagram shrink to the column, but not below 60 % of its size.
    dwg.attribs["style"] = f"--netviz-min-width:{fmt(0.6 * width)}px"
    dwg.add(E("title", title, id=f"{prefix}-title"))
    dwg.add(E("desc", desc, id=f"{prefix}-desc"))
    dwg.add(E("style", STYLE))
    return dwg


def _g(cls: str, **data: str) -> _Elem:
    g = E("g")
    g.attribs["class"] = cls
    for key, value in data.items():
        g.attribs[key] = value
    return g


def _text(
    text: str,
    x: float,
    y: float,
    *,
    cls: str = "nv-label",
    size: float = LABEL_FONT,
    anchor: str = "middle",
    rotate: bool = False,
    fill: str = FG,
) -> _Elem:
    el = E("text", text)
    el.attribs["class"] = cls
    el.attribs["x"] = fmt(x)
    el.attribs["y"] = fmt(y)
    el.attribs["font-size"] = fmt(size)
    el.attribs["text-anchor"] = anchor
    el.attribs["fill"] = fill
    if rotate:
        el.attribs["dominant-baseline"] = "central"
        el.attribs["transform"] = f"rotate(90 {fmt(x)} {fmt(y)})"
    return el


# Monochrome fill patterns (12, like Net2Vis's textures): (size, list of path data, filled).
_PATTERNS: tuple[tuple[int, str, float], ...] = (
    (8, "M0 0L8 8M8 0L0 8", 1.0),
    (10, "M0 0H5V5H0ZM5 5H10V10H5Z", 0.0),
    (10, "M5 3.5A1.5 1.5 0 1 0 5 6.5A1.5 1.5 0 1 0 5 3.5Z", 0.0),
    (8, "M0 4H8", 1.5),
    (14, "M7 5.5A1.5 1.5 0 1 0 7 8.5A1.5 1.5 0 1 0 7 5.5Z", 0.0),
    (8, "M0 8L8 0", 1.0),
    (8, "M0 8L8 0", 3.0),
    (8, "M0 0L8 8", 1.5),
    (6, "M0 3H6", 0.8),
    (6, "M3 0V6", 0.8),
    (8, "M4 0V8M0 4H8", 1.0),
    (10, "M0 0L10 10M10 0L0 10M5 0V10", 0.8),
)


def _pattern_defs(dwg: _Root, prefix: str, used: set[int]) -> None:
    for idx in sorted(used):
        size, d, width = _PATTERNS[idx % len(_PATTERNS)]
        pat = E("pattern")
        pat.attribs.update(
            {
                "id": f"{prefix}-pat-{idx}",
                "width": str(size),
                "height": str(size),
                "patternUnits": "userSpaceOnUse",
            }
        )
        pat.add(E("rect", width=str(size), height=str(size), fill="#FFFFFF"))
        path = E("path", d=d)
        if width > 0:
            path.attribs["stroke"] = "#4a4a4a"
            path.attribs["stroke-width"] = fmt(width)
            path.attribs["fill"] = "none"
        else:
            path.attribs["fill"] = "#4a4a4a"
        pat.add(path)
        dwg.defs.add(pat)


def _glyph_swatch(parts: SvgParts, g: Glyph) -> Swatch:
    if g.kind == "group" and g.gid:
        base = parts.group_colors.get(g.gid, "#607D8B")
        if parts.palette.mono:
            return Swatch("#FFFFFF", "#555555", pattern=g.gid % 12)
        from .palette import darken

        return Swatch(darken(base), base)
    return parts.palette.swatch(g.type, group=g.kind == "group", dense=g.dense)


def _fill(parts: SvgParts, sw: Swatch) -> str:
    return f"url(#{parts.prefix}-pat-{sw.pattern})" if sw.pattern is not None else sw.fill


def _polygon(points: list[tuple[float, float]], sw: Swatch, fill: str, width: float) -> _Elem:
    el = E("polygon")
    el.attribs["class"] = "nv-shape"
    el.attribs["points"] = _points(points)
    el.attribs["fill"] = fill
    el.attribs["stroke"] = sw.stroke
    el.attribs["stroke-width"] = fmt(width)
    el.attribs["stroke-linejoin"] = "round"
    return el


def _draw_scene(
    dwg: _Root,
    parent: svgwrite.container.Group,
    scene: Scene,
    parts: SvgParts,
    *,
    dx: float = 0.0,
    dy: float = 0.0,
    mini: bool = False,
    used_patterns: set[int],
) -> None:
    def mv(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        return [(x + dx, y + dy) for x, y in points]

    edges = _g("nv-edges")
    for p in scene.paths:
        el = E("polyline")
        el.attribs["class"] = "nv-legend-edge" if mini else "nv-edge"
        if not mini:
            el.attribs["data-source"] = p.source
            el.attribs["data-target"] = p.target
        el.attribs["points"] = _points(mv(p.points))
        el.attribs["fill"] = "none"
        el.attribs["stroke"] = EDGE
        el.attribs["stroke-width"] = fmt(EDGE_WIDTH_MINI if mini else EDGE_WIDTH)
        edges.add(el)
    parent.add(edges)
    for bx, by, bw, bh in scene.samples:
        r = E("rect")
        r.attribs.update(
            {
                "class": "nv-sample",
                "x": fmt(bx + dx),
                "y": fmt(by + dy),
                "width": fmt(bw),
                "height": fmt(bh),
                "fill": "none",
                "stroke": SAMPLE,
                "stroke-width": "2",
                "stroke-dasharray": "4",
            }
        )
        parent.add(r)
    glyphs = _g("nv-glyphs")
    for g in scene.glyphs:
        sw = _glyph_swatch(parts, g)
        if sw.pattern is not None:
            used_patterns.add(sw.pattern)
        group = g.kind == "group"
        width = (GROUP_STROKE if group else STROKE) * (MINI_STROKE_SCALE if mini else 1.0)
        if group and not mini:
            el = _g(
                "nv-group",
                **{
                    "data-id": g.id,
                    "data-type": g.type,
                    "data-members": str(g.members),
                    "data-count": str(g.count),
                },
            )
        elif mini:
            el = _g("nv-mini")
        else:
            data = {
                "data-id": g.id,
                "data-type": g.type,
                "data-name": g.name,
                # IR nodes this glyph stands for: 1, or 0 for a synthetic Split, so that
                # summing data-members over layers and groups counts every drawn IR node.
                "data-members": str(g.members),
            }
            if g.kind == "split":
                data["data-synthetic"] = "true"
            el = _g("nv-layer", **data)
        if not mini:
            el.add(E("title", parts.tooltips.get(g.id, g.name)))
        el.add(_polygon(mv(g.points), sw, _fill(parts, sw), width))
        glyphs.add(el)
    parent.add(glyphs)
    if scene.labels:
        labels = _g("nv-labels")
        for lb in scene.labels:
            labels.add(
                _text(
                    lb.text,
                    lb.x + dx,
                    lb.y + dy,
                    anchor=lb.anchor,
                    rotate=lb.rotate,
                    size=lb.size,
                    cls="nv-label" if lb.kind != "name" else "nv-label nv-muted",
                    fill=FG if lb.kind != "name" else MUTED,
                )
            )
        parent.add(labels)


def _draw_legend(
    parent: svgwrite.container.Group,
    dwg: _Root,
    legend: LegendScene,
    parts: SvgParts,
    dx: float,
    dy: float,
    used: set[int],
) -> None:
    box = _g("nv-legend")
    for e in legend.entries:
        item = _g("nv-legend-item", **{"data-type": e.type, "data-kind": e.kind})
        if e.kind == "type":
            sw = parts.palette.swatch(e.type)
            if sw.pattern is not None:
                used.add(sw.pattern)
            x, y = e.x + dx, e.y + dy
            pts = [(x, y), (x + SWATCH_W, y), (x + SWATCH_W, y + SWATCH_H), (x, y + SWATCH_H)]
            item.add(_polygon(pts, sw, _fill(parts, sw), 2))
            item.add(
                _text(
                    e.label,
                    x + SWATCH_W + SWATCH_TEXT_GAP,
                    y + SWATCH_H / 2 + 4,
                    anchor="start",
                    size=LEGEND_FONT,
                )
            )
        else:
            if e.gid:
                base = parts.group_colors.get(e.gid, "#607D8B")
                from .palette import darken

                sw = (
                    Swatch("#FFFFFF", "#555555", pattern=e.gid % 12)
                    if parts.palette.mono
                    else Swatch(darken(base), base)
                )
            else:
                sw = parts.palette.swatch(e.type, group=True)
            if sw.pattern is not None:
                used.add(sw.pattern)
            x, y = e.x + dx, e.y + dy
            pts = [(x, y), (x + GROUP_W, y), (x + GROUP_W, y + GROUP_H), (x, y + GROUP_H)]
            item.add(_polygon(pts, sw, _fill(parts, sw), 5))
            item.add(_text("=", x + GROUP_W + EQUALS_X, y + GROUP_H / 2 + 5, size=EQUALS_FONT))
            if e.mini is not None:
                _draw_scene(
                    dwg,
                    item,
                    e.mini,
                    parts,
                    dx=e.mini_x + dx,
                    dy=e.mini_y + dy,
                    mini=True,
                    used_patterns=used,
                )
            item.add(_text(e.label, x, y + e.h - 2, anchor="start", size=LEGEND_FONT))
        box.add(item)
    parent.add(box)


def diagram_svg(
    scene: Scene,
    legend: LegendScene | None,
    parts: SvgParts,
    *,
    legend_gap: float = 24.0,
) -> tuple[str, float, float]:
    """The diagram (with the legend below when given) as an SVG document."""
    width = scene.width
    height = scene.height
    if legend is not None and legend.entries:
        width = max(width, legend.width + 32)
        height = scene.height + legend_gap + legend.height + 16
    dwg = _drawing(width, height, parts.prefix, parts.title, parts.desc)
    used: set[int] = set()
    body = _g("nv-diagram")
    _draw_scene(dwg, body, scene, parts, used_patterns=used)
    if legend is not None and legend.entries:
        _draw_legend(body, dwg, legend, parts, 16.0, scene.height + legend_gap, used)
    if used:
        _pattern_defs(dwg, parts.prefix, used)
        dwg.elements.insert(2, dwg.defs)
    dwg.add(body)
    return str(dwg.tostring()), width, height


def legend_only_svg(legend: LegendScene, parts: SvgParts) -> str:
    """The legend on its own (always produced, like Net2Vis's legend.svg)."""
    width = max(legend.width + 32, 64.0)
    height = max(legend.height + 32, 32.0)
    parts = replace(parts, prefix=parts.prefix + "-legend")
    dwg = _drawing(width, height, parts.prefix, f"Legend: {parts.title}", parts.desc)
    used: set[int] = set()
    body = _g("nv-diagram")
    _draw_legend(body, dwg, legend, parts, 16.0, 16.0, used)
    if used:
        _pattern_defs(dwg, parts.prefix, used)
        dwg.elements.insert(2, dwg.defs)
    dwg.add(body)
    return str(dwg.tostring())


def detail_svg(scene: Scene, parts: SvgParts, for_id: str, label: str) -> str:
    """One drill-down scene (see detail.py) as a compact inline SVG for the HTML embed.

    Same glyph, edge and label markup as the diagram, but no ``<title>``/``<desc>``/
    ``<style>`` of its own: it only ever lives inside a page next to its diagram, whose
    scoped ``<style>`` and the page's ``netviz.css`` already style ``svg.netviz``. It is
    named by ``aria-label`` instead.
    """
    dwg = _Root()  # no xmlns: the HTML parser puts <svg> in the SVG namespace itself
    dwg.attribs["class"] = "netviz nv-detail"
    dwg.attribs["data-for"] = for_id
    dwg.attribs["viewBox"] = f"0 0 {fmt(scene.width)} {fmt(scene.height)}"
    dwg.attribs["role"] = "group"
    dwg.attribs["aria-label"] = label
    used: set[int] = set()
    body = _g("nv-diagram")
    _draw_scene(dwg, body, scene, parts, used_patterns=used)
    if used:
        _pattern_defs(dwg, parts.prefix, used)
        dwg.elements.insert(0, dwg.defs)
    dwg.add(body)
    text = str(dwg.tostring()).replace("<title />", "").replace(" />", "/>")
    return _DETAIL_DEFAULTS.sub("", text)


#: Presentation attributes a scene can leave to netviz.css (``svg.nv-detail`` rules): it
#: lives only in a page that loads the stylesheet, and dropping them keeps scenes small.
_DETAIL_DEFAULTS = re.compile(
    r' (?:stroke-linejoin="round"|fill="(?:none|#24292f|#57606a)"|stroke="#57606a"'
    r'|stroke-width="1\.25"|font-size="11"|text-anchor="middle")(?=[ />])'
)


def placeholder_svg(title: str, message: str) -> str:
    """A small visible box for a diagram that failed, following the same markup rules."""
    import hashlib

    lines = [title, *_wrap(message, 70)]
    width = max(320.0, max(len(s) for s in lines) * 7.0 + 32)
    height = 24.0 + 18.0 * len(lines) + 8
    prefix = "nv" + hashlib.sha256(f"{title}\n{message}".encode()).hexdigest()[:10]
    dwg = _drawing(width, height, prefix, title, message)
    dwg.attribs["class"] = "netviz netviz-placeholder"
    body = _g("nv-placeholder")
    r = E("rect")
    r.attribs.update(
        {
            "x": "1",
            "y": "1",
            "width": fmt(width - 2),
            "height": fmt(height - 2),
            "rx": "6",
            "fill": "none",
            "stroke": "#cf222e",
            "stroke-width": "1.5",
            "stroke-dasharray": "6 4",
        }
    )
    body.add(r)
    for i, line in enumerate(lines):
        body.add(_text(line, 16, 28 + 18 * i, anchor="start", size=13 if i == 0 else 12))
    dwg.add(body)
    return str(dwg.tostring())


def _wrap(text: str, width: int) -> list[str]:
    words = " ".join(text.split()).split(" ")
    lines: list[str] = []
    cur = ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        lines.append(cur)
    return lines[:8] or [""]
