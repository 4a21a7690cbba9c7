"""What the directive's options become: validated :class:`Options` and request values.

Each option is checked on its own against the one schema, so one typo costs one warning and
the others still apply; messages name the model spec they are about.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinx_netviz.core import OPTIONS, OptionError, Options, option, resolve_options

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["name_spec", "parse_options", "request_values", "valid_options"]


def name_spec(spec: str, message: str) -> str:
    """Make sure a message names the spec it is about (core messages usually do)."""
    if f"model spec {spec!r}" in message or (spec and repr(spec) in message):
        return message  # (an empty spec's message already says "model spec ''")
    return f"model spec {spec!r}: {message}"


def valid_options(
    raw: Mapping[Any, Any],
) -> tuple[dict[str, Any], list[tuple[object, OptionError]]]:
    """Check each option alone against the schema: the good ones (by kebab-case name, value as
    given) and each bad one's key with its error (unknown name with a hint, or invalid value).

    Shared by the directive and ``netviz_defaults``, so both report one message per bad key
    and keep the rest. The width's CSS-length rule is the schema's own (``Option.parse``).
    """
    good: dict[str, Any] = {}
    bad: list[tuple[object, OptionError]] = []
    for name, value in raw.items():
        try:
            opt = option(str(name))
            opt.parse(value)  # validate alone, so each bad option gets its own message
            good[opt.name] = value
        except OptionError as exc:
            bad.append((name, exc))
    return good, bad


def parse_options(raw: Mapping[str, Any], base: Options) -> tuple[Options, list[str]]:
    """Validate directive options one by one over the site defaults.

    Each bad option becomes one message (unknown name with a hint, or invalid value); the
    good ones still apply, so a typo in one option does not lose the others' meaning.
    """
    good, bad = valid_options(raw)
    problems = [str(exc) for _, exc in bad]
    try:
        options = resolve_options(good, base=base)
    except OptionError as exc:  # cross-option checks (min-height > max-height ...)
        problems.append(str(exc))
        options = base
    return options, problems


def request_values(options: Options) -> dict[str, Any]:
    """The render and extract option values (kebab-case): what the picture depends on."""
    return {o.name: getattr(options, o.attr) for o in OPTIONS if o.scope != "embed"}
