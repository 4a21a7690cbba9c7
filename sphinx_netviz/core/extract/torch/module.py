"""The PyTorch route: a live ``torch.nn.Module`` -> :class:`~sphinx_netviz.core.ir.graph.Graph`.

The factory is called with the meta device as default device (by ``factory.py``), so a
7-billion-parameter model costs no memory; one forward pass on meta tensors is then recorded
by :class:`~.trace.Recorder`. Example inputs come from the factory (``(module,
example_inputs)``) or from the ``input-shape``/``input-dtype`` options. When the forward pass
cannot run on meta (an op without a meta kernel, data-dependent control flow), the error says
so with ``retry_on_cpu`` and the caller rebuilds the model on the CPU once.

Torch is imported inside functions only: ``accepts`` decides from the object's MRO by name.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

from ...ir.errors import ExtractionError
from .axes import name_axes
from .device import fake_tensors, strays_on, trace_device
from .fallback import ModuleFallback
from .trace import Recorder, flatten_tensors, input_names, is_leaf

if TYPE_CHECKING:
    from ...ir.graph import Graph, Shape
    from ..base import ExtractRequest

__all__ = [
    "EXTRACTOR",
    "MetaForwardError",
    "TorchModuleExtractor",
    "trace_module",
    "trace_wrapped",
]

#: Bumped when the IR this route writes changes for the same module (part of cache keys).
TORCH_EXTRACTOR_VERSION = "3"

#: What the fake-tensor trace's own exceptions mean, in the words a plain meta run used.
META_MESSAGES: dict[str, str] = {
    "DataDependentOutputException": "RuntimeError: Tensor.item() cannot be called on meta tensors",
    "DynamicOutputShapeException": (
        "RuntimeError: {op} has an output size that depends on values, which the meta device "
        "cannot compute"
    ),
}

#: Dtype names ``input-dtype`` accepts (validated by the options schema as well).
DTYPES: tuple[str, ...] = (
    "float32", "float16", "bfloat16", "float64", "int64", "int32", "int16", "int8", "uint8",
)  # fmt: skip


class MetaForwardError(ExtractionError):
    """The forward pass failed; on the meta device the caller may rebuild on the CPU.

    ``cause`` is the failure alone (``RuntimeError: ...``), for a message that reports both
    attempts in one line.
    """

    def __init__(self, message: str, cause: str, *, retry_on_cpu: bool) -> None:
        super().__init__(message)
        self.cause = cause
        self.retry_on_cpu = retry_on_cpu


def _one_line(exc: BaseException, limit: int = 240) -> str:
    if type(exc).__name__ in META_MESSAGES:
        return META_MESSAGES[type(exc).__name__].format(op=exc)
    text = " ".join(str(exc).split())
    text = text if len(text) <= limit else text[: limit - 3] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _is_module(obj: object) -> bool:
    return any(
        c.__module__ == "torch.nn.modules.module" and c.__name__ == "Module"
        for c in type(obj).__mro__
    )


def _make_inputs(request: ExtractRequest, device: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """(args, kwargs) for the forward pass, batch axis of 1 added to option shapes."""
    import torch

    label = request.source
    given = request.example_inputs
    if given is not None:
        if isinstance(given, dict):
            return (), {str(k): _on(v, device) for k, v in given.items()}
        if isinstance(given, torch.Tensor):
            return (_on(given, device),), {}
        if isinstance(given, list | tuple):
            return tuple(_on(v, device) for v in given), {}
        raise ExtractionError(
            f"model spec {label!r}: example_inputs returned by the factory is a "
            f"{type(given).__name__}; use a tensor, a tuple of tensors or a dict of keyword "
            "arguments"
        )
    if not request.input_shapes:
        raise ExtractionError(
            f"model spec {label!r}: a torch.nn.Module needs example inputs: give the option "
            "input-shape (no batch axis; several inputs separated by ';'), with input-dtype: "
            "int64 for token ids, or return (model, example_inputs) from the factory"
        )
    name = request.input_dtype or "float32"
    dtype = getattr(torch, name, None)
    if name not in DTYPES or not isinstance(dtype, torch.dtype):
        raise ExtractionError(
            f"model spec {label!r}: input-dtype {name!r} is not one of {', '.join(DTYPES)}"
        )
    args = []
    for shape in request.input_shapes:
        if any(d is None for d in shape):
            raise ExtractionError(
                f"model spec {label!r}: input-shape {_text(shape)} has an unknown dimension; "
                "a torch module needs concrete sizes"
            )
        size = (1, *(int(d) for d in shape if d is not None))
        if dtype.is_floating_point:
            args.append(torch.randn(size, dtype=dtype, device=device))
        else:
            args.append(torch.zeros(size, dtype=dtype, device=device))
    return tuple(args), {}


def _text(shape: Shape) -> str:
    return ",".join("None" if d is None else str(d) for d in shape)


def _on(value: Any, device: Any) -> Any:
    """``value`` with its tensors on ``device`` (meta inputs for a CPU rebuild become zeros
    of the same shape and dtype: a meta tensor holds no values to copy)."""
    import torch

    if isinstance(value, torch.Tensor):
        if value.device == device:
            return value
        if value.device.type == "meta":
            return torch.zeros(value.shape, dtype=value.dtype, device=device)
        return value.to(device)
    if isinstance(value, list | tuple):
        return type(value)(_on(v, device) for v in value)
    if isinstance(value, dict):
        return {k: _on(v, device) for k, v in value.items()}
    return value


def _dtype_hint(cause: str, request: ExtractRequest) -> str:
    words = ("Long", "Int", "scalar type", "dtype", "indices")
    if request.example_inputs is None and any(w in cause for w in words):
        given = request.input_dtype or "float32"
        return (
            f" (the inputs were {given}; token ids need input-dtype: int64, float inputs "
            "input-dtype: float32)"
        )
    return ""


def trace_module(
    module: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    *,
    prefix: str = "",
    parent: str | None = None,
    fake: bool = False,
) -> tuple[Recorder, Any]:
    """Run ``module(*args, **kwargs)`` once under hooks and the function mode.

    Returns the recorder (nodes, edges, inputs, outputs) and the module's output. With
    ``parent`` set, every top-level node of the trace carries it (a module traced inside
    another framework's node, e.g. Keras's ``TorchModuleWrapper``). With ``fake`` (the meta
    trace) the pass runs on fake tensors (:func:`~.device.fake_tensors`).
    """
    with fake_tensors(fake) as convert:
        return _trace(module, convert(args), convert(kwargs), prefix, parent, fake)


def _trace(
    module: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    prefix: str,
    parent: str | None,
    fake: bool,
) -> tuple[Recorder, Any]:
    import torch
    from torch.overrides import TorchFunctionMode

    recorder = Recorder(module, prefix=prefix, parent=parent)
    names = input_names(module.forward, args, kwargs)
    recorder.add_inputs(names, flatten_tensors((args, kwargs)))

    class _Ops(TorchFunctionMode):
        def __torch_function__(
            self, func: Any, types: Any, f_args: Any = (), f_kwargs: Any = None
        ) -> Any:
            f_kwargs = f_kwargs or {}
            out = func(*f_args, **f_kwargs)
            recorder.record_op(func, f_args, f_kwargs, out)
            return out

    handles = []
    hooked = [m for m in recorder.iter_modules() if m is not module or is_leaf(module)]
    try:
        for m in hooked:
            handles.append(m.register_forward_pre_hook(recorder.pre_hook, with_kwargs=True))
            handles.append(
                m.register_forward_hook(recorder.post_hook, with_kwargs=True, always_call=True)
            )
        training = module.training
        module.eval()
        fallback = ModuleFallback(recorder, module, _one_line)
        try:
            with torch.no_grad(), _Ops(), fallback.installed() if fake else nullcontext():
                output = module(*args, **kwargs)
        finally:
            module.train(training)
        recorder.notes.extend(fallback.notes)
    finally:
        for handle in handles:
            handle.remove()
    recorder.set_outputs(flatten_tensors(output))
    return recorder, output


def trace_wrapped(module: Any, shapes: list[Any], node_id: str, path: tuple[str, ...]) -> Graph:
    """The internals of a torch module wrapped in a Keras layer (``TorchModuleWrapper``).

    Keras's walker calls this with the wrapper's node id and its input shapes (batch axis
    included, possibly ``None``); the module runs once on zeros of those shapes (batch 1) on
    its own device. Every node of the result has the wrapper's node as ``parent`` (or a
    composite inside it); ids are prefixed with ``node_id + "/"``.
    """
    import torch

    device = trace_device(module)
    args = tuple(
        torch.zeros(tuple(1 if d is None else int(d) for d in shape), device=device)
        for shape in shapes
    )
    meta = device.type == "meta"
    with strays_on(module, device):
        recorder, _ = trace_module(
            module, args, {}, prefix=f"{node_id}/", parent=node_id, fake=meta
        )
    graph = recorder.graph(type(module).__name__, {})
    nodes = tuple(dataclasses.replace(n, path=(*path, *n.path)) for n in graph.nodes)
    return dataclasses.replace(graph, nodes=nodes)


class TorchModuleExtractor:
    """The :class:`~.base.Extractor` for live ``torch.nn.Module`` objects."""

    name: str = "torch"
    distributions: tuple[str, ...] = ("torch",)
    extra: str = "torch"
    #: Return annotations that mark a documented function as a model factory (autodoc).
    return_types: tuple[str, ...] = ("torch.nn.Module", "torch.nn.modules.module.Module")

    def accepts(self, obj: object) -> bool:
        return _is_module(obj)

    def version(self) -> str:
        try:
            torch_version = importlib.metadata.version("torch")
        except importlib.metadata.PackageNotFoundError:
            torch_version = "missing"
        return f"torch-route {TORCH_EXTRACTOR_VERSION}; torch {torch_version}"

    def extract(self, obj: Any, request: ExtractRequest) -> Graph:
        device = trace_device(obj)
        with strays_on(obj, device):
            return self._extract(obj, request, device)

    def _extract(self, obj: Any, request: ExtractRequest, device: Any) -> Graph:
        import torch

        label = request.source
        on_meta = device.type == "meta"
        args, kwargs = _make_inputs(request, device)
        try:
            recorder, output = trace_module(obj, args, kwargs, fake=on_meta)
        except ExtractionError:
            raise
        except Exception as exc:
            cause = _one_line(exc)
            hint = _dtype_hint(cause, request)
            where = "on the meta device" if device.type == "meta" else f"on {device.type}"
            message = f"model spec {label!r}: the forward pass failed {where}: {cause}{hint}"
            retry = device.type == "meta" and not hint
            raise MetaForwardError(message, cause, retry_on_cpu=retry) from None
        if not flatten_tensors(output):
            raise ExtractionError(
                f"model spec {label!r}: the module returned {type(output).__name__}, with no "
                "tensor in it; netviz draws the tensors a forward pass returns"
            )
        meta: dict[str, Any] = {
            "framework": "torch",
            "torch_version": torch.__version__.split("+")[0],
            "class": type(obj).__name__,
            "device": device.type,
            "extractor": self.name,
            # Shapes are C, H, W: the view sizes glyphs channels-last like Net2Vis.
            "layout": "channels_first",
        }
        if recorder.notes:
            meta["notes"] = list(recorder.notes)
        graph = recorder.graph(type(obj).__name__, meta)
        if request.dynamic_shapes is None:
            return graph

        def again(a: tuple[Any, ...], k: dict[str, Any]) -> Graph:
            other, _ = trace_module(obj, a, k, fake=on_meta)
            return other.graph(type(obj).__name__, {})

        return name_axes(graph, request.dynamic_shapes, obj.forward, args, kwargs, again)


EXTRACTOR = TorchModuleExtractor()
