"""The Sphinx adapter: the ``netviz`` directive, config values and build-event wiring.

Wiring only. The core (:mod:`sphinx_netviz.core`) loads models and draws them; this module
turns directive text into a request, decides *when* the core runs, and reports problems the
Sphinx way (warnings of type ``netviz`` with document and line, a visible placeholder, the
build goes on; ``-W`` turns them into a failure).

When the core runs, and why:

* Read phase (``run``, possibly in forked ``-j N`` readers): only cheap, import-free work.
  Options are validated against the one schema, the spec is parsed, the factory's module
  file is found on ``sys.path`` without importing it and recorded as a dependency, and the
  request is stored on the node and in ``env.netviz_requests`` (merged back from readers).
* After reading (``env-updated``, main process): every request of the documents just read is
  built with one DiagramBuilder (one worker for a cold build, none for a warm one), with
  progress through ``status_iterator``; the model's source files become dependencies of the
  page, so editing the model re-renders it. Failures are warned about here, with location.
* Resolving (``doctree-resolved``, main process even for parallel writes): the SVG, key, title
  and summary are copied onto the node; anything not built yet (a page written but not re-read)
  is built now, from the cache in the normal case.
* Writing: per-builder visitors (:mod:`sphinx_netviz.builders`) embed the SVG or write PDFs.

Configuration (conf.py):

``netviz_defaults`` (dict, default ``{}``)
    Site-wide option values, e.g. ``{"palette": "colorblind", "hide": ["Dropout"]}``;
    checked once at startup, a bad key is a warning naming it and is ignored.
``netviz_cache_dir`` (str or None, default None = ``<doctreedir>/netviz``)
    The disk cache of extracted models and SVGs; relative paths are relative to conf.py's
    folder. The default survives ``-E`` but not ``make clean``; use ``".cache/netviz"`` to
    keep it across clean builds (keep it out of the source tree's watched files).
``netviz_snapshot_dir`` (str or None, default None)
    A folder, relative to conf.py's, meant to be committed: every model extracted in a build
    is written there as a readable JSON snapshot, and a build that cannot extract (framework
    not installed, ``NETVIZ_OFFLINE=1`` or ``netviz_offline``) draws from it with no worker.
``netviz_offline`` (bool, default False)
    Never start a worker: draw from snapshots (or the cache) only.
``netviz_timeout`` (float, default 120)
    Default seconds per model (the ``:timeout:`` option overrides it per diagram).
``netviz_autodoc`` (bool, default False)
    Append a diagram to every autodoc'd function or method that returns a Keras model and
    can be called without arguments.
``netviz_autodoc_factories`` (list of dotted names, default ``[]``)
    Further functions that get an autodoc diagram whatever their annotation says.
``netviz_autodoc_options`` (dict, default ``{}``)
    Directive options for the diagrams ``netviz_autodoc`` inserts.
``netviz_type_links`` (dict, default ``{}``)
    Layer type (``"MyBlock"``) or dotted class name -> URL for glyph links, over what the
    Python domain and intersphinx resolve (see :mod:`sphinx_netviz.links`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes  # type: ignore[import-untyped]
from docutils.parsers.rst import directives  # type: ignore[import-untyped]
from sphinx.util import logging
from sphinx.util.display import status_iterator
from sphinx.util.docutils import SphinxDirective

from . import __version__
from .core import OPTIONS, NetvizError, OptionError, Options, option, parse_spec, resolve_options
from .nodes import netviz_diagram
from .state import Outcome, Request, get_state, request_key

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

__all__ = ["NetvizDirective", "setup", "site_options"]

logger = logging.getLogger(__name__)

#: Bump when the shape of what is stored on nodes or ``env`` changes (old pickles dropped).
ENV_VERSION = 1

#: Builder formats whose visitors draw the diagram (others get a text paragraph).
RENDERED_FORMATS = frozenset({"html", "latex", "text", "man", "texinfo"})

_STATIC = Path(__file__).resolve().parent / "core" / "static"

_CSS_LENGTH = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:px|%|em|rem|ex|ch|vw|vh|pt|pc|cm|mm|in)?")


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
        location = (docname, self.lineno)
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
            messages = [f"netviz: {_name_spec(spec, text)}" for _, text in problems]
            for (subtype, _), message in zip(problems, messages, strict=True):
                logger.warning(message, location=location, type="netviz", subtype=subtype)
            node["error"] = "; ".join(m.removeprefix("netviz: ") for m in messages)
        else:
            values = request_values(options)
            node["options"] = values
            node["request"] = request_key(spec, values)
            requests: dict[str, list[tuple[int, str, dict[str, Any]]]] = _requests(self.env)
            requests.setdefault(docname, []).append((self.lineno, spec, values))

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


def _name_spec(spec: str, message: str) -> str:
    """Make sure a message names the spec it is about (core messages usually do)."""
    if f"model spec {spec!r}" in message or (spec and repr(spec) in message):
        return message  # (an empty spec's message already says "model spec ''")
    return f"model spec {spec!r}: {message}"


def parse_options(raw: Mapping[str, Any], base: Options) -> tuple[Options, list[str]]:
    """Validate directive options one by one over the site defaults.

    Each bad option becomes one message (unknown name with a hint, or invalid value); the
    good ones still apply, so a typo in one option does not lose the others' meaning.
    """
    problems: list[str] = []
    good: dict[str, Any] = {}
    for name, value in raw.items():
        try:
            opt = option(name)
            opt.parse(value)  # validate alone, so each bad option gets its own message
            good[opt.name] = value
        except OptionError as exc:
            problems.append(str(exc))
    try:
        options = resolve_options(good, base=base)
    except OptionError as exc:  # cross-option checks (min-height > max-height ...)
        problems.append(str(exc))
        options = base
    if options.width and not _CSS_LENGTH.fullmatch(options.width):
        problems.append(
            f"option 'width': {options.width!r} is not a CSS length (e.g. 600px or 80%)"
        )
        options = replace(options, width="")
    return options, problems


def request_values(options: Options) -> dict[str, Any]:
    """The render and extract option values (kebab-case): what the picture depends on."""
    return {o.name: getattr(options, o.attr) for o in OPTIONS if o.scope != "embed"}


def site_options(config: Config, *, warn: bool = False) -> Options:
    """``netviz_timeout`` and ``netviz_defaults`` applied over the schema defaults.

    Bad keys are dropped (and, with ``warn``, reported once at config time, naming the key).
    """
    base = Options()
    timeout = config.netviz_timeout
    try:
        base = resolve_options({"timeout": timeout})
    except OptionError as exc:
        if warn:
            logger.warning("netviz: netviz_timeout: %s", exc, type="netviz", subtype="config")
    defaults = config.netviz_defaults or {}
    if not isinstance(defaults, dict):
        if warn:
            logger.warning(
                "netviz: netviz_defaults must be a dict of option names to values, got %s",
                type(defaults).__name__,
                type="netviz",
                subtype="config",
            )
        return base
    good: dict[str, Any] = {}
    for name, value in defaults.items():
        try:
            opt = option(str(name))
            opt.parse(value)
            good[opt.name] = value
        except OptionError as exc:
            if warn:
                logger.warning(
                    "netviz: netviz_defaults[%r]: %s", name, exc, type="netviz", subtype="config"
                )
    try:
        return resolve_options(good, base=base)
    except OptionError as exc:
        if warn:
            logger.warning("netviz: netviz_defaults: %s", exc, type="netviz", subtype="config")
        return base


def spec_dependencies(kind: str, module: str | None, path: Path | None) -> list[Path]:
    """Files a page depends on, found without importing anything.

    For a factory that is the module's own source file on ``sys.path`` (so even a model that
    fails to import is retried when its file is edited); for saved models the file itself.
    The full list (every project file the import touched) comes from the core after loading.
    """
    if kind != "factory":
        return [path] if path is not None else []
    found = module_file(module or "")
    return [found] if found is not None else []


def module_file(module: str, search_path: Iterable[str] | None = None) -> Path | None:
    """The ``.py`` file of dotted ``module`` on ``search_path`` (default ``sys.path``)."""
    import sys

    parts = module.split(".")
    if not module or not all(p.isidentifier() for p in parts):
        return None
    for entry in search_path if search_path is not None else sys.path:
        base = Path(entry or ".").joinpath(*parts)
        for candidate in (base.with_name(base.name + ".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate.resolve()
    return None


# -- env storage (merged across parallel readers) --------------------------------------------


def _requests(env: BuildEnvironment) -> dict[str, list[tuple[int, str, dict[str, Any]]]]:
    if not hasattr(env, "netviz_requests"):
        env.netviz_requests = {}  # type: ignore[attr-defined]
    return env.netviz_requests  # type: ignore[attr-defined,no-any-return]


def _failed(env: BuildEnvironment) -> set[str]:
    if not hasattr(env, "netviz_failed"):
        env.netviz_failed = set()  # type: ignore[attr-defined]
    return env.netviz_failed  # type: ignore[attr-defined,no-any-return]


def _purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _requests(env).pop(docname, None)


def _merge_info(
    app: Sphinx, env: BuildEnvironment, docnames: Iterable[str], other: BuildEnvironment
) -> None:
    mine, theirs = _requests(env), _requests(other)
    for docname in docnames:
        if docname in theirs:
            mine[docname] = theirs[docname]


def _get_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Re-read pages whose diagram failed last time: the cause may be gone (a timeout, a
    package installed since), and a failure must not be silently frozen into the output."""
    return sorted(d for d in _failed(env) if d in env.found_docs and d not in removed)


