"""The Sphinx adapter: the ``netviz`` directive and the extension's ``setup``.

Wiring only. The core (:mod:`sphinx_netviz.core`) loads models and draws them; this module
turns directive text into a request, decides *when* the core runs, and reports problems the
Sphinx way (warnings of type ``netviz`` with document and line, a visible placeholder, the
build goes on; ``-W`` turns them into a failure).

The directive's ``run`` is the read phase (possibly in forked ``-j N`` readers): only cheap,
import-free work. Options are validated against the one schema
(:mod:`sphinx_netviz.directive_options`), the spec is parsed, the factory's module file is
found on ``sys.path`` without importing it and recorded as a dependency
(:mod:`sphinx_netviz.dependencies`), and the request is stored on the node and in
``env.netviz_requests``. Building happens in the events (:mod:`sphinx_netviz.events`); the
config values are documented in :mod:`sphinx_netviz.config`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes  # type: ignore[import-untyped]
from docutils.parsers.rst import directives  # type: ignore[import-untyped]
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from sphinx_netviz.config import add_config_values, site_options
from sphinx_netviz.core import OPTIONS, NetvizError, __version__
from sphinx_netviz.core.adapter import for_front_end, parse_spec
from sphinx_netviz.dependencies import module_file, spec_dependencies
from sphinx_netviz.directive_options import name_spec, parse_options, request_values
from sphinx_netviz.events import connect_events, env_requests
from sphinx_netviz.nodes import netviz_diagram
from sphinx_netviz.state import request_key

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["NetvizDirective", "module_file", "parse_options", "setup", "site_options"]

logger = logging.getLogger(__name__)

#: Bump when the shape of what is stored on nodes or ``env`` changes (old pickles dropped).
ENV_VERSION = 2


# -- the directive ---------------------------------------------------------------------------


def _raw(value: str | None) -> str | None:
    """Keep the option text as written; the schema, not docutils, validates it."""
    return value


class _AnyOptionSpec(dict[str, Any]):
    """An ``option_spec`` that accepts every name.

    docutils (and MyST) look converters up with ``spec[name]`` and turn a ``KeyError`` into a
    hard directive error that drops the whole diagram. Answering for unknown names lets
    ``run`` report them through the schema (with a "did you mean" hint) as a netviz warning
    and still show a placeholder.
    """

    def __missing__(self, key: str) -> Any:
        return _raw


class NetvizDirective(SphinxDirective):
    """``.. netviz:: package.module:factory`` with every option of the shared schema."""

    required_arguments = 0  # an empty spec is reported as a netviz warning, not a crash
    optional_arguments = 1
    final_argument_whitespace = True  # "pkg.mod:f(depth=18, width=2)" keeps its spaces
    has_content = True  # content is reported as a netviz warning, not a docutils error
    option_spec: ClassVar[dict[str, Any]] = _AnyOptionSpec({o.name: _raw for o in OPTIONS})

    def run(self) -> list[nodes.Node]:
        docname = self.env.docname
        spec = " ".join(self.arguments[0].split()) if self.arguments else ""
        # The directive's own source and line: the page's, or for a diagram autodoc put into
        # a docstring, the docstring's (``models.py:docstring of pkg.models.mlp:5``), as
        # autodoc's own warnings say; ``self.lineno`` alone counts lines of the whole input.
        location = self.get_location() or (docname, self.lineno)
        node = netviz_diagram(
            "",
            spec=spec,
            docname=docname,
            lineno=self.lineno,
            options={},
            request="",
            error="",
            alt="",
            align="",
            width="",
        )
        self.set_source_info(node)

        problems: list[tuple[str, str]] = []
        if self.content:
            problems.append(
                ("content", "the directive takes no content (options go in ':name: value' lines)")
            )
        options, option_problems = parse_options(self.options, site_options(self.config))
        problems.extend(("option", p) for p in option_problems)

        try:
            parsed = parse_spec(spec, base_dir=Path(self.env.srcdir))
        except NetvizError as exc:
            problems.append(("spec", str(exc)))
        else:
            for dependency in spec_dependencies(parsed.kind, parsed.module, parsed.path):
                self.env.note_dependency(dependency)

        node["alt"] = options.alt
        node["align"] = options.align
        node["width"] = options.width
        node["classes"].extend(directives.class_option(options.class_) if options.class_ else [])

        if problems:
            messages = [
                f"netviz: {for_front_end(name_spec(spec, text), 'sphinx')}" for _, text in problems
            ]
            for (subtype, _), message in zip(problems, messages, strict=True):
                logger.warning(message, location=location, type="netviz", subtype=subtype)
            node["error"] = "; ".join(m.removeprefix("netviz: ") for m in messages)
        else:
            values = request_values(options)
            node["options"] = values
            node["request"] = request_key(spec, values)
            requests = env_requests(self.env)
            requests.setdefault(docname, []).append((self.lineno, spec, values, location))

        if not options.caption:
            self.add_name(node)
            return [node]
        figure = nodes.figure("", node, classes=["netviz-figure"])
        self.set_source_info(figure)
        if options.align:
            figure["align"] = options.align
        if options.width:
            figure["width"] = options.width
        inline, messages_ = self.parse_inline(options.caption, lineno=self.lineno)
        caption = nodes.caption(options.caption, "", *inline)
        self.set_source_info(caption)
        figure += caption
        self.add_name(figure)
        return [figure, *messages_]


# -- setup -----------------------------------------------------------------------------------


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive, node visitors, config values and event handlers."""
    from sphinx_netviz.builders import VISITORS
    from sphinx_netviz.snapshots import builder_class

    add_config_values(app)

    app.add_node(
        netviz_diagram,
        html=VISITORS["html"],
        epub=VISITORS["epub"],
        latex=VISITORS["latex"],
        text=VISITORS["text"],
        man=VISITORS["man"],
        texinfo=VISITORS["texinfo"],
    )
    app.add_directive("netviz", NetvizDirective)
    app.add_builder(builder_class())
    app.add_css_file("netviz.css")
    app.add_js_file("netviz.js", loading_method="defer")

    connect_events(app)

    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
