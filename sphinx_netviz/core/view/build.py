"""The drawable graph: the IR after nesting, hiding, manual groups and split insertion.

The IR records what Keras ran; the view records what will be drawn. Every IR node ends up in
exactly one of: a drawn node, a manual group, the hidden set, or the "absorbed" set (nested
models that were expanded, and their internal InputLayers, which only forward a tensor).
That bookkeeping is what the grouping conservation check relies on.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING

from ..ir.errors import RenderError
from ..ir.graph import Graph
from ..ir.layouts import channels_first_nodes
from .edits import hide_types, insert_splits, manual_groups
from .embeddings import group_embeddings
from .hierarchy import HIERARCHY_KINDS, open_levels
from .hierarchy import opened as hierarchy_opened
from .hierarchy import structures as hierarchy_structures
from .plumbing import fold_plumbing
from .see_through import see_through
from .vgraph import VGraph, VNode, composition_key

if TYPE_CHECKING:
    from ..ir.graph import Node, Shape
    from ..options.schema import Options

__all__ = [
    "HIERARCHY_KINDS",
    "VGraph",
    "VNode",
    "build_view",
    "compositions",
    "open_levels",
]


_CONFIG_SKIP = {"name", "trainable", "dtype", "dtype_policy", "build_config", "seed"}


def config_key(node: Node) -> str:
    """A canonical text of the parts of a layer's config that make two layers 'the same'."""
    items = sorted((k, repr(v)) for k, v in node.config.items() if k not in _CONFIG_SKIP)
    return ";".join(f"{k}={v}" for k, v in items)


def _leaf_nodes(graph: Graph, opened: set[str]) -> tuple[list[Node], set[str]]:
    """The IR nodes to draw, and the ids absorbed by expansion."""
    if not opened:
        return [n for n in graph.nodes if n.parent is None], set()
    absorbed: set[str] = set()
    keep: list[Node] = []
    for n in graph.nodes:
        if n.parent is not None and n.parent not in opened:
            continue
        if n.id in opened:
            absorbed.add(n.id)
            continue
        if n.kind == "input" and n.parent is not None:
            absorbed.add(n.id)
            continue
        keep.append(n)
    return keep, absorbed


def _resolve_edges(
    graph: Graph, opened: set[str], absorbed: set[str]
) -> list[tuple[str, str, Shape | None]]:
    """IR edges rewired through opened hierarchy nodes and their internal inputs."""
    by_id = {n.id: n for n in graph.nodes}
    edges = list(graph.edges)
    out_of: dict[str, list[tuple[int, int, str, Shape | None]]] = defaultdict(list)
    for e in edges:
        out_of[e.source].append((e.source_index, e.target_index, e.target, e.shape))

    def sources(node_id: str, index: int, depth: int = 0) -> str:
        """Where the tensor ``index`` of ``node_id`` is really produced."""
        n = by_id.get(node_id)
        if n is not None and n.id in opened and n.model_outputs and depth < 64:
            inner = n.model_outputs[min(index, len(n.model_outputs) - 1)]
            return sources(inner, 0, depth + 1)
        return node_id

    def targets(node_id: str, index: int, depth: int = 0) -> list[str]:
        """Who really consumes a tensor fed into input ``index`` of ``node_id``."""
        n = by_id.get(node_id)
        if n is None or depth > 64:
            return []
        if n.id in absorbed:
            if n.id in opened and n.model_inputs:
                inner = n.model_inputs[min(index, len(n.model_inputs) - 1)]
                return targets(inner, 0, depth + 1)
            if n.kind == "input":
                found: list[str] = []
                for _si, ti, t, _shape in out_of.get(n.id, ()):
                    found.extend(targets(t, ti, depth + 1))
                return found
        return [node_id]

    result: list[tuple[str, str, Shape | None]] = []
    for e in edges:
        src_node = by_id.get(e.source)
        if src_node is None or by_id.get(e.target) is None:
            continue
        if src_node.id in absorbed and src_node.kind == "input":
            continue  # re-emitted from the producer feeding the nested model
        s = sources(e.source, e.source_index)
        for t in targets(e.target, e.target_index):
            result.append((s, t, e.shape))
    return result


