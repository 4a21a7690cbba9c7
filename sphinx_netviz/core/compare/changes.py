"""What changed between two versions of a model: the summary a diff reports and draws.

:func:`summarize` turns a :class:`~.diff_match.Matching` into :class:`Changes`: nodes added
and removed, nodes *changed* (with what changed: type, configuration keys, output shape,
parameter count, old -> new), repeated blocks whose count changed, and edges rewired.

Only **root changes** are reported, never their ripples (shared/DESIGN.md section 5). Widen
one ``Dense`` from 128 to 256 units and the next layer's input width, parameter count and,
for a ``Flatten``, output shape change too; the next layer is still the same layer. So a
matched pair is changed when

- its type differs (through the cross-framework twins), or
- a configuration key differs (between graphs of one framework), except keys that only
  restate the input's size (``in_features``, ``num_features``...) when the input changed, or
- its output shape or parameter count differs although its inputs did not, which catches a
  change the configuration does not show (and every change between two frameworks).

A nested model or composite whose internals were matched is changed only by its own type or
configuration; a difference of its shape or parameters follows from its internals, and a
hierarchy node that *holds* a change is listed in :attr:`Changes.containers` instead (drawn
as a group whose members changed).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .match import Matching, match_graphs
from .side import INPUT_DERIVED, Side, type_key

if TYPE_CHECKING:
    from ..ir.graph import Graph, Shape
    from .repeats import RepeatChange

__all__ = ["Changes", "NodeChange", "diff_graphs", "summarize"]

Edge2 = tuple[str, str]


@dataclass(frozen=True)
class NodeChange:
    """A matched node that changed at its root, with each difference as (old, new)."""

    old_id: str
    new_id: str
    type: tuple[str, str] | None = None
    config: tuple[tuple[str, Any, Any], ...] = ()
    output_shapes: tuple[tuple[Shape, ...], tuple[Shape, ...]] | None = None
    params: tuple[int, int] | None = None

    def parts(self) -> list[str]:
        """Every difference, one phrase each (for tooltips): ``units 128 -> 256``."""
        out = [f"type {self.type[0]} -> {self.type[1]}"] if self.type else []
        out.extend(f"{key} {_value(a)} -> {_value(b)}" for key, a, b in self.config)
        if self.output_shapes:
            old, new = self.output_shapes
            out.append(f"output {_shapes(old)} -> {_shapes(new)}")
        if self.params:
            out.append(f"params {self.params[0]:,} -> {self.params[1]:,}")
        return out

    def describe(self) -> str:
        """The cause in one phrase: type and configuration when they differ, else what the
        reader can see (output shape, parameter count)."""
        parts = self.parts()
        said = (1 if self.type else 0) + len(self.config)
        return ", ".join(parts[:said] if said else parts)

    def line(self) -> str:
        """The ``--stat`` line: ``dense_2: units 128 -> 256``."""
        return f"{self.new_id}: {self.describe()}"


@dataclass(frozen=True)
class Changes:
    """The summary of a diff.

    Attributes:
        added: New ids with no counterpart (internals of an added block included), IR order.
        removed: Old ids with no counterpart, IR order.
        changed: Root changes, in the new graph's IR order.
        repeats: Repeated blocks whose count changed (``BertLayer: x4 -> x6``).
        containers: New ids of nested models and composites that hold a change (their
            members changed; they did not): drawn as changed groups.
        added_edges: New edges (source, target) with no counterpart, except those inside
            repeats gained.
        removed_edges: Old edges with no counterpart, except those inside repeats lost.
        ghost_anchors: For each removed id, the new ids its removed part hung between
            (matched predecessors, matched successors): where to draw it ghosted.
        added_roots, removed_roots: Added/removed ids whose parent is not itself added or
            removed: what the reader counts (one added composite is one addition). Shape
            plumbing (``view``, ``transpose``, ``getitem``...: operations that only reshape,
            folded into the glyph they serve) is not counted: moving a ``view`` is no
            change of architecture.
    """

    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[NodeChange, ...]
    repeats: tuple[RepeatChange, ...]
    containers: tuple[str, ...]
    added_edges: tuple[Edge2, ...]
    removed_edges: tuple[Edge2, ...]
    ghost_anchors: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    added_roots: tuple[str, ...]
    removed_roots: tuple[str, ...]

    @property
    def differ(self) -> bool:
        """Whether the architectures differ (``--exit-code`` exits 1)."""
        return bool(
            self.added_roots
            or self.removed_roots
            or self.changed
            or self.repeats
            or self.added_edges
            or self.removed_edges
        )

    def stat_lines(self) -> list[str]:
        """``added: N``, ``removed: N``, ``changed: N``, then one line per changed group and
        per changed layer (``changed`` counts those lines)."""
        return [
            f"added: {len(self.added_roots)}",
            f"removed: {len(self.removed_roots)}",
            f"changed: {len(self.repeats) + len(self.changed)}",
            *(r.line() for r in self.repeats),
            *(c.line() for c in self.changed),
        ]

    def stat(self) -> str:
        """The ``--stat`` text, one line each, newline-terminated."""
        return "".join(line + "\n" for line in self.stat_lines())


def diff_graphs(old: Graph, new: Graph) -> Changes:
    """Match two graphs and summarise what changed."""
    return summarize(match_graphs(old, new))


def summarize(matching: Matching) -> Changes:
    """The :class:`Changes` of a matching (see the module docstring)."""
    so, sn = matching.sides
    changed = [
        c
        for o, n in matching.pairs.items()
        if (c := _compare(so, sn, o, n, matching.cross_framework)) is not None
    ]
    order = {n.id: i for i, n in enumerate(matching.new.nodes)}
    changed.sort(key=lambda c: order[c.new_id])
    added = tuple(n.id for n in matching.new.nodes if n.id in matching.added)
    removed = tuple(n.id for n in matching.old.nodes if n.id in matching.removed)
    added_edges, removed_edges = _edges(matching)
    return Changes(
        added=added,
        removed=removed,
        changed=tuple(changed),
        repeats=matching.repeats,
        containers=_containers(matching, so, sn, changed),
        added_edges=added_edges,
        removed_edges=removed_edges,
        ghost_anchors=_ghost_anchors(matching),
        added_roots=_roots(sn, added, matching.added),
        removed_roots=_roots(so, removed, matching.removed),
    )


def _roots(side: Side, ids: tuple[str, ...], group: frozenset[str]) -> tuple[str, ...]:
    """Ids whose parent is not in ``group`` too, shape plumbing left out."""
    return tuple(i for i in ids if side.by_id[i].parent not in group and not side.plumbing(i))


# -- one pair --------------------------------------------------------------------------------
def _compare(so: Side, sn: Side, old_id: str, new_id: str, cross: bool) -> NodeChange | None:
    a, b = so.by_id[old_id], sn.by_id[new_id]
    if (
        not cross
        and a.type == b.type
        and a.output_shapes == b.output_shapes
        and a.params == b.params
        and a.config == b.config
    ):
        return None  # the common case, decided without building any token
    if a.kind == "input" and a.parent is not None and b.parent is not None:
        return None  # a block's own input: its shape is its caller's business
    type_change = (a.type, b.type) if type_key(a) != type_key(b) else None
    if (
        type_change
        and cross
        and so.category_token(old_id) == sn.category_token(new_id) == "reshape"
    ):
        type_change = None  # Flatten ~ x.view(n, -1): between frameworks the shape decides
    inputs_changed = so.in_shapes(a) != sn.in_shapes(b)
    config = () if cross else _config_diff(a.config, b.config, inputs_changed)
    shapes = (a.output_shapes, b.output_shapes) if so.out_shapes(a) != sn.out_shapes(b) else None
    # Between frameworks only trainable parameters compare: Keras counts BatchNormalization's
    # moving statistics as (non-trainable) weights, PyTorch keeps them as buffers.
    pa, pb = (a.trainable_params, b.trainable_params) if cross else (a.params, b.params)
    params = (pa, pb) if pa != pb else None
    derived = so.opened(old_id) and sn.opened(new_id)  # follows from the internals
    seen = not inputs_changed and not derived and (shapes is not None or params is not None)
    if type_change is None and not config and not seen:
        return None
    return NodeChange(old_id, new_id, type_change, config, shapes, params)


def _config_diff(
    old: dict[str, Any], new: dict[str, Any], inputs_changed: bool
) -> tuple[tuple[str, Any, Any], ...]:
    out: list[tuple[str, Any, Any]] = []
    for key in sorted(old.keys() | new.keys()):
        if key == "name" or (inputs_changed and key in INPUT_DERIVED):
            continue
        a, b = old.get(key), new.get(key)
        if a != b:
            out.append((key, a, b))
    return tuple(out)


def _value(value: Any) -> str:
    """A configuration value as the user wrote it: ``3``, ``relu``, ``[3, 3]``."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return str(value)


