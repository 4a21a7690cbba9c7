"""Sphinx directives that expand the shared docs content into reStructuredText.

``.. netviz-gallery::``, ``.. netviz-demo:: palette`` and ``.. netviz-options::`` write
ordinary reST (``.. netviz::`` directives, a ``list-table``) back into the input, exactly as if
the page's author had typed it; ``.. netviz-benchmarks::`` includes the latest benchmark table
(Markdown, through MyST) or says how to produce it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils.parsers.rst import Directive, directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import content
from .content import (
    BENCHMARKS,
    DEMOS,
    GALLERY,
    PLOT_MODEL_PNG,
    Diagram,
    comparison_rows,
    option_rows,
    site_spec,
)

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx

__all__ = ["diagram_rst", "options_rst", "setup"]

logger = logging.getLogger(__name__)


def _directive_lines(diagram: Diagram, indent: str = "") -> list[str]:
    lines = [f"{indent}.. netviz:: {site_spec(diagram, 'sphinx')}"]
    lines += [f"{indent}   :{key}: {value}" for key, value in diagram.options.items()]
    return lines


def diagram_rst(diagram: Diagram, underline: str = "-") -> list[str]:
    """A section showing the directive as written, then the diagram it produces."""
    lines = [diagram.title, underline * len(diagram.title), ""]
    if diagram.text:
        lines += [diagram.text, ""]
    lines += [".. code-block:: rst", ""]
    lines += _directive_lines(diagram, indent="   ")
    lines += ["", *_directive_lines(diagram), ""]
    return lines


def options_rst(scope: str | None = None) -> list[str]:
    """The options reference as a ``list-table`` generated from the schema."""
    lines = [
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 16 22 10 52",
        "",
        "   * - option",
        "     - values",
        "     - default",
        "     - meaning",
    ]
    for name, values, default, doc in option_rows(scope):
        lines += [
            f"   * - ``{name}``",
            f"     - ``{values}``",
            f"     - ``{default}``" if default != "(none)" else "     - (none)",
            f"     - {doc}",
        ]
    return [*lines, ""]


class _InsertingDirective(SphinxDirective):
    """Base: generate reST lines and feed them back to the parser in place of the directive."""

    def lines(self) -> list[str]:
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        source = f"<{self.name} in {self.env.docname}>"
        # The generated text comes from content.py: editing it must re-read this page.
        self.env.note_dependency(str(Path(content.__file__).resolve()))
        self.state_machine.insert_input(self.lines(), source)
        return []


class GalleryDirective(_InsertingDirective):
    """Every example model, each in its own section."""

    def lines(self) -> list[str]:
        out: list[str] = []
        for diagram in GALLERY:
            out += diagram_rst(diagram)
        return out


class DemoDirective(_InsertingDirective):
    """The diagrams demonstrating one option topic (a key of ``DEMOS``)."""

    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {}

    def lines(self) -> list[str]:
        topic = self.arguments[0]
        if topic not in DEMOS:
            raise self.error(f"unknown demo topic {topic!r}; known: {', '.join(DEMOS)}")
        out: list[str] = []
        for diagram in DEMOS[topic]:
            out += diagram_rst(diagram)
        return out


class OptionsDirective(_InsertingDirective):
    """The options table; an optional argument limits it to one scope (render/extract/embed)."""

    optional_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {}

    def lines(self) -> list[str]:
        scope = self.arguments[0] if self.arguments else None
        if scope not in (None, "render", "extract", "embed"):
            raise self.error(f"unknown option scope {scope!r}")
        return options_rst(scope)


class BenchmarksDirective(_InsertingDirective):
    """The latest benchmark table (Markdown written by ``python -m tests.benchmarks``)."""

    option_spec: ClassVar[dict[str, Any]] = {"fallback": directives.unchanged}

    def lines(self) -> list[str]:
        # Noted even while missing, so that the page is re-read once the file appears.
        self.env.note_dependency(str(BENCHMARKS))
        if BENCHMARKS.is_file():
            # docutils reads an absolute include path as relative to the source root.
            here = Path(self.env.doc2path(self.env.docname)).parent
            target = os.path.relpath(BENCHMARKS, here)
            return [f".. include:: {target}", "   :parser: myst_parser.sphinx_", ""]
        return [
            ".. note::",
            "",
            "   No benchmark results yet: run ``make bench`` (``python -m tests.benchmarks``),",
            "   which writes ``tests/benchmarks/results/latest.md``, then rebuild the docs.",
            "",
        ]


class ComparisonDirective(_InsertingDirective):
    """The netviz versus plot_model table, with sizes measured during this build."""

    def lines(self) -> list[str]:
        self.env.note_dependency(str(PLOT_MODEL_PNG))
        out = [
            ".. list-table::",
            "   :header-rows: 1",
            "   :widths: 28 36 36",
            "",
            "   * -",
            "     - netviz",
            "     - ``plot_model``",
        ]
        for aspect, ours, theirs in comparison_rows():
            out += [f"   * - {aspect}", f"     - {ours}", f"     - {theirs}"]
        return [*out, ""]


def _check_readme(app: Sphinx) -> None:
    """Warn (an error under ``-W``) when the README's options table is out of date."""
    from .readme import README, stale

    if stale():
        logger.warning(
            "%s: the options table is out of date; run python docs/tools/netviz_docs/readme.py",
            README,
        )


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the content directives (pure reST generation: safe in parallel)."""
    app.setup_extension("myst_parser")
    directive: type[Directive]
    for name, directive in (
        ("netviz-gallery", GalleryDirective),
        ("netviz-demo", DemoDirective),
        ("netviz-options", OptionsDirective),
        ("netviz-benchmarks", BenchmarksDirective),
        ("netviz-comparison", ComparisonDirective),
    ):
        app.add_directive(name, directive)
    app.connect("builder-inited", _check_readme)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
