"""Node visitors for every builder family, and the write-phase helpers they share.

- HTML (html, dirhtml, singlehtml, ...): the SVG is inlined in a ``<figure>`` so that page CSS
  (``netviz.css``: theme colours, dark mode) styles it, with a link to the full-size SVG file
  written to ``_images/`` under a content-addressed name.
- EPUB: the SVG as an image file (``<img>``), which every EPUB reader supports.
- LaTeX: a PDF made with cairosvg, included with ``\\sphinxincludegraphics``.
- Text, man, Texinfo and anything else: a paragraph with the alt text and a short summary.

Files are written once per content key, atomically (temporary file and rename), so parallel
writers and repeated builds never produce half-written or duplicate files.
"""

from __future__ import annotations

import hashlib
import html
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes  # type: ignore[import-untyped]
from sphinx.util import logging

from sphinx_netviz.core.adapter import Embed, figure_html, placeholder_html
from sphinx_netviz.nodes import diagram_data, netviz_diagram

if TYPE_CHECKING:
    from sphinx.writers.html5 import HTML5Translator
    from sphinx.writers.latex import LaTeXTranslator

    from sphinx_netviz.state import Outcome

__all__ = ["VISITORS", "fallback_paragraph", "resolve_node", "write_once"]

logger = logging.getLogger(__name__)


# -- resolving: outcome -> plain node attributes ---------------------------------------------


def resolve_node(node: netviz_diagram, outcome: Outcome | None) -> None:
    """Copy a built diagram onto ``node``, or a placeholder when reading or building failed."""
    diagram = outcome.diagram if outcome is not None else None
    if diagram is not None:
        node["svg"] = diagram.svg
        node["legend_svg"] = diagram.legend_svg
        node["key"] = diagram.key
        node["title"] = diagram.title
        node["summary"] = diagram.summary
        node["failed"] = False
        node["details"] = diagram.details
        node["classes_drawn"] = [list(c) for c in diagram.classes]
        return
    error = str(node.get("error")) or (outcome.error if outcome is not None else "") or "failed"
    title = f"netviz: cannot draw {node.get('spec') or 'an empty spec'}"
    # svgwrite is slow to import; warm builds skip it
    from sphinx_netviz.core.adapter import placeholder_svg

    node["svg"] = placeholder_svg(title, error)
    node["legend_svg"] = ""
    node["key"] = ""
    node["title"] = title
    node["summary"] = error
    node["failed"] = True
    node["details"] = ""


def fallback_text(node: netviz_diagram) -> str:
    """What a builder without pictures shows: the alt text (or title) and the summary."""
    data = diagram_data(node)
    if node.get("svg") is None and not node.get("error"):
        return f"[diagram: {data.alt}]"
    if data.failed or node.get("error"):
        return f"[{data.title}: {data.summary or node.get('error')}]"
    label = str(node.get("alt")) or data.title
    summary = data.summary
    return (
        f"[diagram: {label}] {summary}" if summary and summary != label else f"[diagram: {label}]"
    )


def fallback_paragraph(node: netviz_diagram) -> nodes.paragraph:
    """A paragraph standing in for the diagram (text builders and unknown formats)."""
    para = nodes.paragraph("", "", nodes.emphasis(text=fallback_text(node)))
    para["classes"].append("netviz-text")
    para.source, para.line = node.source, node.line
    return para


# -- files -----------------------------------------------------------------------------------


def write_once(path: Path, produce: Callable[[], bytes]) -> bool:
    """Write ``produce()`` to ``path`` atomically unless it exists; True if written now.

    Names are content-addressed, so an existing file already holds the right bytes.
    """
    if path.is_file():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    data = produce()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # noqa: PTH101 - mkstemp files are 0600
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _stem(node: netviz_diagram) -> str:
    key = str(node.get("key")) or hashlib.sha256(str(node.get("svg")).encode()).hexdigest()
    return f"netviz-{key[:16]}"


# -- HTML ------------------------------------------------------------------------------------


def _image_dir(self: Any) -> tuple[Path, str]:
    """(the ``_images`` folder on disk, its URL relative to the current page)."""
    builder = self.builder
    return Path(builder.outdir) / builder.imagedir, str(builder.imgpath)


