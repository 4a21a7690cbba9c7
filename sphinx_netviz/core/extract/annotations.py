"""Which documented callables are model factories (for automatic API-reference diagrams).

Both adapters ask the same question of a documented function: does it return a model netviz
can draw (a Keras model, a PyTorch module), and can it be called without arguments? Sphinx's
autodoc sees live objects, griffe sees source annotations as text; both end up here, so the
rule is written once. Annotations are text, not objects (the framework is never imported to
read them), so the rule matches names: a model class name reached through its framework's
modules, keyed by framework in :data:`MODEL_CLASSES`.
"""

from __future__ import annotations

import re

__all__ = ["MODEL_CLASSES", "MODEL_RETURN_TYPES", "declared_return_types", "is_model_annotation"]

#: Model class names by the top-level modules they are reached through, per framework.
#: ``None`` in the roots accepts the bare class name (``-> Model`` after ``from keras import
#: Model``); ``Module`` is too common a word to accept bare.
MODEL_CLASSES: dict[str, tuple[frozenset[str], frozenset[str | None]]] = {
    "keras": (
        frozenset({"Model", "Sequential", "Functional"}),
        frozenset({None, "keras", "tf", "tensorflow", "tf_keras"}),
    ),
    "torch": (frozenset({"Module", "Sequential"}), frozenset({"torch", "nn"})),
}
#: Every class name that, as a return annotation, can mark a model factory.
MODEL_RETURN_TYPES: frozenset[str] = frozenset(
    name for names, _ in MODEL_CLASSES.values() for name in names
)

_WRAPPERS = re.compile(r"^(?:typing\.)?(?:Optional|Annotated)\[(.*?)(?:,.*)?\]$")
#: ``tuple[Model, inputs]``: a factory returning a model and its example inputs.
_PAIR = re.compile(r"^(?:typing\.)?(?:tuple|Tuple)\[\s*([A-Za-z_][A-Za-z0-9_.]*)\s*,.*\]$")


def declared_return_types() -> frozenset[str]:
    """Dotted class names the registered extraction routes declare as their models
    (an optional ``return_types`` attribute): a new route's models count without an edit
    here (the table above adds the aliases a name-only rule cannot guess, ``nn.Module``)."""
    from .base import registered

    return frozenset(name for route in registered() for name in getattr(route, "return_types", ()))


def _names_a_model(dotted: str) -> bool:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", dotted):
        return False
    if dotted in declared_return_types():
        return True
    last = dotted.rsplit(".", 1)[-1]
    root = dotted.split(".", 1)[0] if "." in dotted else None
    return any(last in names and root in roots for names, roots in MODEL_CLASSES.values())


def is_model_annotation(annotation: str) -> bool:
    """True if ``annotation`` (as written in source) names a model class netviz draws.

    Accepts ``keras.Model``, ``tf.keras.Model``, ``keras.models.Sequential``, ``"Model"``,
    ``torch.nn.Module``, ``nn.Module``, ``Optional[keras.Model]``, ``keras.Model | None``
    and ``tuple[nn.Module, torch.Tensor]`` (a model with its example inputs); rejects
    anything else.
    """
    text = annotation.strip().strip("'\"").strip()
    match = _WRAPPERS.match(text)
    if match:
        text = match.group(1).strip()
    pair = _PAIR.match(text)
    if pair:
        return _names_a_model(pair.group(1))
    parts = [p.strip() for p in text.split("|") if p.strip() and p.strip() != "None"]
    if len(parts) != 1:
        return False
    return _names_a_model(parts[0])
