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

import importlib
import sys
from typing import TYPE_CHECKING, Any

from .errors import ExtractionError, NetvizError, RenderError

if TYPE_CHECKING:
    from .extract.base import Extractor
    from .graph import Graph
    from .options import Options

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
    from .extract.base import EXTRACTORS, load_extractor

    for dotted in EXTRACTORS:
        try:
            extractor = load_extractor(dotted)
        except (ImportError, AttributeError):
            continue
        if extractor.accepts(obj):
            return extractor
    return None


class _KerasWalker:
    """The Keras 3 walker called directly, for a registry whose Keras route is not loadable.

    Only reached when ``keras3:EXTRACTOR`` cannot be loaded; the registered route wraps the
    same :func:`~.extract.keras3.extract_model`, so both give the same graph.
    """

    name = "keras"

    def extract(self, obj: Any, input_shape: tuple[int | None, ...] | None, source: str) -> Graph:
        keras3 = importlib.import_module("sphinx_netviz.core.extract.keras3")
        graph: Graph = keras3.extract_model(obj, input_shape=input_shape, source=source)
        return graph


def _is_keras_model(obj: object) -> bool:
    keras = sys.modules.get("keras")  # loaded already if obj is a Keras model
    return keras is not None and isinstance(obj, keras.Model)


def extract_live(obj: object, options: Options) -> Graph:
    """The Graph of a live model object.

    Raises :class:`ExtractionError` (naming the object) when its route fails, and
    :class:`RenderError` when no registered route takes the object at all.
    """
    source = _describe(obj)
    extractor = find_live_extractor(obj)
    try:
        if extractor is not None:
            from .extract.base import ExtractRequest

            shapes = None if options.input_shape is None else (options.input_shape,)
            return extractor.extract(obj, ExtractRequest(source=source, input_shapes=shapes))
        if _is_keras_model(obj):
            return _KerasWalker().extract(obj, options.input_shape, source)
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
