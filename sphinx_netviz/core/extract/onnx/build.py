"""The IR of an ONNX file: one node per unit, one ``composite`` per module scope.

The hierarchy is built as the PyTorch routes build theirs (``torch.trace``, ``torch.export``):
every module scope that holds more than one call is a ``composite`` node whose internals
carry its id as ``parent``, with one ``input`` node per tensor it receives and its internal
producers listed as ``model_inputs``/``model_outputs``. Edges never cross levels: a tensor
from ``encoder.layer.0`` to ``pooler`` leaves through the encoder's outputs and enters the
pooler through one of its inputs. Depth, folding and drill-down then work on an ONNX file as
on the module it was exported from.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...ir.graph import Edge, Graph, Node
from ...ir.op_types import op_role
from .facts import scope_type, unit_facts
from .scopes import short_class
from .tensors import axis_names

if TYPE_CHECKING:
    from ...ir.graph import Shape
    from .read import OnnxFile
    from .tensors import TensorInfo
    from .units import Plan

__all__ = ["build_graph"]


@dataclass
class _Call:
    """A node under construction (mutable until the graph is assembled)."""

    id: str
    name: str
    type: str
    module: str
    kind: str
    category: str
    parent: str | None
    order: tuple[int, int]
    inputs: list[Shape | None] = field(default_factory=list)
    outputs: list[Shape | None] = field(default_factory=list)
    dtype: str | None = None
    params: int = 0
    config: dict[str, Any] = field(default_factory=dict)
    folded: tuple[str, ...] = ()
    model_inputs: list[str] = field(default_factory=list)
    model_outputs: list[str] = field(default_factory=list)
    exports: list[str] = field(default_factory=list)  # tensors leaving, by output index
    call_index: int = 0


class _Builder:
    def __init__(self, file: OnnxFile, plan: Plan, infos: dict[str, TensorInfo]) -> None:
        self.file = file
        self.plan = plan
        self.infos = infos
        self.calls: dict[str, _Call] = {}
        self.edges: dict[tuple[str, str, int], Edge] = {}
        self.slots: dict[str, int] = defaultdict(int)
        self.entry: dict[tuple[str, str], str] = {}
        self.chains: list[list[str]] = []
        self.input_ids: dict[str, str] = {}
        self.counter = 0
        self.path_calls: dict[str, int] = defaultdict(int)
        self.scope_params: dict[str, set[str]] = defaultdict(set)
        self.scope_ids: dict[str, str] = {}
        self.suffix: dict[str, int] = {}

    # -- ids and shapes ------------------------------------------------------------------------
    def _unique(self, wanted: str) -> str:
        """``wanted``, or ``wanted_k`` with the next free ``k`` (counted per name: an
        unnamed graph asks for ``Conv`` thousands of times)."""
        candidate, k = wanted, self.suffix.get(wanted, 1)
        while candidate in self.calls:
            candidate = f"{wanted}_{k}"
            k += 1
        self.suffix[wanted] = k
        return candidate

    def shape(self, tensor: str) -> Shape | None:
        info = self.infos.get(tensor)
        return info.shape if info is not None else None

    def _tick(self) -> int:
        self.counter += 1
        return self.counter

    # -- nodes -------------------------------------------------------------------------------
    def add_inputs(self) -> None:
        for name in self.file.inputs:
            node_id = self._unique(name or "input")
            info = self.infos.get(name)
            call = _Call(node_id, name, "Input", "onnx", "input", "io", None, (-1, self._tick()))
            call.outputs = [self.shape(name)]
            call.dtype = info.dtype if info is not None else None
            self.calls[node_id] = call
            self.input_ids[name] = node_id

    def _composite(
        self, path: str, parent: str | None, parent_path: str, cls: str, order: int
    ) -> str:
        known = self.scope_ids.get(path)
        if known is not None:
            return known
        type_name, module = scope_type(path, parent_path, cls)
        node_id = self._unique(path)
        self.scope_ids[path] = node_id
        self.calls[node_id] = _Call(
            node_id, path.rsplit(".", 1)[-1], type_name, module, "composite", "block",
            parent, (order, self._tick()),
        )  # fmt: skip
        return node_id

    def add_units(self) -> None:
        for k, unit in enumerate(self.plan.units):
            facts = unit_facts(unit, self.file, self.plan, self.infos)
            place = unit.place
            scopes = place.scopes[:-1] if unit.kind == "leaf" else place.scopes
            chain: list[str] = []
            parent: str | None = None
            for depth, path in enumerate(scopes):
                cls = place.classes[depth] if depth < len(place.classes) else ""
                above = scopes[depth - 1] if depth else ""
                parent = self._composite(path, parent, above, cls, k)
                chain.append(parent)
            if unit.kind == "leaf":
                count = self.path_calls[unit.leaf]
                self.path_calls[unit.leaf] += 1
                wanted = unit.leaf if count == 0 else f"{unit.leaf}@{count}"
            else:
                wanted = f"{parent}/{facts.name}" if parent else facts.name
                count = 0
            node_id = self._unique(wanted)
            ops = [self.file.nodes[i] for i in sorted((*unit.members, *unit.folded))]
            call = _Call(
                node_id, facts.name if count == 0 else f"{facts.name}@{count}", facts.type,
                facts.module, "layer" if unit.kind == "leaf" else "op", facts.category,
                parent, (k, self._tick()), dtype=facts.dtype, params=facts.params,
                config=facts.config, folded=tuple(op.label for op in ops), call_index=count,
            )  # fmt: skip
            self.calls[node_id] = call
            chain.append(node_id)
            self.chains.append(chain)
            used = {n for op in ops for n in op.inputs if n in self.plan.weights}
            for composite in chain[:-1]:
                self.scope_params[composite] |= used

    # -- wiring ------------------------------------------------------------------------------
    def unit_io(self) -> tuple[list[list[str]], list[list[str]]]:
        """Per unit: the data tensors it reads from elsewhere, and those it hands on."""
        plan, nodes = self.plan, self.file.nodes
        reads: list[list[str]] = []
        readers: dict[str, int] = defaultdict(int)
        for k, unit in enumerate(plan.units):
            seen: list[str] = []
            for i in unit.members:
                for name in nodes[i].inputs:
                    tensor = plan.resolve(name) if name else ""
                    src = plan.producer.get(tensor)
                    if not tensor or tensor in seen or src == k:
                        continue
                    if src is not None or tensor in self.input_ids:
                        seen.append(tensor)
                        readers[tensor] += 1
            reads.append(seen)
        wanted = {plan.resolve(o) for o in self.file.outputs}
        writes = [
            [
                o
                for i in unit.members
                for o in nodes[i].outputs
                if o and (readers.get(o) or o in wanted)
            ]
            for unit in plan.units
        ]
        return reads, writes

    def _export(self, chain: list[str], level: int, tensor: str) -> int:
        """Register ``tensor`` as an output of ``chain[level:-1]``; its index at ``level``."""
        index = 0
        for j in range(len(chain) - 1, level - 1, -1):
            call = self.calls[chain[j]]
            if j == len(chain) - 1:
                index = call.exports.index(tensor) if tensor in call.exports else 0
                continue
            if tensor not in call.exports:
                call.exports.append(tensor)
                call.model_outputs.append(chain[j + 1])
            index = call.exports.index(tensor)
        return index

    def _entry(self, composite: str, tensor: str) -> str:
        key = (composite, tensor)
        if key not in self.entry:
            call = self.calls[composite]
            suffix = f"_{len(call.model_inputs)}" if call.model_inputs else ""
            input_id = self._unique(f"{composite}/input{suffix}")
            entry = _Call(input_id, f"input{suffix}", "Input", "onnx", "input", "io", composite,
                          (-1, self._tick()))  # fmt: skip
            entry.outputs = [self.shape(tensor)]
            self.calls[input_id] = entry
            call.model_inputs.append(input_id)
            call.inputs.append(self.shape(tensor))
            self.entry[key] = input_id
        return self.entry[key]

    def _edge(self, source: str, index: int, target: str, shape: Shape | None) -> None:
        key = (source, target, index)
        if key in self.edges:
            return
        slot = self.slots[target]
        self.slots[target] += 1
        self.edges[key] = Edge(source, target, shape, index, slot)

    def connect(self, tensor: str, source: list[str], target: list[str]) -> None:
        """Edges for one tensor from the call chain ``source`` into ``target``."""
        p = 0
        while p < min(len(source), len(target)) and source[p] == target[p]:
            p += 1
        if p >= len(source) or p >= len(target):
            return
        index = self._export(source, p, tensor)
        frm = source[p]
        shape = self.shape(tensor)
        for level in range(p, len(target)):
            self._edge(frm, index, target[level], shape)
            index = 0
            if level + 1 < len(target):
                frm = self._entry(target[level], tensor)

    def wire(self) -> list[str]:
        reads, writes = self.unit_io()
        for k, chain in enumerate(self.chains):
            call = self.calls[chain[-1]]
            call.exports = list(writes[k])
            call.outputs = [self.shape(t) for t in writes[k]]
            if not call.outputs:
                first = self.file.nodes[self.plan.units[k].members[0]]
                call.outputs = [self.shape(first.outputs[0])] if first.outputs else []
            call.inputs = [self.shape(t) for t in reads[k]]
        for k, chain in enumerate(self.chains):
            for tensor in reads[k]:
                src = self.plan.producer.get(tensor)
                source = self.chains[src] if src is not None else [self.input_ids[tensor]]
                self.connect(tensor, source, chain)
        outputs: list[str] = []
        for name in self.file.outputs:
            tensor = self.plan.resolve(name)
            src = self.plan.producer.get(tensor)
            if src is not None:
                self._export(self.chains[src], 0, tensor)
                outputs.append(self.chains[src][0])
            elif tensor in self.input_ids:
                outputs.append(self.input_ids[tensor])
        return list(dict.fromkeys(outputs))

    # -- result ------------------------------------------------------------------------------
    def nodes(self) -> list[Node]:
        for call in self.calls.values():
            if call.kind == "composite":
                call.params = sum(self._numel(n) for n in self.scope_params.get(call.id, ()))
        for call in sorted(self.calls.values(), key=lambda c: -len(c.id.split("/"))):
            if call.kind == "composite":
                call.outputs = [self.shape(t) for t in call.exports]
        kids: dict[str | None, list[_Call]] = defaultdict(list)
        for call in self.calls.values():
            kids[call.parent].append(call)
        out: list[Node] = []

        def visit(parent: str | None) -> None:
            for c in sorted(kids.get(parent, ()), key=lambda c: c.order):
                out.append(_node(c))
                visit(c.id)

        visit(None)
        return out

    def _numel(self, name: str) -> int:
        tensor = self.file.initializers.get(name)
        if tensor is None:
            return 0
        total = 1
        for d in tensor.dims:
            total *= int(d)
        return total


#: Categories whose axes ONNX (PyTorch's exporters) fixes: images are ``N, C, H, W`` for
#: convolutions, poolings and batch norms, tokens ``N, L, C`` for linear layers and lookups.
_FIRST = ("conv", "pooling")
_LAST = ("dense", "embedding", "attention", "recurrent")


def _data_format(c: _Call) -> str | None:
    """What the view's one layout rule (ir/layouts.py) reads: ``config["data_format"]``."""
    if c.category in _FIRST or c.type.startswith(("BatchNorm", "InstanceNorm", "GroupNorm")):
        return "channels_first"
    if c.category in _LAST or c.type.startswith(("LayerNorm", "RMSNorm")):
        return "channels_last"
    return None


