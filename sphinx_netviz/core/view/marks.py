"""A diff's marks in the view: what of the new model differs, and ghosts of what it lost.

A diff draws NEW; OLD is only matched (:mod:`..diff`). :class:`DiffPlan` reads a
:class:`~..compare.match.Matching` and its :class:`~..compare.changes.Changes` once, by IR id, and
:meth:`DiffPlan.apply` puts them on one view of NEW (the diagram, or the inside of a
composite a reader opens), before folding:

- a node that is added or changed gets a fold key of its own (``structure``): it is never
  folded into a run of unchanged nodes and shows as itself; repeats gained by a changed
  repeat count keep theirs, so ``BertLayer`` still folds and reads ``x4 -> x6``;
- a node OLD had and NEW lacks, at a level this view draws, becomes a *ghost*
  (``VNode.diff == "removed"``, member ``old:<id>``), wired to the drawn nodes it sat between
  in OLD (through removed shape plumbing, which is not drawn) and put after its last
  predecessor, so the layout places it where it was. A ghost's fold key is unique: ghosts
  never fold. Lost copies of a repeat are ghosts only when repeats are not folded (folded,
  the group's ``x6 -> x4`` says it);
- OLD's edges between two surviving nodes that NEW lacks become removed edges of the view;
  NEW's edges without counterpart are noted as added (:attr:`ViewDiff.edges`).

Glyph marks are read from IR members (:meth:`ViewDiff.glyph`), so every later stage (folds
with side inputs, groups, drill-down scenes) marks what it draws without knowing the diff.
Wiring that would close a cycle in NEW's drawing (a reordering across levels) is dropped: a
ghost then hangs from its predecessors only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from .vgraph import VGraph, VNode

if TYPE_CHECKING:
    from ..compare.changes import Changes, NodeChange
    from ..compare.match import Matching
    from ..ir.graph import Shape

__all__ = ["GHOST", "DiffPlan", "ViewDiff"]

#: Prefix of a ghost's id and member (the reference's node id follows).
GHOST = "old:"
_MAX_NOTES = 8


class DiffPlan:
    """One diff, indexed by IR id for drawing any view of the new model."""

    def __init__(self, matching: Matching, changes: Changes, *, fold_repeats: bool) -> None:
        so, sn = matching.sides
        self.matching, self.changes = matching, changes
        self.old, self.new = so, sn
        self.changed: dict[str, NodeChange] = {c.new_id: c for c in changes.changed}
        self.containers = frozenset(changes.containers)
        self.added = frozenset(i for i in changes.added if not sn.plumbing(i))
        self.extra = matching.extra
        self.unit_of: dict[str, tuple[int, int]] = {}
        for k, r in enumerate(changes.repeats):
            for u, unit in enumerate(r.new_units):
                self.unit_of.update((x, (k, u)) for i in unit for x in sn.subtree(i))
        lost = set(matching.removed) | (set() if fold_repeats else set(matching.dropped))
        #: Lost nodes by the new id of the level drawing them (None: the top level).
        self.levels: dict[str | None, list[str]] = defaultdict(list)
        for node in matching.old.nodes:
            if node.id not in lost or so.plumbing(node.id) or node.parent in lost:
                continue
            if node.parent is None:
                self.levels[None].append(node.id)
            elif node.parent in matching.pairs:
                self.levels[matching.pairs[node.parent]].append(node.id)
        self.lost = lost
        self.inside = self._inside()
        self.old_succ: dict[str, list[tuple[str, Shape | None]]] = defaultdict(list)
        self.old_pred: dict[str, list[tuple[str, Shape | None]]] = defaultdict(list)
        if self.levels or changes.removed_edges:
            for e in matching.old.edges:
                self.old_succ[e.source].append((e.target, e.shape))
                self.old_pred[e.target].append((e.source, e.shape))

    def _inside(self) -> dict[str, list[str]]:
        """For each node holding changes (drawn closed, it is marked changed), one phrase
        per change inside it: what its tooltip lists."""
        sn, so, pairs = self.new, self.old, self.matching.pairs
        out: dict[str, list[str]] = defaultdict(list)
        for c in self.changes.changed:
            for a in sn.ancestors(c.new_id):
                out[a].append(f"{sn.by_id[c.new_id].name}: {c.describe()}")
        for added in self.changes.added_roots:
            for a in sn.ancestors(added):
                out[a].append(f"{sn.by_id[added].name}: added")
        for removed in self.changes.removed_roots:
            for a in so.ancestors(removed):
                if a in pairs:
                    out[pairs[a]].append(f"{so.by_id[removed].name}: removed")
        for r in self.changes.repeats:
            if r.new_parent is not None:
                for a in (r.new_parent, *sn.ancestors(r.new_parent)):
                    out[a].append(r.line())
        return out

    # -- glyphs ------------------------------------------------------------------------------
    def mark(self, members: Sequence[str], count: int) -> tuple[str, int]:
        """(mark, repeats before) of a glyph standing for IR ``members`` (see ViewDiff)."""
        if members and members[0].startswith(GHOST):
            return "removed", 0
        units: dict[int, set[int]] = {}
        added = changed = 0
        for m in members:
            unit = self.unit_of.get(m)
            if unit is not None:
                units.setdefault(unit[0], set()).add(unit[1])
            if m in self.changed or m in self.containers:
                changed += 1
            elif m in self.added or m in self.extra:
                added += 1
        if count > 1:
            for k, seen in units.items():
                if len(seen) >= 2:
                    r = self.changes.repeats[k]
                    before = count - (r.new_count - r.old_count)
                    return "changed", before if before >= 1 else 0
        if added and not changed:
            counted = sum(
                1 for m in members if not self.new.plumbing(m) and m not in self.matching.fused_new
            )
            return ("added" if added >= counted else "changed"), 0
        return ("changed" if added or changed else ""), 0

    def notes(self, members: Sequence[str], mark: str, count_old: int, count: int) -> list[str]:
        """What changed, for a tooltip: one phrase per line, old -> new."""
        if mark == "removed":
            return ["removed: in the reference, not in this version"]
        if not mark:
            return []
        lines: list[str] = []
        if count_old:
            lines.append(f"repeats: x{count_old} -> x{count}")
        single = len(members) == 1
        for m in members:
            change = self.changed.get(m)
            if change is not None:
                name = "" if single else f"{self.new.by_id[m].name}: "
                lines.append(f"changed: {name}{', '.join(change.parts())}")
            for text in self.inside.get(m, ()):
                lines.append(f"changed inside: {text}")
        if mark == "added":
            lines.append("added: not in the reference")
        else:
            gained = [self.new.by_id[m].name for m in members if m in self.added]
            if gained:
                more = f", ... (+{len(gained) - 4})" if len(gained) > 4 else ""
                lines.append("added: " + ", ".join(gained[:4]) + more)
        if len(lines) > _MAX_NOTES:
            lines = [*lines[: _MAX_NOTES - 1], f"... (+{len(lines) - _MAX_NOTES + 1} more)"]
        return lines

    def sentence(self) -> str:
        """The diff in one sentence, for the diagram's description (alt text)."""
        c = self.changes
        if not c.differ:
            return "No architecture change against the reference."
        lines = [r.line() for r in c.repeats] + [x.line() for x in c.changed]
        shown = "; ".join(lines[:6]) + ("; ..." if len(lines) > 6 else "")
        counts = f"{len(c.added_roots)} added, {len(c.removed_roots)} removed"
        return f"Changes against the reference: {counts}, {len(lines)} changed" + (
            f" ({shown})." if shown else "."
        )

    # -- one view ----------------------------------------------------------------------------
    def apply(self, vg: VGraph, *, root: str | None = None, hide: Collection[str] = ()) -> ViewDiff:
        """Mark ``vg`` (a view of the new model's level ``root``: None for the whole model,
        else the id of the composite whose inside it draws): fold keys, ghosts, edges."""
        view = ViewDiff(self, vg)
        vg.diff = view
        for vn in vg.nodes.values():
            if any(m in self.changed or m in self.containers for m in vn.members):
                vn.structure += "|diff:changed"
            elif any(m in self.added for m in vn.members):
                vn.structure += "|diff:added"
        opened = [a for a in vg.absorbed if a in vg.hierarchy]
        lost = [*self.levels.get(root, ()), *(x for a in opened for x in self.levels.get(a, ()))]
        _Wiring(self, view, vg, root, hide).run(
            [x for x in lost if self.old.by_id[x].type not in hide]
        )
        return view


