"""The hierarchy of a model: nested models and composite layers, opened or drawn closed.

Nodes of kind ``model`` and ``composite`` hold internals (their ``parent``). ``expand-nested``
and ``depth`` decide which are opened (drawn as their internals); a closed one is one glyph,
matched against others of its class by a hash of its insides (so a block that differs inside
is no repeat) and explained in the legend by its composition ("glyph = members").
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..ir.graph import Graph, Node
    from ..options.schema import Options

__all__ = ["HIERARCHY_KINDS", "open_levels", "opened", "structures"]

#: Node kinds whose internals are recorded under their id (``parent``).
HIERARCHY_KINDS = ("model", "composite")


def open_levels(options: Options) -> int | str | None:
    """How many hierarchy levels to open: ``None`` for all (``expand-nested``), else
    ``depth``: ``"auto"`` (the containers, :mod:`.see_through`), or N (0: none)."""
    return None if options.expand_nested else options.depth


def opened(graph: Graph, levels: int | None) -> set[str]:
    """Hierarchy nodes drawn as their internals: those at most ``levels`` deep whose
    ancestors are all opened too."""
    if levels == 0:
        return set()
    by_id = {n.id: n for n in graph.nodes}
    opened: set[str] = set()
    for n in graph.nodes:  # parents come before their internals in IR order
        if n.kind not in HIERARCHY_KINDS or not n.model_inputs:
            continue
        level = 1
        parent = n.parent
        ok = True
        while parent is not None:
            if parent not in opened:
                ok = False
                break
            level += 1
            parent = by_id[parent].parent if parent in by_id else None
        if ok and (levels is None or level <= levels):
            opened.add(n.id)
    return opened


def structures(graph: Graph, config: Callable[[Node], str] | None = None) -> dict[str, str]:
    """A hash of each hierarchy node's internals (types and wiring, nested ones included);
    with ``config``, each member's configuration text too, so that two backbone stages of
    one class but of different widths (BiT's four ``BitStage``) are not repeats."""
    children: dict[str, list[Node]] = defaultdict(list)
    for n in graph.nodes:
        if n.parent is not None:
            children[n.parent].append(n)
    if not children:
        return {}
    preds: dict[str, list[str]] = defaultdict(list)
    parent_of = {n.id: n.parent for n in graph.nodes}
    for e in graph.edges:
        if parent_of.get(e.source) == parent_of.get(e.target):
            preds[e.target].append(e.source)
    out: dict[str, str] = {}
    label: dict[str, str] = {}
    for n in reversed(graph.nodes):  # internals follow their parent in IR order
        if n.id in children:
            lines = sorted(
                f"{label.get(c.id, c.type)}|{sorted(label.get(p, '') for p in preds[c.id])}"
                for c in children[n.id]
            )
            blob = "\n".join(lines).encode()
            out[n.id] = hashlib.sha1(blob, usedforsecurity=False).hexdigest()[:16]
        label[n.id] = n.type + (":" + out[n.id] if n.id in out else "")
        if config is not None and n.parent is not None:
            label[n.id] += "|" + config(n)
    return out
