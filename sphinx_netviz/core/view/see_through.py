"""``depth: auto``: which hierarchy nodes are containers, drawn as their internals.

A reader of a paper sees the model's own level: "embeddings -> 12 x encoder layer -> pooler",
or "stem -> 3 x residual block -> head". Frameworks wrap those levels in containers that do
no work of their own: ``nn.Sequential`` and ``nn.ModuleList``, a ``keras.Sequential`` nested
in a functional model, a module whose ``forward`` only calls its children one after another,
and the wrapper of a repeated stack (``BertEncoder`` around ``encoder.layer.0..11``). Drawn
closed, each would be one glyph hiding the paper's level; so by default they are opened,
recursively, while a block that does real work (a residual block with its ``Add``, an
attention layer) stays one glyph, folded with its repeats and explained in the legend.

The decision reads the IR alone (node kinds, types, ``container``, ``role`` and the edges
between siblings), the same for every framework. A container whose outputs cannot all be
attributed to its internals (``model_outputs`` shorter than its outputs) stays closed:
opening it would lose a tensor.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

from .hierarchy import HIERARCHY_KINDS

if TYPE_CHECKING:
    from ..ir.graph import Graph, Node

__all__ = ["CONTAINER_TYPES", "see_through"]

#: Classes that only hold other modules: ``torch.nn``'s containers and ``keras.Sequential``.
CONTAINER_TYPES = frozenset({"Sequential", "ModuleList", "ModuleDict"})
#: A module path inside an item of a list: ``encoder.layers.0.attention`` -> the list
#: ``encoder.layers`` and the item ``0``.
_ITEM_PART = re.compile(r"^(.+)\.(\d+)\.[^.]")
#: Node kinds that are calls of a module or layer (not raw operations, not inputs).
_CALLS = ("layer", *HIERARCHY_KINDS)


def see_through(graph: Graph) -> set[str]:
    """The hierarchy nodes ``depth: auto`` opens: containers whose ancestors are all opened
    too (parents come before their internals in IR order)."""
    children: dict[str, list[Node]] = defaultdict(list)
    for n in graph.nodes:
        if n.parent is not None:
            children[n.parent].append(n)
    if not children:
        return set()
    inner_preds: dict[str, list[str]] = defaultdict(list)
    parent_of = {n.id: n.parent for n in graph.nodes}
    for e in graph.edges:
        if parent_of.get(e.source) is not None and parent_of.get(e.source) == parent_of.get(
            e.target
        ):
            inner_preds[e.target].append(e.source)
    stacked = _stack_items(graph)
    opened: set[str] = set()
    for n in graph.nodes:
        if n.kind not in HIERARCHY_KINDS or n.id not in children:
            continue
        if n.parent is not None and n.parent not in opened:
            continue
        if not _attributed(n):
            continue
        inside = children[n.id]
        if _is_container(n) or _wraps_a_stack(inside, n.id):
            opened.add(n.id)
        elif n.kind == "composite" and n.id not in stacked and _only_chains(inside, inner_preds):
            # a repeated stack's item stays the paper's block (T5Block x6), chain or not; a
            # nested model stays one glyph unless it is a Sequential (expand-nested opens it)
            opened.add(n.id)
    return opened


def _stack_items(graph: Graph) -> set[str]:
    """Calls that are items of a repeated stack: two or more of one class in one container
    list (``encoder.layer.*``)."""
    by_stack: dict[tuple[str, str], list[str]] = defaultdict(list)
    for n in graph.nodes:
        if n.container and n.kind in HIERARCHY_KINDS:
            by_stack[(n.container, n.type)].append(n.id)
    return {i for ids in by_stack.values() if len(ids) >= 2 for i in ids}


def _attributed(n: Node) -> bool:
    """Every input and output of ``n`` is wired to an internal node."""
    return bool(n.model_inputs) and len(n.model_outputs) >= max(len(n.output_shapes), 1)


def _is_container(n: Node) -> bool:
    """A container class: ``torch.nn``'s (by module) or a nested ``keras.Sequential``."""
    if n.type not in CONTAINER_TYPES:
        return False
    return n.module.startswith(("torch.nn", "keras")) or n.kind == "model"


def _wraps_a_stack(inside: list[Node], wrapper: str) -> bool:
    """Two or more calls of one class from one container list (``encoder.layer.*``): the
    module around them is the stack's wrapper (an encoder, a decoder, a backbone stage).
    So is a module that calls the parts of two or more items of a list it holds itself
    (SqueezeBERT's encoder runs ``layer.forward``, so no item is a call, only
    ``encoder.layers.0.attention``...); a module shared by the items of a list it is one of
    (XLM's ``ffns.1`` calls ``ffns.0.act``) is not."""
    stacks: dict[tuple[str, str], int] = defaultdict(int)
    parts: dict[str, set[str]] = defaultdict(set)
    for c in inside:
        if c.kind not in _CALLS:
            continue
        if c.container:
            stacks[(c.container, c.type)] += 1
        elif (item := _ITEM_PART.match(c.id)) is not None and item.group(1).startswith(
            f"{wrapper}."
        ):
            parts[item.group(1)].add(item.group(2))
    return any(count >= 2 for count in stacks.values()) or any(
        len(items) >= 2 for items in parts.values()
    )


def _only_chains(inside: list[Node], inner_preds: dict[str, list[str]]) -> bool:
    """The internals, shape plumbing aside, are module calls one after another: each reads
    only the one before it (or the container's input), and only the last one's output
    leaves. A raw operation among them (an ``Add``, a ``Concatenate``) is real work."""
    plumbing = {c.id for c in inside if c.role == "plumbing" or c.kind == "input"}
    calls = [c for c in inside if c.id not in plumbing]
    if not calls or any(c.kind not in _CALLS for c in calls):
        return False
    ids = {c.id for c in calls}

    def sources(node_id: str, seen: frozenset[str] = frozenset()) -> set[str]:
        """The calls feeding ``node_id`` inside, looking through plumbing."""
        found: set[str] = set()
        for p in inner_preds.get(node_id, ()):
            if p in ids:
                found.add(p)
            elif p in plumbing and p not in seen:
                found |= sources(p, seen | {p})
        return found

    fed: dict[str, int] = defaultdict(int)
    for c in calls:
        before = sources(c.id)
        if len(before) > 1:
            return False
        for p in before:
            fed[p] += 1
    heads = [c for c in calls if not sources(c.id)]
    # one path: one head, every call feeds at most one other, k calls joined by k-1 links
    return (
        len(heads) == 1
        and all(v <= 1 for v in fed.values())
        and sum(fed.values()) == len(calls) - 1
    )
