"""Reproducibility: the same docs built twice, in different processes with different
``PYTHONHASHSEED`` values and fresh caches, give byte-identical SVG files.

A fresh cache per build matters: with a shared one the second build would only copy the
first one's SVGs. Sphinx and MkDocs draw the same diagram key into the same bytes, too.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from . import matrix as m
from .conftest import shared_once

pytestmark = pytest.mark.xdist_group("reliability-repro")
SEEDS = ("1", "4242")


@dataclass
class Pair:
    svgs: tuple[dict[str, bytes], dict[str, bytes]]
    pages: tuple[str, str]
    runs: tuple[dict[str, Any], dict[str, Any]]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.svg"))}


def _inline_svgs(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)


def _build_all(work: Path) -> dict[str, Any]:
    """Both tools, each built twice at the same time with different hash seeds."""
    src = m.sphinx_project(
        work / "sphinx",
        m.rst_page(m.SMALL)[0],
        cache_dir=work / "unused",
        extra_conf="import os\nnetviz_cache_dir = os.environ['NETVIZ_REPRO_CACHE']\n",
    )
    config = m.mkdocs_project(work / "mkdocs", m.md_page(m.SMALL)[0], cache_dir=None)
    result: dict[str, Any] = {}
    for tool in ("sphinx", "mkdocs"):
        started = time.monotonic()
        procs = []
        for seed in SEEDS:
            env = {"PYTHONHASHSEED": seed}
            out = work / f"{tool}-out-{seed}"
            if tool == "sphinx":
                # A fresh cache per build, through conf.py's override on the command line.
                env["NETVIZ_REPRO_CACHE"] = str(work / f"cache-{seed}")
                procs.append((m.start_sphinx(src, out, env=env), out))
            else:
                procs.append((m.start_mkdocs(config, out, env=env), out))
        runs = [m.finish(p, out, started) for p, out in procs]
        result[tool] = [
            {
                "out": str(r.out),
                "returncode": r.returncode,
                "warnings": r.warnings,
                "log": r.log[-3000:],
            }
            for r in runs
        ]
    return result


@pytest.fixture(scope="session")
def repro(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Pair]:
    data = shared_once(tmp_path_factory, "repro", _build_all)
    pairs: dict[str, Pair] = {}
    for tool, runs in data.items():
        folder = "_images" if tool == "sphinx" else "assets/netviz"
        outs = [Path(r["out"]) for r in runs]
        pairs[tool] = Pair(
            svgs=tuple(
                {p.name: p.read_bytes() for p in sorted((o / folder).glob("*.svg"))} for o in outs
            ),  # type: ignore[arg-type]
            pages=tuple((o / "index.html").read_text(encoding="utf-8") for o in outs),  # type: ignore[arg-type]
            runs=tuple(runs),  # type: ignore[arg-type]
        )
    return pairs


@pytest.mark.parametrize("tool", ["sphinx", "mkdocs"])
def test_svg_files_are_byte_identical_across_hash_seeds(repro: dict[str, Pair], tool: str) -> None:
    pair = repro[tool]
    for run in pair.runs:
        assert run["returncode"] == 0 and run["warnings"] == [], run["log"]
    first, second = pair.svgs
    assert len([n for n in first if not n.endswith("-legend.svg")]) == 3
    assert first == second
    assert _inline_svgs(pair.pages[0]) == _inline_svgs(pair.pages[1])


def test_sphinx_and_mkdocs_draw_the_same_bytes(repro: dict[str, Pair]) -> None:
    sphinx = {name.removeprefix("netviz-"): data for name, data in repro["sphinx"].svgs[0].items()}
    mkdocs = repro["mkdocs"].svgs[0]
    diagrams = {n: d for n, d in mkdocs.items() if not n.endswith("-legend.svg")}
    assert diagrams
    for name, data in diagrams.items():
        assert sphinx.get(name) == data, name
