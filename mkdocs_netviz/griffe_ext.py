"""A griffe extension that puts a diagram into the API entry of every model factory.

mkdocstrings (python handler) loads the documented package with griffe; for each function that
returns a Keras model (:func:`~sphinx_netviz.core.extract.annotations.is_model_annotation` on
its return annotation, as written) and can be called without arguments, this inserts a
``netviz`` fence into the docstring. The docstring is rendered by a Markdown instance built
from the site's extension list, which holds the netviz fence, so the diagram is made and cached
exactly like one written by hand.

The plugin registers it automatically when ``autodoc: true``; it can also be listed by hand
under the handler's ``options: extensions:`` as ``mkdocs_netviz.griffe_ext``.

The fence goes after the docstring's first paragraph (the summary), not at the end: Google
and NumPy style parsers would fold trailing text into the last section (``Returns:``).
"""

from __future__ import annotations

from typing import Any

import griffe

from sphinx_netviz.core.adapter import is_model_annotation

__all__ = ["NetvizGriffeExtension", "diagram_fence", "is_model_factory", "with_fence"]

_REQUIRED_KINDS = {
    griffe.ParameterKind.positional_only,
    griffe.ParameterKind.positional_or_keyword,
    griffe.ParameterKind.keyword_only,
}


def is_model_factory(func: griffe.Function) -> bool:
    """A module-level function annotated to return a Keras model, with no required argument."""
    if not isinstance(func.parent, griffe.Module) or func.returns is None:
        return False
    if not is_model_annotation(str(func.returns)):
        return False
    return not any(
        param.kind in _REQUIRED_KINDS and param.default is None for param in func.parameters
    )


def diagram_fence(spec: str, options: dict[str, Any] | None = None) -> str:
    """The fence text for ``spec``, with option lines from ``options``."""
    lines = ["```netviz", spec]
    lines.extend(f"{key}: {value}" for key, value in (options or {}).items())
    lines.append("```")
    return "\n".join(lines)


def with_fence(docstring: str, fence: str) -> str:
    """``docstring`` with ``fence`` inserted after its summary paragraph."""
    text = docstring.strip("\n")
    if not text.strip():
        return fence
    summary, sep, rest = text.partition("\n\n")
    return f"{summary}\n\n{fence}\n\n{rest}" if sep else f"{summary}\n\n{fence}"


class NetvizGriffeExtension(griffe.Extension):
    """Inserts a ``netviz`` fence into the docstring of each model factory griffe loads.

    Keyword options (from ``extensions: - mkdocs_netviz.griffe_ext: {...}``) are diagram
    options written as fence lines (``group: none``), checked when the fence renders.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__()
        self.options = dict(options)

    def on_function(self, *, func: griffe.Function, **kwargs: Any) -> None:
        if not is_model_factory(func):
            return
        spec = f"{func.parent.path}:{func.name}"  # type: ignore[union-attr]
        fence = diagram_fence(spec, self.options)
        if func.docstring is None:
            func.docstring = griffe.Docstring(fence, parent=func)
        elif "```netviz" not in func.docstring.value:  # the author placed one already
            func.docstring.value = with_fence(func.docstring.value, fence)