class ViewDiff:
    """The marks of one view (what :class:`~.vgraph.DiffMarks` promises later stages)."""

    def __init__(self, plan: DiffPlan, vg: VGraph) -> None:
        self.plan = plan
        self.edges: dict[tuple[str, str], str] = {}
        self.vg = vg

    def glyph(self, members: Sequence[str], count: int) -> tuple[str, int]:
        """``"removed"`` for a ghost; ``"changed"`` (with the repeats before) for a glyph
        spanning two or more repeats of a block whose count changed; ``"added"`` when every
        member is new (shape plumbing and activations fused on the other side not
        counted); ``"changed"`` when any member is added or changed, or holds a change."""
        return self.plan.mark(members, count)

    def notes(self, members: Sequence[str], mark: str, count_old: int, count: int) -> list[str]:
        return self.plan.notes(members, mark, count_old, count)


class _Wiring:
    """Ghosts of one view and the edges that tie them (and removed edges) into it."""

    def __init__(
        self, plan: DiffPlan, view: ViewDiff, vg: VGraph, root: str | None, hide: Collection[str]
    ) -> None:
        self.plan, self.view, self.vg, self.root = plan, view, vg, root
        self.hide = hide
        self.opened = {a for a in vg.absorbed if a in vg.hierarchy}
        self.ghosts: dict[str, str] = {}  # old id -> ghost view id
        self.shapes: dict[tuple[str, str], Shape | None] = {}
        self._member_view: dict[str, str] | None = None
        self._new_succ: dict[str, list[str]] | None = None

    def run(self, lost: list[str]) -> None:
        plan, vg = self.plan, self.vg
        self.ghosts = {x: GHOST + x for x in lost}
        wires: list[tuple[str, str, str]] = []  # (source, target, mark), view ids

        def wire(s: str, t: str, shape: Shape | None) -> None:
            if s != t:
                wires.append((s, t, "removed"))
                self.shapes.setdefault((s, t), None if shape is None else plan.old.shape(shape))

        for x in lost:
            for y, shape in plan.old_succ.get(x, ()):
                for t in self._old_end(y, "dst"):
                    wire(GHOST + x, t, shape)
            for p, shape in plan.old_pred.get(x, ()):
                if p not in self.ghosts:
                    for s in self._old_end(p, "src"):
                        wire(s, GHOST + x, shape)
        for a, b in plan.changes.removed_edges:
            if a not in plan.lost and b not in plan.lost:
                for s in self._old_end(a, "src"):
                    for t in self._old_end(b, "dst"):
                        wire(s, t, None)
        if lost:
            self._insert(lost, wires)
        for s, t, mark in self._acyclic(wires):
            if t not in vg.succ[s]:
                vg.add_edge(s, t, self.shapes.get((s, t)))
                self.view.edges[(self._rep(s), self._rep(t))] = mark
        for a, b in plan.changes.added_edges:
            head, tail = self._new_end(a, "src"), self._new_end(b, "dst")
            if head is not None and tail is not None and head != tail and tail in vg.succ[head]:
                self.view.edges[(self._rep(head), self._rep(tail))] = "added"

    # -- where an end of an edge is drawn ----------------------------------------------------
    def _old_end(self, x: str, role: str, depth: int = 0) -> list[str]:
        """The view ids an OLD node stands at: its ghost, its counterpart's drawn node, or
        (for undrawn removed plumbing and hidden types) what it passed the tensor along."""
        plan = self.plan
        if x in self.ghosts:
            return [self.ghosts[x]]
        x = plan.matching.fused_old.get(x, x)
        if x in plan.matching.pairs:
            found = self._new_end(plan.matching.pairs[x], role)
            return [found] if found is not None else []
        bridged = plan.old.plumbing(x) or plan.old.by_id[x].type in self.hide
        if x in plan.lost and bridged and depth < 16:
            if role == "src":
                nbrs = [p for p, _ in plan.old_pred.get(x, ())]
            else:
                nbrs = [t for t, _ in plan.old_succ.get(x, ())]
            return [v for y in nbrs for v in self._old_end(y, role, depth + 1)]
        return []

    def _new_end(self, y: str, role: str) -> str | None:
        """The drawn node of this view holding NEW's node ``y``: itself, the closed block
        it is inside, or through an opened block its output (a source) or input (a target)."""
        if self._member_view is None:
            self._member_view = {m: v for v, vn in self.vg.nodes.items() for m in vn.members}
        by_id, cur = self.plan.new.by_id, y
        for _ in range(64):
            if cur in self._member_view:
                return self._member_view[cur]
            node = by_id.get(cur)
            if node is None or cur == self.root:
                return None
            if cur in self.opened:
                ends = node.model_outputs if role == "src" else node.model_inputs
                if not ends:
                    return None
                cur = ends[0]
            elif node.kind == "input" and node.parent is not None and role == "dst":
                succ = self._succ_new().get(cur)
                if not succ:
                    return None
                cur = succ[0]
            elif node.parent is None:
                return None
            else:
                cur = node.parent
        return None

    def _succ_new(self) -> dict[str, list[str]]:
        if self._new_succ is None:
            self._new_succ = defaultdict(list)
            for e in self.plan.matching.new.edges:
                self._new_succ[e.source].append(e.target)
        return self._new_succ

    def _rep(self, v: str) -> str:
        """One IR member standing for a drawn node (edges are keyed by members: folds
        contract nodes later, members stay)."""
        members = self.vg.nodes[v].members
        return members[0] if members else v

    # -- ghosts ------------------------------------------------------------------------------
    def _insert(self, lost: list[str], wires: list[tuple[str, str, str]]) -> None:
        """Ghost nodes into the view's order, each after its last drawn predecessor (else
        before its first successor), so the layout draws it where it was."""
        vg, old = self.vg, self.plan.old
        pos = {v: i for i, v in enumerate(vg.nodes)}
        preds: dict[str, list[str]] = defaultdict(list)
        succs: dict[str, list[str]] = defaultdict(list)
        for s, t, _ in wires:
            preds[t].append(s)
            succs[s].append(t)
        order = {n.id: i for i, n in enumerate(self.plan.matching.old.nodes)}
        anchor: dict[str, int] = {}
        for x in sorted(lost, key=order.__getitem__):  # IR order: predecessors first
            g = GHOST + x
            before = [pos[p] if p in pos else anchor.get(p, -1) for p in preds[g]]
            after = [pos[t] for t in succs[g] if t in pos]
            anchor[g] = max(before) if before else (min(after) - 1 if after else len(pos) - 1)
        keyed = [((i, 0, 0), v) for v, i in pos.items()]
        keyed += [((anchor[GHOST + x], 1, order[x]), GHOST + x) for x in lost]
        keyed.sort(key=lambda kv: kv[0])
        nodes = dict(vg.nodes)
        for x in lost:
            g, node = GHOST + x, old.by_id[x]
            shape_in = node.input_shape if node.input_shapes else node.output_shape
            nodes[g] = VNode(
                id=g,
                type=node.type,
                name=node.name,
                in_shape=None if shape_in is None else old.shape(shape_in),
                out_shape=None if node.output_shape is None else old.shape(node.output_shape),
                members=(g,),
                node=node,
                structure="ghost:" + x,
                diff="removed",
            )
            vg.succ[g] = []
            vg.pred[g] = []
        vg.nodes = {v: nodes[v] for _, v in keyed}

    def _acyclic(self, wires: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
        """``wires``, or, if adding them all would close a cycle, only those into ghosts
        and between ghosts (which cannot: NEW and OLD are each acyclic)."""
        if not wires:
            return wires
        vg = self.vg
        extra: dict[str, list[str]] = defaultdict(list)
        indeg = {v: len(vg.pred[v]) for v in vg.nodes}
        for s, t, _ in wires:
            extra[s].append(t)
            indeg[t] += 1
        ready = [v for v, d in indeg.items() if d == 0]
        seen = 0
        while ready:
            v = ready.pop()
            seen += 1
            for t in (*vg.succ[v], *extra.get(v, ())):
                indeg[t] -= 1
                if indeg[t] == 0:
                    ready.append(t)
        if seen == len(indeg):
            return wires
        return [w for w in wires if w[1].startswith(GHOST)]
