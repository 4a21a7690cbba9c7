"""Where a module's forward pass is traced, and how it stays there.

A factory runs under ``torch.device("meta")``, so its parameters cost nothing. Two things
still pulled such a model off the meta device, and this module answers both:

- *Stray tensors.* A few constructors ignore the default device: Hugging Face's speech models
  (HuBERT, UniSpeech, Wav2Vec2-Conformer, ...) make ``masked_spec_embed`` with the legacy
  ``torch.Tensor(n)``, which always allocates on the CPU. The trace device is therefore meta
  as soon as *any* parameter or buffer is on meta (:func:`trace_device`), and the strays are
  swapped for meta copies for the duration of the trace only (:func:`strays_on`): a live
  module the caller holds is given back as it came.
- *Questions about values.* Libraries ask a tensor for its values to take a shortcut:
  Hugging Face skips building the attention mask when ``attention_mask.all()`` is true, which
  on a meta tensor is ``Tensor.item()`` on no data, so any model given an ``attention_mask``
  fell back to the CPU. Those libraries already avoid such questions while a graph is traced
  (``torch.export``, ``torch.fx``), and they recognise a trace by its fake tensors. The meta
  trace therefore runs under a :class:`~torch._subclasses.fake_tensor.FakeTensorMode`
  (:func:`fake_tensors`): the same meta kernels, no allocation, and the library draws the
  general path (the mask built and passed to every layer). A question that is still asked
  (``if x.sum() > 0``) fails as before, and the caller retries on the CPU.

Torch is imported inside functions only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["fake_tensors", "strays_on", "tensor_slots", "trace_device"]


def trace_device(module: Any) -> Any:
    """The device to trace ``module`` on: meta when any of its tensors is on meta, else the
    device of its first parameter (or buffer), else the CPU."""
    import torch

    first = None
    for tensor in (*module.parameters(), *module.buffers()):
        if tensor.device.type == "meta":
            return tensor.device
        first = first or tensor.device
    return first or torch.device("cpu")


def tensor_slots(module: Any) -> Iterator[tuple[Any, str, str, Any]]:
    """(owner module, kind, name, tensor) of every parameter and buffer, each once."""
    seen: set[int] = set()
    for owner in module.modules():
        for kind, table in (("param", owner._parameters), ("buffer", owner._buffers)):
            for name, tensor in table.items():
                if tensor is not None and id(tensor) not in seen:
                    seen.add(id(tensor))
                    yield owner, kind, name, tensor


@contextmanager
def strays_on(module: Any, device: Any) -> Iterator[list[str]]:
    """Within the block, every parameter and buffer of ``module`` is on the meta ``device``
    (strays replaced by meta copies, shared tensors by one copy); afterwards the originals
    are back. Yields the qualified names of the strays. Does nothing off meta."""
    import torch

    moved: list[tuple[Any, str, str, Any]] = []
    names: list[str] = []
    if getattr(device, "type", None) == "meta":
        qual = {id(m): name for name, m in module.named_modules(remove_duplicate=False)}
        copies: dict[int, Any] = {}
        for owner, kind, name, tensor in list(tensor_slots(module)):
            if tensor.device.type == "meta":
                continue
            copy = copies.get(id(tensor))
            if copy is None:
                meta = torch.empty_like(tensor, device="meta")
                if kind == "param":
                    meta = torch.nn.Parameter(meta, requires_grad=tensor.requires_grad)
                copies[id(tensor)] = copy = meta
            table = owner._parameters if kind == "param" else owner._buffers
            table[name] = copy
            moved.append((owner, kind, name, tensor))
            prefix = qual.get(id(owner), "")
            names.append(f"{prefix}.{name}" if prefix else name)
    try:
        yield names
    finally:
        for owner, kind, name, tensor in moved:
            table = owner._parameters if kind == "param" else owner._buffers
            table[name] = tensor


@contextmanager
def fake_tensors(enabled: bool) -> Iterator[Callable[[Any], Any]]:
    """A fake-tensor mode around the block when ``enabled`` (the meta trace); yields the
    function that turns an input value (tensors inside tuples, lists and dicts) into fake
    tensors. Parameters stay real meta tensors: the mode converts them as ops meet them."""
    if not enabled:
        yield lambda value: value
        return
    import torch
    from torch._subclasses.fake_tensor import FakeTensorMode

    mode = FakeTensorMode(allow_non_fake_inputs=True)
    # A kernel that fails on fake tensors is logged at ERROR level with its traceback before
    # the exception propagates; the failure is ours to report (a note, or the CPU retry).
    quiet = logging.getLogger("torch._subclasses.fake_tensor")
    level = quiet.level

    def convert(value: Any) -> Any:
        if isinstance(value, torch.Tensor):
            return mode.from_tensor(value)
        if isinstance(value, list | tuple):
            return type(value)(convert(v) for v in value)
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        return value

    quiet.setLevel(logging.CRITICAL)
    try:
        with mode:
            yield convert
    finally:
        quiet.setLevel(level)