def _container(c: _Call) -> str:
    """An item of a module list (``layer.3``): the list it is in, like the torch route's
    ``Node.container`` (a stack the view may fold and open through)."""
    head, _, last = c.id.rpartition(".")
    return head if head and last.isdigit() and c.kind != "op" else ""


def _node(c: _Call) -> Node:
    ins = tuple(s for s in c.inputs if s is not None)
    outs = tuple(s for s in c.outputs if s is not None)
    config = dict(c.config)
    fmt = _data_format(c)
    if fmt is not None:
        config.setdefault("data_format", fmt)
    role = op_role(c.type, ins, outs) if c.kind == "op" else ""
    return Node(
        id=c.id, name=c.name, type=c.type, module=c.module, kind=c.kind,
        input_shapes=ins, output_shapes=outs,
        dtype=c.dtype, params=c.params, trainable_params=c.params, config=config,
        parent=c.parent, call_index=c.call_index, model_inputs=tuple(c.model_inputs),
        model_outputs=tuple(c.model_outputs), category=c.category, folded=c.folded,
        role=role, container=_container(c),
    )  # fmt: skip


def build_graph(
    file: OnnxFile, plan: Plan, infos: dict[str, TensorInfo], meta: dict[str, Any]
) -> Graph:
    """The IR of ``file`` (see the module docstring)."""
    builder = _Builder(file, plan, infos)
    builder.add_inputs()
    builder.add_units()
    outputs = builder.wire()
    nodes = builder.nodes()
    roots = [u.place.root for u in plan.units if u.place.root]
    name = short_class(roots[0])[0] if roots else file.name
    used = [infos[t] for t in (*file.inputs, *file.outputs) if t in infos]
    used += [
        infos[o] for u in plan.units for i in u.members for o in file.nodes[i].outputs if o in infos
    ]
    return Graph(
        name=name,
        nodes=tuple(nodes),
        edges=tuple(builder.edges.values()),
        inputs=tuple(builder.input_ids[i] for i in file.inputs),
        outputs=tuple(outputs),
        meta=meta,
        dim_names=axis_names(used),
    )
