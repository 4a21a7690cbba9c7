"""What a ``netviz`` fence says: finding fences in Markdown lines, and parsing their spec,
header and ``key: value`` option lines (option names checked against the one schema).

Plain text in, plain data out: the Markdown extension (:mod:`.fence`) and the build session
(:mod:`.session`) both read fences through this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sphinx_netviz.core import OptionError, SpecError, option

__all__ = [
    "FENCE_NAME",
    "SOURCE_MARK",
    "FenceBlock",
    "FenceRequest",
    "fence_key",
    "find_fences",
    "parse_fence",
    "parse_header",
]

#: The info string that marks a diagram fence.
FENCE_NAME = "netviz"
#: How a fence put into a docstring by the griffe extension names that docstring (a comment
#: line, which :func:`parse_fence` ignores): ``# netviz-autodoc: pkg.models.mlp path:line``.
SOURCE_MARK = "# netviz-autodoc:"

_OPEN = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*"
    r"(?:\{[ \t]*\.?netviz(?P<braced>[^}]*)\}|netviz(?![\w-])(?P<rest>[^`]*))[ \t]*$"
)
_HEADER_ITEM = re.compile(r"""(?P<key>[\w-]+)(?:=(?P<value>"[^"]*"|'[^']*'|[^\s"']+))?""")
_OPTION_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*:(?P<value>.*)$")


@dataclass(frozen=True)
class FenceRequest:
    """A parsed fence: the spec and the option lines as written (validated names)."""

    spec: str
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class FenceBlock:
    """A fence found in Markdown text: where it is and what it holds."""

    start: int  # index of the opening line
    end: int  # index of the closing line
    indent: str
    header: tuple[tuple[str, str], ...]
    source: str  # the body, dedented


def fence_key(source: str) -> tuple[str, ...]:
    """A whitespace-insensitive identity of a fence body, to find its line in the page."""
    return tuple(line.strip() for line in source.splitlines() if line.strip())


def parse_header(text: str) -> tuple[tuple[str, str], ...]:
    """Options written on the opening line (```` ```netviz caption="A net" ````)."""
    items = []
    for match in _HEADER_ITEM.finditer(text.strip()):
        key = match.group("key")
        value = match.group("value")
        value = "true" if value is None else value.strip("\"'")
        items.append((key, value))
    return tuple(items)


def parse_fence(source: str) -> FenceRequest:
    """Split a fence body into the spec (first line) and its ``key: value`` option lines.

    Option names are checked against the shared schema here (values are checked when the
    options are resolved), so a misspelt name is reported with a suggestion. Lines starting
    with ``#`` are comments.
    """
    lines = [ln.strip() for ln in source.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    if not lines:
        raise SpecError("empty netviz fence: the first line must name a model, e.g. 'pkg.mod:fn'")
    spec, rest = lines[0], lines[1:]
    values: list[tuple[str, str]] = []
    for line in rest:
        match = _OPTION_LINE.match(line)
        if match is None:
            raise OptionError(f"netviz fence for {spec!r}: line {line!r} is not 'option: value'")
        name = option(match.group("key")).name
        values.append((name, match.group("value").strip()))
    return FenceRequest(spec=spec, values=tuple(values))


def find_fences(lines: list[str]) -> Iterator[FenceBlock]:
    """Every closed ``netviz`` fence in ``lines`` (at any indentation, as in lists)."""
    index = 0
    while index < len(lines):
        match = _OPEN.match(lines[index])
        if match is None:
            index += 1
            continue
        indent, fence = match.group("indent"), match.group("fence")
        closing = re.compile(rf"^{re.escape(indent)}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        body: list[str] = []
        for end in range(index + 1, len(lines)):
            line = lines[end]
            if closing.match(line):
                header = parse_header(match.group("braced") or match.group("rest") or "")
                yield FenceBlock(
                    start=index,
                    end=end,
                    indent=indent,
                    header=header,
                    source="\n".join(
                        ln[len(indent) :] if ln.startswith(indent) else ln.lstrip() for ln in body
                    ),
                )
                index = end + 1
                break
            body.append(line)
        else:
            index += 1  # unclosed: leave it to the code-block extensions
