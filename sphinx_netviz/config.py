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
    Append a diagram to every autodoc'd function or method that returns a Keras model or a
    PyTorch module (or an instance of a subclass) and can be called without arguments, and to
    every documented model class netviz can build.
``netviz_autodoc_factories`` (list of dotted names, default ``[]``)
    Further functions that get an autodoc diagram whatever their annotation says.
``netviz_autodoc_options`` (dict, default ``{}``)
    Directive options for the diagrams ``netviz_autodoc`` inserts.
``netviz_autodoc_overrides`` (dict, default ``{}``)
    Per documented object (``"pkg.models.mlp"``): options over ``netviz_autodoc_options``,
    and ``arguments`` for a factory or class that needs some
    (:mod:`sphinx_netviz.core.extract.autodoc_rules`). Checked at startup, each bad key a warning
    located in conf.py; an entry naming no documented object is reported after reading.
``netviz_type_links`` (dict, default ``{}``)
    Layer type (``"MyBlock"``) or dotted class name -> URL for glyph links, over what the
    Python domain and intersphinx resolve (see :mod:`sphinx_netviz.links`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from sphinx_netviz.core import OptionError, Options, resolve_options
from sphinx_netviz.core.adapter import AutodocEntry, parse_overrides
from sphinx_netviz.directive_options import valid_options

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

__all__ = [
    "add_config_values",
    "autodoc_entries",
    "autodoc_site_options",
    "conf_location",
    "config_inited",
    "site_options",
]

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
        "netviz_autodoc_overrides",
        {},
        "env",
        types=frozenset({dict}),
        description="Per documented object: options and arguments over netviz_autodoc_options.",
    )
    app.add_config_value(
        "netviz_type_links",
        {},
        "html",
        types=frozenset({dict}),
        description="Layer type (or dotted class name) -> documentation URL for glyph links.",
    )


def conf_location(confdir: str | Path, setting: str, *keys: str) -> str | None:
    """``conf.py:LINE`` of ``setting`` (and, within it, of each key in turn), for warnings
    about a config value; None when conf.py does not spell it (set with ``-D``)."""
    path = Path(confdir) / "conf.py"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    assigned = re.compile(rf"^\s*{re.escape(setting)}\b\s*(?::[^=]*)?(?:=|\[)")
    found = next((i for i, line in enumerate(lines) if assigned.match(line)), None)
    if found is None:
        return None
    for key in keys:
        quoted = (f'"{key}"', f"'{key}'")
        nxt = next(
            (i for i in range(found, len(lines)) if any(q in lines[i] for q in quoted)), None
        )
        if nxt is None:
            break
        found = nxt
    return f"{path}:{found + 1}"


def autodoc_site_options(config: Config) -> dict[str, Any]:
    """``netviz_autodoc_options`` with bad keys dropped (reported once, at startup)."""
    raw = config.netviz_autodoc_options or {}
    return valid_options(raw)[0] if isinstance(raw, dict) else {}


def autodoc_entries(config: Config) -> dict[str, AutodocEntry]:
    """The valid entries of ``netviz_autodoc_overrides`` by dotted object name."""
    return parse_overrides(config.netviz_autodoc_overrides or {})[0]


def _check_autodoc(config: Config, confdir: str) -> None:
    """Located warnings for bad ``netviz_autodoc_options`` and ``netviz_autodoc_overrides``."""
    raw = config.netviz_autodoc_options or {}
    for name, error in valid_options(raw)[1] if isinstance(raw, dict) else []:
        logger.warning(
            "netviz: netviz_autodoc_options[%r]: %s",
            name,
            error,
            location=conf_location(confdir, "netviz_autodoc_options", str(name)),
            type="netviz",
            subtype="config",
        )
    for problem in parse_overrides(config.netviz_autodoc_overrides or {})[1]:
        keys = tuple(k for k in (problem.key, problem.option) if k)
        label = f"[{problem.key!r}]" if problem.key else ""
        logger.warning(
            "netviz: netviz_autodoc_overrides%s: %s",
            label,
            problem.message,
            location=conf_location(confdir, "netviz_autodoc_overrides", *keys),
            type="netviz",
            subtype="config",
        )


def site_options(config: Config, *, warn: bool = False, confdir: str | None = None) -> Options:
    """``netviz_timeout`` and ``netviz_defaults`` applied over the schema defaults.

    Bad keys are dropped (and, with ``warn``, reported once at config time, naming the key,
    located in conf.py under ``confdir``).
    """

    def where(setting: str, *keys: str) -> str | None:
        return conf_location(confdir, setting, *keys) if confdir else None

    base = Options()
    timeout = config.netviz_timeout
    try:
        base = resolve_options({"timeout": timeout})
    except OptionError as exc:
        if warn:
            logger.warning(
                "netviz: netviz_timeout: %s",
                exc,
                location=where("netviz_timeout"),
                type="netviz",
                subtype="config",
            )
    defaults = config.netviz_defaults or {}
    if not isinstance(defaults, dict):
        if warn:
            logger.warning(
                "netviz: netviz_defaults must be a dict of option names to values, got %s",
                type(defaults).__name__,
                location=where("netviz_defaults"),
                type="netviz",
                subtype="config",
            )
        return base
    good, bad = valid_options(defaults)
    for name, error in bad:
        if warn:
            logger.warning(
                "netviz: netviz_defaults[%r]: %s",
                name,
                error,
                location=where("netviz_defaults", str(name)),
                type="netviz",
                subtype="config",
            )
    try:
        return resolve_options(good, base=base)
    except OptionError as exc:
        if warn:
            logger.warning(
                "netviz: netviz_defaults: %s",
                exc,
                location=where("netviz_defaults"),
                type="netviz",
                subtype="config",
            )
        return base


def config_inited(app: Sphinx, config: Config) -> None:
    site_options(config, warn=True, confdir=str(app.confdir))  # validate once, naming bad keys
    _check_autodoc(config, str(app.confdir))
    from sphinx_netviz.core.adapter import STATIC_DIR  # the core's one copy of the assets

    if Path(STATIC_DIR).is_dir():
        static = list(config.html_static_path)
        if str(STATIC_DIR) not in static:
            config.html_static_path = [*static, str(STATIC_DIR)]
