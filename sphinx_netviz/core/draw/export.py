"""PDF and PNG export (cairosvg) and the zip bundle (Net2Vis's download: graph + legend).

The SVG colours text and edges through CSS custom properties so that a web page's theme can
restyle them; cairosvg does not understand ``var()``, so before conversion every
``var(--name, fallback)`` is replaced by its (light-theme) fallback.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any, Protocol

from ..ir.errors import RenderError

__all__ = ["Drawn", "bundle", "resolve_css_vars", "svg_to_pdf", "svg_to_png"]

_VAR = re.compile(r"var\(\s*--[A-Za-z0-9_-]+\s*,\s*([^()]+?)\s*\)")
_HOVER = re.compile(r"svg\.netviz [^{}]*:hover[^{}]*\{[^{}]*\}")

#: Fixed timestamp for zip members, so bundles are byte-identical for the same diagram.
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def resolve_css_vars(svg: str) -> str:
    """Replace ``var(--x, fallback)`` by ``fallback`` (and drop hover rules) for renderers
    that implement no CSS custom properties."""
    return _VAR.sub(r"\1", _HOVER.sub("", svg))


def _cairosvg() -> Any:
    try:
        import cairosvg
    except (ImportError, OSError) as exc:  # OSError: libcairo missing
        raise RenderError(f"PDF/PNG export needs cairosvg and the cairo library ({exc})") from None
    return cairosvg


_PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate) \(D:)(\d{14})")


def svg_to_pdf(svg: str) -> bytes:
    """The SVG as a vector PDF (page size = the SVG's size).

    Cairo stamps the current time into the PDF; the digits are replaced by a fixed date of
    the same length (byte offsets in the cross-reference table stay valid), so the same
    diagram always gives the same bytes.
    """
    data = bytes(_cairosvg().svg2pdf(bytestring=resolve_css_vars(svg).encode("utf-8")))
    return _PDF_DATE.sub(rb"\g<1>20200101000000", data)


def svg_to_png(svg: str, scale: float = 2.0) -> bytes:
    """The SVG as a PNG, ``scale`` pixels per SVG unit (2: crisp on high-DPI screens)."""
    if not scale > 0:
        raise RenderError(f"PNG scale must be positive, got {scale!r}")
    data = _cairosvg().svg2png(
        bytestring=resolve_css_vars(svg).encode("utf-8"), scale=scale, background_color="white"
    )
    return bytes(data)


def _write(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


class Drawn(Protocol):
    """What a bundle is made of (a :class:`~sphinx_netviz.core.diagram.Diagram` has it): the
    diagram and its legend as SVG documents."""

    @property
    def svg(self) -> str: ...

    @property
    def legend_svg(self) -> str: ...


def bundle(diagram: Drawn) -> bytes:
    """A zip like Net2Vis's download: graph.svg, graph.pdf, legend.svg, legend.pdf.

    ``graph.*`` is the diagram as rendered (legend below unless the options said otherwise);
    ``legend.*`` is always the legend on its own.
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        _write(zf, "graph.svg", diagram.svg.encode("utf-8"))
        _write(zf, "graph.pdf", svg_to_pdf(diagram.svg))
        _write(zf, "legend.svg", diagram.legend_svg.encode("utf-8"))
        _write(zf, "legend.pdf", svg_to_pdf(diagram.legend_svg))
    return buf.getvalue()
