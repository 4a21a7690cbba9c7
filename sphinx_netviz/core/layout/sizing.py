"""Glyph sizes: Net2Vis's formulas (reference/net2vis.md 2.3-2.4) and the label texts.

Height encodes spatial resolution, per side (so resolution changes make trapezoids), width
encodes channels; 1-D tensors (Dense) are drawn as narrow rules sized by their units.

The extremes the formulas interpolate between are the *model's* (:meth:`Sizer.from_graph`,
every tensor of every IR node at every nesting level), not what one drawing shows: so
``hide``, ``group`` and ``depth`` never resize the glyphs that stay (issue 19), and a
drill-down scene draws its glyphs at the diagram's scale.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..ir.layouts import channels_first_nodes

if TYPE_CHECKING:
    from ..ir.graph import Graph, Shape
    from ..options.schema import Options
    from ..view.vgraph import VGraph, VNode

__all__ = ["Sizer", "dims_text", "feature_text"]


def _spatial(shape: Shape | None) -> float | None:
    """The geometric mean of the spatial axes (all but the last), None when one is unknown.
    A plain loop: this runs for every node and glyph of every render."""
    if shape is None or len(shape) < 2:
        return None
    product = 1
    for d in shape[:-1]:
        if d is None or d <= 0:
            return None
        product *= d
    return float(float(product) ** (1.0 / (len(shape) - 1)))


def _channels(shape: Shape | None) -> float | None:
    if shape is None or len(shape) < 2 or shape[-1] is None:
        return None
    return float(shape[-1])


def _units(shape: Shape | None) -> float | None:
    if shape is None or len(shape) != 1 or shape[0] is None:
        return None
    return float(shape[0])


@dataclass
class Sizer:
    """Net2Vis's extremes (over the whole model, :meth:`from_graph`) and its size formulas."""

    h_min: float
    h_max: float
    w_min: float
    w_max: float
    min_size: float = 0.0
    max_size: float = 0.0
    min_feat: float = 0.0
    max_feat: float = 0.0
    min_dense: float = 0.0
    max_dense: float = 0.0
    uniform: bool = False

    @classmethod
    def from_graph(cls, graph: Graph, options: Options) -> Sizer:
        """The extremes over every IR node of ``graph`` (all levels, every input and output
        tensor), in the axis order glyphs are drawn in: one scale per model, whatever
        ``hide``, ``group``, ``depth`` or a drill-down draws of it."""
        layouts = channels_first_nodes(graph)  # the one layout rule (ir/layouts.py)
        pairs: list[tuple[Shape | None, Shape | None]] = []
        for n in graph.nodes:
            outs = [layouts.drawn_out(n.id, s) for s in n.output_shapes] or [None]
            ins = [layouts.drawn(n.id, s) for s in n.input_shapes] or outs[:1]
            pairs.extend((i, outs[0]) for i in ins)
            pairs.extend((ins[0], o) for o in outs[1:])
        return cls._from_pairs(options, pairs)

    @classmethod
    def from_view(cls, vg: VGraph, options: Options, extra: list[VNode]) -> Sizer:
        """The extremes over the drawn nodes of ``vg`` (and ``extra``): for a view made
        without its IR graph (tests, hand-made views); renders use :meth:`from_graph`."""
        pairs = [(n.in_shape, n.out_shape) for n in [*vg.nodes.values(), *extra]]
        return cls._from_pairs(options, pairs)

    @classmethod
    def _from_pairs(cls, options: Options, pairs: list[tuple[Shape | None, Shape | None]]) -> Sizer:
        s = cls(options.min_height, options.max_height, options.min_width, options.max_width)
        sizes: list[float] = []
        feats: list[float] = []
        dense: list[float] = []
        for in_shape, out_shape in pairs:
            for shape in (in_shape, out_shape):
                sp = _spatial(shape)
                if sp is not None:
                    sizes.append(sp)
            c = _channels(out_shape)
            if c is not None:
                feats.append(c)
            u = _units(out_shape)
            if u is not None and _units(in_shape) is not None:
                dense.append(u)
        if sizes:
            s.min_size, s.max_size = min(sizes), max(sizes)
        if feats:
            s.min_feat, s.max_feat = min(feats), max(feats)
        if dense:
            s.min_dense, s.max_dense = min(dense), max(dense)
        return s

    def narrowed(self, factor: float) -> Sizer:
        """The same scale with glyph widths times ``factor`` (heights unchanged): for a
        diagram that must be narrower to fit a docs column (``wrap: auto``)."""
        return replace(self, w_min=self.w_min * factor, w_max=self.w_max * factor)

    @classmethod
    def mini(cls) -> Sizer:
        return cls(24, 24, 8, 8, uniform=True)

    def height(self, shape: Shape | None) -> float:
        if self.uniform:
            return self.h_max
        sp = _spatial(shape)
        if sp is not None:
            span = self.max_size - self.min_size
            if span <= 0:
                return self.h_max
            perc = (sp - self.min_size) / span
            return min(self.h_max, self.h_min + max(0.0, perc) * (self.h_max - self.h_min))
        u = _units(shape)
        if u is not None:
            span = self.max_dense - self.min_dense
            if span <= 0 or u > self.max_dense:
                return self.h_max
            perc = (u - self.min_dense) / span
            return min(self.h_max, self.h_min + max(0.0, perc) * (self.h_max - self.h_min))
        if shape is not None and len(shape) >= 2:
            # A spatial axis of unknown size (a sequence length, ``seq``) is neither the
            # largest nor the smallest resolution: the middle height, the same all along a
            # sequence model's chain.
            return (self.h_min + self.h_max) / 2
        return self.h_max if shape is None else self.h_min

    def width(self, in_shape: Shape | None, out_shape: Shape | None) -> float:
        if self.uniform:
            return self.w_max
        c = _channels(out_shape)
        if c is None or in_shape is None or len(in_shape) < 2:
            return self.rule_width()
        span = max(1.0, self.max_feat - self.min_feat)
        return self.w_min + (c - self.min_feat) / span * (self.w_max - self.w_min)

    def rule_width(self) -> float:
        return self.w_max if self.uniform else max(6.0, round(self.w_min * 0.5, 2))


def dims_text(shape: Shape | None) -> str:
    """``224x224`` for an image tensor; empty for vectors."""
    if shape is None or len(shape) < 2:
        return ""
    return "x".join("?" if d is None else str(d) for d in shape[:-1])


def feature_text(shape: Shape | None) -> str:
    """Channels (last axis) or units of a vector."""
    if shape is None or not shape:
        return ""
    d = shape[-1]
    return "?" if d is None else str(d)
