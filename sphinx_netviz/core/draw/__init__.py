"""The SVG writer: scenes and legends into markup, palettes, drill-down scenes, PDF/PNG.

- :mod:`.svg`: the documents (diagram, legend alone, drill-down scene, placeholder) and the
  markup contract; :mod:`.scene`: glyphs, edges and legends into elements; :mod:`.markup`:
  elements, escaping and numbers written by hand for byte-identical output;
- :mod:`.legend`: the legend's geometry (:mod:`.strip`: a group's members as counts where
  a miniature would make it too tall); :mod:`.palette` (with :mod:`.palette_colors` and
  :mod:`.palette_slots`): a site-stable colour per layer type; :mod:`.looks`: every type
  and group of one diagram painted apart (colour, shade, a pattern of :mod:`.patterns`);
- :mod:`.details`: what a group or composite reveals when opened in the page;
- :mod:`.text`: glyph tooltips and the alt-text summary; :mod:`.diffmarks`: a diff's marks
  (``data-diff``, outlines and ``+``/``~``/``-`` badges that read without colour, marked
  edges, the legend's key);
- :mod:`.export`: PDF and PNG (cairosvg) and Net2Vis's zip bundle.
"""

from __future__ import annotations

from .svg import SvgParts, detail_svg, diagram_svg, legend_only_svg, placeholder_svg

__all__ = ["SvgParts", "detail_svg", "diagram_svg", "legend_only_svg", "placeholder_svg"]
