"""``netviz snapshot --project DOCS_DIR``: the snapshots a docs project's build will look up.

Which diagrams a Sphinx or MkDocs project draws, and with which options, only the docs tool
knows: directives and fences carry their own options over the site defaults, and autodoc
(or mkdocstrings) adds diagrams for documented factories and classes. Guessing from the
source files would miss some and key others wrongly, so the project is *read by its own
tool*: the adapter's collector (``python -m sphinx_netviz.snapshots`` or ``python -m
mkdocs_netviz.snapshots``) runs the project's build into a temporary folder with extraction
on and the snapshot folder set, so every diagram is extracted (or taken from the cache) and
written under exactly the key a later build looks up. The collector prints each snapshot
file on stdout; the docs tool's own warnings go to stderr.

The core only finds the project and starts the collector in a subprocess: it imports no
docs tool (the same pattern as the worker, :mod:`.worker_child`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .ir.errors import NetvizError
from .store.collector import COLLECTORS, CONFIG_FILES, Tool

__all__ = [
    "COLLECTORS",
    "DocsProject",
    "ProjectError",
    "find_projects",
    "run_collector",
    "snapshot_projects",
]


class ProjectError(NetvizError):
    """DOCS_DIR is no docs project, or its collector could not run (a usage error)."""


@dataclass(frozen=True)
class DocsProject:
    """One docs project: its tool and its configuration file."""

    tool: Tool
    config: Path


def find_projects(docs_dir: Path) -> list[DocsProject]:
    """The Sphinx and MkDocs projects DOCS_DIR holds (it may name the config file itself).

    Raises :class:`ProjectError` when it holds neither, naming what was looked for."""
    path = docs_dir.expanduser()
    if path.is_file():
        for tool, names in CONFIG_FILES.items():
            if path.name in {Path(n).name for n in names}:
                return [DocsProject(tool, path.resolve())]
    if not path.is_dir():
        raise ProjectError(f"--project {str(docs_dir)!r}: no such folder")
    found = []
    for tool, names in CONFIG_FILES.items():
        for name in names:
            if (path / name).is_file():
                found.append(DocsProject(tool, (path / name).resolve()))
                break
    if not found:
        raise ProjectError(
            f"--project {str(docs_dir)!r} is neither a Sphinx project (no conf.py) nor a MkDocs "
            "project (no mkdocs.yml)"
        )
    return found


def run_collector(
    project: DocsProject,
    *,
    snapshot_dir: Path | None,
    cache_dir: Path | None,
    no_cache: bool,
) -> tuple[int, list[Path]]:
    """Run the project's collector; its exit status and the snapshot files it wrote.

    Status 0: every diagram written; 1: some failed (the tool's warnings on stderr say which);
    2: the project cannot be read (no snapshot folder configured, tool not installed)."""
    argv = [sys.executable, "-m", COLLECTORS[project.tool], str(project.config)]
    if snapshot_dir is not None:
        argv += ["--dir", str(snapshot_dir.resolve())]
    if no_cache:
        argv.append("--no-cache")
    elif cache_dir is not None:
        argv += ["--cache-dir", str(cache_dir.resolve())]
    # The collector extracts: NETVIZ_OFFLINE would make it draw from the very files it writes.
    env = {k: v for k, v in os.environ.items() if k != "NETVIZ_OFFLINE"}
    done = subprocess.run(
        argv,
        cwd=project.config.parent,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    written = [Path(line) for line in done.stdout.splitlines() if line.strip()]
    return done.returncode, written


def snapshot_projects(
    docs_dir: Path, snapshot_dir: Path | None, cache_dir: Path | None, no_cache: bool
) -> int:
    """``netviz snapshot --project DOCS_DIR``: each project (Sphinx, MkDocs, or both in one
    folder) read by its own tool; the written files on stdout; the worst exit status."""
    status = 0
    for project in find_projects(docs_dir):
        code, written = run_collector(
            project, snapshot_dir=snapshot_dir, cache_dir=cache_dir, no_cache=no_cache
        )
        for path in written:
            print(str(path))
        if code == 2:
            raise ProjectError(f"--project {str(docs_dir)!r}: cannot read {project.config}")
        status = max(status, code)
    return status
