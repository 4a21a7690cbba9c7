"""Live models -> Graph in the calling process: ``render(model)`` in a notebook or a script.

A docs build names a model by spec and extracts it in the worker (isolated, cached). A
notebook already *holds* the model (``keras.utils.plot_model(model)`` takes the object), so
here the model is walked where it lives, with no worker: the framework is necessarily loaded
already. Which route walks it is asked of the extractor registry
(:func:`~.extract.base.find_extractor`), so any framework whose route is registered
(Keras, PyTorch...) works without this module naming it.

The graph is the same as the spec route's for the same model (same walker, same options), so
``render(model)`` and the directive draw byte-identical SVG.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..ir.errors import ExtractionError, NetvizError, RenderError

if TYPE_CHECKING:
    from ..ir.graph import Graph
    from ..options.schema import Options
    from .base import Extractor

__all__ = ["extract_live", "find_live_extractor"]


def _describe(obj: object) -> str:
    name = getattr(obj, "name", None)
    kind = f"{type(obj).__module__}.{type(obj).__qualname__}"
    return f"{name} ({kind})" if isinstance(name, str) and name else kind


def find_live_extractor(obj: object) -> Extractor | None:
    """The registered route that accepts ``obj``, or None.

    A route that cannot be imported here (its module is missing, or it does not define its
    extractor yet) is skipped: it cannot be the one for an object that exists.
    """
    from .base import EXTRACTORS, load_extractor

    for dotted in EXTRACTORS:
        try:
            extractor = load_extractor(dotted)
        except (ImportError, AttributeError):
            continue
        if extractor.accepts(obj):
            return extractor
    return None


def extract_live(obj: object, options: Options) -> Graph:
    """The Graph of a live model object.

    Raises :class:`ExtractionError` (naming the object) when its route fails, and
    :class:`RenderError` when no registered route takes the object at all.
    """
    from .base import ExtractRequest, input_shapes_of, split_model

    obj, example_inputs, dynamic_shapes = split_model(
        obj, lambda model: find_live_extractor(model) is not None
    )
    source = _describe(obj)
    extractor = find_live_extractor(obj)
    try:
        if extractor is not None:
            request = ExtractRequest(
                source=source,
                input_shapes=input_shapes_of(options.input_shape),
                input_dtype=options.input_dtype,
                example_inputs=example_inputs,
                dynamic_shapes=dynamic_shapes,
            )
            return extractor.extract(obj, request)
    except NetvizError:
        raise
    except Exception as exc:  # a walker bug still gets one line naming the model
        first = (str(exc).splitlines() or [""])[0][:240]
        raise ExtractionError(
            f"model {source!r}: walking the model failed: {type(exc).__name__}: {first}"
        ) from exc
    raise RenderError(
        f"render() expects a Graph or a live model (keras.Model, torch.nn.Module, ...), "
        f"got {type(obj).__module__}.{type(obj).__qualname__}"
    )
