"""The framework seam: one small protocol every extraction route implements.

An *extractor* turns one kind of model object (a live ``keras.Model``, a ``torch.nn.Module``,
a saved ``.pt2`` program, ...) into the framework-free :class:`~sphinx_netviz.core.ir.graph.Graph`.
The worker, the spec resolver, the cache and ``render(live_model)`` ask this protocol which
route takes an object instead of naming a framework themselves.

Routes are listed by dotted name and imported only when asked for, so looking one up never
imports a framework: ``accepts`` must decide from the object's type (its ``__module__`` and
``__mro__``) or from ``sys.modules``, never by importing a framework that is not loaded yet,
and route modules import their framework inside functions, never at module level.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from ..ir.graph import Graph, Shape

__all__ = [
    "EXTRACTORS",
    "ExtractRequest",
    "Extractor",
    "file_suffixes",
    "find_extractor",
    "input_shapes_of",
    "install_hint",
    "load_extractor",
    "registered",
    "split_model",
]


def split_model(result: Any, is_model: Callable[[Any], bool]) -> tuple[Any, Any, Any]:
    """``(model, example_inputs, dynamic_shapes)`` from what a factory returns (or a live
    object ``render`` is given): the model alone, ``(model, example_inputs)``, or ``(model,
    example_inputs, dynamic_shapes)``, the arguments of ``torch.export.export`` whose
    ``Dim`` names name the axes. A tuple whose first item is no model is the model itself."""
    if isinstance(result, tuple) and len(result) in (2, 3) and is_model(result[0]):
        return result[0], result[1], result[2] if len(result) == 3 else None
    return result, None, None


def input_shapes_of(input_shape: Sequence[Any] | None) -> tuple[tuple[int | None, ...], ...] | None:
    """One shape per input from ``input-shape`` (one shape, or several separated by ';')."""
    if input_shape is None or len(input_shape) == 0:
        return None
    if all(isinstance(d, list | tuple) for d in input_shape):
        return tuple(tuple(d) for d in input_shape)
    return (tuple(input_shape),)


@dataclass(frozen=True)
class ExtractRequest:
    """What the caller knows besides the model object.

    Attributes:
        source: The spec text (or a description of the live object), quoted in messages.
        input_shapes: One shape per model input, batch axis excluded (``input-shape``).
        input_dtype: Dtype name for synthesised example inputs (``input-dtype``).
        example_inputs: Inputs the factory returned beside the model, if any.
        dynamic_shapes: Named axes the factory returned after the inputs, in
            ``torch.export``'s form (``{"input_ids": {1: Dim("tokens")}}``), if any.
    """

    source: str
    input_shapes: tuple[Shape, ...] | None = None
    input_dtype: str | None = None
    example_inputs: Any = None
    dynamic_shapes: Any = None


@runtime_checkable
class Extractor(Protocol):
    """One extraction route (Keras walker, PyTorch tracer, saved-file readers)."""

    #: Short route name recorded in ``Graph.meta["extractor"]``, e.g. ``"keras"``, ``"torch"``.
    name: str
    # The next two are read-only properties here so that a route may compute them (Keras:
    # from its configured backend); a plain class attribute satisfies them too.

    @property
    def distributions(self) -> tuple[str, ...]:
        """The distribution(s) whose versions decide this route's output, for cache keys."""
        ...

    @property
    def extra(self) -> str:
        """The extra that installs this route's framework (``netviz[torch]``), for "framework
        missing" messages."""
        ...

    def accepts(self, obj: object) -> bool:
        """True when this route can extract ``obj`` (cheap; imports no framework)."""
        ...

    def extract(self, obj: Any, request: ExtractRequest) -> Graph:
        """Walk ``obj`` into a Graph; failures raise ``ExtractionError`` naming the source."""
        ...

    def version(self) -> str:
        """Extractor version plus installed framework versions: part of the IR cache key."""
        ...


#: Registered routes, in the order they are tried: ``"module:attribute"`` of an Extractor
#: instance. Later routes (PyTorch, saved programs) add themselves here.
EXTRACTORS: list[str] = [
    "sphinx_netviz.core.extract.keras.model:EXTRACTOR",
    "sphinx_netviz.core.extract.keras.saved:EXTRACTOR",
    "sphinx_netviz.core.extract.torch.module:EXTRACTOR",
    "sphinx_netviz.core.extract.torch.export:EXTRACTOR",
    "sphinx_netviz.core.extract.onnx.route:EXTRACTOR",
    "sphinx_netviz.core.extract.hf:EXTRACTOR",
]


def load_extractor(dotted: str) -> Extractor:
    """Import one registered route by its ``module:attribute`` name."""
    module_name, _, attr = dotted.partition(":")
    extractor: Extractor = getattr(importlib.import_module(module_name), attr)
    return extractor


def find_extractor(obj: object, routes: Sequence[str] | None = None) -> Extractor | None:
    """The first registered route that accepts ``obj``, or ``None``."""
    for dotted in EXTRACTORS if routes is None else routes:
        extractor = load_extractor(dotted)
        if extractor.accepts(obj):
            return extractor
    return None


def registered() -> list[Extractor]:
    """Every registered route (importing route modules, which import no framework)."""
    return [load_extractor(dotted) for dotted in EXTRACTORS]


def file_suffixes() -> tuple[str, ...]:
    """The saved-file suffixes the registered routes read (a route lists its own in an
    optional ``suffixes`` attribute), lower-case, in registration order."""
    found: list[str] = []
    for extractor in registered():
        for suffix in getattr(extractor, "suffixes", ()):
            if suffix.lower() not in found:
                found.append(suffix.lower())
    return tuple(found)


def _import_name(distribution: str) -> str:
    """``tensorflow-cpu`` -> ``tensorflow``: the module a distribution installs, for the
    frameworks' own naming (a ``-cpu``/``-gpu`` twin installs the same package)."""
    name = distribution.lower()
    for twin in ("-cpu", "-gpu"):
        name = name.removesuffix(twin)
    return name.replace("-", "_")


def install_hint(module: str) -> str | None:
    """``pip install "netviz[torch]"`` when ``module`` belongs to a route's framework.

    The route whose ``name`` or ``extra`` is the missing top-level module wins (``torch`` ->
    the torch route); then a route one of whose ``distributions`` installs it (``keras``,
    ``jaxlib``). ``None`` for modules no route knows (the user's own, or a typo).
    """
    top = module.split(".", 1)[0]
    routes = registered()
    for extractor in routes:
        if top in (extractor.name, extractor.extra):
            return f'pip install "netviz[{extractor.extra}]"'
    for extractor in routes:
        if top in {_import_name(d) for d in extractor.distributions}:
            return f'pip install "netviz[{extractor.extra}]"'
    return None
