"""A stack's embeddings drawn as one glyph, as papers draw them.

A Transformer's paper figure reads "Embeddings -> N x layer -> head". BERT has an
``embeddings`` module, so it is one glyph already; GPT-2 and BART compute theirs in the
model's (or the encoder's) own ``forward``: token and position lookups, their sum, a norm, a
dropout. Once the containers are opened (``depth: auto``), those few layers would stand in
the top level as five glyphs before the stack. This pass gathers them into one group glyph,
``Embeddings``, explained in the legend ("glyph = its members") and opened in the page like
any group; every member stays counted.

The block is what feeds a repeated stack (two or more items of one container list) from
inside the same module (or a container opened in it that holds no stack of its own), walked
back from the stream the first item reads, inputs and stack items excluded, holding at least
one embedding lookup, and one contiguous block (no path leaves it and comes back). It is read
by the stack's first item only, or by the first item's own residual, or by tables made for
the stack alone (rotary tables stay glyphs of their own, outside it). Nothing else is
gathered: a CNN's stem before its stages has no embedding, and stays as it is.
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
    # the modules holding a stack are walked into only when they are the stack's own level
    # (a speech model's convolution subsampler holds its own stack, and its last GLU is its
    # cell's, not the embeddings')
    wrappers = {p for i in items_of_stacks if (p := _parent(vg, i)) is not None}
    for k, items in enumerate(repeated):
        first = items[0]
        if first not in vg.nodes or vg.nodes[first].node is None:
            continue
        level = vg.nodes[first].node.parent  # type: ignore[union-attr]
        block = _feeding(vg, first, level, items_of_stacks, wrappers)
        if len(block) < 2 or not any(_is_embedding(vg, b) for b in block):
            continue
        inside = set(block)
        leaving = {t for b in block for t in vg.succ[b] if t not in inside}
        # What also feeds later items is no embeddings block. The first item's own residual
        # is (XLM adds the embeddings to its first attention's output), and so are tables
        # made from the embeddings for the stack alone (ModernBERT's rotary tables).
        stack = set(items)
        tables = {t for t in leaving if vg.succ[t] and set(vg.succ[t]) <= stack}
        if leaving - tables - _first_cell(vg, first, items_of_stacks) or creates_cycle(vg, inside):
            continue
        contract(vg, block, EMBEDDINGS, f"embeddings:{k}")


def _feeding(
    vg: VGraph, first: str, level: str | None, stop: set[str], wrappers: set[str]
) -> list[str]:
    """Nodes of the module ``level`` upstream of ``first``, or of the containers opened in it
    (ModernBERT's ``embeddings`` only chains its lookup, norm and dropout); inputs, other
    modules' nodes and the items of stacks (``stop``) end the walk. In drawing order."""
    seen: set[str] = set()
    stack = _stream(vg, first, level, wrappers)
    while stack:
        x = stack.pop()
        n = vg.nodes[x]
        if x in seen or x in stop or n.node is None or n.node.kind == "input":
            continue
        if not _within(vg, n.node.parent, level, wrappers):
            continue
        seen.add(x)
        stack.extend(vg.pred[x])
    return [x for x in vg.nodes if x in seen]


def _stream(vg: VGraph, first: str, level: str | None, wrappers: set[str]) -> list[str]:
    """Where the walk starts: the input of ``first`` that carries the stream (of the shape
    ``first`` returns, made in ``level``) when there is one such, else all of its inputs. A
    table read beside the stream (ModernBERT's first layer reads its own rotary table) is then
    no part of the embeddings."""
    out = vg.nodes[first].out_shape
    streams = [
        p
        for p in vg.pred[first]
        if vg.nodes[p].out_shape == out
        and (node := vg.nodes[p].node) is not None
        and node.kind != "input"
        and _within(vg, node.parent, level, wrappers)
    ]
    return streams if len(streams) == 1 else list(vg.pred[first])


def _within(vg: VGraph, parent: str | None, level: str | None, wrappers: set[str]) -> bool:
    """``parent`` is ``level`` or a container opened inside it (drawn as its internals) that
    holds no stack (``wrappers``)."""
    while parent != level:
        if parent is None or parent in wrappers or parent not in vg.hierarchy_parent:
            return False
        parent = vg.hierarchy_parent[parent]
    return True


def _parent(vg: VGraph, node_id: str) -> str | None:
    node = vg.nodes[node_id].node
    return node.parent if node is not None else None


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