def _before_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    get_state(app).reading = set(docnames)


def _request_of(node: netviz_diagram) -> Request:
    return Request(node["spec"], tuple(sorted(node["options"].items())))


def _doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    """Prestart the worker early in a cold serial read (see NetvizState.prestart_if_cold).

    Only where this process is the one that received ``env-before-read-docs`` (``reading``
    is set): ``-j N`` readers are forked children and must not start workers of their own.
    """
    state = get_state(app)
    if state.probed or not state.reading or not _renders(app):
        return
    for node in doctree.findall(netviz_diagram):
        if node["request"]:
            state.prestart_if_cold(app, _request_of(node))
            return


def _html(app: Sphinx) -> bool:
    return app.builder is not None and app.builder.format == "html"


def _renders(app: Sphinx) -> bool:
    return app.builder is not None and app.builder.format in RENDERED_FORMATS


def _env_updated(app: Sphinx, env: BuildEnvironment) -> None:
    """Build every diagram of the pages just read: one builder, progress, dependencies."""
    state = get_state(app)
    reading, state.reading = state.reading, set()
    if not _renders(app):
        return
    requests = _requests(env)
    entries = [
        (docname, lineno, Request(spec, tuple(sorted(values.items()))))
        for docname in sorted(reading)
        for lineno, spec, values in requests.get(docname, [])
    ]
    if not entries:
        return
    unique: dict[str, tuple[str, int, Request]] = {}
    for docname, lineno, request in entries:
        unique.setdefault(request.key, (docname, lineno, request))
    pending = list(unique.values())
    for docname, lineno, request in status_iterator(
        pending,
        "netviz: building diagrams... ",
        "darkgreen",
        len(pending),
        app.verbosity,
        stringify_func=lambda item: item[2].spec,
    ):
        _build(app, request, (docname, lineno))
    failed = _failed(env)
    failed.difference_update(reading)
    for docname, lineno, request in entries:
        outcome = _build(app, request, (docname, lineno))
        if outcome.diagram is None:
            failed.add(docname)
            _warn_once(app, outcome, request.spec, docname, lineno, request.key)
            continue
        for source in outcome.diagram.sources:
            env.note_dependency(source, docname=docname)
    logger.debug("[netviz] %d diagram(s), worker started: %s", len(pending), state.worker_started)


