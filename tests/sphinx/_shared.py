"""Helpers shared by the Sphinx tests."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

#: One netviz cache for the whole test session (per xdist worker), so a model extracted by
#: one test is a cache hit in the next: only the first build of each model starts a worker.
CACHE_DIR = Path(tempfile.mkdtemp(prefix="netviz-sphinx-tests-"))
atexit.register(shutil.rmtree, CACHE_DIR, ignore_errors=True)

#: confoverrides most tests use.
CACHED: dict[str, Any] = {"netviz_cache_dir": str(CACHE_DIR)}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def netviz_warnings(text: str) -> list[str]:
    return [line for line in text.splitlines() if "netviz" in line and "WARNING" in line]
