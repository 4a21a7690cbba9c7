"""A folded run's first repeat when it reads its stream from elsewhere.

The fold pass (fold.py) matches repeats by where their inputs come from along the main path.
The first decoder block of an encoder-decoder Transformer reads the decoder's embedding as
its stream and the encoder's output as its side input, while every later block reads the
previous block and the same encoder output. The longest path runs through the encoder, so
the first block's stream looks like a side input and it is left out: "DecoderBlock,
DecoderBlock x 2" instead of "DecoderBlock x 3". This pass puts such a head back into its run
when it is the same block, its outputs feed only the run, and it reads every side input the
run reads: the honest fold, with the head's own stream one more input edge of the glyph.

"The same block" is structural (or, for the first item of a container list, the same class:
T5's first block makes the position bias the others read, so it differs inside): one closed
block of the same class, configuration and internals; or, when blocks are opened (``expand-
nested``), the internals of a sibling instance of the same class, layer for layer (types,
configuration, wiring), matched by their names inside the block.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..view.edits import drop_nodes
from .chain import is_block

if TYPE_CHECKING:
    from ..view.vgraph import VGraph, VNode
    from .grouping import Fold

__all__ = ["absorb_heads"]

Shape = dict[str, tuple[object, ...]]


def _parent(n: VNode) -> str | None:
    return n.node.parent if n.node is not None else None


def _local(node_id: str, parent: str) -> str:
    """A node's name inside its block (``decoder1/norm1`` -> ``norm1``)."""
    return node_id[len(parent) + 1 :] if node_id.startswith(parent) else node_id


def _shape(nodes: dict[str, VNode], pred: dict[str, list[str]], parent: str) -> Shape:
    """Every internal layer by its local name: kind and configuration, and which internal
    layers it reads."""
    return {
        _local(k, parent): (
            n.type,
            n.config_key,
            n.structure,
            n.count,
            tuple(sorted(_local(p, parent) for p in pred[k] if p in nodes)),
        )
        for k, n in nodes.items()
    }


def _single(a: VNode, b: VNode) -> bool:
    return (
        is_block(a)
        and a.count == 1
        and not a.manual
        and (a.type, a.config_key, a.structure) == (b.type, b.config_key, b.structure)
    )


def _stack_head(a: VNode, b: VNode) -> bool:
    """The first item of the same container list, of the same class, may differ inside: it
    makes what the later items read (T5's first block holds the relative position bias its
    successors are given)."""
    na, nb = a.node, b.node
    return (
        na is not None
        and nb is not None
        and bool(na.container)
        and na.container == nb.container
        and a.type == b.type
        and a.count == 1
        and not a.manual
    )


def _candidates(vg: VGraph, f: Fold) -> list[list[str]]:
    """Head candidates just before the fold: blocks like its body whose outputs feed it."""
    body = f.body
    assert body is not None
    preds = vg.pred[f.node]
    if len(body.nodes) == 1:
        proto = next(iter(body.nodes.values()))
        return [
            [c] for c in preds if _single(vg.nodes[c], proto) or _stack_head(vg.nodes[c], proto)
        ]
    parents = {_parent(n) for n in body.nodes.values()}
    if len(parents) != 1 or None in parents:
        return []
    parent = parents.pop()
    assert parent is not None
    proto_shape = _shape(body.nodes, body.pred, parent)
    out: list[list[str]] = []
    for c in preds:
        par = _parent(vg.nodes[c])
        if par is None or par == parent or vg.hierarchy.get(par) != vg.hierarchy.get(parent):
            continue
        members = {k: n for k, n in vg.nodes.items() if _parent(n) == par}
        if _shape(members, vg.pred, par) == proto_shape and list(members) not in out:
            out.append(list(members))
    return out


def absorb_heads(vg: VGraph, folds: list[Fold]) -> None:
    """Grow each fold by the same blocks just before it (see the module docstring)."""
    for f in folds:
        while f.node in vg.nodes and f.body is not None:
            heads = []
            for cand in _candidates(vg, f):
                inside = set(cand)
                leaving = {s for c in cand for s in vg.succ[c] if s not in inside}
                reads = {p for c in cand for p in vg.pred[c] if p not in inside}
                side = {p for p in vg.pred[f.node] if p not in inside}
                if leaving == {f.node} and side and side <= reads:
                    heads.append(cand)
            if len(heads) != 1:
                break
            _absorb(vg, f, heads[0])


def _absorb(vg: VGraph, f: Fold, head: list[str]) -> None:
    node = vg.nodes[f.node]
    inside = set(head)
    incoming = [(p, vg.shapes.get((p, c))) for c in head for p in vg.pred[c] if p not in inside]
    first = next(k for k in vg.nodes if k in inside)
    # The fold now starts where its head was.
    order = [
        f.node if k == first else k
        for k in vg.nodes
        if k != f.node and (k == first or k not in inside)
    ]
    members = tuple(m for c in head for m in vg.nodes[c].members)
    in_shape = vg.nodes[head[0]].in_shape
    head_node = vg.nodes[head[0]]
    names = tuple(vg.nodes[c].name for c in head)
    drop_nodes(vg, head)
    vg.nodes = {k: node if k == f.node else vg.nodes[k] for k in order}
    for p, shape in incoming:
        vg.add_edge(p, f.node, shape)
        if p not in f.side_inputs:
            f.side_inputs.append(p)
    if len(head) == 1 and f.body is not None and len(f.body.nodes) == 1:
        f.differs = _difference(vg, head_node, next(iter(f.body.nodes.values())))
    f.first_names = names
    node.members = members + node.members
    node.in_shape = in_shape
    node.count += 1
    f.count += 1
    f.repeats.insert(0, head)


def _difference(vg: VGraph, head: VNode, proto: VNode) -> str:
    """How a stack's head differs inside from the repeats it is folded with, in the words of
    their compositions (the layers one level down): ``"AfmoeMLP in place of
    AfmoeSparseMoeBlock"`` for a mixture-of-experts stack whose first layer is dense; just
    ``"inside"`` when what differs lies deeper (T5's first block makes the position bias);
    ``""`` when it does not differ."""
    if head.structure == proto.structure:
        return ""
    mine, theirs = vg.composition_of([head]), vg.composition_of([proto])
    if mine is None or theirs is None:
        return "inside"
    a, b = ({n.type for n in view.nodes.values()} for view in (mine, theirs))
    own, other = sorted(a - b), sorted(b - a)
    if not own and not other:
        return "inside"
    if own and other:
        return f"inside: {', '.join(own)} in place of {', '.join(other)}"
    return f"inside: with {', '.join(own)}" if own else f"inside: without {', '.join(other)}"
