"""The HTML of a diagram, written once for both adapters: figure, controls, links, assets.

The Sphinx visitor and the MkDocs plugin used to write their own ``<figure>`` and drifted
apart (link wording, ``data-search-exclude`` on one side only). Everything a page shows
of a diagram is made here; the adapters only say where files went (``href``) and which
classes their site documents (``links``).

What the markup adds to the static SVG (DESIGN.md section 3, "Interactive HTML"):

- every glyph that opens (a folded group, a manual group, a nested model or composite
  layer drawn as one glyph) gets ``tabindex="0"``, ``role="button"``,
  ``aria-expanded="false"`` and an ``aria-label``. Only in the page, not in the ``.svg``
  file: a standalone file has no script, so a focusable "button" there would promise an
  action that never happens;
- the drill-down scenes laid out at build time (core/draw/details.py) follow the diagram in a
  ``<div class="nv-details" hidden>``: without JavaScript nothing of them shows, so the
  static diagram is exactly what it was;
- a layer glyph whose class the site documents is wrapped in ``<a class="nv-link">``.

The SVG is edited as text, like ``inline.py`` does: the renderer writes a known, sorted
attribute order (``<g class="nv-layer" data-id=...``), so a regular expression over its own
output is exact, and far cheaper than parsing and re-serialising every diagram of a site.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from .inline import inline_svg, unique_ids

if TYPE_CHECKING:
    from ..options.schema import Options

__all__ = [
    "FULL_SIZE_TEXT",
    "LEGEND_TEXT",
    "STATIC_DIR",
    "STATIC_FILES",
    "Embed",
    "absolute_links",
    "class_candidates",
    "deferred_links",
    "figure_html",
    "link_table",
    "placeholder_html",
    "placeholder_svg",
    "resolve_deferred",
]

#: The one wording of the link to the full-size file (and of the separate legend's).
FULL_SIZE_TEXT = "Full-size diagram (SVG)"
LEGEND_TEXT = "Legend (SVG)"
#: Where the page assets live, and their names (stylesheet first, then the script).
STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_FILES = ("netviz.css", "netviz.js")

_ID_SAFE = re.compile(r"[^A-Za-z0-9_.:-]+")
_GLYPH = re.compile(r'<g class="nv-(layer|group)"([^>]*)>')
_ATTR = re.compile(r'\s([a-z-]+)="([^"]*)"')
_LAYER = re.compile(r'<g class="nv-layer"[^>]*?data-type="([^"]*)"[^>]*>.*?</g>', re.DOTALL)
_FOR = re.compile(r'\sdata-for="([^"]*)"')
#: A placeholder box's naming (title, desc, role, and the id they hung on): the figure's
#: text says it instead, and the placeholders of one spec would share the id.
_UNNAMED = re.compile(
    r"<title[^>]*>[^<]*</title>|<desc[^>]*>[^<]*</desc>|<desc[^>]*/>"
    r'|\s(?:role|aria-labelledby|id)="[^"]*"'
)


@dataclass(frozen=True)
class Embed:
    """How a page embeds one diagram (the ``embed``-scope options of the schema)."""

    caption: str = ""
    name: str = ""
    alt: str = ""
    align: str = ""
    width: str = ""
    classes: tuple[str, ...] = ()
    #: the width of the adapter's own figure around the diagram (Sphinx's, with a caption):
    #: its ``style=`` is blocked by a strict CSP, so netviz.js applies this one to it
    figure_width: str = ""

    @classmethod
    def from_options(cls, options: Options) -> Embed:
        """The embed part of resolved options (validated by the shared schema already)."""
        return cls(
            caption=options.caption,
            name=options.name,
            alt=options.alt,
            align=options.align,
            width=options.width,
            classes=tuple(options.class_.split()),
        )


def _unescape_attr(value: str) -> str:
    return (
        value.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    )


def _controls(svg: str, openers: set[str]) -> str:
    """Glyphs with a drill-down scene become keyboard- and screen-reader-operable buttons."""
    if not openers:
        return svg

    def edit(match: re.Match[str]) -> str:
        attrs = dict(_ATTR.findall(match.group(2)))
        gid = _unescape_attr(attrs.get("data-id", ""))
        if gid not in openers:
            return match.group(0)
        name = _unescape_attr(
            attrs.get("data-type" if match.group(1) == "group" else "data-name", "")
        )
        count = attrs.get("data-count", "1")
        what = f"{name} \u00d7{count}" if count not in ("", "1") else name
        label = f"Open {what}: {attrs.get('data-members', '1')} layers"
        if match.group(1) == "layer":
            label = f"Open {what} ({_unescape_attr(attrs.get('data-type', ''))})"
        return (
            f'{match.group(0)[:-1]} tabindex="0" role="button" aria-expanded="false"'
            f' aria-label="{escape(label, quote=True)}">'
        )

    return _GLYPH.sub(edit, svg)


def _links(svg: str, links: Mapping[str, str], openers: set[str]) -> str:
    """Wrap each plain layer glyph whose type has a documentation URL in an ``<a>``."""
    if not links:
        return svg

    def edit(match: re.Match[str]) -> str:
        url = links.get(_unescape_attr(match.group(1)))
        if url is None or 'role="button"' in match.group(0).split(">", 1)[0]:
            return match.group(0)
        return f'<a class="nv-link" href="{escape(url, quote=True)}">{match.group(0)}</a>'

    return _LAYER.sub(edit, svg)


def openers(details: str) -> set[str]:
    """The glyph ids that open a drill-down scene (the ``data-for`` of each scene)."""
    return {_unescape_attr(i) for m in _FOR.findall(details) for i in m.split()}


def _figure_open(tag: str, embed: Embed, extra: Sequence[str], ids: Sequence[str]) -> str:
    classes = ["netviz", *extra]
    if embed.align:
        classes.append(f"align-{embed.align}")
    classes.extend(embed.classes)
    attrs = [f'class="{escape(" ".join(classes), quote=True)}"']
    names = list(ids) or ([_ID_SAFE.sub("-", embed.name)] if embed.name else [])
    if names:
        attrs.append(f'id="{escape(names[0], quote=True)}"')
    if embed.width:
        # style= for pages without a Content-Security-Policy (and without the script);
        # data-width for netviz.js, which applies it where a strict policy blocks style=.
        width = escape(embed.width, quote=True)
        attrs.append(f'style="width: {width}" data-width="{width}"')
    if embed.figure_width:
        attrs.append(f'data-figure-width="{escape(embed.figure_width, quote=True)}"')
    anchors = "".join(f'<span id="{escape(i, quote=True)}"></span>' for i in names[1:])
    return f"<{tag} {' '.join(attrs)}>{anchors}"


def figure_html(
    *,
    svg: str,
    embed: Embed,
    href: str,
    legend_svg: str = "",
    legend_href: str = "",
    details: str = "",
    links: Mapping[str, str] | None = None,
    seen: dict[str, int] | None = None,
    tag: str = "figure",
    ids: Sequence[str] = (),
) -> str:
    """The figure for a rendered diagram.

    ``href`` (and ``legend_href``) are page-relative URLs of the full-size files; ``links``
    maps layer types to documentation URLs (see :func:`link_table`); ``seen`` counts the
    SVG id prefixes already on the page (ids stay unique when a diagram appears twice);
    ``tag`` is ``"div"`` when the adapter already wraps the diagram in its own figure, and
    ``ids`` are the adapter's anchors for it.
    """
    seen = {} if seen is None else seen
    shown = inline_svg(svg, embed.alt)
    if details:
        # Scenes share the diagram's id prefix: rename both in one go.
        joined = unique_ids(shown + "\x00" + details, seen)
        shown, details = joined.split("\x00", 1)
    else:
        shown = unique_ids(shown, seen)
    opens = openers(details)
    shown = _links(_controls(shown, opens), links or {}, opens)
    # data-search-exclude keeps tooltip text out of Material's search index (the caption
    # stays searchable); other themes ignore the attribute.
    parts = [
        _figure_open(tag, embed, (), ids),
        f'<div class="netviz-svg" data-search-exclude>{shown}</div>',
    ]
    if details:
        scenes = _links(_controls(details, opens), links or {}, opens)
        parts.append(f'<div class="nv-details" hidden data-search-exclude>{scenes}</div>')
    if legend_svg:
        legend = unique_ids(inline_svg(legend_svg), seen)
        parts.append(f'<div class="netviz-legend" data-search-exclude>{legend}</div>')
    anchors = [f'<a class="netviz-full" href="{escape(href, quote=True)}">{FULL_SIZE_TEXT}</a>']
    if legend_href:
        anchors.append(
            f'<a class="netviz-full" href="{escape(legend_href, quote=True)}">{LEGEND_TEXT}</a>'
        )
    links_html = f'<span class="netviz-links">{" ".join(anchors)}</span>'
    if embed.caption and tag == "figure":
        caption = f'<span class="netviz-caption-text">{escape(embed.caption)}</span> '
        parts.append(f"<figcaption>{caption}{links_html}</figcaption>")
    else:
        parts.append(f'<p class="netviz-links-line">{links_html}</p>')
    parts.append(f"</{tag}>")
    return "".join(parts)


def placeholder_svg(title: str, message: str) -> str:
    """The visible box drawn for a diagram that could not be made (the SVG writer's)."""
    from ..draw.svg import (
        placeholder_svg as draw,  # svgwrite is slow to import; warm builds skip it
    )

    return draw(title, message)


def placeholder_html(
    *,
    spec: str,
    message: str,
    embed: Embed | None = None,
    tag: str = "figure",
    ids: Sequence[str] = (),
) -> str:
    """A visible placeholder figure for a diagram that could not be made.

    The message is also in the figure as text, so it survives where SVG text is not read
    (search indexes, screen readers).
    """
    embed = embed or Embed()
    title = f"netviz: cannot draw {spec or 'an empty spec'}"
    # The box shows the title line only and is hidden from screen readers; the message is
    # said once, in the text under it (prefixed with the spec unless it names it already).
    box = _UNNAMED.sub("", inline_svg(placeholder_svg(title, "")))
    box = box.replace("<svg ", '<svg aria-hidden="true" ', 1)
    text = message if not spec or spec in message else f"{spec}: {message}"
    parts = [
        _figure_open(tag, embed, ("netviz-failed",), ids),
        f'<div class="netviz-svg">{box}</div>',
        f'<p class="netviz-message">{escape(text)}</p>',
        f"</{tag}>",
    ]
    return "".join(parts)


# -- links to API documentation --------------------------------------------------------------

_PUBLIC = (
    ("keras.src.layers.", "keras.layers."),
    ("keras.src.models.", "keras."),
    ("keras.src.", "keras."),
    ("torch.nn.modules.", "torch.nn."),
)


def class_candidates(type_name: str, module: str) -> list[str]:
    """Dotted names a documentation site may use for class ``module.type_name``.

    The defining module first (``mypkg.layers.MyBlock``: autodoc'd user layers), then the
    framework's public name (``keras.src.layers.core.dense`` defines ``Dense``, documented
    as ``keras.layers.Dense``; ``torch.nn.modules.conv`` -> ``torch.nn.Conv2d``).
    """
    names = [f"{module}.{type_name}"] if module else []
    for private, public in _PUBLIC:
        if module.startswith(private) or module + "." == private:
            names.append(f"{public}{type_name}")
            break
    return names


def link_table(
    classes: Iterable[tuple[str, str]],
    resolve: object = None,
    manual: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Layer type -> URL: ``manual`` (by type name or dotted name) first, then ``resolve``
    (a callable from a dotted class name to a URL or None) over :func:`class_candidates`.

    Unresolved types are simply left out: a missing link is never an error.
    """
    manual = manual or {}
    out: dict[str, str] = {}
    for type_name, module in classes:
        candidates = class_candidates(type_name, module)
        url = manual.get(type_name) or next((manual[c] for c in candidates if c in manual), None)
        if url is None and callable(resolve):
            for name in candidates:
                found = resolve(name)
                if isinstance(found, str) and found:
                    url = found
                    break
        if url:
            out[type_name] = str(url)
    return out


# -- links resolved after the page is written (MkDocs: autorefs knows every anchor only then)

_DEFERRED = "#nv-ref:"
_PENDING = re.compile(r'<a class="nv-link" href="#nv-ref:([^"]*)">(.*?</g>)</a>', re.DOTALL)


def deferred_links(classes: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Layer type -> a placeholder URL naming its candidate class names, for
    :func:`resolve_deferred` to turn into a real link (or none) later."""
    out: dict[str, str] = {}
    for type_name, module in classes:
        candidates = class_candidates(type_name, module)
        if candidates:
            out[type_name] = _DEFERRED + " ".join(candidates)
    return out


def resolve_deferred(html: str, resolve: object) -> str:
    """Replace each deferred glyph link by ``resolve(name)``'s URL for its first candidate
    that resolves, or unwrap the glyph when none does (never an error)."""
    if _DEFERRED not in html:
        return html

    def edit(match: re.Match[str]) -> str:
        for name in _unescape_attr(match.group(1)).split():
            url = resolve(name) if callable(resolve) else None
            if isinstance(url, str) and url:
                return f'<a class="nv-link" href="{escape(url, quote=True)}">{match.group(2)}</a>'
        return match.group(2)

    return _PENDING.sub(edit, html)


_LINK_HREF = re.compile(r'(<a class="nv-link" href=")([^"]*)(")')


def absolute_links(html: str, base: str) -> str:
    """Glyph links made absolute against ``base`` (the page's full URL).

    Material's instant navigation rewrites every relative ``href`` it finds by assigning
    ``element.href``, which an SVG ``<a>`` does not allow (its ``href`` is read-only): the
    script would throw and fall back to full page loads. Absolute URLs it leaves alone.
    """
    from urllib.parse import urljoin

    def edit(match: re.Match[str]) -> str:
        url = urljoin(base, _unescape_attr(match.group(2)))
        return f"{match.group(1)}{escape(url, quote=True)}{match.group(3)}"

    return _LINK_HREF.sub(edit, html) if 'class="nv-link"' in html else html
