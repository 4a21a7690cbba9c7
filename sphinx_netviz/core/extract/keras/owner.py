"""The Functional graph a live Keras model's calls live in (peers.md 3.2 steps 1 and 10a).

Sequential models delegate to their ``_functional``; subclassed ones are traced through
``model.call`` on ``keras.Input``. Keras is imported inside the functions only.
"""

from __future__ import annotations

import collections
import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

__all__ = ["is_instance", "names_kept", "owner_of", "trace_subclassed"]


def is_instance(obj: Any, dotted: str) -> bool:
    import keras

    cls: Any = keras
    for part in dotted.split("."):
        cls = getattr(cls, part, None)
        if cls is None:
            return False
    return isinstance(obj, cls)


def owner_of(model: Any, input_shape: Sequence[int | None] | None = None) -> Any:
    """The Functional graph that holds ``model``'s calls (peers.md 3.2 step 1).

    Sequential models delegate to their ``_functional``, built here from ``input_shape`` when
    the model was never built. Raises :class:`ValueError` (turned into an ExtractionError
    naming the spec by the caller) when there is no graph to walk.
    """
    import keras

    if isinstance(model, keras.Sequential):
        if not model.layers:
            raise ValueError("the Sequential model has no layers (empty model)")
        functional = getattr(model, "_functional", None)
        if functional is None:
            if input_shape is None:
                raise ValueError(
                    "the Sequential model is not built (no Input); give input-shape, e.g. "
                    "':input-shape: 28,28,1'"
                )
            model.build((None, *input_shape))
            functional = getattr(model, "_functional", None)
            if functional is None:
                inputs = keras.Input(tuple(input_shape))
                model(inputs)
                functional = getattr(model, "_functional", None)
            if functional is None:
                raise ValueError(f"could not build the Sequential model for {input_shape}")
        return functional
    if is_instance(model, "src.models.functional.Functional") or hasattr(model, "_nodes_by_depth"):
        return model
    return None


@contextlib.contextmanager
def names_kept() -> Iterator[None]:
    """Restore Keras's auto-name counters after building or tracing for a walk.

    Tracing a subclassed model (and building an unbuilt Sequential) creates Keras objects
    whose names come from process-wide counters (``input_layer_3``, ``add_7``), and node ids
    come from names. Restoring the counters makes extracting a live model repeatable (the
    same ids on every call) and invisible to the caller's session; a model built right after
    ``keras.backend.clear_session()`` gets the ids the worker's spec route gives it.
    """
    from keras.src.backend.common import global_state

    saved = global_state.get_global_attribute("object_name_uids")
    kept = None if saved is None else dict(saved)
    try:
        yield
    finally:
        restored = None if kept is None else collections.defaultdict(int, kept)
        global_state.set_global_attribute("object_name_uids", restored)


def trace_subclassed(model: Any, input_shape: Sequence[int | None] | None) -> Any:
    """A Functional view of a subclassed model, by calling ``model.call`` on ``keras.Input``.

    ``model(x)`` would go through ``compute_output_spec`` and record no inner calls
    (peers.md 3.2 step 10a), so the call method is invoked directly.
    """
    import keras

    shape = tuple(input_shape) if input_shape is not None else None
    if shape is None:
        build = getattr(model, "_build_shapes_dict", None) or {}
        if len(build) == 1:
            recorded = next(iter(build.values()))
            if isinstance(recorded, list | tuple) and all(
                d is None or isinstance(d, int) for d in recorded
            ):
                shape = tuple(recorded)[1:]
    if shape is None:
        raise ValueError(
            f"subclassed model {type(model).__name__!r} has no static graph and no known "
            "input shape; give input-shape so netviz can trace model.call"
        )
    inputs = keras.Input(shape)
    try:
        outputs = model.call(inputs)
        traced = keras.Model(inputs, outputs, name=model.name)
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise ValueError(
            f"subclassed model {type(model).__name__!r} could not be traced through "
            f"model.call on keras.Input{shape} ({type(exc).__name__}: {first[:200]}); "
            "use keras.ops (not tf.*) and no value-dependent Python control flow in call()"
        ) from exc
    return traced
