"""Graph IR -> Diagram: the rendering pipeline behind ``render()`` and ``diff()``.

view (nesting, hide, manual groups, splits) -> series-parallel tree -> automatic grouping ->
layout -> SVG diagram + legend. Pure functions of (graph, options): no global state, no
randomness, so the same input always gives byte-identical SVG. ``diff(old, new)`` draws
``new`` the same way, marked against ``old`` (matching: :mod:`.diff`; marks: the view's
:mod:`.view.marks` and the writer's :mod:`.draw.diffmarks`).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .compare.changes import summarize as summarize_changes
from .compare.match import match_graphs
from .draw.details import DetailScene, build_details, share_scenes
from .draw.diffmarks import glyph_notes, marks_drawn, path_marks
from .draw.legend import LegendScene, build_legend, drawn_kinds
from .draw.looks import assign_looks
from .draw.palette import Palette
from .draw.patterns import Patterns
from .draw.svg import SvgParts, detail_svg, diagram_svg, legend_only_svg
from .draw.text import summarize, tooltip
from .ir.categories import node_category
from .ir.errors import OptionError, RenderError
from .ir.graph import Graph
from .ir.keys import RENDERER_VERSION, diagram_key, diff_key
from .layout.prepare import Prepared, _prepare, prepare, with_graph_names
from .layout.sizes import COLUMN, LEGEND_COLUMN, ROW_GAP, SWATCH_H
from .options.schema import Options, resolve_options
from .view.marks import DiffPlan

if TYPE_CHECKING:
    from .compare.changes import Changes
    from .layout import LayoutStats, Scene

__all__ = [
    "RENDERER_VERSION",
    "Diagram",
    "Prepared",
    "diagram_key",
    "diff",
    "prepare",
    "render",
    "render_diff",
]

#: Part of every SVG cache key: bump when the same input would draw differently.

#: The drill-down scenes of a diagram (HTML only) may weigh this fraction of its SVG, or
#: DETAIL_FLOOR bytes if more: small and medium models open completely, level by level;
#: a huge one opens every glyph of the diagram and, within the budget, the next levels.
DETAIL_BUDGET = 0.4
DETAIL_FLOOR = 20_000


@dataclass(frozen=True)
class Diagram:
    """A rendered model diagram.

    ``svg`` holds the diagram (with the legend below unless ``legend`` is ``separate`` or
    ``none``); ``legend_svg`` is always the legend on its own; ``summary`` is a plain-text
    description used as alt text; ``glyphs`` counts the drawn glyphs (layers and groups);
    ``stats`` is the layout's own measure of its quality (edge crossings counted from the
    drawn polylines, bends, width and height of the diagram without the legend).
    """

    svg: str
    width: float
    height: float
    glyphs: int
    title: str
    summary: str
    stats: LayoutStats | None = None
    #: (layer type, defining module) of every drawn class, for links to API docs
    classes: tuple[tuple[str, str], ...] = ()
    #: the model's name (``graph.name``)
    name: str = ""
    #: a diff's summary (:func:`diff`, ``diff-against``): None for a plain render
    changes: Changes | None = None
    _scenes: Callable[[], str] | None = field(default=None, repr=False, compare=False)
    _legend: Callable[[], str] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def legend_svg(self) -> str:
        """The legend on its own (like Net2Vis's legend.svg), drawn on first use: a page
        that shows the legend below the diagram, a notebook, the CLI's ``render`` never
        pay for a second drawing of it."""
        return self._legend() if self._legend is not None else ""

    @cached_property
    def details(self) -> str:
        """The drill-down scenes (draw/details.py) as inline SVG elements, for the HTML embed.

        Made on first use: only a page embedding the diagram needs them, so the CLI,
        Jupyter and ``save`` never pay for them."""
        return self._scenes() if self._scenes is not None else ""

    def __repr__(self) -> str:
        """One line for a REPL (the SVG itself is ``.svg``; notebooks show the picture)."""
        glyphs = f"{self.glyphs} glyph" + ("" if self.glyphs == 1 else "s")
        return f"<Diagram {self.name!r}: {glyphs}, {self.width:.0f}x{self.height:.0f} px>"

    def _repr_svg_(self) -> str:
        """Jupyter (and sphinx-gallery, MyST-NB, which use the same reprs) show the diagram."""
        return self.svg

    def _repr_html_(self) -> str:
        """The diagram with its legend, for notebook front-ends that prefer HTML.

        The SVG is inlined as is (it is a complete, script-free document whose ids carry a
        per-diagram prefix); with ``legend="separate"`` the legend follows it.
        """
        parts = [self.svg]
        if 'class="nv-legend"' not in self.svg and 'class="nv-legend"' in self.legend_svg:
            parts.append(self.legend_svg)
        body = "".join(f"<div>{part}</div>" for part in parts)
        return f'<div class="netviz-notebook" style="overflow-x:auto">{body}</div>'

    def save(self, path: str | os.PathLike[str], *, legend: bool = False) -> Path:
        """Write the diagram (or, with ``legend=True``, the legend alone) by suffix:
        ``.svg``, ``.pdf`` or ``.png`` (PDF/PNG through :mod:`.export`). Returns the path."""
        target = Path(path)
        svg = self.legend_svg if legend else self.svg
        suffix = target.suffix.lower()
        data: bytes
        if suffix == ".svg":
            data = svg.encode("utf-8")
        elif suffix in (".pdf", ".png"):
            from .draw.export import svg_to_pdf, svg_to_png

            data = svg_to_pdf(svg) if suffix == ".pdf" else svg_to_png(svg)
        else:
            raise RenderError(
                f"cannot save a diagram as {target.name!r}: use a .svg, .pdf or .png suffix"
            )
        target.write_bytes(data)
        return target


def _options(options: Options | None, kwargs: dict[str, object]) -> Options:
    base = options or Options()
    if not kwargs:
        return base
    return resolve_options(kwargs, base=base)


def render(graph: Graph | Any, options: Options | None = None, **kwargs: object) -> Diagram:
    """Render ``graph`` as a Net2Vis-style diagram.

    ``graph`` is a :class:`Graph` or a live model (``keras.Model``, or any object a
    registered extractor accepts, such as a ``torch.nn.Module``), walked in this process with
    no worker (:mod:`.live`); the same model gives the same SVG as through its spec.
    ``kwargs`` are option names with ``-`` written ``_`` (``group="none"``), validated by the
    one options schema; an unknown name or bad value raises :class:`OptionError`.
    """
    opts = _options(options, kwargs)
    if opts.diff_against:  # the option of the directive, the fence and netviz render
        return diff(opts.diff_against, graph, opts)
    if not isinstance(graph, Graph):
        from .extract.live import extract_live

        graph = extract_live(graph, opts)
    # Rendering allocates many small, short-lived objects and creates no reference cycles
    # worth collecting; pausing the cyclic GC keeps large graphs linear in time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _render(graph, opts)
    finally:
        if was_enabled:
            gc.enable()


def diff(old: object, new: object, options: Options | None = None, **kwargs: object) -> Diagram:
    """Draw ``new`` with its changes against ``old`` (shared/DESIGN.md section 5).

    Each is a :class:`Graph`, a live model or a spec (text or path: any spec netviz reads,
    plus ``git:REV:PATH``, a snapshot file as committed at a git revision; ``old`` may be
    ``git:REV``, the snapshot of the spec ``new`` at that revision). Options are
    :func:`render`'s and apply to ``new``. Glyphs that differ carry ``data-diff``; what
    ``old`` had and ``new`` lacks is drawn ghosted; :attr:`Diagram.changes` holds the
    :class:`~.diff.changes.Changes` (``.stat()``, ``.differ``).
    """
    opts = replace(_options(options, kwargs), diff_against="")
    spec = os.fspath(new) if isinstance(new, str | os.PathLike) else None
    return render_diff(_graph(old, opts, spec), _graph(new, opts, None), opts)


def _graph(obj: object, opts: Options, spec: str | None) -> Graph:
    """A side of a diff as a graph: itself, a spec through the loader, or a live model."""
    if isinstance(obj, Graph):
        return obj
    if isinstance(obj, str | os.PathLike):
        from .store.cache import default_cache_dir
        from .store.loader import ModelLoader
        from .store.revision import load_reference

        shape, extract = opts.input_shape, opts.extract_values()
        loader = ModelLoader(cache_dir=default_cache_dir(), memory_limit=opts.memory_limit)
        with loader:
            return load_reference(
                os.fspath(obj), loader, spec=spec, input_shape=shape, extract=extract
            )
    from .extract.live import extract_live

    return extract_live(obj, opts)


def render_diff(old: Graph, new: Graph, opts: Options) -> Diagram:
    """``new`` drawn with its changes against ``old``: matched (:mod:`.diff`), summarised,
    and drawn with the marks of :mod:`.view.marks` (the diagram key covers ``old`` too)."""
    was_enabled = gc.isenabled()
    gc.disable()  # as render() does: many small objects, no cycles worth collecting
    try:
        matching = match_graphs(old, new)
        folds = opts.group != "none" and opts.fold_repeats
        plan = DiffPlan(matching, summarize_changes(matching), fold_repeats=folds)
        return _render(new, opts, plan, diff_key(old, new, opts))
    finally:
        if was_enabled:
            gc.enable()


def _render(
    graph: Graph, opts: Options, diff: DiffPlan | None = None, key: str | None = None
) -> Diagram:
    """The diagram of ``graph``; with a ``diff``, marked against its reference (``key``:
    the diagram key, which then covers the reference too)."""
    opts = with_graph_names(graph, opts)
    try:
        prep = _prepare(graph, opts, diff)
    except (RenderError, OptionError):
        raise
    except RecursionError:
        raise RenderError(f"model {graph.name!r}: the graph is nested too deeply to draw") from None
    vg, grouping, scene = prep.view, prep.grouping, prep.scene
    categories = {n.type: node_category(n) for n in graph.nodes}
    for ghost in (v.node for v in vg.nodes.values() if v.diff and v.node is not None):
        categories.setdefault(ghost.type, node_category(ghost))
    palette = Palette(opts.palette, dict(opts.colors), categories)
    prefix = "nv" + (key or diagram_key(graph, opts))[:10]
    looks = assign_looks(palette, *drawn_kinds(vg, grouping, scene))
    summary = summarize(graph, vg, grouping, scene, opts.dim_names)
    title = f"{graph.name} architecture diagram"
    tooltips = {g.id: tooltip(vg, grouping, g, opts.dim_names) for g in scene.glyphs}
    for gid, notes in glyph_notes(scene, vg).items():
        tooltips[gid] = "\n".join([tooltips[gid], *notes])
    edge_marks = path_marks(scene, vg)
    if diff is not None:
        summary += " " + diff.sentence()
    parts = SvgParts(prefix, title, summary, looks, tooltips, edge_marks)
    split_shown = opts.split_layers and any(g.kind == "split" for g in scene.glyphs)
    # The legend wraps to the diagram's width (the column's, where the diagram is narrower)
    # and its miniatures never make it taller than the diagram plus two rows.
    legend = build_legend(
        vg,
        grouping,
        opts,
        max_width=max(scene.width, LEGEND_COLUMN) - 32,
        # (less the room its last label hangs below its entries)
        max_height=_drawn_height(scene) + 2 * (SWATCH_H + ROW_GAP) - 6,
        wider=max(scene.width, COLUMN) - 32,
        split_shown=split_shown,
        diff_marks=marks_drawn(scene, edge_marks),
    )
    below: LegendScene | None = legend if opts.legend == "below" else None
    patterns = Patterns(prefix)
    svg, width, height = diagram_svg(scene, below, parts, patterns=patterns)

    def scenes() -> str:
        # Outer levels first, until they weigh DETAIL_BUDGET of the diagram: a page of
        # diagrams stays light (issue 12: at most 1.5x); a glyph whose scene did not fit
        # simply stays a static glyph (only glyphs with a scene become controls).
        budget = max(DETAIL_BUDGET * len(svg), DETAIL_FLOOR)
        written: list[tuple[DetailScene, str]] = []
        total = 0
        # A scene opens in a panel that scrolls, at the diagram's scale: it is not wrapped
        # to fit the column (wrap: auto), only where the reader asked for rows (wrap: N).
        inside = replace(opts, wrap=0) if opts.wrap == "auto" else opts
        found = build_details(graph, vg, grouping, scene, inside, looks, prep.sizer, diff)
        for i, d in enumerate(found):
            sub = replace(
                parts,
                prefix=f"{prefix}-d{i}",
                tooltips=d.tooltips,
                looks=d.looks,
                edge_marks=d.edge_marks,
            )
            text = detail_svg(d.scene, sub, d.for_id, d.label, shared=patterns)
            total += len(text)
            if total > budget and d.depth > 0:
                break  # every glyph of the diagram itself opens, whatever the budget
            written.append((d, text))
        return share_scenes(svg, [([d.for_id, *d.also], text) for d, text in written])

    return Diagram(
        svg=svg,
        width=width,
        height=height,
        glyphs=len(scene.glyphs),
        title=title,
        summary=summary,
        stats=scene.stats,
        classes=drawn_classes(graph),
        name=graph.name,
        changes=diff.changes if diff is not None else None,
        _scenes=scenes,
        _legend=lambda: legend_only_svg(legend, parts),
    )


def _drawn_height(scene: Scene) -> float:
    """How tall the diagram's drawing is (glyphs, edges and the lines of text under glyphs,
    not the margins): what a legend is measured against."""
    ys = [y for g in scene.glyphs for y in (g.bbox[1], g.bbox[3])]
    ys += [y for p in scene.paths for _x, y in p.points]
    ys += [y for lb in scene.labels for y in (lb.y - lb.size, lb.y + 3)]
    return max(ys) - min(ys) if ys else 0.0


def drawn_classes(graph: Graph) -> tuple[tuple[str, str], ...]:
    """(type, module) of each class in the IR, first occurrence first (for API links)."""
    seen: dict[str, str] = {}
    for n in graph.nodes:
        if n.type and n.module:
            seen.setdefault(n.type, n.module)
    return tuple(seen.items())
