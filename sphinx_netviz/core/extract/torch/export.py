"""Saved PyTorch programs (``.pt2``, from ``torch.export.save``) -> the same IR as a live module.

An exported program is a flat graph of ATen operations; each carries ``nn_module_stack``, the
module calls it ran inside (``{"L__self__layer1.0@1": ("layer1.0", "pkg.Bottleneck")}``, one
entry per level, ``@k`` marking the k-th call of a shared module). The stacks rebuild the
hierarchy: the ATen ops inside a leaf module (one whose path has no deeper path under it)
fold back into one call of that module, every other module call becomes a ``composite``
node, and the ops outside any leaf stay ops. Ids, categories and levels follow the live
tracer (:mod:`.trace`), so a ``.pt2`` draws like the module it was exported from.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...ir.errors import ExtractionError
from ...ir.graph import Edge, Graph, Node, Shape
from ...ir.op_types import layer_type, op_role
from ...ir.spec import MODEL_FILE_SUFFIXES
from .export_file import load_program
from .kinds import SKIPPED_OPS, TRANSPARENT_OPS, module_category, op_category, op_name

if TYPE_CHECKING:
    from ...ir.spec import ModelSpec
    from ..base import ExtractRequest

__all__ = ["extract_program"]

_ATOMIC = ("MultiheadAttention",)


@dataclass
class _Call:
    """One module call, one op, or one input of a level (mutable while the graph is read)."""

    id: str
    type: str
    module: str
    kind: str
    category: str
    parent: str | None
    path: str = ""  # the module's qualified name (module calls)
    call_index: int = 0
    inputs: list[Shape] = field(default_factory=list)
    outputs: list[Shape] = field(default_factory=list)
    params: int = 0
    model_inputs: list[str] = field(default_factory=list)
    model_outputs: list[str] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    numeric: bool = True  # an op with a floating-point tensor in or out


def _numeric(vals: list[Any]) -> bool:
    """True when any of the fx values is a floating-point (or complex) tensor."""
    for val in vals:
        for v in val if isinstance(val, list | tuple) else (val,):
            dtype = getattr(v, "dtype", None)
            if dtype is not None and (dtype.is_floating_point or dtype.is_complex):
                return True
    return False


def _shape(val: Any) -> Shape:
    dims = tuple(int(d) for d in getattr(val, "shape", ()))
    return dims[1:] if dims else ()


def _shapes(val: Any) -> list[Shape]:
    if isinstance(val, list | tuple):
        return [_shape(v) for v in val if hasattr(v, "shape")]
    return [_shape(val)] if hasattr(val, "shape") else []


class _Reader:
    """Builds the hierarchy from the program's module stacks."""

    def __init__(self, program: Any) -> None:
        self.program = program
        self.graph = program.graph_module.graph
        self.calls: dict[str, _Call] = {}
        self.edges: dict[tuple[str, str, int], Edge] = {}
        self.chain: dict[Any, list[str]] = {}  # fx node -> call ids, outermost first
        self.alias: dict[Any, Any] = {}  # transparent fx node -> the node it forwards
        self.slots: dict[str, list[tuple[str, int]]] = {}
        self.entry: dict[tuple[str, Any], str] = {}  # (composite, fx node) -> input node
        params = program.graph_signature.inputs_to_parameters
        sizes = {k: int(v.numel()) for k, v in program.state_dict.items()}
        self.param_sizes = {fqn: sizes.get(fqn, 0) for fqn in params.values()}
        stacks = [n.meta.get("nn_module_stack") or {} for n in self.graph.nodes]
        paths = {p for s in stacks for p, _ in s.values() if p}
        self.leaves = {
            p
            for s in stacks
            for p, t in s.values()
            if p and (t.endswith(_ATOMIC) or not any(q.startswith(p + ".") for q in paths))
        }

    def _params(self, path: str) -> int:
        return sum(n for fqn, n in self.param_sizes.items() if fqn.startswith(path + "."))

    def _module_call(self, key: str, path: str, type_name: str, parent: str | None) -> str:
        k = int(key.rsplit("@", 1)[1]) if "@" in key.rsplit(".", 1)[-1] else 0
        call_id = path if k == 0 else f"{path}@{k}"
        if call_id not in self.calls:
            cls = type_name.rsplit(".", 1)[-1]
            leaf = path in self.leaves
            self.calls[call_id] = _Call(
                id=call_id,
                type=cls,
                module=type_name.rsplit(".", 1)[0] if "." in type_name else "",
                kind="layer" if leaf else "composite",
                category=module_category(cls, leaf=leaf),
                parent=parent,
                path=path,
                call_index=k,
                params=self._params(path),
            )
        return call_id

    def _unique(self, wanted: str) -> str:
        candidate, k = wanted, 1
        while candidate in self.calls:
            candidate = f"{wanted}_{k}"
            k += 1
        return candidate

    def read(self, name: str) -> Graph:
        user_inputs = set(self.program.graph_signature.user_inputs)
        inputs: list[str] = []
        outputs: list[str] = []
        for node in self.graph.nodes:
            if node.op == "placeholder":
                if node.name in user_inputs:
                    call = _Call(node.name, "Input", "torch", "input", "io", None)
                    call.outputs = _shapes(node.meta.get("val"))
                    self.calls[node.name] = call
                    self.chain[node] = [node.name]
                    inputs.append(node.name)
                continue
            if node.op == "output":
                for src in _flat(node.args):
                    chain = self.chain.get(self.alias.get(src, src))
                    if chain:
                        outputs.append(chain[0])
                        self._export(chain, 0)
                continue
            if node.op != "call_function":
                continue
            self._op(node)
        return self._graph(name, inputs, outputs)

    def _op(self, node: Any) -> None:
        raw = getattr(node.target, "__name__", str(node.target))
        name = "getitem" if node.target is operator.getitem else op_name(raw)
        sources = [s for s in _flat((node.args, node.kwargs)) if s in self.chain or s in self.alias]
        if name in SKIPPED_OPS or (not sources and not node.meta.get("nn_module_stack")):
            return
        forwards = name in TRANSPARENT_OPS or (name == "getitem" and len(sources) == 1)
        if forwards and sources:
            self.alias[node] = self.alias.get(sources[0], sources[0])
            return
        chain: list[str] = []
        parent: str | None = None
        stack = node.meta.get("nn_module_stack") or {}
        for key, (path, type_name) in stack.items():
            if not path:
                continue
            call_id = self._module_call(key, path, type_name, parent)
            chain.append(call_id)
            parent = call_id
            if path in self.leaves:
                break
        if not chain or self.calls[chain[-1]].kind != "layer":
            if not sources:
                return  # a constant (arange, ones...) built outside any leaf: not dataflow
            op_id = self._unique(f"{parent}/{name}" if parent else name)
            self.calls[op_id] = _Call(
                op_id, name, "torch.ops.aten", "op", op_category(name), parent
            )
            vals = [node.meta.get("val"), *(s.meta.get("val") for s in sources)]
            self.calls[op_id].numeric = _numeric(vals)
            chain.append(op_id)
        self.chain[node] = chain
        self.calls[chain[-1]].outputs = _shapes(node.meta.get("val"))
        for src in sources:
            self._connect(self.alias.get(src, src), chain, _shape(src.meta.get("val")))

    def _connect(self, src: Any, target: list[str], shape: Shape) -> None:
        """Edges for one tensor from fx node ``src`` into the call chain ``target``."""
        source = self.chain.get(src)
        if not source:
            return
        p = 0
        while p < min(len(source), len(target)) and source[p] == target[p]:
            p += 1
        if p == len(target):
            return  # inside one leaf call
        self._export(source, p)
        frm = source[p] if p < len(source) else None
        for level in range(p, len(target)):
            if frm is None:
                return
            dst = target[level]
            self._edge(frm, dst, shape)
            if level + 1 < len(target) and self.calls[dst].kind == "composite":
                frm = self._entry(dst, src, shape)

    def _export(self, chain: list[str], level: int) -> None:
        """Register ``chain[j+1]`` as an output of every composite ``chain[j]``, j >= level."""
        for j in range(level, len(chain) - 1):
            outs = self.calls[chain[j]].model_outputs
            if chain[j + 1] not in outs:
                outs.append(chain[j + 1])

    def _entry(self, composite: str, src: Any, shape: Shape) -> str:
        key = (composite, src)
        if key not in self.entry:
            call = self.calls[composite]
            suffix = f"_{len(call.model_inputs)}" if call.model_inputs else ""
            input_id = self._unique(f"{composite}/input{suffix}")
            self.calls[input_id] = _Call(input_id, "Input", "torch", "input", "io", composite)
            self.calls[input_id].outputs = [shape]
            call.model_inputs.append(input_id)
            self.entry[key] = input_id
        return self.entry[key]

    def _edge(self, source: str, target: str, shape: Shape) -> None:
        slots = self.slots.setdefault(target, [])
        if (source, 0) in slots:
            return
        slots.append((source, 0))
        self.calls[target].inputs.append(shape)
        self.edges[(source, target, 0)] = Edge(source, target, shape, 0, len(slots) - 1)

    def _prune(self, outputs: list[str]) -> None:
        """Drop ops whose result nobody reads (shape checks, asserts), repeatedly."""
        while True:
            used = {e.source for e in self.edges.values()} | set(outputs)
            used |= {o for c in self.calls.values() for o in c.model_outputs}
            dead = [i for i, c in self.calls.items() if c.kind == "op" and i not in used]
            if not dead:
                return
            for i in dead:
                del self.calls[i]
            self.edges = {k: e for k, e in self.edges.items() if e.target not in dead}

    def _graph(self, name: str, inputs: list[str], outputs: list[str]) -> Graph:
        self._prune(outputs)
        for c in reversed(list(self.calls.values())):  # internals were read after their parent
            if c.kind == "composite":
                c.outputs = [s for o in c.model_outputs for s in self.calls[o].outputs[:1]]
        counts: dict[str, int] = {}
        for c in self.calls.values():
            if c.path:
                counts[c.path] = counts.get(c.path, 0) + 1
        nodes = []
        for c in self.calls.values():
            shapes = (tuple(c.inputs), tuple(c.outputs))
            op = c.kind == "op"
            nodes.append(
                Node(
                    id=c.id,
                    name=_local_name(c),
                    type=layer_type(c.type, *shapes) if op else c.type,
                    op=f"aten.{c.type}" if op else "",
                    role=op_role(c.type, *shapes, numeric=c.numeric) if op else "",
                    module=c.module,
                    kind=c.kind,
                    input_shapes=tuple(c.inputs),
                    output_shapes=tuple(c.outputs),
                    params=c.params,
                    trainable_params=c.params,
                    parent=c.parent,
                    shared=counts.get(c.path, 0) > 1,
                    call_index=c.call_index,
                    model_inputs=tuple(c.model_inputs),
                    model_outputs=tuple(c.model_outputs),
                    category=c.category,
                )
            )
        ordered = _parents_first(nodes)
        meta = {
            "framework": "torch",
            "extractor": "torch-export",
            "class": name,
            "layout": "channels_first",
        }
        return Graph(name, tuple(ordered), tuple(self.edges.values()), tuple(inputs),
                     tuple(dict.fromkeys(outputs)), meta)  # fmt: skip


