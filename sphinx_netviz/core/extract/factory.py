"""From a parsed spec to a Graph, inside the worker: import, call, walk, with clear errors.

Every failure a user can cause becomes an :class:`ExtractionError` whose one-line message
quotes the spec and says what went wrong (missing module, missing attribute, the factory's
own exception with the last frame of its traceback, a wrong return type...).
"""

from __future__ import annotations

import importlib
import inspect
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..ir.errors import ExtractionError
from .base import (
    EXTRACTORS,
    Extractor,
    ExtractRequest,
    find_extractor,
    input_shapes_of,
    split_model,
)

if TYPE_CHECKING:
    from ..ir.graph import Graph
    from ..ir.spec import ModelSpec

__all__ = ["extract_spec", "resolve_factory"]


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _fail(spec: ModelSpec, why: str) -> ExtractionError:
    return ExtractionError(f"model spec {spec.text!r}: {_one_line(why, 600)}")


def _last_frame(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f" (at {Path(last.filename).name}:{last.lineno} in {last.name})"


def _describe(exc: BaseException) -> str:
    message = _one_line(str(exc), 240)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def resolve_factory(spec: ModelSpec) -> Any:
    """Import the module and follow the attribute path; return the object named."""
    assert spec.module is not None and spec.attr is not None
    try:
        module = importlib.import_module(spec.module)
    except ModuleNotFoundError as exc:
        if exc.name and (spec.module == exc.name or spec.module.startswith(exc.name + ".")):
            raise _fail(spec, f"no module named {exc.name!r} (is it on sys.path?)") from None
        raise _fail(
            spec, f"importing {spec.module!r} failed: {_describe(exc)}{_last_frame(exc)}"
        ) from None
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise _fail(
            spec, f"importing {spec.module!r} failed: {_describe(exc)}{_last_frame(exc)}"
        ) from None
    obj: Any = module
    walked = spec.module
    for part in spec.attr.split("."):
        if not hasattr(obj, part):
            raise _fail(spec, f"{walked!r} has no attribute {part!r}")
        obj = getattr(obj, part)
        walked = f"{walked}.{part}" if walked != spec.module else f"{walked}:{part}"
    return obj


def _uses_torch(spec: ModelSpec) -> bool:
    """True when torch is loaded and the factory cannot be a Keras-on-torch one.

    Only then is the factory called under the meta device: a Keras factory on the torch
    backend must build real variables (on other backends the meta device cannot reach it).
    """
    if "torch" not in sys.modules or spec.module is None:
        return False
    if "keras" not in sys.modules:
        return True
    import keras

    if keras.backend.backend() != "torch":
        return True
    module = sys.modules.get(spec.module)
    for value in vars(module).values() if module is not None else ():
        name = getattr(value, "__name__", "") if inspect.ismodule(value) else ""
        owner = name or str(getattr(value, "__module__", "") or "")
        if owner.split(".")[0] in {"keras", "tf_keras", "tensorflow", "keras_hub"}:
            return False
    return True


def _call_factory(spec: ModelSpec, factory: Any, *, device: str | None = None) -> Any:
    if not callable(factory) or (_is_model(factory) and not spec.called):
        if _is_model(factory):
            return factory
        raise _fail(
            spec, f"{spec.target!r} is of type {type(factory).__name__}, not a model or a factory"
        )
    kwargs = dict(spec.kwargs)
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):
        signature = None
    if signature is not None:
        try:
            signature.bind(*spec.args, **kwargs)
        except TypeError as exc:
            hint = "" if spec.called else " (write the arguments in the spec, e.g. f(depth=18))"
            raise _fail(spec, f"cannot call {spec.target!r}: {exc}{hint}") from None
    try:
        if device is None:
            return factory(*spec.args, **kwargs)
        import torch

        with torch.device(device):
            return factory(*spec.args, **kwargs)
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise _fail(spec, f"the factory raised {_describe(exc)}{_last_frame(exc)}") from None


def _is_model(obj: Any) -> bool:
    """A model object (any registered route takes it), as opposed to a factory."""
    if "keras" in sys.modules:
        import keras

        if isinstance(obj, keras.Model):
            return True
    if type(obj).__name__ in _MODEL_CLASSES and type(obj).__module__.startswith(
        ("onnx", "torch.onnx")
    ):
        return True
    return any(getattr(c, "__module__", "") == "torch.nn.modules.module" for c in type(obj).__mro__)


#: Model objects of the ONNX route, by class name (``onnx.ModelProto``, ``ONNXProgram``).
_MODEL_CLASSES = frozenset({"ModelProto", "ONNXProgram"})
#: Routes that take live objects only (the saved-file routes are found by path).
_LIVE = ("keras.model:EXTRACTOR", "torch.module:EXTRACTOR")


