"""Shape plumbing folded into the glyph it serves.

A traced model is full of operations a paper never draws: ``view``/``transpose`` around an
attention product, ``getitem`` of a tuple, the ``mask[:, None] & causal`` arithmetic that
turns an attention mask into what the layers read. The IR marks them (``Node.role ==
"plumbing"``, :mod:`..ir.op_types`); here each run of them disappears into the glyph it
serves, its IR ids added to that glyph's members (so nothing is lost: a tooltip lists them,
and the members still add up to the IR):

- a run with exactly one consumer folds into the consumer (the attention's ``View`` and
  ``Transpose`` into the attention, the mask's ``GetItem -> And -> Expand`` into the encoder
  that reads it);
- otherwise (several consumers, or a graph output) it folds into its producer (GPT-2's last
  ``View`` into the final norm; a mask run read by every layer into the mask input);
- a run that would close a cycle when contracted stays drawn.

``show`` keeps the named types (or ``plumbing`` for all) as glyphs of their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .edits import remove_node

if TYPE_CHECKING:
    from .vgraph import VGraph

__all__ = ["PLUMBING_ROLE", "fold_plumbing", "is_plumbing"]

#: ``Node.role`` of an operation that only moves or indexes tensors.
PLUMBING_ROLE = "plumbing"


def is_plumbing(vg: VGraph, node_id: str, show: frozenset[str]) -> bool:
    """Whether a drawn node is plumbing the user did not ask to see."""
    n = vg.nodes[node_id].node
    if n is None or n.role != PLUMBING_ROLE or "plumbing" in show:
        return False
    op = n.op.rsplit(".", 1)[-1].strip("_").lower()
    return n.type.lower() not in show and op not in show


def fold_plumbing(vg: VGraph, show: frozenset[str] = frozenset()) -> None:
    """Fold every plumbing node of ``vg`` into the glyph it serves (in place); ``show`` holds
    lower-cased types or operation names to keep."""
    plumbing = [i for i in vg.nodes if is_plumbing(vg, i, show)]
    if not plumbing:
        return
    marked = set(plumbing)
    for node_id in plumbing:  # IR order is topological: producers before consumers
        if node_id not in vg.nodes:
            continue
        target = _down(vg, node_id, marked) or _up(vg, node_id, marked)
        if target is None or target == node_id:
            continue
        _fold_into(vg, node_id, target)
        marked.discard(node_id)


def _down(vg: VGraph, node_id: str, marked: set[str]) -> str | None:
    """The one consumer a run of plumbing from ``node_id`` leads to, if it leads to one."""
    return _walk(vg, node_id, marked, forward=True)


def _up(vg: VGraph, node_id: str, marked: set[str]) -> str | None:
    """The producer a run of plumbing ending at ``node_id`` starts from (first inputs)."""
    return _walk(vg, node_id, marked, forward=False)


def _walk(vg: VGraph, node_id: str, marked: set[str], *, forward: bool) -> str | None:
    """Follow the run from ``node_id`` (forward: through single consumers, never past a
    graph output; backward: through first inputs) to its first node that is no plumbing."""
    seen = {node_id}
    current = node_id
    while True:
        if forward:
            if len(vg.succ[current]) != 1 or current in vg.outputs:
                return None
            (current,) = vg.succ[current]
        else:
            if not vg.pred[current]:
                return None
            current = vg.pred[current][0]
        if current not in marked:
            return current
        if current in seen:
            return None
        seen.add(current)


def _fold_into(vg: VGraph, node_id: str, target: str) -> None:
    """Contract ``node_id`` into ``target`` (a neighbour along its run): its other neighbours
    are rewired to ``target``, its members join ``target``'s."""
    preds = [p for p in vg.pred[node_id] if p != target]
    succs = [s for s in vg.succ[node_id] if s != target]
    if _would_cycle(vg, node_id, target, preds, succs):
        return
    shapes_in = {p: vg.shapes.get((p, node_id)) for p in preds}
    shapes_out = {s: vg.shapes.get((node_id, s)) for s in succs}
    into = vg.shapes.get((node_id, target))
    node = vg.nodes[node_id]
    host = vg.nodes[target]
    host.members = (*host.members, *node.members)
    host.folded = (*host.folded, *node.folded, node.type)
    remove_node(vg, node_id)
    for p in preds:  # the consumer reads what the run read, drawn as the consumer sees it
        vg.add_edge(p, target, into if into is not None else shapes_in[p])
    for s in succs:
        vg.add_edge(target, s, shapes_out[s])
    if node_id in vg.inputs:
        vg.inputs = list(dict.fromkeys(target if i == node_id else i for i in vg.inputs))
    if node_id in vg.outputs:
        vg.outputs = list(dict.fromkeys(target if o == node_id else o for o in vg.outputs))


def _would_cycle(vg: VGraph, node_id: str, target: str, preds: list[str], succs: list[str]) -> bool:
    """Contracting would close a cycle. Into a consumer, the new edges run ``target -> s``
    for the run's other consumers: a cycle when one of them already reaches ``target``. Into
    a producer, they run ``p -> target``: a cycle when ``target`` already reaches one."""
    if target in vg.succ[node_id]:
        return bool(succs) and target in _reach(vg, succs, forward=True, skip=node_id)
    return bool(preds) and bool(_reach(vg, [target], forward=True, skip=node_id) & set(preds))


def _reach(vg: VGraph, starts: list[str], *, forward: bool, skip: str) -> set[str]:
    edges = vg.succ if forward else vg.pred
    seen: set[str] = set()
    stack = [n for s in starts for n in edges[s] if n != skip]
    stack += starts
    while stack:
        x = stack.pop()
        if x in seen or x == skip:
            continue
        seen.add(x)
        stack.extend(edges[x])
    return seen
