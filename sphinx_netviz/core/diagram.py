"""Graph IR -> Diagram: the rendering pipeline behind ``render()``.

view (nesting, hide, manual groups, splits) -> series-parallel tree -> automatic grouping ->
layout -> SVG diagram + legend. Pure functions of (graph, options): no global state, no
randomness, so the same input always gives byte-identical SVG.
"""

from __future__ import annotations

import gc
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .draw.details import DetailScene, build_details, share_scenes
from .draw.legend import LegendScene, build_legend, drawn_kinds
from .draw.looks import assign_looks
from .draw.palette import Palette
from .draw.patterns import Patterns
from .draw.svg import SvgParts, detail_svg, diagram_svg, legend_only_svg
from .ir.categories import node_category
from .ir.dims import DimNames, shape_text
from .ir.errors import OptionError, RenderError
from .ir.graph import Graph, Node, Shape
from .ir.keys import RENDERER_VERSION, diagram_key
from .layout.prepare import Prepared, _prepare, prepare, with_graph_names
from .layout.sizes import COLUMN, LEGEND_COLUMN, ROW_GAP, SWATCH_H
from .options.schema import Options, resolve_options

if TYPE_CHECKING:
    from .group.grouping import Grouping
    from .layout import Glyph, LayoutStats, Scene
    from .view.vgraph import VGraph

__all__ = ["RENDERER_VERSION", "Diagram", "Prepared", "diagram_key", "prepare", "render"]

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


def _render(graph: Graph, opts: Options) -> Diagram:
    opts = with_graph_names(graph, opts)
    try:
        prep = _prepare(graph, opts)
    except (RenderError, OptionError):
        raise
    except RecursionError:
        raise RenderError(f"model {graph.name!r}: the graph is nested too deeply to draw") from None
    vg, grouping, scene = prep.view, prep.grouping, prep.scene
    palette = Palette(
        opts.palette, dict(opts.colors), {n.type: node_category(n) for n in graph.nodes}
    )
    prefix = "nv" + diagram_key(graph, opts)[:10]
    looks = assign_looks(palette, *drawn_kinds(vg, grouping, scene))
    summary = summarize(graph, vg, grouping, scene, opts.dim_names)
    title = f"{graph.name} architecture diagram"
    parts = SvgParts(
        prefix=prefix,
        title=title,
        desc=summary,
        looks=looks,
        tooltips={g.id: tooltip(vg, grouping, g, opts.dim_names) for g in scene.glyphs},
    )
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
        found = build_details(graph, vg, grouping, scene, inside, looks, prep.sizer)
        for i, d in enumerate(found):
            sub = replace(parts, prefix=f"{prefix}-d{i}", tooltips=d.tooltips, looks=d.looks)
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


# -- text ------------------------------------------------------------------------------------
def _shape_text(shape: Shape | None, names: DimNames = ()) -> str:
    return shape_text(shape, names)


_KEY_CONFIG = (
    "filters",
    "units",
    "kernel_size",
    "strides",
    "padding",
    "pool_size",
    "dilation_rate",
    "activation",
    "rate",
    "num_heads",
    "key_dim",
    "axis",
    "output_dim",
    "input_dim",
    "size",
    "target_shape",
)


def _config_text(node: Node) -> str:
    parts = []
    for key in _KEY_CONFIG:
        if key in node.config:
            value = node.config[key]
            if isinstance(value, list | tuple):
                value = "x".join(str(v) for v in value)
            parts.append(f"{key}={value}")
    return ", ".join(parts[:6])


def tooltip(vg: VGraph, grouping: Grouping, g: Glyph, dim_names: DimNames = ()) -> str:
    """Name, type, shapes, parameters and key config; for groups, the members."""
    sub = vg.members_view(g.id) if g.kind == "group" else None
    if sub is not None:
        names = [m.name for m in sub.nodes.values()]
        counts = Counter(m.type for m in sub.nodes.values())
        params = sum(m.node.params for m in sub.nodes.values() if m.node is not None)
        head = g.type + (f" \u00d7{g.count}" if g.count > 1 else "")
        if g.count > 1:
            params *= g.count  # one repeat's members are listed; each repeat has its own
        return "\n".join(
            [
                f"{head}: {g.members} layers",
                f"in {_shape_text(g.in_shape, dim_names)} "
                f"\u2192 out {_shape_text(g.out_shape, dim_names)}",
                "types: " + ", ".join(f"{t} \u00d7{c}" for t, c in sorted(counts.items())),
                f"params: {params:,}",
                "members: " + ", ".join(names[:24]) + (", \u2026" if len(names) > 24 else ""),
            ]
        )
    if g.kind == "group":
        node_ids = g.node_ids
        members = [vg.nodes[n] for n in node_ids if n in vg.nodes]
        counts = Counter(m.type for m in members if not (m.synthetic and m.type == "Split"))
        names = [m.name for m in members if not m.synthetic]
        head = g.type + (f" \u00d7{g.count}" if g.count > 1 else "")
        params = sum(m.node.params for m in members if m.node is not None)
        lines = [
            f"{head}: {g.members} layers",
            f"in {_shape_text(g.in_shape, dim_names)} "
            f"\u2192 out {_shape_text(g.out_shape, dim_names)}",
            "types: " + ", ".join(f"{t} \u00d7{c}" for t, c in sorted(counts.items())),
            f"params: {params:,}",
        ]
        shown = names[:24]
        more = f", \u2026 (+{len(names) - len(shown)})" if len(names) > len(shown) else ""
        lines.append("members: " + ", ".join(shown) + more)
        return "\n".join(lines)
    n = vg.nodes.get(g.id)
    if n is None:
        return g.name
    if n.synthetic:
        return f"Split: {_shape_text(n.out_shape, dim_names)} to {len(vg.succ[n.id])} consumers"
    lines = [f"{n.name} ({n.type})"]
    node = n.node
    if node is not None:
        ins = ", ".join(_shape_text(s, dim_names) for s in node.input_shapes) or "none"
        outs = ", ".join(_shape_text(s, dim_names) for s in node.output_shapes) or "none"
        lines.append(f"in {ins} \u2192 out {outs}")
        lines.append(f"params: {node.params:,}")
        cfg = _config_text(node)
        if cfg:
            lines.append(cfg)
    return "\n".join(lines)


def summarize(
    graph: Graph, vg: VGraph, grouping: Grouping, scene: Scene, names: DimNames = ()
) -> str:
    """A plain-text description for alt text: size, main types, shapes, groups."""
    top = [n for n in graph.nodes if n.parent is None]
    types = Counter(n.type for n in top if n.kind != "input")
    main = ", ".join(f"{c} {t}" for t, c in types.most_common(4))
    ins = (
        "; ".join(_shape_text(n.output_shape, names) for n in top if n.id in graph.inputs)
        or "unknown"
    )
    outs = (
        "; ".join(_shape_text(n.output_shape, names) for n in top if n.id in graph.outputs)
        or "unknown"
    )
    params = sum(n.params for n in top)
    text = (
        f"Diagram of the model {graph.name}: {len(top)} layers ({main}), "
        f"input {ins}, output {outs}, {params:,} parameters."
    )
    if grouping.defs:
        groups = ", ".join(f"{d.label} ({d.instances}\u00d7)" for d in grouping.defs.values())
        text += f" Repeated blocks drawn as groups: {groups}."
    text += f" Drawn as {len(scene.glyphs)} glyphs, left to right."
    return text
