"""Helpers for real MkDocs builds of the small projects in ``tests/mkdocs/projects/``.

Projects are built in place (their root is the import path of their models) into a temporary
``site_dir``, with the plugin's ``cache_dir`` pointed at a per-session temporary folder, so
the repository is never written to and repeated builds of a project are warm.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

PROJECTS = Path(__file__).resolve().parent / "projects"


@dataclass
class BuildResult:
    site: Path
    messages: list[tuple[str, str]] = field(default_factory=list)  # (level, message)
    error: BaseException | None = None

    @property
    def warnings(self) -> list[str]:
        return [m for level, m in self.messages if level in {"WARNING", "ERROR"}]

    def page(self, rel: str) -> str:
        return (self.site / rel).read_text(encoding="utf-8")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelname, record.getMessage()))


def build_project(
    project: str | Path,
    site: Path,
    *,
    cache_dir: Path,
    strict: bool = False,
    netviz: dict[str, Any] | None = None,
    **overrides: Any,
) -> BuildResult:
    """Load ``project``'s mkdocs.yml (with overrides) and run MkDocs' build in-process."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = project if isinstance(project, Path) else PROJECTS / project
    settings = {"cache_dir": str(cache_dir), **(netviz or {})}
    data = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    plugins = []
    for entry in data.get("plugins", []):
        if entry == "netviz":
            plugins.append({"netviz": dict(settings)})
        elif isinstance(entry, dict) and "netviz" in entry:
            plugins.append({"netviz": {**(entry["netviz"] or {}), **settings}})
        else:
            plugins.append(entry)
    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    result = BuildResult(site=site)
    try:
        config = load_config(
            config_file=str(root / "mkdocs.yml"),
            site_dir=str(site),
            strict=strict,
            plugins=plugins,
            **overrides,
        )
        build(config)
    except BaseException as exc:  # Abort is a SystemExit subclass in click
        result.error = exc
    finally:
        logger.removeHandler(handler)
    result.messages = handler.records
    return result


@pytest.fixture(scope="session")
def netviz_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("netviz-cache")


@pytest.fixture
def reset_plugin() -> Iterator[None]:
    """MkDocs keeps one plugin instance per process (``on_startup``); end each test clean."""
    yield
    from mkdocs.config.defaults import MkDocsConfig

    cached = MkDocsConfig.plugins.plugin_cache.get("netviz")  # type: ignore[attr-defined]
    if cached is not None:
        cached.on_shutdown()
        cached.is_serve = False
