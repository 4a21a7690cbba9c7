"""Which classes are models, and which names an annotation mentions (autodoc diagrams).

:mod:`.factories` decides from an annotation's *text* whether it names a framework's model
class (``keras.Model``, ``nn.Module``). A project's own model classes (``class
SmallCNN(nn.Module)``) and the factories annotated with them (``-> SmallCNN``) need one more
step: follow the class to its bases. Sphinx's autodoc holds live classes, whose ``__mro__``
names every base by module and qualified name; griffe (MkDocs) holds source, whose bases are
resolved name by name. Both end in the same test: a base whose dotted name is a framework's
model class. Nothing here imports a framework: a live class's bases are compared by name
(under ``autodoc_mock_imports`` they are Sphinx's mock classes, named like the real ones, so
a framework-free build documents the same diagrams as one with the framework).
"""

from __future__ import annotations

import re
from typing import Any

from .annotations import is_model_annotation

__all__ = ["annotation_names", "dotted_name", "is_model_class"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
#: Wrappers whose arguments are the annotated value itself (or a model and its inputs).
_WRAPPERS = frozenset({"Optional", "Annotated", "Union", "tuple", "Tuple", "Final"})


def dotted_name(cls: Any) -> str:
    """``module.QualName`` of a class (empty when it has none)."""
    module = getattr(cls, "__module__", None)
    qualname = getattr(cls, "__qualname__", None) or getattr(cls, "__name__", None)
    if not isinstance(module, str) or not isinstance(qualname, str):
        return ""
    return f"{module}.{qualname}"


def is_model_class(cls: Any) -> bool:
    """True for a class that is (or derives from) a framework's model class.

    ``torch.nn.Module`` subclasses (their MRO holds ``torch.nn.modules.module.Module``),
    ``keras.Model`` subclasses (``keras.src.models.model.Model``), and Sphinx's mock classes
    standing for them (``torch.nn.Module``). ``keras.layers.Layer`` subclasses are not models.
    """
    if not isinstance(cls, type):
        return False
    try:
        mro = cls.__mro__
    except AttributeError:  # pragma: no cover - every type has one
        return False
    return any(is_model_annotation(name) for name in map(dotted_name, mro) if name)


def annotation_names(text: str) -> list[str]:
    """The dotted class names an annotation's text mentions as the value it annotates.

    ``SmallCNN`` -> ``[SmallCNN]``; ``Optional[models.Net]`` and ``Net | None`` ->
    ``[models.Net]`` / ``[Net]``; ``tuple[Net, torch.Tensor]`` (a model and its example
    inputs) -> ``[Net]``. Anything else (``dict[str, Net]``, a call) gives no name."""
    text = text.strip().strip("'\"").strip()
    match = re.fullmatch(r"(?:typing\.)?([A-Za-z_]+)\[(.*)\]", text, re.S)
    if match:
        if match.group(1) not in _WRAPPERS:
            return []
        first = _split_top(match.group(2))
        return annotation_names(first[0]) if first else []
    parts = [p.strip() for p in _split_top(text, "|") if p.strip() not in ("", "None")]
    if len(parts) != 1:
        return []
    return [parts[0]] if _NAME.fullmatch(parts[0]) else []


def _split_top(text: str, sep: str = ",") -> list[str]:
    """``text`` split at ``sep`` outside brackets."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        if char == sep and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [p for p in parts if p]
