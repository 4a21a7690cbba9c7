"""The ``netviz`` MkDocs plugin: binds MkDocs events to the shared core. Wiring only.

What happens when (MkDocs 1.6 event order):

- ``on_startup``: its mere presence keeps this object alive across ``mkdocs serve``
  rebuilds, and with it the diagram builder, its worker and the in-memory memo.
- ``on_config``: resolve the cache and import path, register the fence (as a SuperFences
  custom fence when SuperFences is configured, and always as a Markdown extension), add the
  stylesheet, and register the griffe extension for ``autodoc``.
- ``on_files``: ship ``netviz.css`` and ``netviz.js`` as generated files.
- ``on_page_markdown``: tell the session which page is being converted (fences have no
  page of their own), indexing its fences so warnings can name the line.
- ``on_env`` (after autorefs): resolve glyph links to mkdocstrings entries, or drop them.
- ``on_post_build``: write the full-size SVGs, watch new model sources under ``serve``,
  and, outside ``serve``, stop the worker.
"""

from __future__ import annotations

import glob
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from mkdocs_netviz.config import NetvizConfig
from mkdocs_netviz.fence import FENCE_NAME, NetvizExtension, SuperFencesFormatter, validator
from mkdocs_netviz.session import (
    ASSET_DIR,
    BuilderSettings,
    DiagramSession,
    PageContext,
    import_path,
)
from sphinx_netviz.core.adapter import STATIC_DIR, absolute_links, resolve_deferred

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.pages import Page

__all__ = ["CSS_PATH", "GRIFFE_EXTENSION", "NetvizPlugin"]

#: Where the stylesheet and the script go in the site (and in ``extra_css``/``_javascript``).
CSS_PATH = f"{ASSET_DIR}/netviz.css"
JS_PATH = f"{ASSET_DIR}/netviz.js"
#: How the plugin names its griffe extension in mkdocstrings' python handler options.
GRIFFE_EXTENSION = "mkdocs_netviz.griffe_ext.NetvizGriffeExtension"
_SUPERFENCES = "pymdownx.superfences"
#: The one line a user sees when the plugin is enabled without its extra.
MISSING_EXTRA = (
    "netviz: the MkDocs plugin needs pymdown-extensions; install it with: "
    'pip install "netviz[mkdocs]"'
)


def _asset_source(name: str) -> Path:
    return Path(STATIC_DIR) / name


