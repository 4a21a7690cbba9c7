"""Reading an ONNX model without its weights, and refusing bad files in one line.

A docs build meets ONNX files it did not make: exports from another machine, files whose
external weight files were never committed, files cut short by a failed download or a Git
LFS pointer, files from a newer exporter. Each gets one message naming the spec and what is
wrong, never a traceback. Weights are never read (``load_external_data=False``): the diagram
needs the weights' shapes only, which the file itself holds.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from ...ir.errors import ExtractionError

__all__ = ["OnnxFile", "OpNode", "load_model", "read_model", "require_onnx"]

#: The first byte of every serialised ModelProto: field 1 (``ir_version``), a varint.
_MODEL_TAG = 0x08
_INSTALL = 'pip install "netviz[onnx]"'


def _fail(source: str, why: str) -> ExtractionError:
    return ExtractionError(f"model spec {source!r}: {why}")


def require_onnx(source: str) -> ModuleType:
    """The ``onnx`` package, or an error naming the extra that installs it."""
    try:
        import onnx
    except ImportError:
        raise _fail(
            source,
            f"reading an ONNX model needs the onnx package, which is not installed in the "
            f"Python that runs netviz; install it with {_INSTALL}",
        ) from None
    return onnx


@dataclass(frozen=True, slots=True)
class OpNode:
    """One ONNX operator, copied out of the protobuf once (protobuf field access is slow).

    ``index`` is the operator's position in topological order; ``label`` names it in the
    IR's ``folded`` lists: its name in the file, or ``OpType#index`` when it has none.
    """

    index: int
    name: str
    op_type: str
    domain: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    metadata: tuple[tuple[str, str], ...]
    proto: Any

    @property
    def label(self) -> str:
        return self.name or f"{self.op_type}#{self.index}"

    def meta(self, key: str) -> str | None:
        for k, v in self.metadata:
            if k == key:
                return v
        return None


@dataclass(frozen=True)
class OnnxFile:
    """A checked model: its operators in topological order and what the graph declares."""

    model: Any
    nodes: tuple[OpNode, ...]
    inputs: tuple[str, ...]  # graph inputs that are not initializers, in order
    outputs: tuple[str, ...]
    initializers: dict[str, Any]  # name -> TensorProto (dims only are used)
    name: str


def load_model(path: Path, source: str) -> Any:
    """The ModelProto in ``path``; weights in external files are left where they are."""
    onnx = require_onnx(source)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _fail(source, f"no such file {str(path)!r}") from None
    except OSError as exc:
        raise _fail(source, f"cannot read {str(path)!r} ({exc.strerror or exc})") from None
    if not data:
        raise _fail(source, "the file is empty, not an ONNX model")
    if data.startswith(b"version https://git-lfs"):
        raise _fail(source, "the file is a Git LFS pointer, not the ONNX model (git lfs pull)")
    try:
        model = onnx.load_model_from_string(data)
    except Exception as exc:  # protobuf's DecodeError and whatever a bad file raises
        if data[0] == _MODEL_TAG:
            raise _fail(
                source, f"the ONNX file is truncated or corrupt ({_first_line(exc)})"
            ) from None
        raise _fail(source, "not an ONNX model (the file is no ONNX protobuf)") from None
    return model


def _first_line(exc: BaseException) -> str:
    text = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    return f"{type(exc).__name__}: {text[:160]}" if text else type(exc).__name__


def _check_versions(model: Any, onnx: ModuleType, source: str) -> None:
    """Refuse files newer than the installed ``onnx`` understands (its shape inference and
    operator schemas would misread them)."""
    newest = int(onnx.defs.onnx_opset_version())
    version = onnx.__version__
    for opset in model.opset_import:
        if opset.domain in ("", "ai.onnx") and int(opset.version) > newest:
            raise _fail(
                source,
                f"the model uses ONNX opset {opset.version}, newer than the installed onnx "
                f"{version} reads (up to opset {newest}); upgrade onnx",
            )
    if int(model.ir_version) > int(onnx.IR_VERSION):
        raise _fail(
            source,
            f"the model's ONNX IR version {model.ir_version} is newer than the installed onnx "
            f"{version} reads (up to {onnx.IR_VERSION}); upgrade onnx",
        )


def _topological(nodes: list[OpNode], known: set[str], source: str) -> list[OpNode]:
    """``nodes`` in an order where every input is produced first (the file's own order when
    it is one, as ONNX requires); a cycle or a tensor nobody produces is an error."""
    producer: dict[str, int] = {}
    for n in nodes:
        for out in n.outputs:
            if out:
                producer[out] = n.index
    waiting = [0] * len(nodes)
    users: list[list[int]] = [[] for _ in nodes]
    for n in nodes:
        for name in set(n.inputs):
            if not name or name in known:
                continue
            src = producer.get(name)
            if src is None:
                raise _fail(
                    source,
                    f"tensor {name!r}, read by node {n.label!r} ({n.op_type}), is produced by "
                    "no node and is no graph input or initializer: the graph is incomplete "
                    "(a truncated file?)",
                )
            waiting[n.index] += 1
            users[src].append(n.index)
    ready = [n.index for n in nodes if waiting[n.index] == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for j in users[i]:
            waiting[j] -= 1
            if waiting[j] == 0:
                heapq.heappush(ready, j)
    if len(order) < len(nodes):
        stuck = [nodes[i].label for i in range(len(nodes)) if waiting[i] > 0][:3]
        raise _fail(source, f"the graph has a cycle (through {', '.join(repr(s) for s in stuck)})")
    return [nodes[i] for i in order]


def read_model(model: Any, source: str, fallback_name: str = "model") -> OnnxFile:
    """Check ``model`` and copy out what the route reads."""
    onnx = require_onnx(source)
    if not isinstance(model, onnx.ModelProto):
        raise _fail(source, f"expected an onnx.ModelProto, got {type(model).__name__}")
    if not model.HasField("graph") or (model.ir_version <= 0 and not model.graph.node):
        raise _fail(source, "not an ONNX model (no graph in the file)")
    _check_versions(model, onnx, source)
    graph = model.graph
    initializers = {t.name: t for t in graph.initializer}
    for sparse in graph.sparse_initializer:
        initializers[sparse.values.name] = sparse.values
    inputs = tuple(i.name for i in graph.input if i.name not in initializers)
    raw = [
        OpNode(
            index=k,
            name=n.name,
            op_type=n.op_type,
            domain=n.domain,
            inputs=tuple(n.input),
            outputs=tuple(n.output),
            metadata=tuple((p.key, p.value) for p in n.metadata_props)
            if len(n.metadata_props)
            else (),
            proto=n,
        )
        for k, n in enumerate(graph.node)
    ]
    if not raw and not inputs:
        raise _fail(source, "the ONNX graph is empty (no operators and no inputs)")
    ordered = _topological(raw, set(inputs) | set(initializers), source)
    if all(n.index == k for k, n in enumerate(ordered)):
        nodes = tuple(ordered)  # the file's order is topological, as ONNX requires
    else:
        nodes = tuple(
            OpNode(k, n.name, n.op_type, n.domain, n.inputs, n.outputs, n.metadata, n.proto)
            for k, n in enumerate(ordered)
        )
    produced = {o for n in nodes for o in n.outputs} | set(inputs) | set(initializers)
    for out in graph.output:
        if out.name not in produced:
            raise _fail(source, f"graph output {out.name!r} is produced by no node")
    name = (
        graph.name if graph.name not in ("", "main_graph", "torch_jit", "torch-jit-export") else ""
    )
    return OnnxFile(
        model=model,
        nodes=nodes,
        inputs=inputs,
        outputs=tuple(o.name for o in graph.output),
        initializers=initializers,
        name=name or fallback_name,
    )
