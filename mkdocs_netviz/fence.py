"""The ``netviz`` fence in Markdown: the extension and the SuperFences hooks (parsing the
fence itself is :mod:`.fence_parse`'s).

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

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from markdown import Extension
from markdown.preprocessors import Preprocessor

from .fence_parse import (
    FENCE_NAME,
    SOURCE_MARK,
    FenceBlock,
    FenceRequest,
    fence_key,
    find_fences,
    parse_fence,
    parse_header,
)
from .session import DiagramSession

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
            self._renderer = DiagramSession.standalone()
        return self._renderer

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        # Above fenced_code/superfences (25) so ```netviz is never taken as plain code.
        md.preprocessors.register(_FencePreprocessor(md, self), "netviz_fence", 27)


def makeExtension(**kwargs: Any) -> NetvizExtension:
    """Entry for ``markdown.Markdown(extensions=["mkdocs_netviz.fence"])``."""
    return NetvizExtension(**kwargs)