class NetvizPlugin(BasePlugin[NetvizConfig]):  # type: ignore[no-untyped-call]
    """Renders ``netviz`` fences (and, with ``autodoc``, API-page diagrams) into the site."""

    def __init__(self) -> None:
        super().__init__()
        self.session: DiagramSession | None = None
        self.is_serve = False
        self._server: LiveReloadServer | None = None
        self._watched: set[Path] = set()

    # -- lifecycle ---------------------------------------------------------------------------
    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Present so MkDocs keeps this instance (and the warm builder) across serve rebuilds.
        self.is_serve = command == "serve"

    def on_shutdown(self) -> None:
        if self.session is not None:
            self.session.close()

    def on_build_error(self, *, error: Exception) -> None:
        if not self.is_serve and self.session is not None:
            self.session.close()

    # -- configuration -----------------------------------------------------------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        if importlib.util.find_spec("pymdownx") is None:
            raise PluginError(MISSING_EXTRA)
        base_dir = (
            Path(config.config_file_path).resolve().parent
            if config.config_file_path
            else Path.cwd()
        )
        settings = BuilderSettings(
            cache_dir=self._cache_dir(config, base_dir) if self.config.cache else None,
            base_dir=base_dir,
            sys_path=import_path(base_dir, _mkdocstrings_paths(config, base_dir)),
            timeout=self.config.timeout,
            snapshot_dir=(
                (base_dir / self.config.snapshot_dir).resolve()
                if self.config.snapshot_dir
                else None
            ),
            offline=self.config.offline,
            site_types=_site_types(self.config.defaults),
        )
        defaults = {"timeout": self.config.timeout, **self.config.defaults}
        if self.session is None:
            self.session = DiagramSession(
                settings, defaults=defaults, fail_fast=self.config.fail_fast
            )
        else:
            self.session.configure(
                settings, defaults=defaults, enabled=True, fail_fast=self.config.fail_fast
            )
        self.session.type_links = {str(k): str(v) for k, v in self.config.type_links.items()}
        self._register_fence(config, self.session)
        if CSS_PATH not in config.extra_css:
            config.extra_css.append(CSS_PATH)
        if not any(str(getattr(s, "path", s)) == JS_PATH for s in config.extra_javascript):
            script = ExtraScriptValue(JS_PATH)
            script.defer = True
            config.extra_javascript.append(script)
        if self.config.autodoc:
            _register_griffe_extension(
                config,
                {"overrides": self.config.autodoc_overrides, "site": self.config.defaults},
            )
        return config

    def _cache_dir(self, config: MkDocsConfig, base_dir: Path) -> Path:
        # Relative to mkdocs.yml, not the working directory, so the cache does not move
        # with where `mkdocs` is run from.
        cache_dir = (base_dir / self.config.cache_dir).resolve()
        docs_dir = Path(config.docs_dir).resolve()
        if cache_dir == docs_dir or docs_dir in cache_dir.parents:
            # Writing into docs_dir would make `mkdocs serve` rebuild forever.
            raise PluginError(
                f"netviz: cache_dir '{self.config.cache_dir}' is inside docs_dir "
                f"'{config.docs_dir}'; choose a folder outside it"
            )
        return cache_dir

    @staticmethod
    def _register_fence(config: MkDocsConfig, session: DiagramSession) -> None:
        extensions = config.markdown_extensions
        # A user's own `- netviz` entry would render through a second, default session.
        for entry in [e for e in extensions if e in (FENCE_NAME, "mkdocs_netviz.fence")]:
            extensions.remove(entry)
            config.mdx_configs.pop(str(entry), None)
        extensions.append(NetvizExtension(session))  # type: ignore[arg-type]
        if _SUPERFENCES in extensions:
            sf_config = config.mdx_configs.setdefault(_SUPERFENCES, {})
            fences = list(sf_config.get("custom_fences") or [])
            if not any(f.get("name") == FENCE_NAME for f in fences):
                fences.append(
                    {
                        "name": FENCE_NAME,
                        "class": FENCE_NAME,
                        "validator": validator,
                        "format": SuperFencesFormatter(session),
                    }
                )
            sf_config["custom_fences"] = fences

    # -- build -------------------------------------------------------------------------------
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if self.session is not None:
            self.session.start_build()
        if self.config.autodoc:
            from .griffe_ext import documented_objects

            documented_objects().clear()

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if self.session is None:
            return files
        for path in (CSS_PATH, JS_PATH):
            if files.get_file_from_path(path) is None:
                source = _asset_source(path.rsplit("/", 1)[1])
                files.append(File.generated(config, path, abs_src_path=str(source)))
        return files

    @event_priority(-60)  # after autorefs (-50) has fixed its own references
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Turn deferred glyph links into links to mkdocstrings entries, or drop them."""
        if self.session is None:
            return env
        autorefs = config.plugins.get("autorefs")
        for file in files:
            page = file.page
            if page is None or not page.content:
                continue
            content = resolve_deferred(page.content, _autorefs_resolver(autorefs, page.url))
            if config.site_url:
                content = absolute_links(content, urljoin(config.site_url, page.url))
            page.content = content
        return env

    @event_priority(-100)  # last: other plugins may still rewrite the Markdown before us
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.session is not None:
            try:
                text = page.file.content_string
            except (OSError, ValueError):
                text = markdown
            self.session.page = PageContext.scan(page.file.src_uri, page.url, text)
        return markdown

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.session is not None:
            self.session.page = None
        return html

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.session is None:
            return
        if self.config.autodoc and self.config.autodoc_overrides:
            self._check_overrides()
        site_dir = Path(config.site_dir)
        for rel, svg in sorted(self.session.assets.items()):
            target = site_dir / rel
            data = svg.encode("utf-8")
            if target.is_file() and target.read_bytes() == data:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(target)
        if self._server is not None:
            self._watch_sources()
        if not self.is_serve:
            self.session.close()

    def _check_overrides(self) -> None:
        """One warning per ``autodoc_overrides`` entry that names no object mkdocstrings
        loaded (skipped when it loaded none in this build: a serve rebuild reusing them)."""
        from sphinx_netviz.core.adapter import unknown_objects

        from .griffe_ext import documented_objects

        seen = documented_objects()
        if not seen:
            return
        assert self.session is not None
        for name, close in unknown_objects(self.config.autodoc_overrides, seen):
            hint = f"; did you mean {close!r}?" if close else ""
            self.session.log.warning(
                f"mkdocs.yml: plugins.netviz.autodoc_overrides[{name!r}]: no documented "
                f"object has this name{hint}"
            )

    # -- serve -------------------------------------------------------------------------------
    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer | None:
        # An edit to a model's source must re-render its diagram; prose edits must not.
        self._server = server
        self._watch_sources()
        return server

    def _watch_sources(self) -> None:
        assert self.session is not None and self._server is not None
        for path in sorted(self.session.sources - self._watched):
            if path.exists():
                self._server.watch(str(path))
                self._watched.add(path)


def _autorefs_resolver(autorefs: Any, page_url: str) -> Any:
    """A dotted class name -> its URL relative to ``page_url``, through autorefs' URL map."""

    def resolve(name: str) -> str | None:
        if autorefs is None:
            return None
        try:
            url, _title = autorefs.get_item_url(name, from_url=page_url)
        except (KeyError, ValueError):
            return None
        return str(url)

    return resolve


