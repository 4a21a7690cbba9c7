"""What the tracer reads off live tensors and modules: tensors inside any value, shapes
without the batch axis, parameter counts, the config worth showing, and input names.

Split from :mod:`.trace` (the recorder) so each stays small; torch is imported inside
functions only.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import TYPE_CHECKING, Any

from .kinds import MODULE_CONFIG_ATTRS, data_format, safe_config_value

if TYPE_CHECKING:
    from ...ir.graph import Shape

__all__ = ["config_of", "flatten_tensors", "input_names", "params_of", "shape_of"]

_MAX_FLATTEN_DEPTH = 6


def flatten_tensors(value: Any, depth: int = 0) -> list[Any]:
    """Tensors inside ``value`` (tuples, lists, dicts, HF ``ModelOutput``, dataclasses), in
    order; anything else is ignored."""
    import torch

    if isinstance(value, torch.Tensor):
        return [value]
    if depth > _MAX_FLATTEN_DEPTH or value is None or isinstance(value, str | bytes):
        return []
    if isinstance(value, dict):
        return [t for v in value.values() for t in flatten_tensors(v, depth + 1)]
    if isinstance(value, list | tuple):
        return [t for v in value for t in flatten_tensors(v, depth + 1)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [
            t
            for f in dataclasses.fields(value)
            for t in flatten_tensors(getattr(value, f.name, None), depth + 1)
        ]
    return []


def shape_of(tensor: Any) -> Shape:
    """The shape without its batch axis (a scalar stays ``()``)."""
    dims = tuple(int(d) for d in tensor.shape)
    return dims[1:] if dims else ()


def params_of(module: Any) -> tuple[int, int]:
    """(trainable, frozen) parameter counts; ``numel`` works on meta tensors too."""
    trainable = frozen = 0
    for p in module.parameters():
        if p.requires_grad:
            trainable += p.numel()
        else:
            frozen += p.numel()
    return trainable, frozen


def config_of(module: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    layout = data_format(type(module).__name__, type(module).__module__)
    if layout is not None:
        out["data_format"] = layout
    for attr in MODULE_CONFIG_ATTRS:
        if attr in vars(module) or attr in type(module).__dict__:
            value = safe_config_value(getattr(module, attr, None))
            if value is not None:
                out[attr] = value
    return out


def _param_names(fn: Any) -> list[str]:
    try:
        return [
            p.name
            for p in inspect.signature(fn).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
        ]
    except (TypeError, ValueError):
        return []


def input_names(fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[str]:
    """One name per tensor in ``(args, kwargs)``: the forward parameter it was passed as."""
    params = _param_names(fn)
    names: list[str] = []
    for i, arg in enumerate(args):
        base = params[i] if i < len(params) else f"input_{i}"
        count = len(flatten_tensors(arg))
        names.extend(base if count == 1 else f"{base}_{k}" for k in range(count))
    for key, value in kwargs.items():
        count = len(flatten_tensors(value))
        names.extend(key if count == 1 else f"{key}_{k}" for k in range(count))
    return names
