"""The HTML a fence becomes: pure functions from a built diagram to a ``<figure>``.

Diagrams are inlined as SVG (not ``<img>``): only inline SVG inherits the page's CSS custom
properties, which is how one picture follows Material's light and dark palettes, and it needs
no script, so Material's instant navigation (which swaps page bodies without re-running
scripts) shows it like any other content. The full-size SVG is linked for readers who want
to zoom or save it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from sphinx_netviz.core.inline import inline_svg

if TYPE_CHECKING:
    from sphinx_netviz.core.options import Options

__all__ = ["Embed", "figure_html", "message_html", "source_html"]

_ID_SAFE = re.compile(r"[^A-Za-z0-9_.:-]+")


@dataclass(frozen=True)
class Embed:
    """How a page embeds one diagram (the ``embed``-scope options of the schema)."""

    caption: str = ""
    name: str = ""
    alt: str = ""
    align: str = ""
    width: str = ""
    classes: tuple[str, ...] = ()

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


def _figure_open(embed: Embed, extra: tuple[str, ...]) -> str:
    classes = ["netviz", *extra]
    if embed.align:
        classes.append(f"align-{embed.align}")
    classes.extend(embed.classes)
    attrs = [f'class="{escape(" ".join(classes), quote=True)}"']
    if embed.name:
        attrs.append(f'id="{escape(_ID_SAFE.sub("-", embed.name), quote=True)}"')
    if embed.width:
        attrs.append(f'style="width: {escape(embed.width, quote=True)}"')
    return f"<figure {' '.join(attrs)}>"


def figure_html(
    *,
    svg: str,
    legend_svg: str,
    embed: Embed,
    href: str,
    legend_href: str = "",
) -> str:
    """The ``<figure>`` for a rendered diagram.

    ``href`` (and ``legend_href`` when the legend is separate) are page-relative URLs of the
    full-size SVG files written into the site.
    """
    # data-search-exclude keeps the SVG's tooltip text out of Material's search index (the
    # caption stays searchable); other themes ignore the attribute.
    parts = [
        _figure_open(embed, ()),
        f'<div class="netviz-svg" data-search-exclude>{inline_svg(svg, embed.alt)}</div>',
    ]
    if legend_svg:
        parts.append(
            f'<div class="netviz-legend" data-search-exclude>{inline_svg(legend_svg)}</div>'
        )
    links = [f'<a class="netviz-full" href="{escape(href, quote=True)}">Full-size SVG</a>']
    if legend_href:
        links.append(
            f'<a class="netviz-full" href="{escape(legend_href, quote=True)}">Legend SVG</a>'
        )
    caption = f'<span class="netviz-caption-text">{escape(embed.caption)}</span> '
    parts.append(
        "<figcaption>"
        + (caption if embed.caption else "")
        + f'<span class="netviz-links">{" ".join(links)}</span>'
        + "</figcaption>"
    )
    parts.append("</figure>")
    return "".join(parts)


def message_html(placeholder_svg: str, *, embed: Embed, message: str) -> str:
    """A visible placeholder figure for a diagram that could not be made.

    The message is also in the figure as text, so it survives where SVG text is not read
    (search indexes, screen readers).
    """
    parts = [
        _figure_open(embed, ("netviz-failed",)),
        f'<div class="netviz-svg">{inline_svg(placeholder_svg)}</div>',
        f'<figcaption><span class="netviz-message">{escape(message)}</span></figcaption>',
        "</figure>",
    ]
    return "".join(parts)


def source_html(source: str) -> str:
    """The fence shown as plain code, used when the plugin is disabled (fast drafts)."""
    return f'<pre class="netviz-source"><code>{escape(source)}</code></pre>'
