"""Automatic diagrams in the API reference (``netviz_autodoc = True``).

Sphinx 9 rewrote autodoc; its events are the stable interface (custom Documenter classes only
work behind ``autodoc_use_legacy_class_based``). ``autodoc-process-docstring`` hands us the
live object and the docstring lines; for a model factory we append a ``.. netviz::``
directive, so the diagram goes through the same directive, cache, warnings and visitors as a
hand-written one.

A documented function is a factory when its return annotation names a Keras model (the rule
shared with the MkDocs hook, :func:`sphinx_netviz.core.extract.annotations.is_model_annotation`) or
when it is listed in ``netviz_autodoc_factories``; it must also be callable without
arguments, since the directive calls it with none.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from sphinx_netviz.core.adapter import is_model_annotation

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["connect_autodoc", "factory_spec", "process_docstring"]

logger = logging.getLogger(__name__)

_KINDS = frozenset({"function", "method", "staticmethod", "classmethod"})


def connect_autodoc(app: Sphinx) -> None:
    """Listen to autodoc, or warn once that ``netviz_autodoc`` needs ``sphinx.ext.autodoc``."""
    if "autodoc-process-docstring" not in app.events.events:
        logger.warning(
            "netviz: netviz_autodoc = True needs 'sphinx.ext.autodoc' in extensions",
            type="netviz",
            subtype="config",
        )
        return
    app.connect("autodoc-process-docstring", process_docstring)


def _annotation_text(annotation: Any) -> str:
    if annotation is inspect.Signature.empty:
        return ""
    if isinstance(annotation, str):
        return annotation
    from sphinx.util.typing import stringify_annotation

    try:
        return stringify_annotation(annotation, "fully-qualified-except-typing")
    except Exception:  # an odd annotation object is simply not a model annotation
        return ""


def factory_spec(obj: Any, name: str, listed: frozenset[str]) -> str | None:
    """``module:qualname`` if ``obj`` is a model factory callable without arguments."""
    from sphinx.ext.autodoc.mock import ismock  # type: ignore[attr-defined]

    func = inspect.unwrap(obj) if callable(obj) else obj
    if not callable(obj) or ismock(obj):
        return None
    module = getattr(func, "__module__", None)
    qualname = getattr(func, "__qualname__", None)
    if not module or not qualname or "<" in qualname:
        return None
    try:
        signature = inspect.signature(obj, eval_str=False)
    except (TypeError, ValueError):
        return None
    names = {name, f"{module}.{qualname}", f"{module}:{qualname}"}
    if not (names & listed or is_model_annotation(_annotation_text(signature.return_annotation))):
        return None
    for param in signature.parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if param.default is inspect.Parameter.empty:
            return None  # needs arguments the directive cannot give
    return f"{module}:{qualname}"


def process_docstring(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """Append ``.. netviz:: module:qualname`` to a model factory's docstring."""
    if not app.config.netviz_autodoc or what not in _KINDS:
        return
    listed = frozenset(str(n) for n in app.config.netviz_autodoc_factories)
    spec = factory_spec(obj, name, listed)
    if spec is None:
        return
    directive = ["", f".. netviz:: {spec}"]
    extra = app.config.netviz_autodoc_options or {}
    for key, value in extra.items():
        text = "" if value is True or value is None else str(value)
        if isinstance(value, list | tuple):
            text = ", ".join(str(v) for v in value)
        directive.append(f"   :{key}: {text}".rstrip())
    if lines and lines[-1].strip():
        lines.append("")
    lines.extend([*directive[1:], ""])
