"""Making a standalone SVG document fit to be inlined in an HTML page.

Both adapters inline diagrams (so that page CSS, dark mode and tooltips apply) and need the
same two edits: drop the XML prologue and let an author's alt text name the figure; and,
when one diagram appears twice on a page, give the later copy its own id prefix so ids and
``url(#...)`` references stay unique. Text edits on the renderer's known root element, no
docs framework involved, so they live in the core and are written once.
"""

from __future__ import annotations

import re
from html import escape

__all__ = ["inline_svg", "unique_ids"]

_PROLOGUE = re.compile(r"\A\s*(?:<\?xml[^>]*\?>\s*)?(?:<!DOCTYPE[^>]*>\s*)?", re.IGNORECASE)
_ROOT = re.compile(r"<svg\b[^>]*>", re.IGNORECASE)
_NAMING = re.compile(r"""\s+aria-label(?:ledby)?\s*=\s*(?:"[^"]*"|'[^']*')""")
_ROOT_ID = re.compile(r'<svg\b[^>]*?\sid="([^"]+)"')
#: The renderer's own stylesheet (the first ``<style>`` after the root) and the root's
#: ``style="--netviz-min-width:Npx"`` (draw/markup.py): what a strict CSP blocks.
_STYLE = re.compile(r"<style>[^<]*</style>")
_MIN_WIDTH = re.compile(r'\sstyle="--netviz-min-width:([0-9.]+)px"')


def inline_svg(svg: str, label: str = "") -> str:
    """``svg`` without its XML prologue, fit for a page under a strict Content-Security-Policy
    (``style-src 'self'``): its own ``<style>`` goes (the page's ``netviz.css`` carries the
    same rules) and the root's ``style`` attribute becomes ``data-min-width``, which
    ``netviz.js`` applies; with ``label``, that text (escaped) becomes the root's
    ``aria-label``, replacing the renderer's ``aria-labelledby`` (which would otherwise win).
    """
    body = _PROLOGUE.sub("", svg, count=1).strip()
    match = _ROOT.search(body)
    if match is None:
        return body
    root = _MIN_WIDTH.sub(r' data-min-width="\1"', match.group(0))
    rest = _STYLE.sub("", body[match.end() :], count=1)
    if label:
        root = _NAMING.sub("", root)
        attr = f' aria-label="{escape(label, quote=True)}"'
        root = root[:-2] + attr + "/>" if root.endswith("/>") else root[:-1] + attr + ">"
    return body[: match.start()] + root + rest


def unique_ids(svg: str, seen: dict[str, int]) -> str:
    """``svg`` with its id prefix made unique among the diagrams already in ``seen``.

    The renderer prefixes every id with a hash of the diagram, so different diagrams never
    collide; the *same* diagram twice on a page would, so later copies get a numbered prefix
    (ids, references and ``aria-labelledby`` alike). ``seen`` counts prefixes per page and is
    updated in place.
    """
    match = _ROOT_ID.search(svg)
    if match is None:
        return svg
    prefix = match.group(1)
    count = seen.get(prefix, 0)
    seen[prefix] = count + 1
    return svg if count == 0 else svg.replace(prefix, f"{prefix}-{count + 1}")
