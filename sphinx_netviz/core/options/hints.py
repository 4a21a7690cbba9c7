"""Hints in the reader's own syntax: ``--input-shape``, ``:input-shape:`` or ``input-shape:``.

The core's messages name options the one way it knows, by their schema name (``give the
option input-shape``, ``raise the 'timeout' option``, ``e.g. ':input-shape: 28,28,1'``),
because the core does not know who will read them. Each front-end passes what it prints
through :func:`for_front_end`, which rewrites those mentions into the syntax the reader types:
a CLI flag, a directive option, a fence line. Only names of the schema's options are touched,
and only in the phrasings below, so a layer called ``input`` or a message about a file stays
as it is.
"""

from __future__ import annotations

import re
from typing import Literal

from .schema import OPTIONS

__all__ = ["FRONT_ENDS", "FrontEnd", "for_front_end", "option_syntax"]

#: Who reads a message: the command line, a Sphinx directive, a MkDocs fence.
FrontEnd = Literal["cli", "sphinx", "mkdocs"]
FRONT_ENDS: tuple[FrontEnd, ...] = ("cli", "sphinx", "mkdocs")

# Longest names first, so "input-shape" is never read as a shorter option's name.
_NAMES = "|".join(re.escape(o.name) for o in sorted(OPTIONS, key=lambda o: -len(o.name)))
_NAME = rf"(?P<name>{_NAMES})(?![\w-])"
#: ``':input-shape: 28,28,1'``: an example written in directive syntax, quoted.
_EXAMPLE = re.compile(rf"'(?::)?{_NAME}:\s*(?P<value>[^']*)'")
#: ``the 'timeout' option``, ``the option input-shape``, ``option 'hide' removes``.
_THE_OPTION = re.compile(rf"\bthe '{_NAME}' option\b")
_OPTION_BARE = re.compile(rf"\b(?P<lead>the option|give) {_NAME}")
_OPTION_QUOTED = re.compile(rf"\boption '{_NAME}'(?!:)")
#: ``with input-dtype: int64``: a value written as a fence line inside a sentence.
_WITH_VALUE = re.compile(rf"\bwith {_NAME}: (?P<value>[\w.,]+)")


def option_syntax(name: str, front_end: FrontEnd, value: str | None = None) -> str:
    """How ``front_end`` writes option ``name`` (with ``value``, when one is given)."""
    if front_end == "cli":
        return f"--{name}" if value is None else f"--{name} {value}"
    if front_end == "sphinx":
        return f":{name}:" if value is None else f":{name}: {value}"
    # A fence line, quoted when bare: "give the option 'input-shape:'" reads as one thing.
    return f"'{name}:'" if value is None else f"{name}: {value}"


def for_front_end(message: str, front_end: FrontEnd) -> str:
    """``message`` with its option hints in ``front_end``'s syntax (see the module doc)."""

    def example(match: re.Match[str]) -> str:
        return f"'{option_syntax(match['name'], front_end, match['value'].strip())}'"

    text = _EXAMPLE.sub(example, message)
    text = _THE_OPTION.sub(lambda m: f"the {option_syntax(m['name'], front_end)} option", text)
    text = _OPTION_BARE.sub(lambda m: f"{m['lead']} {option_syntax(m['name'], front_end)}", text)
    text = _OPTION_QUOTED.sub(lambda m: f"option {option_syntax(m['name'], front_end)}", text)
    return _WITH_VALUE.sub(
        lambda m: f"with {option_syntax(m['name'], front_end, m['value'])}", text
    )
