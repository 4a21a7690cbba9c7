"""Fresh virtual environments with one netviz extra installed from this repository.

They stand for the hosted docs builder (Read the Docs, a CI docs job): a clean Python with
``pip install "netviz[sphinx]"`` (or ``[mkdocs]``) and no deep-learning framework. Building
them needs PyPI (pip's own cache makes later runs quicker); the tests using them are marked
``slow``. The wheel is built once per session from the working tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a fresh-venv process: nothing of this checkout on its path."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "NETVIZ_OFFLINE"}}
    env.update(extra)
    return env


def _pip(python: Path, *args: str, timeout: float = 900) -> None:
    res = subprocess.run(
        [str(python), "-m", "pip", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=clean_env(PIP_DISABLE_PIP_VERSION_CHECK="1"),
    )
    if res.returncode != 0:
        tail = "\n".join(res.stderr.splitlines()[-15:])
        pytest.skip(f"pip {' '.join(args[:2])} failed (no PyPI access?):\n{tail}")


def make_venv(where: Path) -> Path:
    """A new virtual environment from the base interpreter (no system site-packages)."""
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(where)], check=True, timeout=300)
    return where / "bin" / "python"


@pytest.fixture(scope="session")
def netviz_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the distribution's files: building from the checkout itself would leave
    build/ and *.egg-info in it."""
    source = tmp_path_factory.mktemp("source") / "netviz"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            "build",
            "dist",
            "*.egg-info",
            "__pycache__",
            ".*cache",
            "tests",
            "docs",
            "site",
        ),
    )
    return source


@pytest.fixture(scope="session")
def netviz_wheel(netviz_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """netviz built as a wheel from this checkout (as `pip install .` would)."""
    folder = tmp_path_factory.mktemp("wheel")
    python = make_venv(folder / "builder")
    _pip(python, "wheel", "--no-deps", "-q", "-w", str(folder), str(netviz_source))
    (wheel,) = folder.glob("netviz-*.whl")
    return wheel


def _venv_with(extra: str, wheel: Path, where: Path) -> Path:
    python = make_venv(where)
    _pip(python, "install", "-q", f"{wheel}[{extra}]")
    return python


@pytest.fixture(scope="session")
def sphinx_venv(netviz_wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Python of a fresh venv holding only ``netviz[sphinx]`` (no framework)."""
    return _venv_with("sphinx", netviz_wheel, tmp_path_factory.mktemp("venv-sphinx") / "v")


@pytest.fixture(scope="session")
def mkdocs_venv(netviz_wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Python of a fresh venv holding only ``netviz[mkdocs]`` (no framework)."""
    return _venv_with("mkdocs", netviz_wheel, tmp_path_factory.mktemp("venv-mkdocs") / "v")


def _top_level(dist: Any) -> set[str]:
    """The entries a distribution put directly into site-packages (packages, modules,
    ``.libs`` folders, its ``.dist-info``): what importing it and reading its metadata need."""
    found: set[str] = set()
    for entry in dist.files or ():
        first = Path(entry).parts[0] if Path(entry).parts else ""
        if first and first not in {"..", "__pycache__"} and not first.endswith(".pth"):
            found.add(first)
    return found


def borrow_framework(names: tuple[str, ...], where: Path) -> Path:
    """A folder of links to ``names`` and every distribution they require, as installed in the
    environment running the tests.

    A fresh venv gets a framework by a ``.pth`` line naming this folder (:func:`add_framework`):
    installing torch or TensorFlow from PyPI per run would download gigabytes, and the shared
    environment must never have them reinstalled. Only the framework's own requirement closure
    is linked, not the rest of this environment, so the venv's docs tools stay its own.
    """
    from importlib.metadata import PackageNotFoundError, distribution

    from packaging.requirements import Requirement

    where.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue
        root = Path(str(dist.locate_file("")))
        for top in _top_level(dist):
            link = where / top
            if (root / top).exists() and not link.exists():
                link.symlink_to(root / top)
        for text in dist.requires or ():
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return where


def site_packages(python: Path) -> Path:
    """The ``site-packages`` folder of a venv's interpreter."""
    out = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return Path(out.stdout.strip())


def add_framework(python: Path, folder: Path | None) -> None:
    """Make a :func:`borrow_framework` folder importable in a venv (``None``: remove it, as
    ``pip uninstall`` would). The ``.pth`` line puts it after the venv's own packages."""
    pth = site_packages(python) / "zz-netviz-test-framework.pth"
    if folder is None:
        pth.unlink(missing_ok=True)
    else:
        pth.write_text(f"{folder}\n")


def venv_with(requirements: tuple[str, ...], where: Path) -> Path:
    """A fresh venv holding ``requirements`` (pip install from PyPI; skips without access)."""
    python = make_venv(where)
    _pip(python, "install", "-q", *requirements)
    return python
