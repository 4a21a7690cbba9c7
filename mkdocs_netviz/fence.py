"""The ``netviz`` fence: parsing, the Markdown extension and the SuperFences hooks.

A fence names a model on its first line and sets options on the following ``key: value``
lines (the names of the shared schema, plus caption/alt/align/width/class)::

    ```netviz
    mypkg.models:get_model
    group: auto
    caption: The MNIST ConvNet
    ```

The fence is a *Markdown extension*, not an ``on_page_markdown`` regex, because
mkdocstrings renders docstrings with a Markdown instance built from the same extension
list: only an extension sees fences inside API pages. Two routes reach the same renderer:

- with ``pymdownx.superfences`` configured, the plugin registers :func:`validator` and a
  bound :meth:`FenceRenderer.format` as its custom fence (so fences nest in tabs and
  admonitions, and users write no ``!!python/name`` YAML);
- otherwise :class:`NetvizExtension` adds a preprocessor that replaces ```` ```netviz ````
  blocks with stashed HTML before ``fenced_code`` would see them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from markdown import Extension
from markdown.preprocessors import Preprocessor

from sphinx_netviz.core import OptionError, SpecError, option

if TYPE_CHECKING:
    from markdown import Markdown

__all__ = [
    "FENCE_NAME",
    "SOURCE_MARK",
    "FenceBlock",
    "FenceRenderer",
    "FenceRequest",
    "NetvizExtension",
    "fence_key",
    "find_fences",
    "parse_fence",
    "parse_header",
    "validator",
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


class FenceRenderer(Protocol):
    """What the fence needs from the plugin: turn a fence into HTML, never raising."""

    def render_fence(
        self, source: str, header: Mapping[str, str], *, line: int | None = None
    ) -> str: ...


def validator(
    language: str,
    inputs: dict[str, str],
    options: dict[str, Any],
    attrs: dict[str, Any],
    md: Markdown,
) -> bool:
    """SuperFences validator: accept every ``netviz`` fence and keep header options.

    Options are not checked here: a failing validator makes SuperFences fall back to a plain
    code block silently, while the formatter reports the problem with the page and line.
    """
    options.update(inputs)
    return True


class SuperFencesFormatter:
    """A SuperFences ``format`` callable bound to a renderer (no ``!!python/name`` YAML)."""

    def __init__(self, renderer: FenceRenderer) -> None:
        self.renderer = renderer

    def __call__(
        self,
        source: str,
        language: str,
        css_class: str,
        options: Mapping[str, Any] | None,
        md: Markdown,
        **kwargs: Any,
    ) -> str:
        header = {str(k): str(v) for k, v in (options or {}).items()}
        return self.renderer.render_fence(source, header)


class _FencePreprocessor(Preprocessor):  # type: ignore[misc]
    """Replaces ``netviz`` fences with stashed HTML when SuperFences does not handle them."""

    def __init__(self, md: Markdown, extension: NetvizExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def _superfences_handles_netviz(self) -> bool:
        if "fenced_code_block" not in self.md.preprocessors:
            return False
        ext = getattr(self.md.preprocessors["fenced_code_block"], "extension", None)
        fences = getattr(ext, "superfences", None) or []
        return any(entry.get("name") == FENCE_NAME for entry in fences)

    def run(self, lines: list[str]) -> list[str]:
        if not any(FENCE_NAME in line for line in lines) or self._superfences_handles_netviz():
            return lines
        renderer = self.extension.get_renderer()
        out: list[str] = []
        cursor = 0
        for block in find_fences(lines):
            out.extend(lines[cursor : block.start])
            html = renderer.render_fence(block.source, dict(block.header), line=block.start + 1)
            placeholder = self.md.htmlStash.store(html)
            out.extend(["", block.indent + placeholder, ""])
            cursor = block.end + 1
        out.extend(lines[cursor:])
        return out


class NetvizExtension(Extension):  # type: ignore[misc]
    """The ``netviz`` Markdown extension (entry point ``markdown.extensions: netviz``).

    The plugin creates it with its renderer. Used on its own (``markdown_extensions:
    [netviz]`` without the plugin, or plain Python-Markdown), it renders through a
    default renderer: project root = current directory, no disk cache.
    """

    def __init__(self, renderer: FenceRenderer | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._renderer = renderer

    def get_renderer(self) -> FenceRenderer:
        if self._renderer is None:
            from .session import DiagramSession

            self._renderer = DiagramSession.standalone()
        return self._renderer

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        # Above fenced_code/superfences (25) so ```netviz is never taken as plain code.
        md.preprocessors.register(_FencePreprocessor(md, self), "netviz_fence", 27)


def makeExtension(**kwargs: Any) -> NetvizExtension:
    """Entry for ``markdown.Markdown(extensions=["mkdocs_netviz.fence"])``."""
    return NetvizExtension(**kwargs)
