"""Layer types named in ``hide``, ``colors`` or ``show`` that the model does not have.

A typo there (``hide: Dropuot``) changes nothing in the picture, so without a word the user
never learns why Dropout is still drawn. The schema can only check that a value *looks* like a
type name; whether the model has it is known once the graph is loaded, so this check runs
then, in every front-end: :class:`~.pipeline.DiagramBuilder` reports it through the build's
warning channel (Sphinx and MkDocs, located at the diagram), the CLI on stderr. One message
per diagram names every unknown type and, for each, the closest type the model does have.
Site-wide types are treated apart (:class:`TypeCheck`).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ..ir.categories import KNOWN_TYPES, canonical_type

if TYPE_CHECKING:
    from ..ir.graph import Graph
    from .schema import Options

__all__ = [
    "TypeCheck",
    "framework_type",
    "model_types",
    "shown_plumbing",
    "unknown_types_message",
]

#: Types every diagram may draw without the IR having a node of them (Net2Vis's Split).
_SYNTHETIC = frozenset({"Split"})
#: How many of the model's types a message lists when no type is close to the unknown one.
_LISTED = 8


def model_types(graph: Graph) -> frozenset[str]:
    """Every layer type in the graph, at every level of nesting (``hide`` and ``colors`` may
    name a type that is only drawn once a container is opened)."""
    return frozenset(n.type for n in graph.nodes if n.type) | _SYNTHETIC


def shown_plumbing(graph: Graph) -> frozenset[str]:
    """What ``show`` may name in ``graph`` (lower case): the types and operations of its
    shape plumbing, and ``plumbing`` for all of it."""
    names = {"plumbing"}
    for n in graph.nodes:
        if n.role == "plumbing":
            names.add(n.type.lower())
            if n.op:
                names.add(n.op.rsplit(".", 1)[-1].strip("_").lower())
    return frozenset(names)


def _closest(name: str, known: frozenset[str]) -> str | None:
    """The known type closest to ``name``, case-insensitively (``dropout`` -> ``Dropout``)."""
    lowered = {k.lower(): k for k in sorted(known)}
    found = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[found[0]] if found else None


def _described(name: str, known: frozenset[str]) -> str:
    close = _closest(name, known)
    if close is not None:
        return f"{name!r} (did you mean {close!r}?)"
    return repr(name)


def unknown_types_message(
    graph: Graph, options: Options, keep: Callable[[str], bool] | None = None
) -> str | None:
    """One line naming the types in ``hide`` and ``colors`` that ``graph`` lacks, or None.

    ``keep`` filters the unknown types worth a word (:class:`TypeCheck` drops site-wide
    ones). Options are named the schema's way (``option 'hide'``), which each front-end
    rewrites into its own syntax (:func:`~.hints.for_front_end`)."""
    known = model_types(graph)
    parts = []
    unmatched = False
    for name, types in (("hide", options.hide), ("colors", tuple(t for t, _ in options.colors))):
        missing = sorted(t for t in dict.fromkeys(types) if t not in known)
        missing = [t for t in missing if keep is None or keep(t)]
        if missing:
            unmatched = unmatched or any(_closest(t, known) is None for t in missing)
            shown = ", ".join(_described(t, known) for t in missing)
            parts.append(
                f"option '{name}' names a type model {graph.name!r} does not have: {shown}"
            )
    plumbing = shown_plumbing(graph)
    missing = [t for t in dict.fromkeys(options.show) if t.lower() not in plumbing]
    missing = [t for t in missing if keep is None or keep(t)]
    if missing:
        shown = ", ".join(_described(t.lower(), plumbing) for t in missing)
        parts.append(f"option 'show' names no shape plumbing of model {graph.name!r}: {shown}")
    if not parts:
        return None
    text = "; ".join(parts)
    if unmatched:
        real = sorted(known - _SYNTHETIC)
        listed = ", ".join(real[:_LISTED]) + (", ..." if len(real) > _LISTED else "")
        text += f" (its types: {listed})"
    return text


def framework_type(name: str) -> bool:
    """True for a layer class name some framework has (``Dropout``, ``nn.Conv2d``'s
    ``Conv2d``): a site-wide ``hide: Dropout`` is meant for the models that have one."""
    return name in KNOWN_TYPES or canonical_type(name) in KNOWN_TYPES


class TypeCheck:
    """The check for one build: each diagram's own types, and site-wide ones once.

    Site-wide ``hide``/``colors`` (``netviz_defaults``, the plugin's ``defaults``) apply to
    every model, and most models lack some of those types; so a site-wide type is reported
    only when no framework has a layer of that name (a typo: ``Dropuot``), and only once per
    build, with the first diagram that lacks it."""

    def __init__(self, site_types: Iterable[str] = ()) -> None:
        self.site_types = frozenset(site_types)
        self._reported: set[str] = set()

    def message(self, graph: Graph, options: Options) -> str | None:
        """The warning for ``graph`` drawn with ``options``, or None."""

        def keep(name: str) -> bool:
            if name not in self.site_types:
                return True
            if framework_type(name) or name in self._reported:
                return False
            self._reported.add(name)
            return True

        return unknown_types_message(graph, options, keep)
