"""A griffe extension that puts a diagram into the API entry of every model factory and class.

mkdocstrings (python handler) loads the documented package with griffe, reading source
statically (no import, so no framework is needed to document it). Once a package is loaded,
this extension walks it and inserts a ``netviz`` fence into the docstring of:

- each module-level function annotated to return a model (a framework's model class, or any
  project class deriving from one: ``-> SmallCNN``), callable without arguments or given
  ``arguments`` by its override entry, and each function that has an entry;
- each model class (deriving from ``torch.nn.Module`` or ``keras.Model``, followed through
  the project's own classes) netviz can build: it has an entry, or its constructor needs no
  argument and the site-wide options give ``input-shape``. Others are skipped silently.

The rules are the adapters' shared ones (:mod:`sphinx_netviz.core.extract.autodoc_rules`), and the
override entries are the plugin's ``autodoc_overrides``. The docstring is rendered by a
Markdown instance built from the site's extension list, which holds the netviz fence, so the
diagram is made and cached exactly like one written by hand. The fence carries a comment
naming the docstring's file and line, which the plugin's warnings quote.

The plugin registers it automatically when ``autodoc: true``; it can also be listed by hand
under the handler's ``options: extensions:`` as ``mkdocs_netviz.griffe_ext``.

The fence goes after the docstring's first paragraph (the summary), not at the end: Google
and NumPy style parsers would fold trailing text into the last section (``Returns:``).
"""

from __future__ import annotations

from typing import Any

import griffe

from sphinx_netviz.core.adapter import (
    AutodocEntry,
    annotation_names,
    draws_class,
    entry_spec,
    is_model_annotation,
    parse_overrides,
)

from .fence_parse import SOURCE_MARK

__all__ = [
    "SOURCE_MARK",
    "NetvizGriffeExtension",
    "diagram_fence",
    "documented_objects",
    "is_model_class",
    "is_model_factory",
    "with_fence",
]

_REQUIRED_KINDS = {
    griffe.ParameterKind.positional_only,
    griffe.ParameterKind.positional_or_keyword,
    griffe.ParameterKind.keyword_only,
}

#: Dotted paths of every function and class griffe loaded in this process (the plugin
#: reports override entries that name none of them).
_DOCUMENTED: set[str] = set()


def documented_objects() -> set[str]:
    """The objects loaded so far (cleared by the plugin at the start of each build)."""
    return _DOCUMENTED


def _needs_arguments(parameters: griffe.Parameters, *, method: bool = False) -> bool:
    params = list(parameters)
    if method and params and params[0].name in ("self", "cls"):
        params = params[1:]
    return any(p.kind in _REQUIRED_KINDS and p.default is None for p in params)


def _base_path(expr: object) -> str:
    return str(getattr(expr, "canonical_path", None) or expr)


def is_model_class(cls: griffe.Class, _seen: set[str] | None = None) -> bool:
    """A class deriving from a framework's model class, through the project's own classes."""
    seen = _seen if _seen is not None else set()
    seen.add(cls.path)
    if any(is_model_annotation(_base_path(base)) for base in cls.bases):
        return True
    try:
        bases = cls.resolved_bases
    except Exception:  # an unresolvable alias chain: not provably a model
        return False
    return any(
        isinstance(base, griffe.Class) and base.path not in seen and is_model_class(base, seen)
        for base in bases
    )


def _returns_model(func: griffe.Function) -> bool:
    """``-> keras.Model`` / ``-> nn.Module`` (by name), or ``-> SmallCNN`` (a project class
    deriving from one, resolved in the function's scope)."""
    text = str(func.returns)
    if is_model_annotation(text):
        return True
    return any(_names_model_class(func, name) for name in annotation_names(text))


