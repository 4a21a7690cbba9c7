"""The command line of a docs project's snapshot collector, declared once.

``netviz snapshot --project`` (:mod:`..cli_project`) starts the collector of each tool
(``python -m sphinx_netviz.snapshots CONF`` or ``python -m mkdocs_netviz.snapshots YML``) and
each collector parses what it was given: both sides read the names from here.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Literal

__all__ = ["COLLECTORS", "CONFIG_FILES", "Tool", "collector_parser"]

Tool = Literal["sphinx", "mkdocs"]

#: The module that reads a project of each tool (run as ``python -m MODULE``).
COLLECTORS: dict[Tool, str] = {
    "sphinx": "sphinx_netviz.snapshots",
    "mkdocs": "mkdocs_netviz.snapshots",
}
#: Where each tool's configuration may lie in DOCS_DIR (sphinx-quickstart's ``source/``).
CONFIG_FILES: dict[Tool, tuple[str, ...]] = {
    "sphinx": ("conf.py", "source/conf.py"),
    "mkdocs": ("mkdocs.yml", "mkdocs.yaml"),
}


def collector_parser(tool: Tool) -> argparse.ArgumentParser:
    """The collector's arguments: the project's configuration file, ``--dir`` (the snapshot
    folder), ``--cache-dir`` and ``--no-cache``."""
    parser = argparse.ArgumentParser(prog=f"python -m {COLLECTORS[tool]}")
    parser.add_argument("config", type=Path, help=f"the project's {CONFIG_FILES[tool][0]}")
    parser.add_argument("--dir", type=Path, default=None, help="snapshot folder")
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--no-cache", action="store_true")
    return parser
