"""The drawable graph's data: :class:`VNode` and :class:`VGraph`, and what a folded run is to it.

Every later stage reads these (grouping, layout, legend, drawing); the view's own functions
that make and edit one live beside it (:mod:`.build`, :mod:`.edits`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from .hierarchy import HIERARCHY_KINDS

if TYPE_CHECKING:
    from ..ir.graph import Node, Shape

__all__ = ["DiffMarks", "Folded", "VGraph", "VNode", "creates_cycle"]


class Folded(Protocol):
    """A folded run as the view holds it (made by the group stage, ``group/fold.py``): what
    later stages read of it, so that the view names no later stage."""

    key: str
    label: str
    count: int
    body: VGraph | None
    differs: str
    first_names: tuple[str, ...]


class DiffMarks(Protocol):
    """A diff's marks as one view of the new model holds them (made by :mod:`.marks`): what
    the layout and the writer ask of them, so that the view's data names no diff type."""

    #: Marked edges between drawn nodes, keyed by one IR member of each end (a ghost's
    #: member for a removed node): ``"added"`` or ``"removed"``.
    edges: dict[tuple[str, str], str]

    def glyph(self, members: Sequence[str], count: int) -> tuple[str, int]:
        """(mark, repeats before) of a glyph standing for ``members``: ``""``, ``"added"``,
        ``"changed"`` or ``"removed"``; repeats before is 0 unless the count changed."""
        ...

    def notes(self, members: Sequence[str], mark: str, count_old: int, count: int) -> list[str]:
        """What changed, one phrase a line, for the glyph's tooltip."""
        ...


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
    manual: str | None = None  # label of a manual group (or of a folded run, see group/fold.py)
    config_key: str = ""
    #: For a nested model or composite drawn as one glyph: a hash of its internals' types and
    #: wiring, so that blocks of one class that differ inside are not taken for repeats.
    structure: str = ""
    count: int = 1  # repeats folded into this node (a folded run with side inputs)
    gid: int = 0  # the group kind of a folded run (its colour and legend entry)
    #: Types of the shape plumbing folded into this glyph (view/plumbing.py), for its tooltip.
    folded: tuple[str, ...] = ()
    #: ``"removed"`` for a ghost: a node of the reference the model lost, drawn where it was
    #: (a diff, view/marks.py); its members are the reference's ids, prefixed ``old:``.
    diff: str = ""


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
    #: Folded runs with side inputs (group/fold.py), by the id of the node standing for each.
    folds: dict[str, Folded] = field(default_factory=dict)
    #: The marks of a diff against a reference (view/marks.py); None when drawing no diff.
    diff: DiffMarks | None = None

    def composition_of(self, nodes: list[VNode]) -> VGraph | None:
        """What a block made of exactly one nested model or composite layer is made of (its
        composition), so that a group of them explains the block, not a lone glyph."""
        if len(nodes) != 1:
            return None
        node = nodes[0].node
        if node is None or node.kind not in HIERARCHY_KINDS:
            return None
        one = nodes[0]
        return self.compositions.get(composition_key(one.type, one.structure)) or (
            self.compositions.get(one.type)
        )

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


def creates_cycle(vg: VGraph, inside: set[str]) -> bool:
    """True when a path leaves ``inside`` and comes back (contracting would make a cycle):
    what a folded run (here) and a manual group (build.py) must not do."""
    frontier = [s for c in inside for s in vg.succ[c] if s not in inside]
    seen: set[str] = set()
    while frontier:
        x = frontier.pop()
        if x in seen:
            continue
        seen.add(x)
        for y in vg.succ[x]:
            if y in inside:
                return True
            frontier.append(y)
    return False


def composition_key(type_name: str, structure: str) -> str:
    """How :attr:`VGraph.compositions` keys the inside of one class drawn closed: by class and
    by a hash of its internals, so two blocks of one class that differ inside (an encoder's
    and a decoder's ``T5Block``) are each explained by their own members."""
    return f"{type_name}\x00{structure}" if structure else type_name
