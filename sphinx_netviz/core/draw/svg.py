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
from dataclasses import replace
from typing import TYPE_CHECKING

from .markup import E, Root, drawing, fmt, g_elem, text_elem
from .patterns import Patterns
from .scene import SvgParts, draw_legend, draw_scene

if TYPE_CHECKING:
    from ..layout import Scene
    from .legend import LegendScene

__all__ = ["SvgParts", "detail_svg", "diagram_svg", "legend_only_svg", "placeholder_svg"]


def diagram_svg(
    scene: Scene,
    legend: LegendScene | None,
    parts: SvgParts,
    *,
    legend_gap: float = 24.0,
    patterns: Patterns | None = None,
) -> tuple[str, float, float]:
    """The diagram (with the legend below when given) as an SVG document; ``patterns``
    collects its pattern definitions (for its drill-down scenes to reuse)."""
    width = scene.width
    height = scene.height
    if legend is not None and legend.entries:
        width = max(width, legend.width + 32)
        height = scene.height + legend_gap + legend.height + 16
    dwg = drawing(width, height, parts.prefix, parts.title, parts.desc)
    patterns = patterns if patterns is not None else Patterns(parts.prefix)
    body = g_elem("nv-diagram")
    draw_scene(dwg, body, scene, parts, patterns=patterns)
    if legend is not None and legend.entries:
        draw_legend(body, dwg, legend, parts, 16.0, scene.height + legend_gap, patterns)
    if patterns.ids:
        patterns.write(dwg)
        dwg.elements.insert(2, dwg.defs)
    dwg.add(body)
    return str(dwg.tostring()), width, height


def legend_only_svg(legend: LegendScene, parts: SvgParts) -> str:
    """The legend on its own (always produced, like Net2Vis's legend.svg)."""
    width = max(legend.width + 32, 64.0)
    height = max(legend.height + 32, 32.0)
    parts = replace(parts, prefix=parts.prefix + "-legend")
    dwg = drawing(width, height, parts.prefix, f"Legend: {parts.title}", parts.desc)
    patterns = Patterns(parts.prefix)
    body = g_elem("nv-diagram")
    draw_legend(body, dwg, legend, parts, 16.0, 16.0, patterns)
    if patterns.ids:
        patterns.write(dwg)
        dwg.elements.insert(2, dwg.defs)
    dwg.add(body)
    return str(dwg.tostring())


def detail_svg(
    scene: Scene, parts: SvgParts, for_id: str, label: str, shared: Patterns | None = None
) -> str:
    """One drill-down scene (see details.py) as a compact inline SVG for the HTML embed.

    Same glyph, edge and label markup as the diagram, but no ``<title>``/``<desc>``/
    ``<style>`` of its own: it only ever lives inside a page next to its diagram, whose
    scoped ``<style>`` and the page's ``netviz.css`` already style ``svg.netviz``. It is
    named by ``aria-label`` instead. Fill patterns the diagram defines already (``shared``)
    are referenced, not defined again.
    """
    dwg = Root()  # no xmlns: the HTML parser puts <svg> in the SVG namespace itself
    dwg.attribs["class"] = "netviz nv-detail"
    dwg.attribs["data-for"] = for_id
    dwg.attribs["viewBox"] = f"0 0 {fmt(scene.width)} {fmt(scene.height)}"
    dwg.attribs["role"] = "group"
    dwg.attribs["aria-label"] = label
    patterns = Patterns(parts.prefix, shared=shared)
    body = g_elem("nv-diagram")
    draw_scene(dwg, body, scene, parts, patterns=patterns)
    if patterns.ids:
        patterns.write(dwg)
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

    lines = [title, *(_wrap(message, 70) if message.strip() else [])]
    width = max(320.0, max(len(s) for s in lines) * 7.0 + 32)
    height = 24.0 + 18.0 * len(lines) + 8
    prefix = "nv" + hashlib.sha256(f"{title}\n{message}".encode()).hexdigest()[:10]
    dwg = drawing(width, height, prefix, title, message)
    dwg.attribs["class"] = "netviz netviz-placeholder"
    body = g_elem("nv-placeholder")
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
        body.add(text_elem(line, 16, 28 + 18 * i, anchor="start", size=13 if i == 0 else 12))
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
