"""Autodoc diagrams, the rules both adapters share: per-object overrides and what is drawn.

Site-wide options (``netviz_autodoc_options`` / the plugin's ``autodoc`` defaults) fit every
documented model alike; a PyTorch module needs example inputs of its own shape, a class may
need constructor arguments. So each documented object may have an *override entry*, keyed
by its dotted name (``pkg.models.mlp``), holding diagram options of the one schema on top of
the site-wide ones, and ``arguments``: the call arguments, written as in a spec
(``num_classes=10, depth=2``: Python literals only, never evaluated).

What gets a diagram:

- a function or static method annotated to return a model (a framework's model class or
  any subclass of it, :mod:`.model_classes`), callable without arguments or given
  ``arguments`` by its entry; or any function that has an entry;
- a model class (a subclass of ``torch.nn.Module`` or ``keras.Model``) when netviz can build
  it: it has an entry (which gives what it needs), or its constructor needs no argument and
  the site-wide options give ``input-shape``. Any other class is skipped silently: many
  classes need arguments, and a documented layer is not a model to draw.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..ir.errors import OptionError, SpecError
from ..options.schema import option

__all__ = [
    "ARGUMENTS",
    "AutodocEntry",
    "OverrideProblem",
    "draws_class",
    "entry_spec",
    "object_name",
    "parse_overrides",
    "unknown_objects",
]

#: The entry key that holds constructor or factory arguments (not a diagram option).
ARGUMENTS = "arguments"


@dataclass(frozen=True)
class AutodocEntry:
    """One object's override: call arguments and diagram options (kebab names, as given)."""

    name: str
    arguments: str = ""
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OverrideProblem:
    """A bad override: where (the object's key and, for an option, its name) and why."""

    key: str
    option: str | None
    message: str


def object_name(name: str) -> str:
    """The dotted name an entry is keyed by (``pkg.models:mlp`` -> ``pkg.models.mlp``)."""
    return name.strip().replace(":", ".")


def _check_arguments(text: str) -> str | None:
    from ..ir.spec import parse_spec

    try:
        parse_spec(f"m:f({text})")
    except SpecError as exc:
        why = str(exc).split(": ", 2)[-1]
        return f"{ARGUMENTS} {text!r} are not literal call arguments ({why})"
    return None


def parse_overrides(raw: object) -> tuple[dict[str, AutodocEntry], list[OverrideProblem]]:
    """Validate an overrides mapping against the one schema, entry by entry, option by
    option: the good entries (keyed by dotted name) and one problem per bad key, so a typo
    costs one warning and everything else still applies. An entry whose ``arguments`` are
    not literals is dropped whole: its object cannot be called as meant."""
    if raw is None:
        return {}, []
    if not isinstance(raw, Mapping):
        why = f"must map object names to option mappings, not {type(raw).__name__}"
        return {}, [OverrideProblem("", None, why)]
    entries: dict[str, AutodocEntry] = {}
    problems: list[OverrideProblem] = []
    for key, value in raw.items():
        name = object_name(str(key))
        if not isinstance(value, Mapping):
            why = f"must be a mapping of options, not {type(value).__name__}"
            problems.append(OverrideProblem(str(key), None, why))
            continue
        arguments = ""
        options: dict[str, Any] = {}
        broken = False
        for opt_name, opt_value in value.items():
            if str(opt_name).strip() == ARGUMENTS:
                text = "" if opt_value is None else str(opt_value).strip()
                bad = _check_arguments(text) if text else None
                if bad is not None:
                    # Without its arguments the object cannot be called as meant: the entry
                    # goes whole (one warning, not a second one when the call fails).
                    problems.append(OverrideProblem(str(key), ARGUMENTS, bad))
                    broken = True
                arguments = text
                continue
            try:
                opt = option(str(opt_name))
                opt.parse(opt_value)
            except OptionError as exc:
                problems.append(OverrideProblem(str(key), str(opt_name), str(exc)))
                continue
            options[opt.name] = opt_value
        if not broken:
            entries[name] = AutodocEntry(name=name, arguments=arguments, options=options)
    return entries, problems


def entry_spec(target: str, entry: AutodocEntry | None) -> str:
    """The spec of a documented object (``module:qualname``), with its entry's arguments."""
    if entry is not None and entry.arguments:
        return f"{target}({entry.arguments})"
    return target


def draws_class(
    entry: AutodocEntry | None, needs_arguments: bool, site_options: Mapping[str, Any]
) -> bool:
    """Whether a documented model class gets a diagram (see the module docstring)."""
    if entry is not None:
        return True
    shape = site_options.get("input-shape", site_options.get("input_shape"))
    return not needs_arguments and shape not in (None, "", (), [])


def unknown_objects(
    entries: Iterable[str], documented: Iterable[str]
) -> list[tuple[str, str | None]]:
    """Entry names no documented object has, each with the closest documented name."""
    known = sorted(set(documented))
    out = []
    for name in entries:
        if name in known:
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        out.append((name, close[0] if close else None))
    return out
