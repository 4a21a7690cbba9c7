"""The Sphinx adapter's build events: when the core runs, and where requests are kept.

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
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sphinx.util import logging
from sphinx.util.display import status_iterator

from sphinx_netviz.autodoc import autodoc_config_inited
from sphinx_netviz.config import config_inited
from sphinx_netviz.directive_options import name_spec
from sphinx_netviz.nodes import netviz_diagram
from sphinx_netviz.state import Outcome, Request, get_state

if TYPE_CHECKING:
    from collections.abc import Iterable

    from docutils import nodes  # type: ignore[import-untyped]
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

__all__ = ["RENDERED_FORMATS", "Location", "connect_events", "env_requests"]

logger = logging.getLogger(__name__)

#: Builder formats whose visitors draw the diagram (others get a text paragraph), and the
#: ``netviz-snapshots`` builder's, which draws nothing but builds every diagram.
RENDERED_FORMATS = frozenset({"html", "latex", "text", "man", "texinfo", "netviz-snapshots"})


# -- env storage (merged across parallel readers) --------------------------------------------


#: Where a warning about a diagram points: ``"source:line"`` (the page's, or a docstring's
#: for an autodoc diagram), or ``(docname, lineno)``.
Location = str | tuple[str, int]
#: One diagram request as the environment keeps it: ``(lineno, spec, values, location)``.
StoredRequest = tuple[int, str, dict[str, Any], Location]


def env_requests(env: BuildEnvironment) -> dict[str, list[StoredRequest]]:
    """``(lineno, spec, values, location)`` of every diagram request, by document (made on
    first use)."""
    if not hasattr(env, "netviz_requests"):
        env.netviz_requests = {}  # type: ignore[attr-defined]
    return env.netviz_requests  # type: ignore[attr-defined,no-any-return]


def _failed(env: BuildEnvironment) -> set[str]:
    if not hasattr(env, "netviz_failed"):
        env.netviz_failed = set()  # type: ignore[attr-defined]
    return env.netviz_failed  # type: ignore[attr-defined,no-any-return]


def _purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    env_requests(env).pop(docname, None)


def _merge_info(
    app: Sphinx, env: BuildEnvironment, docnames: Iterable[str], other: BuildEnvironment
) -> None:
    mine, theirs = env_requests(env), env_requests(other)
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
    requests = env_requests(env)
    entries = [
        (docname, where, Request(spec, tuple(sorted(values.items()))))
        for docname in sorted(reading)
        for _lineno, spec, values, where in requests.get(docname, [])
    ]
    if not entries:
        return
    unique: dict[str, tuple[str, Location, Request]] = {}
    for docname, where, request in entries:
        unique.setdefault(request.key, (docname, where, request))
    pending = list(unique.values())
    for _docname, where, request in status_iterator(
        pending,
        "netviz: building diagrams... ",
        "darkgreen",
        len(pending),
        app.verbosity,
        stringify_func=lambda item: item[2].spec,
    ):
        _build(app, request, where)
    failed = _failed(env)
    failed.difference_update(reading)
    for docname, where, request in entries:
        outcome = _build(app, request, where)
        if outcome.diagram is None:
            failed.add(docname)
            _warn_once(app, outcome, request.spec, where, request.key)
            continue
        for source in outcome.diagram.sources:
            env.note_dependency(source, docname=docname)
    logger.debug("[netviz] %d diagram(s), worker started: %s", len(pending), state.worker_started)


def _build(app: Sphinx, request: Request, location: Location) -> Outcome:
    state = get_state(app)
    key = request.key
    if key in state.outcomes:
        return state.outcomes[key]
    return state.build(app, request, location)


_DOCSTRING = re.compile(r":docstring of (?P<name>[\w.]+):\d+$")


def _autodoc_hint(where: Location, message: str) -> str:
    """For a diagram in a docstring, where its options go when autodoc put it there."""
    found = _DOCSTRING.search(where) if isinstance(where, str) else None
    if found is None or "give the option" not in message:
        return message
    name = found["name"]
    return f"{message} (for an autodoc diagram: netviz_autodoc_overrides[{name!r}] in conf.py)"


def _warn_once(app: Sphinx, outcome: Outcome, spec: str, where: Location, key: str) -> None:
    state = get_state(app)
    marker = (str(where), key)
    if marker in state.warned:
        return
    state.warned.add(marker)
    logger.warning(
        "netviz: %s",
        _autodoc_hint(where, name_spec(spec, outcome.error)),
        location=where,
        type="netviz",
        subtype=outcome.subtype,
    )


def _node_location(node: netviz_diagram) -> Location:
    """The directive's source and line, as the directive stored them on the node."""
    if node.source and node.line:
        return f"{node.source}:{node.line}"
    return (str(node["docname"]), int(node["lineno"]))


def _doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Put the built SVG (or a placeholder) on each node, for the writer's visitors."""
    from sphinx_netviz.builders import fallback_paragraph, resolve_node

    for node in list(doctree.findall(netviz_diagram)):
        if not _renders(app):
            node.replace_self(fallback_paragraph(node))
            continue
        outcome: Outcome | None = None
        if not node.get("error") and node.get("request"):
            request = _request_of(node)
            where = _node_location(node)
            outcome = _build(app, request, where)
            if outcome.diagram is None:
                _warn_once(app, outcome, request.spec, where, request.key)
        resolve_node(node, outcome)
        if _html(app) and node.get("classes_drawn"):
            from sphinx_netviz.links import type_links

            drawn = [(str(t), str(m)) for t, m in node["classes_drawn"]]
            node["links"] = type_links(app, docname, drawn)


def _build_finished(app: Sphinx, exception: BaseException | None) -> None:
    state = get_state(app)
    started = state.worker_started
    state.close()
    logger.debug("[netviz] build finished; worker started in this build: %s", started)


def connect_events(app: Sphinx) -> None:
    """Connect every handler above (and the config check) to its Sphinx event."""
    app.connect("config-inited", config_inited)
    app.connect("config-inited", autodoc_config_inited)
    app.connect("env-purge-doc", _purge_doc)
    app.connect("env-merge-info", _merge_info)
    app.connect("env-get-outdated", _get_outdated)
    app.connect("env-before-read-docs", _before_read)
    app.connect("doctree-read", _doctree_read)
    app.connect("env-updated", _env_updated)
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("build-finished", _build_finished)
