"""The Sphinx adapter's configuration: the ``netviz_*`` config values and site options.

Every value is registered here, and :func:`site_options` is the one place that turns
``netviz_timeout`` and ``netviz_defaults`` into the :class:`Options` every diagram starts from.

Configuration (conf.py):

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

from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from sphinx_netviz.core import OptionError, Options, resolve_options
from sphinx_netviz.directive_options import valid_options

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

__all__ = ["add_config_values", "config_inited", "site_options"]

logger = logging.getLogger(__name__)


def add_config_values(app: Sphinx) -> None:
    """Register every ``netviz_*`` config value (documented in this module's docstring)."""
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
    good, bad = valid_options(defaults)
    for name, error in bad:
        if warn:
            logger.warning(
                "netviz: netviz_defaults[%r]: %s", name, error, type="netviz", subtype="config"
            )
    try:
        return resolve_options(good, base=base)
    except OptionError as exc:
        if warn:
            logger.warning("netviz: netviz_defaults: %s", exc, type="netviz", subtype="config")
        return base


def config_inited(app: Sphinx, config: Config) -> None:
    site_options(config, warn=True)  # validate once, naming bad keys
    from sphinx_netviz.core.adapter import STATIC_DIR  # the core's one copy of the assets

    if Path(STATIC_DIR).is_dir():
        static = list(config.html_static_path)
        if str(STATIC_DIR) not in static:
            config.html_static_path = [*static, str(STATIC_DIR)]
    if config.netviz_autodoc:
        from sphinx_netviz.autodoc import connect_autodoc

        connect_autodoc(app)
