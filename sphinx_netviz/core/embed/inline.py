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


def inline_svg(svg: str, label: str = "") -> str:
    """``svg`` without its XML prologue; with ``label``, that text (escaped) becomes the root's
    ``aria-label``, replacing the renderer's ``aria-labelledby`` (which would otherwise win)."""
    body = _PROLOGUE.sub("", svg, count=1).strip()
    if not label:
        return body
    match = _ROOT.search(body)
    if match is None:
        return body
    root = _NAMING.sub("", match.group(0))
    attr = f' aria-label="{escape(label, quote=True)}"'
    root = root[:-2] + attr + "/>" if root.endswith("/>") else root[:-1] + attr + ">"
    return body[: match.start()] + root + body[match.end() :]


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