def _names_model_class(func: griffe.Function, name: str) -> bool:
    """Whether ``name``, resolved in ``func``'s scope, is a model class or derives from one."""
    head, _, rest = name.partition(".")
    try:
        path = func.parent.resolve(head) if func.parent is not None else head
        full = f"{path}.{rest}" if rest else path
        if is_model_annotation(full):
            return True
        found = func.modules_collection.get_member(full)
    except Exception:  # unresolvable (a star import) or outside the loaded packages
        return False
    return isinstance(found, griffe.Class) and is_model_class(found)


def is_model_factory(func: griffe.Function, entry: AutodocEntry | None = None) -> bool:
    """A module-level function annotated to return a model (or with an override entry),
    with no required argument unless its entry gives ``arguments``."""
    if not isinstance(func.parent, griffe.Module):
        return False
    if entry is None and (func.returns is None or not _returns_model(func)):
        return False
    return not _needs_arguments(func.parameters) or bool(entry and entry.arguments)


def _class_spec(cls: griffe.Class, entry: AutodocEntry | None, site: dict[str, Any]) -> str | None:
    if not isinstance(cls.parent, griffe.Module) or not is_model_class(cls):
        return None
    init = cls.all_members.get("__init__")
    needs = isinstance(init, griffe.Function) and _needs_arguments(init.parameters, method=True)
    if not draws_class(entry, needs and not (entry and entry.arguments), site):
        return None
    return entry_spec(f"{cls.parent.path}:{cls.name}", entry)


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "true" if value is True else str(value)


def diagram_fence(spec: str, options: dict[str, Any] | None = None, source: str = "") -> str:
    """The fence text for ``spec``, with option lines from ``options`` and, when given, a
    comment naming the docstring it belongs to (``pkg.models.mlp src/pkg/models.py:12``)."""
    lines = ["```netviz", spec]
    if source:
        lines.append(f"{SOURCE_MARK} {source}")
    lines.extend(f"{key}: {_text(value)}" for key, value in (options or {}).items())
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
    """Inserts a ``netviz`` fence into the docstring of each model factory and class.

    Keyword options (from ``extensions: - mkdocs_netviz.griffe_ext: {...}``) are diagram
    options written as fence lines (``group: none``), checked when the fence renders, and
    ``overrides``: the per-object entries (the plugin passes its ``autodoc_overrides``).
    """

    def __init__(
        self,
        overrides: dict[str, Any] | None = None,
        site: dict[str, Any] | None = None,
        **options: Any,
    ) -> None:
        super().__init__()
        self.options = dict(options)
        self.entries = parse_overrides(overrides or {})[0]  # the plugin reports problems
        #: the site-wide options every fence gets anyway (the plugin's ``defaults``): they
        #: decide whether a class can be built (``input-shape``), not what the fence says
        self.site = {**(site or {}), **self.options}

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        self._walk(pkg)

    def _walk(self, module: griffe.Module) -> None:
        for member in list(module.members.values()):
            if member.is_alias:
                continue
            if isinstance(member, griffe.Module):
                self._walk(member)
            elif isinstance(member, griffe.Function | griffe.Class):
                _DOCUMENTED.add(member.path)
                self._visit(member)

    def _visit(self, obj: griffe.Function | griffe.Class) -> None:
        entry = self.entries.get(obj.path)
        if isinstance(obj, griffe.Function):
            if not is_model_factory(obj, entry):
                return
            spec: str | None = entry_spec(f"{obj.parent.path}:{obj.name}", entry)  # type: ignore[union-attr]
        else:
            spec = _class_spec(obj, entry, self.site)
        if spec is None:
            return
        options = {**self.options, **(entry.options if entry is not None else {})}
        line = obj.docstring.lineno if obj.docstring is not None else obj.lineno
        fence = diagram_fence(spec, options, f"{obj.path} {obj.filepath}:{line or 1}")
        if obj.docstring is None:
            obj.docstring = griffe.Docstring(fence, parent=obj)
        elif "```netviz" not in obj.docstring.value:  # the author placed one already
            obj.docstring.value = with_fence(obj.docstring.value, fence)
