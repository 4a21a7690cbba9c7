"""PDF/PNG export and the Net2Vis-style zip bundle."""

from __future__ import annotations

import io
import zipfile

from sphinx_netviz.core.diagram import render
from sphinx_netviz.core.draw.export import bundle, resolve_css_vars, svg_to_pdf, svg_to_png

from . import irgraphs


def test_css_vars_are_resolved_to_their_fallbacks():
    assert resolve_css_vars("a{fill:var(--netviz-fg,#24292f)}") == "a{fill:#24292f}"


def test_pdf_and_png():
    d = render(irgraphs.residual_net())
    pdf = svg_to_pdf(d.svg)
    assert pdf.startswith(b"%PDF")
    png = svg_to_png(d.svg, scale=1.0)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(png[16:20], "big")
    assert abs(width - d.width) <= 1
    assert int.from_bytes(svg_to_png(d.svg, scale=2.0)[16:20], "big") >= 2 * width - 2


def test_bundle_is_net2vis_download_and_deterministic():
    d = render(irgraphs.unet())
    data = bundle(d)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert sorted(zf.namelist()) == ["graph.pdf", "graph.svg", "legend.pdf", "legend.svg"]
        assert zf.read("graph.svg").decode() == d.svg
        assert zf.read("legend.svg").decode() == d.legend_svg
        assert zf.read("legend.pdf").startswith(b"%PDF")
    assert bundle(d) == data
