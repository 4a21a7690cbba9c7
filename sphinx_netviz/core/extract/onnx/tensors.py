"""Tensor shapes of an ONNX graph: from the file's ``value_info``, else by shape inference.

ONNX writes an unknown size as a named symbol (``dim_param: "sequence"``). The IR keeps
such an axis unknown (``None``, as Keras records an unknown length) and the graph's
``dim_names`` says what the file calls it, so the diagram writes ``sequence x 768`` where
Keras would write ``seq x 768``. The first axis is the batch axis and is dropped, as every
route does. Names the ``dim-names`` option would refuse (``unk__3``, ``2*sequence``,
``s0 + 1``) are left for the diagram's own default name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...ir import dims

if TYPE_CHECKING:
    from ...ir.graph import Shape
    from .read import OnnxFile

__all__ = ["Dim", "TensorInfo", "axis_names", "tensor_infos"]

#: One axis as the file gives it: a size, a symbol's name, or unknown.
Dim = int | str | None

#: ONNX element type names that read differently elsewhere in netviz.
_DTYPES = {"float": "float32", "double": "float64", "bool": "bool"}


@dataclass(frozen=True, slots=True)
class TensorInfo:
    """What is known of one tensor: its axes (batch axis included) and element type."""

    dims: tuple[Dim, ...] | None
    dtype: str | None = None
    #: The IR shape: batch axis dropped, symbols unknown; ``None`` for an unknown rank.
    shape: Shape | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if self.dims is not None:
            shape = tuple(d if isinstance(d, int) else None for d in self.dims[1:])
            object.__setattr__(self, "shape", shape)

    @property
    def rank(self) -> int | None:
        return None if self.dims is None else len(self.dims)


def _info(type_proto: Any, onnx: Any) -> TensorInfo | None:
    if not type_proto.HasField("tensor_type"):
        return None
    tensor = type_proto.tensor_type
    dtype = None
    if tensor.elem_type:
        name = str(onnx.TensorProto.DataType.Name(tensor.elem_type)).lower()
        dtype = _DTYPES.get(name, name)
    if not tensor.HasField("shape"):
        return TensorInfo(None, dtype)
    out: list[Dim] = []
    for d in tensor.shape.dim:
        if d.HasField("dim_value") and d.dim_value > 0:
            out.append(int(d.dim_value))
        elif d.HasField("dim_param") and d.dim_param:
            out.append(str(d.dim_param))
        else:
            out.append(None)
    return TensorInfo(tuple(out), dtype)


def _collect(graph: Any, onnx: Any) -> dict[str, TensorInfo]:
    found: dict[str, TensorInfo] = {}
    for value in (*graph.input, *graph.value_info, *graph.output):
        info = _info(value.type, onnx)
        if info is not None and value.name not in found:
            found[value.name] = info
    return found


def tensor_infos(file: OnnxFile) -> tuple[dict[str, TensorInfo], list[str]]:
    """Every tensor's info, and notes for the reader when shapes had to be left unknown.

    The file's own ``value_info`` is used when it covers every operator output (exporters
    such as ``torch.onnx.export`` write it); otherwise ONNX's shape inference fills it in, on
    the graph alone (the weights, never loaded, are not needed for it).
    """
    import onnx

    model = file.model
    found = _collect(model.graph, onnx)
    for name, tensor in file.initializers.items():
        dtype = str(onnx.TensorProto.DataType.Name(tensor.data_type)).lower()
        found.setdefault(name, TensorInfo(tuple(int(d) for d in tensor.dims), dtype))
    notes: list[str] = []
    missing = any(out and out not in found for n in file.nodes for out in n.outputs)
    if missing:
        try:
            inferred = onnx.shape_inference.infer_shapes(
                model, check_type=False, strict_mode=False, data_prop=True
            )
        except Exception as exc:  # any failure: draw with the shapes the file has
            first = " ".join(str(exc).split())[:160]
            notes.append(f"ONNX shape inference failed ({type(exc).__name__}: {first})")
        else:
            for name, info in _collect(inferred.graph, onnx).items():
                found.setdefault(name, info)
        unknown = sum(1 for n in file.nodes for out in n.outputs if out and out not in found)
        if unknown:
            notes.append(f"{unknown} tensor shapes are unknown (drawn without sizes)")
    return found, notes


def axis_names(infos: Iterable[TensorInfo]) -> tuple[tuple[str, str], ...]:
    """``(default name, symbol)`` pairs for the graph's ``dim_names``: each symbol the
    diagram would always call by one default name (``seq``, ``h``), when no other symbol
    claims that default. The batch axis is never drawn, so never named."""
    defaults: dict[str, set[str]] = {}
    for info in infos:
        shape = info.shape
        if info.dims is None or shape is None:
            continue
        for axis, d in enumerate(info.dims[1:]):
            if isinstance(d, str) and dims.AXIS_NAME.fullmatch(d):
                defaults.setdefault(d, set()).add(dims.axis_name(shape, axis))
    claimed: dict[str, list[str]] = {}
    for symbol, names in sorted(defaults.items()):
        if len(names) == 1:
            claimed.setdefault(next(iter(names)), []).append(symbol)
    return tuple(sorted((d, s[0]) for d, s in claimed.items() if len(s) == 1 and s[0] != d))
