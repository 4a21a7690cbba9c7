"""Automatic diagrams in the API reference (``netviz_autodoc = True``).

Sphinx 9 rewrote autodoc; its events are the stable interface (custom Documenter classes only
work behind ``autodoc_use_legacy_class_based``). ``autodoc-process-docstring`` hands us the
live object and the docstring lines; for a model factory or model class we append a
``.. netviz::`` directive, so the diagram goes through the same directive, cache, warnings
and visitors as a hand-written one, and its warnings name the docstring's source and line
the way autodoc's own do (``models.py:docstring of pkg.models.mlp:5``).

What is drawn, and with which options, follows the rules both adapters share
(:mod:`sphinx_netviz.core.extract.autodoc_rules`): factories annotated with a model class or any
subclass of one (or listed in ``netviz_autodoc_factories``), model classes netviz can build,
each with ``netviz_autodoc_options`` and its own entry of ``netviz_autodoc_overrides``.
Override entries naming no documented object are reported after reading, located in conf.py.
"""

from __future__ import annotations

import inspect
import sys
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from sphinx_netviz.config import autodoc_entries, autodoc_site_options, conf_location
from sphinx_netviz.core.adapter import (
    annotation_names,
    draws_class,
    entry_spec,
    is_model_annotation,
    is_model_class,
    unknown_objects,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

    from sphinx_netviz.core.adapter import AutodocEntry

__all__ = ["class_spec", "connect_autodoc", "factory_spec", "process_docstring"]

logger = logging.getLogger(__name__)

_KINDS = frozenset({"function", "method", "staticmethod", "classmethod"})


def autodoc_config_inited(app: Sphinx, config: Config) -> None:
    """With ``netviz_autodoc = True``, listen to autodoc (connected after the config check)."""
    if config.netviz_autodoc:
        connect_autodoc(app)


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
    app.connect("env-purge-doc", _purge_doc)
    app.connect("env-merge-info", _merge_info)
    app.connect("env-updated", check_overrides)


# -- what autodoc documented (for overrides naming nothing) ----------------------------------
def _documented(env: BuildEnvironment) -> dict[str, set[str]]:
    """Dotted names autodoc documented, by document (merged across parallel readers)."""
    if not hasattr(env, "netviz_autodoc_seen"):
        env.netviz_autodoc_seen = {}  # type: ignore[attr-defined]
    return env.netviz_autodoc_seen  # type: ignore[attr-defined,no-any-return]


def _purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _documented(env).pop(docname, None)


def _merge_info(
    app: Sphinx, env: BuildEnvironment, docnames: Iterable[str], other: BuildEnvironment
) -> None:
    mine, theirs = _documented(env), _documented(other)
    for docname in docnames:
        if docname in theirs:
            mine[docname] = theirs[docname]


def check_overrides(app: Sphinx, env: BuildEnvironment) -> None:
    """One located warning per override entry that names no documented object."""
    documented = set().union(*_documented(env).values()) if _documented(env) else set()
    for name, close in unknown_objects(autodoc_entries(app.config), documented):
        hint = f"; did you mean {close!r}?" if close else ""
        logger.warning(
            "netviz: netviz_autodoc_overrides[%r]: no documented object has this name%s",
            name,
            hint,
            location=conf_location(app.confdir, "netviz_autodoc_overrides", name),
            type="netviz",
            subtype="config",
        )


# -- which objects are drawn -----------------------------------------------------------------
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


def _resolve(dotted: str, scope: Mapping[str, Any]) -> Any:
    """The object a dotted name in an annotation stands for: through the function's globals,
    else an imported module's attribute. Never evaluates anything."""
    parts = dotted.split(".")
    if parts[0] in scope:
        found: Any = scope[parts[0]]
        rest = parts[1:]
    else:
        for cut in range(len(parts) - 1, 0, -1):
            module = sys.modules.get(".".join(parts[:cut]))
            if module is not None:
                found, rest = module, parts[cut:]
                break
        else:
            return None
    for part in rest:
        found = getattr(found, part, None)
        if found is None:
            return None
    return found


def _returns_model_class(func: Any, annotation: Any) -> bool:
    """``-> SmallCNN`` (a subclass of a model class), as a class, a string or a wrapper."""
    if isinstance(annotation, type):
        return is_model_class(annotation)
    scope = getattr(func, "__globals__", {})
    text = annotation if isinstance(annotation, str) else _annotation_text(annotation)
    return any(is_model_class(_resolve(name, scope)) for name in annotation_names(text))


def _needs_arguments(signature: inspect.Signature) -> bool:
    return any(
        param.default is inspect.Parameter.empty
        for param in signature.parameters.values()
        if param.kind not in (param.VAR_POSITIONAL, param.VAR_KEYWORD)
    )


def _target(obj: Any) -> str | None:
    """``module:qualname`` of an importable object (None for locals and nameless ones)."""
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str) or "<" in qualname:
        return None
    return f"{module}:{qualname}"


