"""The drawable graph: the IR after nesting, hiding, manual groups and split insertion.

The IR records what Keras ran; the view records what will be drawn. Every IR node ends up in
exactly one of: a drawn node, a manual group, the hidden set, or the "absorbed" set (nested
models that were expanded, and their internal InputLayers, which only forward a tensor).
That bookkeeping is what the grouping conservation check relies on.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..group.fold import creates_cycle, fold_side_inputs
from ..ir.errors import RenderError
from .hierarchy import HIERARCHY_KINDS, compositions, open_levels
from .hierarchy import opened as hierarchy_opened
from .hierarchy import structures as hierarchy_structures

if TYPE_CHECKING:
    from ..group.fold import Fold
    from ..ir.graph import Graph, Node, Shape
    from ..options.schema import Options

__all__ = ["HIERARCHY_KINDS", "VGraph", "VNode", "build_view", "insert_splits", "open_levels"]


@dataclass(slots=True)
class VNode:
    """One drawable unit before automatic grouping.

    ``members`` are the IR node ids it stands for (one for a layer, several for a manual
    group, none for a synthetic Split).
    """

    id: str
    type: str
    name: str
    in_shape: Shape | None
    out_shape: Shape | None
    members: tuple[str, ...]
    node: Node | None = None
    synthetic: bool = False
    manual: str | None = None  # label of a manual group (or of a folded run, see fold.py)
    config_key: str = ""
    #: For a nested model or composite drawn as one glyph: a hash of its internals' types and
    #: wiring, so that blocks of one class that differ inside are not taken for repeats.
    structure: str = ""
    count: int = 1  # repeats folded into this node (a folded run with side inputs)
    gid: int = 0  # the group kind of a folded run (its colour and legend entry)


@dataclass
class VGraph:
    """Nodes in IR order plus de-duplicated adjacency (one edge per node pair)."""

    name: str
    nodes: dict[str, VNode]
    succ: dict[str, list[str]]
    pred: dict[str, list[str]]
    shapes: dict[tuple[str, str], Shape | None]
    inputs: list[str]
    outputs: list[str]
    hidden: list[str] = field(default_factory=list)
    absorbed: list[str] = field(default_factory=list)
    ir_total: int = 0
    manual_members: dict[str, VGraph] = field(default_factory=dict)
    #: Type of every hierarchy node (nested model, composite layer) by id: what a group made
    #: of one block's internals is named after.
    hierarchy: dict[str, str] = field(default_factory=dict)
    #: The parent of every hierarchy node (``None`` at the top level).
    hierarchy_parent: dict[str, str | None] = field(default_factory=dict)
    #: What a nested model or composite layer drawn as one glyph is made of (its internals,
    #: one level down), by class name: the legend shows it like a group's "glyph = members".
    compositions: dict[str, VGraph] = field(default_factory=dict)
    #: Folded runs with side inputs (fold.py), by the id of the node standing for each.
    folds: dict[str, Fold] = field(default_factory=dict)

    def composition_of(self, nodes: list[VNode]) -> VGraph | None:
        """What a block made of exactly one nested model or composite layer is made of (its
        composition), so that a group of them explains the block, not a lone glyph."""
        if len(nodes) != 1:
            return None
        node = nodes[0].node
        if node is None or node.kind not in HIERARCHY_KINDS:
            return None
        return self.compositions.get(nodes[0].type)

    def members_view(self, node_id: str) -> VGraph | None:
        """The drawable graph inside a manual group or (one repeat of) a folded run."""
        sub = self.manual_members.get(node_id)
        if sub is None and node_id in self.folds:
            sub = self.folds[node_id].body
        return sub

    def copy(self) -> VGraph:
        """The drawable part (nodes, edges, shapes, ends) as tables of its own, so that drawing
        it again (``insert_splits``) leaves this view as it is; the rest is not carried."""
        return VGraph(
            name=self.name,
            nodes=dict(self.nodes),
            succ={k: list(v) for k, v in self.succ.items()},
            pred={k: list(v) for k, v in self.pred.items()},
            shapes=dict(self.shapes),
            inputs=list(self.inputs),
            outputs=list(self.outputs),
        )

    def subgraph(self, nodes: list[str], name: str, *, hierarchy: bool = True) -> VGraph:
        """The drawable graph of ``nodes`` alone (edges inside only), in the order given:
        one repeat of a folded run, a cell, a manual group's members. ``hierarchy=False``
        leaves out what the nodes are inside of (a manual group is named by the user, not
        after a class)."""
        inside = set(nodes)
        return VGraph(
            name=name,
            nodes={c: self.nodes[c] for c in nodes},
            succ={c: [s for s in self.succ[c] if s in inside] for c in nodes},
            pred={c: [p for p in self.pred[c] if p in inside] for c in nodes},
            shapes={k: v for k, v in self.shapes.items() if k[0] in inside and k[1] in inside},
            inputs=[c for c in nodes if not any(p in inside for p in self.pred[c])],
            outputs=[c for c in nodes if not any(s in inside for s in self.succ[c])],
            hierarchy=self.hierarchy if hierarchy else {},
            hierarchy_parent=self.hierarchy_parent if hierarchy else {},
        )

    def add_edge(self, s: str, t: str, shape: Shape | None) -> None:
        if s == t or t in self.succ[s]:
            return
        self.succ[s].append(t)
        self.pred[t].append(s)
        self.shapes[(s, t)] = shape


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
    opened = hierarchy_opened(graph, open_levels(options))
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
    drawn = _channels_last if graph.meta.get("layout") == "channels_first" else _same
    structures = hierarchy_structures(graph)
    for n in nodes_list:
        vg.nodes[n.id] = VNode(
            id=n.id,
            type=n.type,
            name=n.name,
            in_shape=drawn(n.input_shape if n.input_shapes else n.output_shape),
            out_shape=drawn(n.output_shape),
            members=(n.id,),
            node=n,
            config_key=config_key(n) if match_config else "",
            structure=structures.get(n.id, ""),
        )
        vg.succ[n.id] = []
        vg.pred[n.id] = []
    for s, t, shape in _resolve_edges(graph, opened, absorbed):
        if s in keep and t in keep:
            vg.add_edge(s, t, drawn(shape))
    vg.inputs = [i for i in graph.inputs if i in keep] or [n for n in vg.nodes if not vg.pred[n]]
    outs = [o for o in graph.outputs if o in keep]
    vg.outputs = outs or [n for n in vg.nodes if not vg.succ[n]]
    _hide(vg, set(options.hide))
    if options.groups:
        _manual_groups(vg, options.groups)
    if options.group != "none" and options.fold_repeats:
        fold_side_inputs(vg)
    vg.compositions = compositions(graph, nodes_list, options)
    if splits:
        _insert_splits(vg)
    return vg


def _same(shape: Shape | None) -> Shape | None:
    return shape


def _channels_last(shape: Shape | None) -> Shape | None:
    """A channels-first shape (PyTorch's ``C, H, W``) in the order the glyphs are sized by
    (Net2Vis's ``H, W, C``); tooltips keep the framework's own order from the IR."""
    if shape is None or len(shape) < 3:
        return shape
    return (*shape[1:], shape[0])


def _remove(vg: VGraph, node_id: str) -> None:
    for p in vg.pred.pop(node_id):
        vg.succ[p].remove(node_id)
        vg.shapes.pop((p, node_id), None)
    for s in vg.succ.pop(node_id):
        vg.pred[s].remove(node_id)
        vg.shapes.pop((node_id, s), None)
    del vg.nodes[node_id]


def _hide(vg: VGraph, types: set[str]) -> None:
    """Drop hidden types and bridge their edges (each predecessor to each successor)."""
    if not types:
        return
    for node_id in [i for i, n in vg.nodes.items() if n.type in types]:
        preds = list(vg.pred[node_id])
        succs = list(vg.succ[node_id])
        shape_out = {s: vg.shapes.get((node_id, s)) for s in succs}
        _remove(vg, node_id)
        for p in preds:
            for s in succs:
                vg.add_edge(p, s, shape_out[s])
        vg.hidden.append(node_id)
        if node_id in vg.inputs:
            vg.inputs = [i for i in vg.inputs if i != node_id] + [
                s for s in succs if s not in vg.inputs
            ]
        if node_id in vg.outputs:
            vg.outputs = [o for o in vg.outputs if o != node_id] + [
                p for p in preds if p not in vg.outputs
            ]
    if not vg.nodes:
        raise RenderError(
            f"model {vg.name!r}: option 'hide' removes every layer ({', '.join(sorted(types))})"
        )


def _manual_groups(vg: VGraph, groups: tuple[tuple[str, str], ...]) -> None:
    """Contract each connected run of layers whose names match a pattern into one node."""
    claimed: set[str] = set()
    for label, pattern in groups:
        regex = re.compile(pattern)
        matched = [
            i
            for i, n in vg.nodes.items()
            if i not in claimed and not n.synthetic and regex.search(n.name)
        ]
        if not matched:
            continue
        mset = set(matched)
        seen: set[str] = set()
        components: list[list[str]] = []
        for start in matched:
            if start in seen:
                continue
            comp: list[str] = []
            stack = [start]
            seen.add(start)
            while stack:
                x = stack.pop()
                comp.append(x)
                for y in vg.succ[x] + vg.pred[x]:
                    if y in mset and y not in seen:
                        seen.add(y)
                        stack.append(y)
            order = {i: k for k, i in enumerate(vg.nodes)}
            components.append(sorted(comp, key=order.__getitem__))
        for k, comp in enumerate(components):
            if len(comp) < 2:
                continue
            claimed.update(comp)
            _contract(vg, comp, label, f"group:{label}:{k}", pattern)


def _contract(vg: VGraph, comp: list[str], label: str, new_id: str, pattern: str) -> None:
    cset = set(comp)
    if creates_cycle(vg, cset):
        raise RenderError(
            f"option 'groups': {label}={pattern} matches layers that are not one "
            "contiguous block (a path leaves the group and re-enters it)"
        )
    sub = vg.subgraph(comp, label, hierarchy=False)
    first = vg.nodes[sub.inputs[0]]
    last = vg.nodes[sub.outputs[-1]]
    members = tuple(m for c in comp for m in vg.nodes[c].members)
    ext_in = [(p, c) for c in comp for p in vg.pred[c] if p not in cset]
    ext_out = [(c, s) for c in comp for s in vg.succ[c] if s not in cset]
    shapes = {e: vg.shapes.get(e) for e in ext_in + ext_out}
    position = list(vg.nodes).index(comp[0])
    for c in comp:
        _remove(vg, c)
    node = VNode(
        id=new_id,
        type=label,
        name=label,
        in_shape=first.in_shape,
        out_shape=last.out_shape,
        members=members,
        manual=label,
    )
    items = list(vg.nodes.items())
    items.insert(position, (new_id, node))
    vg.nodes = dict(items)
    vg.succ[new_id] = []
    vg.pred[new_id] = []
    for p, c in ext_in:
        vg.add_edge(p, new_id, shapes[(p, c)])
    for c, s in ext_out:
        vg.add_edge(new_id, s, shapes[(c, s)])
    vg.inputs = [new_id if i in cset else i for i in vg.inputs]
    vg.inputs = list(dict.fromkeys(vg.inputs))
    vg.outputs = list(dict.fromkeys(new_id if o in cset else o for o in vg.outputs))
    vg.manual_members[new_id] = sub


def insert_splits(vg: VGraph) -> None:
    """Public name of :func:`_insert_splits` (the legend draws group members with it)."""
    _insert_splits(vg)


def _insert_splits(vg: VGraph) -> None:
    """Net2Vis's "replace split layers": a node feeding several others gets a Split node.

    Always done here, because grouping treats Split -> branches -> merge as one block; when
    the option is off the layout draws Splits as bare junctions of the edges.
    """
    items: list[tuple[str, VNode]] = []
    for node_id, node in vg.nodes.items():
        items.append((node_id, node))
        if len(vg.succ[node_id]) > 1:
            split_id = f"{node_id}#split"
            shape = node.out_shape
            items.append(
                (
                    split_id,
                    VNode(
                        id=split_id,
                        type="Split",
                        name="split",
                        in_shape=shape,
                        out_shape=shape,
                        members=(),
                        synthetic=True,
                    ),
                )
            )
    new_nodes = dict(items)
    for node_id in list(vg.nodes):
        succs = vg.succ[node_id]
        if len(succs) <= 1:
            continue
        split_id = f"{node_id}#split"
        vg.succ[split_id] = []
        vg.pred[split_id] = []
        for s in list(succs):
            shape = vg.shapes.pop((node_id, s), None)
            vg.pred[s] = [split_id if p == node_id else p for p in vg.pred[s]]
            vg.succ[split_id].append(s)
            vg.shapes[(split_id, s)] = shape
        vg.succ[node_id] = [split_id]
        vg.pred[split_id] = [node_id]
        vg.shapes[(node_id, split_id)] = vg.nodes[node_id].out_shape
    vg.nodes = new_nodes