def _build(app: Sphinx, request: Request, location: tuple[str, int]) -> Outcome:
    state = get_state(app)
    key = request.key
    if key in state.outcomes:
        return state.outcomes[key]
    return state.build(app, request, location)


def _warn_once(
    app: Sphinx, outcome: Outcome, spec: str, docname: str, lineno: int, key: str
) -> None:
    state = get_state(app)
    marker = (docname, lineno, key)
    if marker in state.warned:
        return
    state.warned.add(marker)
    logger.warning(
        "netviz: %s",
        _name_spec(spec, outcome.error),
        location=(docname, lineno),
        type="netviz",
        subtype=outcome.subtype,
    )


def _doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Put the built SVG (or a placeholder) on each node, for the writer's visitors."""
    from .builders import fallback_paragraph, resolve_node

    for node in list(doctree.findall(netviz_diagram)):
        if not _renders(app):
            node.replace_self(fallback_paragraph(node))
            continue
        outcome: Outcome | None = None
        if not node.get("error") and node.get("request"):
            request = _request_of(node)
            node_doc, lineno = str(node["docname"]), int(node["lineno"])
            outcome = _build(app, request, (node_doc, lineno))
            if outcome.diagram is None:
                _warn_once(app, outcome, request.spec, node_doc, lineno, request.key)
        resolve_node(node, outcome)
        if _html(app) and node.get("classes_drawn"):
            from .links import type_links

            drawn = [(str(t), str(m)) for t, m in node["classes_drawn"]]
            node["links"] = type_links(app, docname, drawn)


