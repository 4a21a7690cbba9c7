"""A stack's embeddings drawn as one glyph, as papers draw them.

A Transformer's paper figure reads "Embeddings -> N x layer -> head". BERT has an
``embeddings`` module, so it is one glyph already; GPT-2 and BART compute theirs in the
model's (or the encoder's) own ``forward``: token and position lookups, their sum, a norm, a
dropout. Once the containers are opened (``depth: auto``), those few layers would stand in
the top level as five glyphs before the stack. This pass gathers them into one group glyph,
``Embeddings``, explained in the legend ("glyph = its members") and opened in the page like
any group; every member stays counted.

The block is what feeds a repeated stack (two or more items of one container list) from
inside the same module, inputs excluded, holding at least one embedding lookup, read by the
stack's first item only, and one contiguous block (no path leaves it and comes back).
Nothing else is gathered: a CNN's stem before its stages has no embedding, and stays as it
is.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from .edits import contract
from .vgraph import creates_cycle

if TYPE_CHECKING:
    from .vgraph import VGraph

__all__ = ["EMBEDDINGS", "group_embeddings"]

#: The label of a gathered embeddings block (a heuristic name that says what it holds).
EMBEDDINGS = "Embeddings"


def group_embeddings(vg: VGraph) -> None:
    """Contract the embeddings block in front of each repeated stack of ``vg`` (in place)."""
    stacks: dict[tuple[str, str], list[str]] = defaultdict(list)
    for node_id, n in vg.nodes.items():
        if n.node is not None and n.node.container:
            stacks[(n.node.container, n.type)].append(node_id)
    repeated = [ids for ids in stacks.values() if len(ids) >= 2]
    # no item of a stack is an embedding: XLM keeps its layers' parts in parallel lists
    # (attentions, norms, ffns), and the norms' stack must not gather the first attention
    items_of_stacks = {i for ids in repeated for i in ids}
    for k, items in enumerate(repeated):
        first = items[0]
        if first not in vg.nodes or vg.nodes[first].node is None:
            continue
        level = vg.nodes[first].node.parent  # type: ignore[union-attr]
        block = _feeding(vg, first, level, items_of_stacks)
        if len(block) < 2 or not any(_is_embedding(vg, b) for b in block):
            continue
        inside = set(block)
        leaving = {t for b in block for t in vg.succ[b] if t not in inside}
        # what also feeds later items (rotary tables) is no embeddings block; the first
        # item's own residual (XLM adds the embeddings to its first attention's output) is
        if leaving - _first_cell(vg, first, items_of_stacks) or creates_cycle(vg, inside):
            continue
        contract(vg, block, EMBEDDINGS, f"embeddings:{k}")


def _feeding(vg: VGraph, first: str, level: str | None, stop: set[str]) -> list[str]:
    """Nodes of the module ``level`` upstream of ``first`` (inputs, other modules' nodes and
    the items of stacks, ``stop``, end the walk), in drawing order."""
    seen: set[str] = set()
    stack = list(vg.pred[first])
    while stack:
        x = stack.pop()
        n = vg.nodes[x]
        if x in seen or x in stop or n.node is None or n.node.kind == "input":
            continue
        if n.node.parent != level:
            continue
        seen.add(x)
        stack.extend(vg.pred[x])
    return [x for x in vg.nodes if x in seen]


def _first_cell(vg: VGraph, first: str, stop: set[str]) -> set[str]:
    """``first`` and what it feeds before the next stack item (its block's residual add)."""
    seen = {first}
    stack = list(vg.succ[first])
    while stack:
        x = stack.pop()
        if x not in seen and x not in stop:
            seen.add(x)
            stack.extend(vg.succ[x])
    return seen


def _is_embedding(vg: VGraph, node_id: str) -> bool:
    n = vg.nodes[node_id].node
    return n is not None and n.category == "embedding"