def html_visit(self: HTML5Translator, node: netviz_diagram) -> None:
    """The core's figure markup (core/embed/figure.py), with the full-size SVG written beside it."""
    data = diagram_data(node)
    tag = "div" if data.in_figure else "figure"
    embed = Embed(
        alt=str(node.get("alt")),
        align="" if data.in_figure else data.align,
        width="" if data.in_figure else data.width,
        classes=tuple(node.get("classes", [])),
        figure_width=data.width if data.in_figure else "",
    )
    ids = tuple(node.get("ids", []))
    seen: dict[str, int] = self.__dict__.setdefault("_netviz_id_prefixes", {})
    if data.failed:
        self.body.append(
            placeholder_html(spec=data.spec, message=data.summary, embed=embed, tag=tag, ids=ids)
            + "\n"
        )
        raise nodes.SkipNode
    folder, url = _image_dir(self)
    name = f"{_stem(node)}.svg"
    write_once(folder / name, lambda: data.svg.encode("utf-8"))
    separate = bool(data.legend_svg) and node.get("options", {}).get("legend") == "separate"
    self.body.append(
        figure_html(
            svg=data.svg,
            legend_svg=data.legend_svg if separate else "",
            details=str(node.get("details", "")),
            links=dict(node.get("links", {})),
            embed=embed,
            href=f"{url}/{name}" if url else name,
            seen=seen,
            tag=tag,
            ids=ids,
        )
        + "\n"
    )
    raise nodes.SkipNode


def epub_visit(self: HTML5Translator, node: netviz_diagram) -> None:
    data = diagram_data(node)
    folder, url = _image_dir(self)
    name = f"{_stem(node)}.svg"
    write_once(folder / name, lambda: data.svg.encode("utf-8"))
    tag = "div" if data.in_figure else "figure"
    classes = "netviz netviz-failed" if data.failed else "netviz"
    src = html.escape(f"{url}/{name}" if url else name, quote=True)
    alt = html.escape(data.alt, quote=True)
    self.body.append(self.starttag(node, tag, "", CLASS=classes))
    self.body.append(f'<img src="{src}" alt="{alt}" />')
    self.body.append(f"</{tag}>\n")
    raise nodes.SkipNode


# -- LaTeX -----------------------------------------------------------------------------------


def latex_visit(self: LaTeXTranslator, node: netviz_diagram) -> None:
    from sphinx_netviz.core.adapter import svg_to_pdf

    data = diagram_data(node)
    outdir = Path(self.builder.outdir)
    stem = _stem(node)
    try:
        write_once(outdir / f"{stem}.pdf", lambda: svg_to_pdf(data.svg))
        legend = bool(data.legend_svg) and node.get("options", {}).get("legend") == "separate"
        if legend:
            write_once(outdir / f"{stem}-legend.pdf", lambda: svg_to_pdf(data.legend_svg))
    except Exception as exc:  # cairosvg problems must not stop the PDF build
        logger.warning(
            "netviz: %s: cannot convert the diagram to PDF: %s",
            data.spec,
            exc,
            location=node,
            type="netviz",
            subtype="latex",
        )
        self.body.append(r"\par\noindent\fbox{" + self.encode(fallback_text(node)) + "}\\par\n")
        raise nodes.SkipNode from None
    graphic = self.latex_image_length(data.width) if data.width else None
    opts = f"[width={graphic}]" if graphic else ""
    include = f"\\sphinxincludegraphics{opts}{{{{{stem}}}.pdf}}"
    if legend:
        include += f"\n\n\\sphinxincludegraphics{{{{{stem}-legend}}.pdf}}"
    if data.in_figure:
        self.body.append(f"\n{include}\n")
    else:
        pre, post = {
            "left": ("{", "\\hspace*{\\fill}}"),
            "right": ("{\\hspace*{\\fill}", "}"),
        }.get(data.align, ("\\begin{center}", "\\end{center}"))
        self.body.append(f"\n\n{pre}\n{include}\n{post}\n\n")
    raise nodes.SkipNode


# -- text, man, texinfo ----------------------------------------------------------------------


def text_visit(self: Any, node: netviz_diagram) -> None:
    """Replace the diagram by a paragraph and let the translator render (and escape) it."""
    node.children = []
    node.append(fallback_paragraph(node))


def noop_depart(self: Any, node: netviz_diagram) -> None:
    """Nothing to close: the paragraph child did its own output."""


VISITORS: dict[str, tuple[Callable[..., None], Callable[..., None] | None]] = {
    "html": (html_visit, None),
    "epub": (epub_visit, None),
    "latex": (latex_visit, None),
    "text": (text_visit, noop_depart),
    "man": (text_visit, noop_depart),
    "texinfo": (text_visit, noop_depart),
}
