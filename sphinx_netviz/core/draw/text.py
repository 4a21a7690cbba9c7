"""Text about a drawn diagram: glyph tooltips and the plain-text summary used as alt text.

Name, type, shapes, parameter count and key configuration of a layer; for a group, its
members. Written for the SVG's ``<title>`` tooltips and ``<desc>``, from the view, the
grouping and the laid-out scene.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..ir.dims import DimNames, shape_text

if TYPE_CHECKING:
    from ..group.grouping import Grouping
    from ..ir.graph import Graph, Node, Shape
    from ..layout import Glyph, Scene
    from ..view.vgraph import VGraph

__all__ = ["summarize", "tooltip"]


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
        each = ""
        if g.count > 1:
            params *= g.count  # one repeat's members are listed; each repeat has its own
            each = f" (each of the {g.count} repeats)"
        fold = vg.folds.get(g.id)
        differs = [f"the first repeat differs {fold.differs}"] if fold and fold.differs else []
        if fold is not None and fold.first_names:
            names = list(fold.first_names)  # an absorbed head: the body is the next repeat
        return "\n".join(
            [
                f"{head}: {g.members} layers",
                f"in {_shape_text(g.in_shape, dim_names)} "
                f"\u2192 out {_shape_text(g.out_shape, dim_names)}",
                f"types{each}: " + ", ".join(f"{t} \u00d7{c}" for t, c in sorted(counts.items())),
                *differs,
                f"params: {params:,}",
                f"members{' (the first repeat)' if each else ''}: "
                + ", ".join(names[:24])
                + (", \u2026" if len(names) > 24 else ""),
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
        if len(node.folded) > 1:  # the source's operations behind one call (ONNX)
            listed = ", ".join(node.folded[:8])
            more = f", \u2026 (+{len(node.folded) - 8})" if len(node.folded) > 8 else ""
            lines.append(f"operators: {listed}{more}")
    if n.folded:  # shape plumbing folded into this glyph (view/plumbing.py)
        counts = Counter(n.folded)
        lines.append(
            "folded: " + ", ".join(f"{t} \u00d7{c}" if c > 1 else t for t, c in counts.items())
        )
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