def extract_spec(
    spec: ModelSpec,
    input_shape: Sequence[Any] | None = None,
    *,
    input_dtype: str | None = None,
) -> Graph:
    """Build the model a spec names and walk it (factories) or read its config (files).

    ``input_shape`` is one shape, or one shape per input (``input-shape: 3,32,32;10``).
    Torch factories are called under the meta device; when the forward pass cannot run
    there, the factory is called once more on the CPU and ``graph.meta`` says so.
    """
    if spec.kind == "file":
        assert spec.path is not None
        if spec.path.suffix.lower() == ".pt2":
            from .torch.export import extract_program

            program_graph: Graph = extract_program(spec)
            return program_graph
        reader = find_extractor(spec.path, [r for r in EXTRACTORS if not r.endswith(_LIVE)])
        if reader is not None and reader.name in ("onnx", "hf"):
            request = ExtractRequest(
                source=spec.text, input_shapes=input_shapes_of(input_shape), input_dtype=input_dtype
            )
            return reader.extract(spec.path, request)
        from .keras.saved import extract_file

        graph: Graph = extract_file(spec)
        return graph
    if spec.kind != "factory":
        raise _fail(spec, f"a {spec.kind!r} spec is not extracted by the worker")
    if "keras" in sys.modules:
        import keras

        # Fresh auto-names ("dense", not "dense_7") so ids do not depend on what this worker
        # built before: same spec, same IR, whatever the request order.
        keras.backend.clear_session()
    factory = resolve_factory(spec)
    notes: list[str] = []
    try:
        built = _call_factory(spec, factory, device="meta" if _uses_torch(spec) else None)
    except ExtractionError as exc:
        if not _uses_torch(spec):
            raise
        # Code that reads a tensor's value while building (``int(torch.tensor(3))``) cannot
        # run on the meta device: build once on the CPU (a second failure is the real one).
        built = _call_factory(spec, factory, device="cpu")
        notes.append(f"the factory cannot run on the meta device ({exc}); built on the CPU")
    model, example_inputs, dynamic_shapes = split_model(built, _is_model)
    extractor = _route(spec, model)
    shapes = input_shapes_of(input_shape)
    request = ExtractRequest(
        source=spec.text,
        input_shapes=shapes,
        input_dtype=input_dtype,
        example_inputs=example_inputs,
        dynamic_shapes=dynamic_shapes,
    )
    try:
        graph = extractor.extract(model, request)
        if notes:
            graph.meta.setdefault("notes", []).extend(notes)
        return graph
    except ExtractionError as exc:
        if not getattr(exc, "retry_on_cpu", False):
            raise
        first = str(getattr(exc, "cause", exc))
    # Once more on the CPU: same factory, no meta device, small example inputs.
    del model, example_inputs
    model, example_inputs, dynamic_shapes = split_model(
        _call_factory(spec, factory, device="cpu"), _is_model
    )
    request = ExtractRequest(
        source=spec.text, input_shapes=shapes, input_dtype=input_dtype,
        example_inputs=example_inputs, dynamic_shapes=dynamic_shapes,
    )  # fmt: skip
    try:
        graph = extractor.extract(model, request)
    except ExtractionError as exc:
        cpu = str(getattr(exc, "cause", None) or str(exc).split(": ", 1)[-1])
        raise _fail(
            spec, f"the forward pass failed on the meta device ({first}) and on the CPU ({cpu})"
        ) from None
    graph.meta["device"] = "cpu"
    graph.meta.setdefault("notes", []).append(
        f"the forward pass cannot run on the meta device ({first}); traced on the CPU"
    )
    return graph


def _route(spec: ModelSpec, model: Any) -> Extractor:
    """The registered extractor for ``model``, or an error saying what was returned."""
    what = f"{type(model).__module__}.{type(model).__qualname__}"
    if "keras" in sys.modules:
        import keras

        if isinstance(model, keras.layers.Layer) and not isinstance(model, keras.Model):
            raise _fail(spec, f"the factory returned a layer ({what}), not a keras.Model")
        if isinstance(model, keras.Model):
            from .keras import model as keras3

            keras_route: Extractor = getattr(keras3, "EXTRACTOR", None) or _KerasRoute()
            return keras_route
    routes = [r for r in EXTRACTORS if not r.startswith(f"{__package__}.keras3:")]
    extractor = find_extractor(model, routes)
    if extractor is None:
        raise _fail(
            spec,
            f"the factory returned {what}, not a keras.Model, torch.nn.Module or onnx.ModelProto",
        )
    return extractor


class _KerasRoute:
    """The Keras walker behind the protocol until ``keras3`` exports its own ``EXTRACTOR``."""

    name: str = "keras"
    distributions: tuple[str, ...] = ("keras",)
    extra: str = "tensorflow"

    def accepts(self, obj: object) -> bool:
        return True

    def version(self) -> str:
        return "keras"

    def extract(self, obj: Any, request: ExtractRequest) -> Graph:
        from .keras.model import extract_model

        shape = request.input_shapes[0] if request.input_shapes else None
        try:
            return extract_model(obj, input_shape=shape, source=request.source)
        except ExtractionError:
            raise
        except Exception as exc:
            raise ExtractionError(
                f"model spec {request.source!r}: walking the model failed: "
                f"{_describe(exc)}{_last_frame(exc)}"
            ) from None
