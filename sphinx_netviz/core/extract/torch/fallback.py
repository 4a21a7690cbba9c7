"""One module at a time on the CPU when it cannot run on the meta device.

A meta trace used to be all or nothing: one submodule that reads a tensor's value
(``int(mask.sum())``), or an op without a meta kernel, sent the whole model back to the
factory for a CPU build, which for a large model is the memory the meta device was there to
save. While a meta trace runs, every module below the root has its ``forward`` wrapped (the
way ``accelerate`` hooks modules): when it raises, whatever it recorded is rolled back, and it
runs once more *on the CPU*, traced as usual, with stand-in weights (small random parameters,
zero buffers) and zero inputs of the shapes it was given. Its outputs go back into the meta
trace as fake tensors of the shapes the CPU run produced, and a note names the module.

If the CPU run fails too, the module's parent tries the same, and so on up to the root, whose
failure is the model's (the caller then retries the whole model on the CPU, as before).
A module that already runs on the CPU is never wrapped: there a failure is real.

Torch is imported inside functions only.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .device import tensor_slots

if TYPE_CHECKING:
    from .trace import Recorder

__all__ = ["ModuleFallback", "map_tensors"]


def map_tensors(value: Any, fn: Callable[[Any], Any], depth: int = 0) -> Any:
    """``value`` with every tensor replaced by ``fn(tensor)``: tuples, lists, dicts (HF's
    ``ModelOutput`` included) and dataclasses are rebuilt; anything else is kept."""
    import torch

    if isinstance(value, torch.Tensor):
        return fn(value)
    if depth > 6 or value is None or isinstance(value, str | bytes | int | float | bool):
        return value
    if isinstance(value, dict):
        items = {k: map_tensors(v, fn, depth + 1) for k, v in value.items()}
        try:
            return type(value)(**items) if type(value) is not dict else items
        except TypeError:
            return items
    if isinstance(value, list | tuple):
        mapped = [map_tensors(v, fn, depth + 1) for v in value]
        if hasattr(value, "_fields"):  # a named tuple
            return type(value)(*mapped)
        return type(value)(mapped)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: map_tensors(getattr(value, f.name, None), fn, depth + 1)
            for f in dataclasses.fields(value)
            if f.init
        }
        try:
            return dataclasses.replace(value, **changes)
        except (TypeError, ValueError):
            return value
    return value


@contextmanager
def _cpu_weights(module: Any) -> Iterator[None]:
    """Within the block, the meta parameters and buffers of ``module`` are CPU stand-ins
    (parameters ~ N(0, 0.02), buffers zeros); afterwards the meta ones are back."""
    import torch

    swapped: list[tuple[Any, str, str, Any]] = []
    copies: dict[int, Any] = {}
    for owner, kind, name, tensor in list(tensor_slots(module)):
        if tensor.device.type != "meta":
            continue
        stand_in = copies.get(id(tensor))
        if stand_in is None:
            if kind == "param" and tensor.dtype.is_floating_point:
                data = torch.randn(tensor.shape, dtype=tensor.dtype) * 0.02
            else:
                data = torch.zeros(tensor.shape, dtype=tensor.dtype)
            if kind == "param":
                data = torch.nn.Parameter(data, requires_grad=tensor.requires_grad)
            copies[id(tensor)] = stand_in = data
        table = owner._parameters if kind == "param" else owner._buffers
        table[name] = stand_in
        swapped.append((owner, kind, name, tensor))
    try:
        yield
    finally:
        for owner, kind, name, tensor in swapped:
            table = owner._parameters if kind == "param" else owner._buffers
            table[name] = tensor


@dataclass
class _Mark:
    calls: int
    edges: int


@dataclass
class ModuleFallback:
    """Wraps the forwards of ``root``'s submodules for one meta trace (:meth:`installed`)."""

    recorder: Recorder
    root: Any
    #: One line for an exception (the extractor's own wording of meta failures).
    describe: Callable[[BaseException], str] = str
    notes: list[str] = field(default_factory=list)
    on_cpu: int = 0

    @contextmanager
    def installed(self) -> Iterator[None]:
        patched = []
        for module in self.recorder.iter_modules():
            if module is self.root or "forward" in vars(module):
                continue  # the root's failure is the model's; a patched forward is the user's
            module.forward = self._wrap(module, module.forward)
            patched.append(module)
        try:
            yield
        finally:
            for module in patched:
                del module.forward

    def _wrap(self, module: Any, original: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original)
        def forward(*args: Any, **kwargs: Any) -> Any:
            if self.on_cpu:
                return original(*args, **kwargs)
            mark = _Mark(len(self.recorder.calls), len(self.recorder.edges))
            try:
                return original(*args, **kwargs)
            except Exception as exc:
                self._rollback(mark)
                try:
                    out = self._on_cpu(original, module, args, kwargs)
                except Exception:
                    self._rollback(mark)
                    raise exc from None
                self._note(module, exc)
                return out

        return forward

    def _rollback(self, mark: _Mark) -> None:
        """Forget what the failed attempt recorded (ids and call counts included, so the
        retry gets the same ids)."""
        rec = self.recorder
        for call in rec.calls[mark.calls :]:
            rec.used.discard(call.id)
            if call.key is not None:
                rec.counts[call.key] -= 1
        del rec.calls[mark.calls :]
        del rec.edges[mark.edges :]

    def _on_cpu(self, original: Callable[..., Any], module: Any, args: Any, kwargs: Any) -> Any:
        import torch
        from torch._subclasses.fake_tensor import unset_fake_temporarily

        scope = self.recorder.scopes[-1]
        keep = self.recorder.keep

        def to_cpu(t: Any) -> Any:
            cpu = torch.zeros(t.shape, dtype=t.dtype)
            if id(t) in scope.producers:
                scope.producers[id(cpu)] = scope.producers[id(t)]
            keep.append(cpu)
            return cpu

        with unset_fake_temporarily():
            cpu_args, cpu_kwargs = map_tensors((args, kwargs), to_cpu)
            self.on_cpu += 1
            try:
                with _cpu_weights(module), torch.no_grad():
                    out = original(*cpu_args, **cpu_kwargs)
            finally:
                self.on_cpu -= 1

        def to_meta(t: Any) -> Any:
            fake = torch.empty(t.shape, dtype=t.dtype, device="meta")
            if id(t) in scope.producers:
                scope.producers[id(fake)] = scope.producers[id(t)]
            keep.append(fake)
            return fake

        return map_tensors(out, to_meta)

    def _note(self, module: Any, exc: Exception) -> None:
        name = self.recorder.names.get(id(module)) or type(module).__name__
        self.notes.append(
            f"{name} ({type(module).__name__}) cannot run on the meta device "
            f"({self.describe(exc)}); traced on the CPU with stand-in weights"
        )