def build_view(graph: Graph, options: Options, *, splits: bool = True) -> VGraph:
    """Turn the IR into the drawable graph per ``options`` (nesting, hide, groups, splits).

    ``splits=False`` leaves Split insertion to the caller (the legend draws compositions
    with it)."""
    if not graph.nodes:
        raise RenderError(f"model {graph.name!r}: the graph has no nodes to draw")
    levels = open_levels(options)
    # "auto": the containers are opened (see_through.py); a number opens that many levels
    opened = see_through(graph) if isinstance(levels, str) else hierarchy_opened(graph, levels)
    nodes_list, absorbed = _leaf_nodes(graph, opened)
    keep = {n.id for n in nodes_list}
    vg = VGraph(
        name=graph.name,
        nodes={},
        succ={},
        pred={},
        shapes={},
        inputs=[],
        outputs=[],
        absorbed=sorted(absorbed),
        ir_total=len(keep) + len(absorbed),
        hierarchy={n.id: n.type for n in graph.nodes if n.kind in HIERARCHY_KINDS},
        hierarchy_parent={n.id: n.parent for n in graph.nodes if n.kind in HIERARCHY_KINDS},
    )
    match_config = options.group_match == "config"
    layouts = channels_first_nodes(graph)  # the one layout rule (ir/layouts.py)
    drawn, drawn_out = layouts.drawn, layouts.drawn_out
    structures = hierarchy_structures(graph, config_key if match_config else None)
    for n in nodes_list:
        vg.nodes[n.id] = VNode(
            id=n.id,
            type=n.type,
            name=n.name,
            in_shape=drawn(n.id, n.input_shape if n.input_shapes else n.output_shape),
            out_shape=drawn_out(n.id, n.output_shape),
            members=(n.id,),
            node=n,
            config_key=config_key(n) if match_config else "",
            structure=structures.get(n.id, ""),
        )
        vg.succ[n.id] = []
        vg.pred[n.id] = []
    for s, t, shape in _resolve_edges(graph, opened, absorbed):
        if s in keep and t in keep:
            vg.add_edge(s, t, drawn_out(s, shape))
    vg.inputs = [i for i in graph.inputs if i in keep] or [n for n in vg.nodes if not vg.pred[n]]
    outs = [o for o in graph.outputs if o in keep]
    vg.outputs = outs or [n for n in vg.nodes if not vg.succ[n]]
    fold_plumbing(vg, frozenset(t.lower() for t in options.show))
    hide_types(vg, set(options.hide))
    if options.group != "none":
        group_embeddings(vg)
    if options.groups:
        manual_groups(vg, options.groups)
    vg.compositions = compositions(graph, nodes_list, options, structures)
    if splits:
        insert_splits(vg)
    return vg


#: Largest composition the legend draws ("glyph = members"); bigger ones stay a swatch.
_MAX_COMPOSITION = 40


def compositions(
    graph: Graph, drawn: list[Node], options: Options, structures: dict[str, str] | None = None
) -> dict[str, VGraph]:
    """The internals of each closed hierarchy node, as a view: one per class and inside
    (:func:`~.vgraph.composition_key`; a T5 decoder block is not an encoder block), the first
    of each class under the class name too."""
    structures = structures or {}
    closed = [n for n in drawn if n.kind in HIERARCHY_KINDS and n.model_inputs]
    if not closed:
        return {}
    children: dict[str, list[Node]] = defaultdict(list)
    for n in graph.nodes:
        if n.parent is not None:
            children[n.parent].append(n)
    plain = replace(options, group="none", groups=(), hide=(), depth=0, expand_nested=False)
    out: dict[str, VGraph] = {}
    for h in closed:
        key = composition_key(h.type, structures.get(h.id, ""))
        if key in out:
            continue
        inner = [replace(c, parent=None) for c in children[h.id] if c.kind != "input"]
        ids = {c.id for c in inner}
        if not ids or len(ids) > _MAX_COMPOSITION:
            continue  # a whole nested backbone (ResNet50) would make the legend a diagram
        sub = Graph(
            name=h.type,
            nodes=tuple(inner),
            edges=tuple(e for e in graph.edges if e.source in ids and e.target in ids),
        )
        try:
            out[key] = build_view(sub, plain, splits=False)
        except RenderError:
            continue
        out.setdefault(h.type, out[key])
    return out