def factory_spec(
    obj: Any, name: str, listed: frozenset[str], entry: AutodocEntry | None = None
) -> str | None:
    """The spec of a model factory netviz can call, else None.

    A factory is annotated to return a model class or a subclass of one, or is listed (in
    ``netviz_autodoc_factories``) or has an override ``entry``; it must be callable without
    arguments unless its entry gives ``arguments``."""
    from sphinx.ext.autodoc.mock import ismock  # type: ignore[attr-defined]

    if not callable(obj) or ismock(obj):
        return None
    func = inspect.unwrap(obj)
    target = _target(func)
    if target is None:
        return None
    try:
        signature = inspect.signature(obj, eval_str=False)
    except (TypeError, ValueError):
        return None
    module, qualname = target.split(":")
    names = {name, f"{module}.{qualname}", target}
    annotation = signature.return_annotation
    if not (
        names & listed
        or entry is not None
        or is_model_annotation(_annotation_text(annotation))
        or _returns_model_class(func, annotation)
    ):
        return None
    if _needs_arguments(signature) and not (entry is not None and entry.arguments):
        return None  # needs arguments the directive cannot give
    return entry_spec(target, entry)


def class_spec(cls: Any, entry: AutodocEntry | None, site: Mapping[str, Any]) -> str | None:
    """The spec of a documented model class netviz can build (its entry, or a constructor
    without arguments and a site-wide ``input-shape``), else None: skipped silently."""
    from sphinx.ext.autodoc.mock import ismock  # type: ignore[attr-defined]

    if not isinstance(cls, type) or ismock(cls) or not is_model_class(cls):
        return None
    target = _target(cls)
    if target is None:
        return None
    try:
        needs = _needs_arguments(inspect.signature(cls))
    except (TypeError, ValueError):
        needs = False  # a C constructor without a signature: try it when an entry says so
    if not draws_class(entry, needs and not (entry and entry.arguments), site):
        return None
    return entry_spec(target, entry)


def _directive(spec: str, options: Mapping[str, Any]) -> list[str]:
    lines = [f".. netviz:: {spec}"]
    for key, value in options.items():
        text = "" if value is True or value is None else str(value)
        if isinstance(value, list | tuple):
            text = ", ".join(str(v) for v in value)
        lines.append(f"   :{key}: {text}".rstrip())
    return lines


def process_docstring(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """Append ``.. netviz:: module:qualname`` to a model factory's or class's docstring."""
    if not app.config.netviz_autodoc:
        return
    env = app.env
    _documented(env).setdefault(env.docname, set()).add(name)
    if what not in _KINDS and what != "class":
        return
    if any(line.startswith(".. netviz::") for line in lines):
        return  # the author placed one (or this docstring was processed already)
    entries = autodoc_entries(app.config)
    entry = entries.get(name)
    site = autodoc_site_options(app.config)
    if what == "class":
        spec = class_spec(obj, entry, site)
    else:
        listed = frozenset(str(n) for n in app.config.netviz_autodoc_factories)
        spec = factory_spec(obj, name, listed, entry)
    if spec is None:
        return
    merged = {**site, **(entry.options if entry is not None else {})}
    if lines and lines[-1].strip():
        lines.append("")
    lines.extend([*_directive(spec, merged), ""])
