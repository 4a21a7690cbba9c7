"""Which ONNX operators make one IR node (a *unit*), and which are folded into another.

An exported BERT has ~200 operators per four layers; most are not what a reader of the
paper would draw. Three rules bring it back to the calls the model's author wrote:

- **Shape arithmetic is folded into what it serves.** A tensor is *data* when it derives
  from a graph input or a learned weight; ``Shape``/``Size`` results never are. Operators
  with no data operand (``Constant``, ``Shape`` -> ``Gather`` -> ``Unsqueeze`` -> ``Concat``
  building a ``Reshape`` target, position ids from a buffer) are folded into the first data
  operator that consumes their result; casts and identities are folded into their consumer
  and their output stands for their input.
- **A call is one node.** All operators of a leaf module scope (a ``Linear`` exported as
  ``MatMul`` + ``Add``, a GELU written as five operators) make one unit, as do the operators
  one PyTorch call became (``scaled_dot_product_attention`` decomposed into fifteen).
- **Without scopes, a weight product and its bias are one ``Dense``** (``MatMul`` or ``Conv``
  followed by an ``Add`` of a weight), so a file stripped of names still draws layers.

Nothing is lost: each operator is a member of, or folded into, exactly one unit. A merge
that would create a cycle between units (a call split around another) is undone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .ops import SHAPE_SOURCES, WEIGHT_PREP, is_big_constant, is_transparent, is_weight
from .scopes import NOWHERE, Place, place_of

if TYPE_CHECKING:
    from .read import OnnxFile

__all__ = ["Plan", "Unit", "plan_units"]

_FUSABLE = frozenset({"MatMul", "Gemm", "Conv", "ConvTranspose", "MatMulInteger"})


@dataclass
class Unit:
    """One future IR node: its operators (topological order) and the ones folded into it.

    ``kind`` is ``"leaf"`` (a leaf module scope, ``leaf`` its path), ``"call"`` (one
    exporter call inside a scope), ``"fused"`` (a weight product and its bias) or ``"op"``.
    """

    members: list[int]
    kind: str
    place: Place
    leaf: str = ""
    folded: list[int] = field(default_factory=list)


@dataclass
class Plan:
    """The units in topological order and how tensors flow between them."""

    units: list[Unit]
    #: Tensor -> the tensor it stands for (the input of a cast or identity).
    alias: dict[str, str]
    #: Data tensor (after aliasing) -> the unit producing it.
    producer: dict[str, int]
    weights: frozenset[str]
    places: list[Place]

    def resolve(self, tensor: str) -> str:
        while tensor in self.alias:
            tensor = self.alias[tensor]
        return tensor


class _Sets:
    """Union-find over operator indices."""

    def __init__(self) -> None:
        self.up: dict[int, int] = {}

    def find(self, x: int) -> int:
        root = x
        while self.up.get(root, root) != root:
            root = self.up[root]
        while self.up.get(x, x) != root:
            self.up[x], x = root, self.up[x]
        return root

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.up[max(ra, rb)] = min(ra, rb)


def _classify(file: OnnxFile, weights: set[str]) -> tuple[list[bool], dict[str, str]]:
    """Per operator: does it compute data? And the aliases of transparent operators.

    ``weights`` grows by the results of weight preparation (a shared weight's
    ``Identity``, a ``Cast`` or ``DequantizeLinear`` of a weight, a transposed kernel):
    those are weights too, and their operators are folded like constants."""
    data_tensors = set(file.inputs)
    is_data: list[bool] = []
    alias: dict[str, str] = {}
    for op in file.nodes:
        reads_data = any(i in data_tensors for i in op.inputs if i)
        reads_weight = any(i in weights for i in op.inputs if i)
        if op.op_type in SHAPE_SOURCES:
            data = False
        elif not reads_data and (
            (reads_weight and op.op_type in WEIGHT_PREP) or is_big_constant(op)
        ):
            weights.update(o for o in op.outputs if o)
            data = False
        else:
            data = reads_data or reads_weight
        is_data.append(data)
        if data:
            data_tensors.update(o for o in op.outputs if o)
            if is_transparent(op) and op.inputs[0] in data_tensors:
                alias[op.outputs[0]] = op.inputs[0]
    return is_data, alias


def plan_units(file: OnnxFile) -> Plan:
    """Group the operators of ``file`` into units (see the module docstring)."""
    found = {n for n, t in file.initializers.items() if is_weight(t)}
    is_data, alias = _classify(file, found)
    weights = frozenset(found)
    nodes = file.nodes
    forwarding = {i for i, op in enumerate(nodes) if op.outputs and op.outputs[0] in alias}
    kept = [i for i in range(len(nodes)) if is_data[i] and i not in forwarding]
    plan = Plan([], alias, {}, weights, [NOWHERE] * len(nodes))
    for i in kept:
        plan.places[i] = place_of(nodes[i])
    made_by: dict[str, int] = {}  # data tensor -> kept operator
    for i in kept:
        for out in nodes[i].outputs:
            if out:
                made_by[out] = i
    units = _acyclic(_group(file, plan, kept, made_by), plan, made_by, file)
    owner: dict[int, Unit] = {i: u for u in units for i in u.members}
    units.extend(_fold_rest(file, plan, owner, made_by, set(kept)))
    units.sort(key=lambda u: u.members[0])
    for unit in units:
        unit.folded.sort()
    plan.units = units
    for k, unit in enumerate(units):
        for i in unit.members:
            for out in nodes[i].outputs:
                if out:
                    plan.producer[out] = k
    _hoist(plan, file)
    return plan


def _group(file: OnnxFile, plan: Plan, kept: list[int], made_by: dict[str, int]) -> list[Unit]:
    """Kept operators grouped by leaf scope or call, split into connected pieces, and
    weight products joined with their bias."""
    places = plan.places
    parents = {s for i in kept for s in places[i].scopes[:-1]}
    keys: dict[int, tuple[str, str]] = {}
    for i in kept:
        p = places[i]
        inner = p.scopes[-1] if p.scopes else ""
        if inner and inner not in parents:
            keys[i] = ("leaf", inner)
        elif p.call:
            keys[i] = ("call", f"{inner}/{p.call}")
        else:
            keys[i] = ("op", str(i))
    sets = _Sets()
    users: dict[int, list[int]] = defaultdict(list)
    for i in kept:
        for name in set(file.nodes[i].inputs):
            src = made_by.get(plan.resolve(name)) if name else None
            if src is None:
                continue
            users[src].append(i)
            if keys[src] == keys[i]:
                sets.join(src, i)
    for i in kept:  # a weight product and its bias, where no scope says more
        op = file.nodes[i]
        if op.op_type not in _FUSABLE or keys[i][0] != "op" or len(users[i]) != 1:
            continue
        if not any(name in plan.weights for name in op.inputs[1:]):
            continue
        add = users[i][0]
        bias = file.nodes[add]
        if bias.op_type != "Add" or keys[add][0] != "op" or places[add] != places[i]:
            continue
        if len(set(bias.inputs)) == 2 and any(name in plan.weights for name in bias.inputs):
            sets.join(i, add)
    pieces: dict[int, list[int]] = defaultdict(list)
    for i in kept:
        pieces[sets.find(i)].append(i)
    for members in list(pieces.values()):
        for i in _shared_members(members, keys, places, users, file, plan, made_by):
            members.remove(i)
            pieces[i] = [i]
            keys[i] = ("op", str(i))
    units = []
    for members in sorted(pieces.values(), key=lambda m: m[0]):
        kind, key = keys[members[0]]
        if kind == "op" and len(members) > 1:
            kind = "fused"
        units.append(Unit(members, kind, places[members[0]], key if kind == "leaf" else ""))
    return units


def _shared_members(
    members: list[int],
    keys: dict[int, tuple[str, str]],
    places: list[Place],
    users: dict[int, list[int]],
    file: OnnxFile,
    plan: Plan,
    made_by: dict[str, int],
) -> list[int]:
    """Members of a call that the optimiser shares with other scopes: reading nothing of
    the call and read outside its scope (an attention mask made once in the first layer
    and reused by every layer). They leave the call, to be hoisted (:func:`_hoist`)."""
    if len(members) < 2 or keys[members[0]][0] == "op":
        return []
    scope = places[members[0]].scopes[-1] if places[members[0]].scopes else ""
    if not scope:
        return []
    inside = set(members)
    found = []
    for i in members:
        reads = {made_by.get(plan.resolve(n)) for n in file.nodes[i].inputs if n}
        if reads & inside:
            continue
        if any(r not in inside and scope not in places[r].scopes for r in users[i]):
            found.append(i)
    return found


def _chain(unit: Unit) -> tuple[str, ...]:
    """The module scopes a unit sits in (a leaf unit's own scope is the unit itself)."""
    return unit.place.scopes[:-1] if unit.kind == "leaf" else unit.place.scopes


def _common(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _hoist(plan: Plan, file: OnnxFile) -> None:
    """Move a unit that reads only from outside its scope, and is read outside it too, up
    to the innermost scope holding both ends: what the optimiser computed once (common
    subexpressions) belongs to no single layer, and left in the first one it would make
    that layer unlike its repeats."""
    chains = [_chain(u) for u in plan.units]
    sources: list[set[int]] = [set() for _ in plan.units]
    sinks: list[set[int]] = [set() for _ in plan.units]
    wanted = {plan.resolve(o) for o in file.outputs}
    outside: set[int] = set()
    for k, unit in enumerate(plan.units):
        for i in unit.members:
            for name in file.nodes[i].inputs:
                tensor = plan.resolve(name) if name else ""
                src = plan.producer.get(tensor)
                if src is not None and src != k:
                    sources[k].add(src)
                    sinks[src].add(k)
                elif tensor in file.inputs:
                    sources[k].add(-1)
            if any(o in wanted for o in file.nodes[i].outputs):
                outside.add(k)
    for k, unit in enumerate(plan.units):
        depth = len(chains[k])
        if not depth or not sources[k] or not sinks[k]:
            continue
        ins = min(0 if s < 0 else _common(chains[k], chains[s]) for s in sources[k])
        outs = min(_common(chains[k], chains[s]) for s in sinks[k])
        outs = 0 if k in outside else outs
        if ins < depth and outs < depth:
            keep = max(ins, outs)
            place = unit.place
            unit.place = Place(place.scopes[:keep], place.classes[:keep], place.call,
                               place.root, place.target)  # fmt: skip
            if unit.kind == "leaf":
                unit.kind, unit.leaf = "op", ""


def _acyclic(units: list[Unit], plan: Plan, made_by: dict[str, int], file: OnnxFile) -> list[Unit]:
    """``units`` with every group that closes a cycle between units split into its
    operators (contracting a group can create a cycle; splitting cannot, and each operator
    alone is acyclic, as the file is)."""
    if all(len(u.members) == 1 for u in units):
        return units  # the file's own operators: acyclic, as the file is
    owner = {i: k for k, u in enumerate(units) for i in u.members}
    succ: list[set[int]] = [set() for _ in units]
    for k, unit in enumerate(units):
        for i in unit.members:
            for name in file.nodes[i].inputs:
                src = made_by.get(plan.resolve(name)) if name else None
                if src is not None and owner[src] != k:
                    succ[owner[src]].add(k)
    broken = {k for comp in _cycles(succ) for k in comp if len(units[k].members) > 1}
    if not broken:
        return units
    out: list[Unit] = []
    for k, unit in enumerate(units):
        if k in broken:
            out.extend(Unit([i], "op", plan.places[i]) for i in unit.members)
        else:
            out.append(unit)
    return out


def _cycles(succ: list[set[int]]) -> list[list[int]]:
    """Strongly connected components with more than one vertex (Tarjan, iterative)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    found: list[list[int]] = []
    counter = 0
    for root in range(len(succ)):
        if root in index:
            continue
        work = [(root, iter(sorted(succ[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(succ[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    found.append(comp)
    return found


def _fold_rest(
    file: OnnxFile,
    plan: Plan,
    owner: dict[int, Unit],
    made_by: dict[str, int],
    kept: set[int],
) -> list[Unit]:
    """Fold every operator that is not a unit's member into the unit of the first operator
    reading its result (shape arithmetic, constants, casts); a cast nobody reads goes to its
    producer. What serves no unit (a shape that is a graph output) becomes a unit itself.
    Returns those new units."""
    readers: dict[str, list[int]] = defaultdict(list)
    for op in file.nodes:
        for name in set(op.inputs):
            if name:
                readers[name].append(op.index)
    extra: list[Unit] = []
    for op in reversed(file.nodes):
        i = op.index
        if i in kept:
            continue
        users = sorted({r for out in op.outputs if out for r in readers.get(out, ())})
        target = next((owner[r] for r in users if r in owner), None)
        if target is None and op.outputs and op.outputs[0] in plan.alias:
            src = made_by.get(plan.resolve(op.outputs[0]))
            target = owner.get(src) if src is not None else None
        if target is None:
            for out in op.outputs:
                plan.alias.pop(out, None)
            plan.places[i] = place_of(op)
            target = Unit([i], "op", plan.places[i])
            extra.append(target)
        else:
            target.folded.append(i)
        owner[i] = target
    return extra
