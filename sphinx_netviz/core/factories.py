"""Which documented callables are model factories (for automatic API-reference diagrams).

Both adapters ask the same question of a documented function: does it return a Keras model,
and can it be called without arguments? Sphinx's autodoc sees live objects, griffe sees source
annotations as text; both end up here, so the rule is written once.
"""

from __future__ import annotations

import re

__all__ = ["MODEL_RETURN_TYPES", "is_model_annotation"]

#: Class names that, as a return annotation, mark a function as a model factory.
MODEL_RETURN_TYPES: frozenset[str] = frozenset({"Model", "Sequential", "Functional"})

_WRAPPERS = re.compile(r"^(?:typing\.)?(?:Optional|Annotated)\[(.*?)(?:,.*)?\]$")


def is_model_annotation(annotation: str) -> bool:
    """True if ``annotation`` (as written in source) names a Keras model class.

    Accepts ``keras.Model``, ``tf.keras.Model``, ``keras.models.Sequential``, ``"Model"``,
    ``Optional[keras.Model]``, ``keras.Model | None``; rejects anything else.
    """
    text = annotation.strip().strip("'\"").strip()
    match = _WRAPPERS.match(text)
    if match:
        text = match.group(1).strip()
    parts = [p.strip() for p in text.split("|") if p.strip() and p.strip() != "None"]
    if len(parts) != 1:
        return False
    dotted = parts[0]
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", dotted):
        return False
    last = dotted.rsplit(".", 1)[-1]
    if last not in MODEL_RETURN_TYPES:
        return False
    # A bare class name or one reached through keras/tensorflow modules.
    prefix = dotted.rsplit(".", 1)[0] if "." in dotted else ""
    return prefix == "" or prefix.split(".")[0] in {"keras", "tf", "tensorflow", "tf_keras"}