def _local_name(call: _Call) -> str:
    """The name the live tracer gives: an op or input by its name in its level, a module call
    by the last part of its qualified name (``0@1`` for the second call of ``tower.0``)."""
    tail = call.id.rsplit("/", 1)[-1]
    return tail if call.kind in ("op", "input") else tail.rsplit(".", 1)[-1]


def _parents_first(nodes: list[Node]) -> list[Node]:
    """Nodes in reading order with each hierarchy node before its internals."""
    kids: dict[str | None, list[Node]] = {}
    for n in nodes:
        kids.setdefault(n.parent, []).append(n)
    out: list[Node] = []

    def visit(parent: str | None) -> None:
        for n in kids.get(parent, ()):
            out.append(n)
            visit(n.id)

    visit(None)
    return out


def _flat(value: Any) -> list[Any]:
    """The fx nodes inside nested args."""
    if isinstance(value, list | tuple):
        return [n for v in value for n in _flat(v)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _flat(v)]
    return [value] if hasattr(value, "op") and hasattr(value, "meta") else []


def extract_program(spec: ModelSpec) -> Graph:
    """Read a ``torch.export`` program saved with ``torch.export.save``."""
    program = load_program(spec)
    stacks = (n.meta.get("nn_module_stack") for n in program.graph.nodes)
    stack = next((s for s in stacks if s), None)
    root = next((t for p, t in (stack or {}).values() if not p), "ExportedProgram")
    try:
        graph = _Reader(program).read(root.rsplit(".", 1)[-1])
    except ExtractionError:
        raise
    except Exception as exc:
        raise ExtractionError(
            f"model spec {spec.text!r}: reading the exported program failed: "
            f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
        ) from None
    import torch

    graph.meta["torch_version"] = torch.__version__.split("+")[0]
    return graph


class TorchExportExtractor:
    """The ``.pt2`` route: programs saved with ``torch.export.save``, read by suffix."""

    name = "torch-export"
    extra = "torch"
    distributions: tuple[str, ...] = ("torch",)
    #: File suffixes this route reads (the table is the spec language's, ir/spec.py).
    suffixes: tuple[str, ...] = MODEL_FILE_SUFFIXES["torch-export"]

    def accepts(self, obj: object) -> bool:
        """A path whose suffix is ``.pt2``."""
        from pathlib import PurePath

        return isinstance(obj, PurePath) and obj.suffix.lower() in self.suffixes

    def extract(self, obj: Any, request: ExtractRequest) -> Graph:
        """Read the program the path names; errors name ``request.source``."""
        from pathlib import Path

        from ...ir.spec import ModelSpec

        return extract_program(ModelSpec(text=request.source, kind="file", path=Path(obj)))

    def version(self) -> str:
        """Reader version and the installed torch (part of the IR cache key)."""
        from ..keras.model import distribution_versions

        return f"torch-export/1 {distribution_versions(self.distributions)}".strip()


#: The registered instance (``sphinx_netviz.core.extract.torch.export:EXTRACTOR``).
EXTRACTOR = TorchExportExtractor()