def _shapes(shapes: tuple[Shape, ...]) -> str:
    """Output shapes as tuples, as tooltips print them: ``(128,)``, ``(None, 32)``."""
    text = [str(tuple(s)) for s in shapes]
    return text[0] if len(text) == 1 else "[" + ", ".join(text) + "]"


# -- around the pairs ------------------------------------------------------------------------
def _containers(
    matching: Matching, so: Side, sn: Side, changed: list[NodeChange]
) -> tuple[str, ...]:
    inside: set[str] = set()
    for new_id in (*matching.added, *matching.extra, *(c.new_id for c in changed)):
        inside.update(sn.ancestors(new_id))
    for old_id in (*matching.removed, *matching.dropped):
        inside.update(matching.pairs[a] for a in so.ancestors(old_id) if a in matching.pairs)
    for r in matching.repeats:
        if r.new_parent is not None:
            inside.add(r.new_parent)
            inside.update(sn.ancestors(r.new_parent))
    inside -= matching.added | matching.extra
    return tuple(n.id for n in matching.new.nodes if n.id in inside)


def _edges(matching: Matching) -> tuple[tuple[Edge2, ...], tuple[Edge2, ...]]:
    """Edges with no counterpart. A repeat run counts as one node on each side, so the edges
    into and out of a run whose count changed are not rewired edges, nor are the edges of
    its extra copies."""
    run_old: dict[str, int] = {}
    run_new: dict[str, int] = {}
    so, sn = matching.sides
    for k, r in enumerate(matching.repeats):
        for unit in r.old_units:
            run_old.update((x, k) for i in unit for x in so.subtree(i))
        for unit in r.new_units:
            run_new.update((x, k) for i in unit for x in sn.subtree(i))

    def old_key(x: str) -> object:
        x = matching.fused_old.get(x, x)  # a fused activation is its host layer
        return ("run", run_old[x]) if x in run_old else matching.pairs.get(x, ("old", x))

    def new_key(x: str) -> object:
        x = matching.fused_new.get(x, x)
        return ("run", run_new[x]) if x in run_new else x

    old_edges = {
        (old_key(e.source), old_key(e.target)): (e.source, e.target) for e in matching.old.edges
    }
    new_edges = {
        (new_key(e.source), new_key(e.target)): (e.source, e.target) for e in matching.new.edges
    }
    added = tuple(e for key, e in new_edges.items() if key not in old_edges and key[0] != key[1])
    removed = tuple(e for key, e in old_edges.items() if key not in new_edges and key[0] != key[1])
    return added, removed


def _ghost_anchors(matching: Matching) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Per removed node, the matched neighbours (as new ids) of its connected removed part."""
    gone = matching.removed
    if not gone:
        return {}
    preds: dict[str, list[str]] = defaultdict(list)
    succs: dict[str, list[str]] = defaultdict(list)
    for e in matching.old.edges:
        succs[e.source].append(e.target)
        preds[e.target].append(e.source)
    out: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for start in (n.id for n in matching.old.nodes if n.id in gone):
        if start in out:
            continue
        part, stack = [start], [start]
        before: set[str] = set()
        after: set[str] = set()
        seen = {start}
        while stack:
            x = stack.pop()
            for nbrs, side in ((preds[x], before), (succs[x], after)):
                for y in nbrs:
                    if y in gone and y not in seen:
                        seen.add(y)
                        part.append(y)
                        stack.append(y)
                    elif y in matching.pairs:
                        side.add(matching.pairs[y])
        anchors = (tuple(sorted(before)), tuple(sorted(after)))
        out.update((x, anchors) for x in part)
    return out