def _config_inited(app: Sphinx, config: Config) -> None:
    site_options(config, warn=True)  # validate once, naming bad keys
    if _STATIC.is_dir():
        static = list(config.html_static_path)
        if str(_STATIC) not in static:
            config.html_static_path = [*static, str(_STATIC)]
    if config.netviz_autodoc:
        from .autodoc import connect_autodoc

        connect_autodoc(app)


def _build_finished(app: Sphinx, exception: BaseException | None) -> None:
    state = get_state(app)
    started = state.worker_started
    state.close()
    logger.debug("[netviz] build finished; worker started in this build: %s", started)


# -- setup -----------------------------------------------------------------------------------


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive, node visitors, config values and event handlers."""
    from .builders import VISITORS

    app.add_config_value(
        "netviz_defaults",
        {},
        "env",
        types=frozenset({dict}),
        description="Site-wide option defaults for every netviz diagram.",
    )
    app.add_config_value(
        "netviz_cache_dir",
        None,
        "",
        types=frozenset({str, type(None)}),
        description="Disk cache of models and SVGs (default <doctreedir>/netviz).",
    )
    app.add_config_value(
        "netviz_snapshot_dir",
        None,
        "",
        types=frozenset({str, type(None)}),
        description="Committed folder of IR snapshots (relative to conf.py's folder).",
    )
    app.add_config_value(
        "netviz_offline",
        False,
        "",
        types=frozenset({bool}),
        description="Never extract: draw from snapshots (or the cache) only.",
    )
    app.add_config_value(
        "netviz_timeout",
        120.0,
        "env",
        types=frozenset({int, float}),
        description="Default seconds a model may take to import and build.",
    )
    app.add_config_value(
        "netviz_autodoc",
        False,
        "env",
        types=frozenset({bool}),
        description="Append diagrams to autodoc'd model factories.",
    )
    app.add_config_value(
        "netviz_autodoc_factories",
        [],
        "env",
        types=frozenset({list, tuple}),
        description="Dotted names of extra factories that get an autodoc diagram.",
    )
    app.add_config_value(
        "netviz_autodoc_options",
        {},
        "env",
        types=frozenset({dict}),
        description="Directive options for the diagrams netviz_autodoc inserts.",
    )

    app.add_config_value(
        "netviz_type_links",
        {},
        "html",
        types=frozenset({dict}),
        description="Layer type (or dotted class name) -> documentation URL for glyph links.",
    )

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
    app.add_css_file("netviz.css")
    app.add_js_file("netviz.js", loading_method="defer")

    app.connect("config-inited", _config_inited)
    app.connect("env-purge-doc", _purge_doc)
    app.connect("env-merge-info", _merge_info)
    app.connect("env-get-outdated", _get_outdated)
    app.connect("env-before-read-docs", _before_read)
    app.connect("doctree-read", _doctree_read)
    app.connect("env-updated", _env_updated)
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("build-finished", _build_finished)

    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
