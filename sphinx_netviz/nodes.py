"""The doctree node that stands for one netviz diagram.

A ``netviz_diagram`` node is pickled into the doctree, so it holds plain data only: the spec,
the resolved option values, the embedding attributes, and (once the write phase has resolved
it) the SVG text with its key, title and summary. Builder-specific files (the full-size SVG,
the LaTeX PDF) are produced later by the visitors in :mod:`sphinx_netviz.builders`, because
only then is the output format known.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes  # type: ignore[import-untyped]

__all__ = ["DiagramData", "diagram_data", "netviz_diagram"]


class netviz_diagram(nodes.General, nodes.Element):  # type: ignore[misc]
    """One diagram.

    Attributes set by the directive: ``spec``, ``options`` (kebab-case name -> value of the
    render and extract options), ``request`` (the dedup key, empty when reading already
    failed), ``error`` (the read-time failure, empty when none), ``alt``, ``align``, ``width``,
    ``docname`` and ``lineno``. Attributes set when resolved: ``svg``, ``legend_svg``, ``key``,
    ``title``, ``summary`` and ``failed``.
    """


class DiagramData:
    """A typed, read-only view of a resolved node's attributes for the visitors."""

    __slots__ = ("node",)

    def __init__(self, node: netviz_diagram) -> None:
        self.node = node

    def _get(self, name: str, default: Any = "") -> Any:
        return self.node.get(name, default)

    @property
    def spec(self) -> str:
        return str(self._get("spec"))

    @property
    def svg(self) -> str:
        return str(self._get("svg"))

    @property
    def legend_svg(self) -> str:
        return str(self._get("legend_svg"))

    @property
    def key(self) -> str:
        return str(self._get("key"))

    @property
    def failed(self) -> bool:
        return bool(self._get("failed", False))

    @property
    def title(self) -> str:
        return str(self._get("title")) or self.spec or "netviz diagram"

    @property
    def summary(self) -> str:
        return str(self._get("summary"))

    @property
    def alt(self) -> str:
        """The user's ``:alt:``, else the model summary, else the title."""
        return str(self._get("alt")) or self.summary or self.title

    @property
    def align(self) -> str:
        return str(self._get("align"))

    @property
    def width(self) -> str:
        return str(self._get("width"))

    @property
    def in_figure(self) -> bool:
        return isinstance(self.node.parent, nodes.figure)

    def file_name(self, suffix: str, *, legend: bool = False) -> str:
        """Content-addressed output file name, e.g. ``netviz-0123456789abcdef.svg``."""
        stem = f"netviz-{self.key[:16]}"
        return f"{stem}-legend{suffix}" if legend else f"{stem}{suffix}"


def diagram_data(node: netviz_diagram) -> DiagramData:
    """The typed view of ``node``."""
    return DiagramData(node)
