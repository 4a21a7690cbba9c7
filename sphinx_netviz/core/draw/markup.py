"""SVG markup for the writer (svg.py): elements, escaping, numbers, the root and text.

svgwrite builds and validates an ElementTree per element, which dominated large renders; these
elements set attributes verbatim, share one parameter set, and serialise straight to a string
with ElementTree's escaping and attributes sorted by name, so the output is byte-identical to
svgwrite's. Colours are the light fallbacks of the CSS custom properties in ``STYLE``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import svgwrite.base
import svgwrite.params

from ..layout.sizes import LABEL_FONT

__all__ = [
    "EDGE",
    "FG",
    "MUTED",
    "SAMPLE",
    "STYLE",
    "E",
    "Elem",
    "Raw",
    "Root",
    "drawing",
    "fmt",
    "g_elem",
    "leaf_markup",
    "parent_markup",
    "points_attr",
    "text_elem",
]

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


def points_attr(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{fmt(x)},{fmt(y)}" for x, y in points)


#: One shared svgwrite parameter set (validation off): creating one per element was a fifth
#: of the time of a 10,000-layer render.
_PARAMETER = svgwrite.params.Parameter(debug=False)


class Elem(svgwrite.base.BaseElement):  # type: ignore[misc]
    """A plain svgwrite element with a given tag; attributes are set verbatim (no
    validation, our own number formatting) and serialised sorted by name."""

    elementname = "g"

    def __init__(self, tag: str, text: str | None = None, **attrs: str) -> None:
        # svgwrite's own __init__ builds a Parameter object per element; share one.
        self._parameter = _PARAMETER
        self.attribs = dict(attrs)
        self.elements: list[Elem] = []
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


class Raw(Elem):
    """An element written ahead of time (see :func:`leaf_markup`): the thousands of edges and
    labels of a large model are one string each in the tree, not an element with a dict of
    attributes that is sorted and formatted again when written."""

    def __init__(self, markup: str) -> None:
        super().__init__("raw")
        self.markup = markup

    def _write(self, out: list[str]) -> None:
        out.append(self.markup)


def _attrs_markup(attrs: dict[str, str]) -> str:
    return "".join(
        f' {key}="{_escape_attr(value)}"' for key, value in sorted(attrs.items()) if value
    )


def leaf_markup(tag: str, attrs: dict[str, str], text: str | None = None) -> str:
    """Exactly what an :class:`Elem` without children writes (attributes sorted by name,
    empty ones dropped, values and text escaped)."""
    body = _attrs_markup(attrs)
    if text is None:
        return f"<{tag}{body} />"
    return f"<{tag}{body}>{_escape_text(text) if text else ''}</{tag}>"


def parent_markup(tag: str, attrs: dict[str, str], children: str) -> str:
    """Exactly what an :class:`Elem` with the (already written, non-empty) ``children``
    writes."""
    return f"<{tag}{_attrs_markup(attrs)}>{children}</{tag}>"


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


def E(tag: str, text: str | None = None, **attrs: str) -> Elem:
    """Build an element: ``E("rect", x="1")``; attribute names as SVG spells them."""
    return Elem(tag, text, **attrs)


class Root(Elem):
    """The ``<svg>`` root; ``defs`` is inserted only when something needs it."""

    def __init__(self) -> None:
        super().__init__("svg")
        self.defs = E("defs")


def drawing(width: float, height: float, prefix: str, title: str, desc: str) -> Root:
    dwg = Root()
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


def g_elem(cls: str, **data: str) -> Elem:
    g = E("g")
    g.attribs["class"] = cls
    for key, value in data.items():
        g.attribs[key] = value
    return g


def text_elem(
    text: str,
    x: float,
    y: float,
    *,
    cls: str = "nv-label",
    size: float = LABEL_FONT,
    anchor: str = "middle",
    rotate: bool = False,
    fill: str = FG,
) -> Elem:
    fx, fy = fmt(x), fmt(y)
    attrs = {
        "class": cls,
        "x": fx,
        "y": fy,
        "font-size": fmt(size),
        "text-anchor": anchor,
        "fill": fill,
    }
    if rotate:
        attrs["dominant-baseline"] = "central"
        attrs["transform"] = f"rotate(90 {fx} {fy})"
    return Raw(leaf_markup("text", attrs, text))
