"""Shared test configuration.

- ``tests/`` is importable, so ``tests.zoo`` (small test models) is a package everywhere,
  including in worker subprocesses (``ROOT`` goes on PYTHONPATH).
- Browser tests are skipped when Chromium is missing, except in CI (``CI=true``), where a
  missing browser is a failure: CI must not go green by skipping them.
- ``NETVIZ_VISUAL_LINT=1`` (or a directory) lints every diagram the run renders
  (``tests/visual_lint_plugin.py``); unset, nothing of it is imported.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
)
# Quiet TensorFlow in every process the tests start.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
# Nothing is downloaded at run time: Hugging Face models are built from their config classes.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("NETVIZ_VISUAL_LINT"):
        from tests.visual_lint_plugin import register

        register(config)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM:
        return
    browser_items = [item for item in items if "browser" in item.keywords]
    if not browser_items:
        return
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        raise pytest.UsageError("CI requires Chromium (/usr/bin/chromium): browser tests must run")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason="Chromium not installed"))
