"""Sphinx build times with netviz, next to what a project would pay anyway.

A generated project: 4 pages x 5 diagrams = 20 diagrams of 5 zoo factories (each page uses
its own palette, so every diagram is a distinct render; each factory is extracted once).

- cold: ``sphinx-build`` with no cache, next to a plain script that imports TensorFlow and
  builds the same 5 models (the unavoidable cost of touching the models at all).
  Target: at most 1.5x.
- warm: ``sphinx-build -E`` with the cache in place, next to the same project with the 20
  SVGs checked in as static ``.. image::`` files. Target: at most 1.25x.

Every build is a fresh ``python -m sphinx`` process, as in CI or ``make html``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .common import Row, timer

ROOT = Path(__file__).resolve().parents[2]
FACTORIES = ("mnist_convnet", "residual", "inception", "unet", "lstm")
PALETTES = ("net2vis", "colorblind", "interpolate", "mono")

_CONF = """\
project = "bench"
extensions = [{extensions}]
netviz_cache_dir = {cache!r}
"""


def _env() -> dict[str, str]:
    """The builds' environment. Bytecode is written: netviz is installed editable here, and
    with ``PYTHONDONTWRITEBYTECODE`` set every build would compile its modules from source
    (30 ms of a 0.6 s warm build) while Sphinx's, installed by pip, come compiled; installed
    from a wheel, netviz's are compiled too."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path, "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _write_project(src: Path, cache: Path) -> None:
    src.mkdir(parents=True)
    (src / "conf.py").write_text(_CONF.format(extensions='"sphinx_netviz"', cache=str(cache)))
    pages = [f"page{i}" for i in range(len(PALETTES))]
    toctree = "".join(f"   {p}\n" for p in pages)
    (src / "index.rst").write_text(f"Bench\n=====\n\n.. toctree::\n\n{toctree}")
    for page, palette in zip(pages, PALETTES, strict=True):
        body = [f"{page}\n{'=' * len(page)}\n"]
        for factory in FACTORIES:
            body.append(
                f"{factory}\n{'-' * len(factory)}\n\n"
                f".. netviz:: tests.zoo.models:{factory}\n   :palette: {palette}\n"
            )
        (src / f"{page}.rst").write_text("\n".join(body))


def _write_static_project(src: Path, built: Path, target: Path) -> None:
    """The same pages with the SVGs netviz made, as plain ``.. image::`` files."""
    target.mkdir(parents=True)
    (target / "conf.py").write_text('project = "bench"\nextensions = []\n')
    shutil.copy(src / "index.rst", target / "index.rst")
    images = target / "_diagrams"
    images.mkdir()
    for page in sorted(src.glob("page*.rst")):
        html = (built / f"{page.stem}.html").read_text(encoding="utf-8")
        hrefs = re.findall(r'class="netviz-full[^"]*" href="([^"]+)"', html)
        assert len(hrefs) == len(FACTORIES), (page, hrefs)
        body = [f"{page.stem}\n{'=' * len(page.stem)}\n"]
        for factory, href in zip(FACTORIES, hrefs, strict=True):
            name = Path(href).name
            shutil.copy(built / href, images / name)
            body.append(f"{factory}\n{'-' * len(factory)}\n\n.. image:: _diagrams/{name}\n")
        (target / page.name).write_text("\n".join(body))


def _sphinx(src: Path, out: Path, *extra: str) -> float:
    with timer() as elapsed:
        result = subprocess.run(
            [sys.executable, "-m", "sphinx", "-b", "html", "-q", *extra, str(src), str(out)],
            env=_env(),
            capture_output=True,
            text=True,
            timeout=900,
        )
    if result.returncode != 0 or "WARNING" in result.stderr:
        raise RuntimeError(f"sphinx-build failed:\n{result.stderr[-2000:]}")
    return elapsed()


def _plain_script() -> float:
    code = (
        "import keras\n"
        "from tests.zoo import models\n"
        f"for name in {FACTORIES!r}:\n"
        "    getattr(models, name)()\n"
    )
    with timer() as elapsed:
        subprocess.run([sys.executable, "-c", code], env=_env(), check=True, cwd=ROOT)
    return elapsed()


def run(quick: bool = False) -> list[Row]:
    repeats = 1 if quick else 5  # min of 5: a 0.5 s build on a shared machine is noisy
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="netviz-bench-sphinx-") as tmp:
        base = Path(tmp)
        colds, scripts = [], []
        for attempt in range(1 if quick else 2):
            cache = base / f"cache{attempt}"
            src, out = base / f"src{attempt}", base / f"out{attempt}"
            _write_project(src, cache)
            colds.append(_sphinx(src, out))
            scripts.append(_plain_script())
        cold, script = min(colds), min(scripts)
        rows.append(
            Row(
                benchmark="sphinx",
                case="cold sphinx-build, 20 diagrams of 5 factories",
                value=cold,
                peer="python: import TF + build the 5 models",
                peer_value=script,
                target="<= 1.5x",
                passed=cold <= 1.5 * script,
            )
        )

        src, out = base / "src0", base / "out0"
        static_src, static_out = base / "static", base / "static-out"
        _write_static_project(src, out, static_src)
        _sphinx(static_src, static_out)  # first build of the static project
        warm = min(_sphinx(src, out, "-E") for _ in range(repeats))
        static = min(_sphinx(static_src, static_out, "-E") for _ in range(repeats))
        rows.append(
            Row(
                benchmark="sphinx",
                case="warm sphinx-build -E, 20 diagrams (cache in place)",
                value=warm,
                peer="same pages, SVGs as static .. image:: files",
                peer_value=static,
                target="<= 1.25x",
                passed=warm <= 1.25 * static,
            )
        )
    return rows


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row.as_dict())