def _mkdocstrings_paths(config: MkDocsConfig, base_dir: Path) -> list[str]:
    """The python handler's ``paths`` (globs, relative to mkdocs.yml), as mkdocstrings does."""
    python = _python_handler_config(config)
    if python is None:
        return []
    out: list[str] = []
    for pattern in python.get("paths") or []:
        full = str(base_dir / str(pattern))
        out.extend(sorted(glob.glob(full)) or [full])  # noqa: PTH207 (patterns, as mkdocstrings)
    return out


def _python_handler_config(config: MkDocsConfig) -> dict[str, Any] | None:
    plugin = config.plugins.get("mkdocstrings")
    if plugin is None:
        return None
    handlers = plugin.config.get("handlers")
    if not isinstance(handlers, dict):
        return None
    python = handlers.setdefault("python", {})
    return python if isinstance(python, dict) else None


def _site_types(defaults: dict[str, Any]) -> tuple[str, ...]:
    """Layer types the plugin's ``defaults`` name in ``hide`` and ``colors``."""
    from sphinx_netviz.core import resolve_options

    site = resolve_options(defaults)  # validated by DiagramDefaults already
    return tuple(dict.fromkeys([*site.hide, *(t for t, _ in site.colors)]))


def _register_griffe_extension(config: MkDocsConfig, settings: dict[str, Any]) -> None:
    """Add the netviz griffe extension to the python handler's ``options.extensions``, with
    ``settings`` (override entries, site defaults) over options a user gave it by hand.

    The handler is created lazily (at the first ``:::`` block), after every ``on_config``,
    so editing its configuration here works whatever the plugin order in mkdocs.yml.
    """
    python = _python_handler_config(config)
    if python is None:
        raise PluginError(
            "netviz: 'autodoc: true' needs the mkdocstrings plugin with its python handler"
        )
    options = python.setdefault("options", {})
    extensions = list(options.get("extensions") or [])

    def name(ext: object) -> str:
        return str(next(iter(ext))) if isinstance(ext, dict) else str(ext)

    ours = [ext for ext in extensions if name(ext).startswith("mkdocs_netviz.griffe_ext")]
    given: dict[str, Any] = {}
    for ext in ours:
        extensions.remove(ext)
        if isinstance(ext, dict):
            given.update(next(iter(ext.values())) or {})
    extensions.append({GRIFFE_EXTENSION: {**given, **settings}})
    options["extensions"] = extensions
