"""Edits of the drawable graph: removing nodes, hiding types, manual groups, splits.

The view makes these while turning the IR into the drawable graph (:mod:`.build`); the group
stage uses the same removal when it contracts a folded run, and the legend and drill-down
scenes draw members with the same split insertion.
"""

from __future__ import annotations

import re

from ..ir.errors import RenderError
from .vgraph import VGraph, VNode, creates_cycle

__all__ = [
    "contract",
    "drop_nodes",
    "hide_types",
    "insert_splits",
    "manual_groups",
    "remove_node",
]


def remove_node(vg: VGraph, node_id: str) -> None:
    for p in vg.pred.pop(node_id):
        vg.succ[p].remove(node_id)
        vg.shapes.pop((p, node_id), None)
    for s in vg.succ.pop(node_id):
        vg.pred[s].remove(node_id)
        vg.shapes.pop((node_id, s), None)
    del vg.nodes[node_id]


def hide_types(vg: VGraph, types: set[str]) -> None:
    """Drop hidden types and bridge their edges (each predecessor to each successor)."""
    if not types:
        return
    for node_id in [i for i, n in vg.nodes.items() if n.type in types]:
        preds = list(vg.pred[node_id])
        succs = list(vg.succ[node_id])
        shape_out = {s: vg.shapes.get((node_id, s)) for s in succs}
        remove_node(vg, node_id)
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


def manual_groups(vg: VGraph, groups: tuple[tuple[str, str], ...]) -> None:
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
            if creates_cycle(vg, set(comp)):
                raise RenderError(
                    f"option 'groups': {label}={pattern} matches layers that are not one "
                    "contiguous block (a path leaves the group and re-enters it)"
                )
            contract(vg, comp, label, f"group:{label}:{k}")


def contract(vg: VGraph, comp: list[str], label: str, new_id: str) -> None:
    """Contract ``comp`` (one contiguous block: no path leaves it and comes back) into one
    group glyph labelled ``label``, whose members view the legend and drill-down show."""
    cset = set(comp)
    sub = vg.subgraph(comp, label, hierarchy=False)
    first = vg.nodes[sub.inputs[0]]
    last = vg.nodes[sub.outputs[-1]]
    members = tuple(m for c in comp for m in vg.nodes[c].members)
    ext_in = [(p, c) for c in comp for p in vg.pred[c] if p not in cset]
    ext_out = [(c, s) for c in comp for s in vg.succ[c] if s not in cset]
    shapes = {e: vg.shapes.get(e) for e in ext_in + ext_out}
    position = list(vg.nodes).index(comp[0])
    for c in comp:
        remove_node(vg, c)
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


def drop_nodes(vg: VGraph, ids: list[str]) -> None:
    """Remove ``ids`` and every edge touching them (folds and heads contracted)."""
    gone = set(ids)
    for c in ids:
        for p in vg.pred[c]:
            if p not in gone:
                vg.succ[p] = [s for s in vg.succ[p] if s not in gone]
        for s in vg.succ[c]:
            if s not in gone:
                vg.pred[s] = [p for p in vg.pred[s] if p not in gone]
    for c in ids:
        del vg.succ[c]
        del vg.pred[c]
        del vg.nodes[c]
    vg.shapes = {k: v for k, v in vg.shapes.items() if k[0] not in gone and k[1] not in gone}
