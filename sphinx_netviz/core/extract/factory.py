"""From a parsed spec to a Graph, inside the worker: import, call, walk, with clear errors.

Every failure a user can cause becomes an :class:`ExtractionError` whose one-line message
quotes the spec and says what went wrong (missing module, missing attribute, the factory's
own exception with the last frame of its traceback, a wrong return type...).
"""

from __future__ import annotations

import importlib
import inspect
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ExtractionError

if TYPE_CHECKING:
    from ..graph import Graph
    from ..spec import ModelSpec

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


def _call_factory(spec: ModelSpec, factory: Any) -> Any:
    import keras

    if isinstance(factory, keras.Model) and not spec.called:
        return factory
    if not callable(factory):
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
        return factory(*spec.args, **kwargs)
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise _fail(spec, f"the factory raised {_describe(exc)}{_last_frame(exc)}") from None


def extract_spec(spec: ModelSpec, input_shape: Sequence[int | None] | None = None) -> Graph:
    """Build the model a spec names and walk it (factories) or read its config (files)."""
    if spec.kind == "file":
        from .config import extract_file

        graph: Graph = extract_file(spec)
        return graph
    if spec.kind != "factory":
        raise _fail(spec, f"a {spec.kind!r} spec is not extracted by the worker")
    import keras

    from .keras3 import extract_model

    # Fresh auto-names ("dense", not "dense_7") so ids do not depend on what this worker
    # built before: same spec, same IR, whatever the request order.
    keras.backend.clear_session()
    factory = resolve_factory(spec)
    model = _call_factory(spec, factory)
    if not isinstance(model, keras.Model):
        what = f"{type(model).__module__}.{type(model).__qualname__}"
        if isinstance(model, keras.layers.Layer):
            raise _fail(spec, f"the factory returned a layer ({what}), not a keras.Model")
        raise _fail(spec, f"the factory returned {what}, not a keras.Model")
    try:
        graph = extract_model(model, input_shape=input_shape, source=spec.text)
    except ExtractionError:
        raise
    except Exception as exc:
        raise _fail(spec, f"walking the model failed: {_describe(exc)}{_last_frame(exc)}") from None
    return graph
