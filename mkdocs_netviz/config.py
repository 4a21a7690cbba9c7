"""The plugin's ``mkdocs.yml`` schema (``plugins: - netviz: {...}``).

Option names and conventions follow Material's plugins (``enabled``, ``cache``,
``cache_dir``), so the plugin reads like its neighbours. Diagram options under ``defaults``
are not declared here: they are checked by the one schema in
:mod:`sphinx_netviz.core.options.schema`, so that the fence, the Sphinx directive and the CLI
can never disagree about a name, a default or a rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c

from sphinx_netviz.core import OptionError, option, resolve_options
from sphinx_netviz.core.adapter import ARGUMENTS, parse_overrides

__all__ = ["AutodocOverrides", "DiagramDefaults", "NetvizConfig", "Timeout"]


class DiagramDefaults(base.BaseConfigOption[dict[str, Any]]):
    """A mapping of diagram options, checked against the shared options schema.

    The value is kept as written (a plain dict) so that fences can layer their own lines over
    it; validation happens once here, so a typo fails the configuration (naming the key)
    rather than every page.
    """

    def __init__(self) -> None:
        super().__init__()
        self.default: dict[str, Any] = {}

    def run_validation(self, value: object) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise base.ValidationError(
                f"expected a mapping of diagram options, got {type(value).__name__}"
            )
        values = {str(k): v for k, v in value.items()}
        try:
            resolve_options(values)
        except OptionError as exc:
            raise base.ValidationError(str(exc)) from None
        return values


class AutodocOverrides(base.BaseConfigOption[dict[str, dict[str, Any]]]):
    """Per documented object (``pkg.models.mlp``): diagram options over ``defaults`` and
    ``arguments`` for a factory or class that needs some, checked against the shared schema
    (:mod:`sphinx_netviz.core.extract.autodoc_rules`). A bad key is a configuration warning naming
    it (``--strict`` fails on it) and is dropped; the rest applies."""

    def __init__(self) -> None:
        super().__init__()
        self.default: dict[str, dict[str, Any]] = {}

    def run_validation(self, value: object) -> dict[str, dict[str, Any]]:
        entries, problems = parse_overrides(value)
        for problem in problems:
            key = f"{problem.key!r}: " if problem.key else ""
            self.warnings.append(f"{key}{problem.message}")
        return {
            name: {**({ARGUMENTS: e.arguments} if e.arguments else {}), **e.options}
            for name, e in entries.items()
        }


class Timeout(base.BaseConfigOption[float]):
    """Seconds a model may take to import and build, validated by the schema's ``timeout``."""

    def __init__(self) -> None:
        super().__init__()
        self.default = float(option("timeout").default)

    def run_validation(self, value: object) -> float:
        try:
            return float(option("timeout").parse(value))
        except OptionError as exc:
            raise base.ValidationError(str(exc)) from None


class NetvizConfig(base.Config):  # type: ignore[no-untyped-call]
    """Configuration of the ``netviz`` MkDocs plugin."""

    enabled = c.Type(bool, default=True)
    """Render diagrams. When false, fences show a short placeholder and no model is imported
    (fast drafts)."""

    # Settings for caching
    cache = c.Type(bool, default=True)
    """Keep extracted graphs and rendered SVGs on disk between builds."""
    cache_dir = c.Type(str, default=".cache/plugin/netviz")
    """Where the disk cache lives, relative to ``mkdocs.yml``. Must not be inside ``docs_dir``
    (writing into a watched folder makes ``mkdocs serve`` rebuild forever)."""

    # Settings for snapshots
    snapshot_dir = c.Optional(c.Type(str))
    """A folder, relative to ``mkdocs.yml``, meant to be committed: every model extracted in a
    build is written there as a readable JSON snapshot, and a build that cannot extract (the
    framework is not installed, ``NETVIZ_OFFLINE=1`` or ``offline: true``) draws from it
    without starting a worker."""
    offline = c.Type(bool, default=False)
    """Never start a worker: draw from snapshots (or the cache) only."""

    # Settings for diagrams
    defaults = DiagramDefaults()
    """Site-wide diagram options (``group: none``, ``palette: colorblind``...); fences
    override them line by line."""
    timeout = Timeout()
    """Seconds each model may take to import and build in the worker, unless a fence or
    ``defaults`` says otherwise."""

    type_links = c.DictOfItems(c.Type(str), default={})
    """Layer type (``MyBlock``) or dotted class name -> URL: glyph links by hand, over what
    mkdocstrings' autorefs resolves."""

    # Settings for errors
    fail_fast = c.Type(bool, default=False)
    """Abort the build at the first diagram that cannot be made, instead of warning and
    showing a placeholder."""

    # Settings for API reference pages
    autodoc = c.Type(bool, default=False)
    """Add a diagram to every mkdocstrings (python handler) entry for a function that returns
    a Keras model or a PyTorch module (or a subclass of one) and needs no arguments, and for
    every model class netviz can build."""
    autodoc_overrides = AutodocOverrides()
    """Per documented object (``pkg.models.mlp``): options over ``defaults`` and
    ``arguments``, e.g. ``{pkg.models.mlp: {input-shape: "784"}}``."""
