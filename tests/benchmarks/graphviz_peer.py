"""The Graphviz programs behind the ``plot_model`` peer of the render benchmark.

The peer is ``keras.utils.plot_model(show_shapes=True, rankdir="LR")`` to SVG: keras'
``model_to_dot`` builds a pydot graph (``splines=ortho``) and pydot runs Graphviz ``dot`` on it.
The machine's ``dot`` (Debian's Graphviz 2.43.0) aborts on NASNetMobile in its orthogonal
router (``maze.c: chkSgraph: Assertion 'np->cells[1]' failed``). Newer Graphviz builds lay the
same graph out, and ``make bench`` installs two into ``.bench-tools/``:

- ``dot`` 3.0.0, an x86-64 Linux build shipped in the PyPI wheel ``pygraphviz-bin``
  (``pip install --target .bench-tools/python``);
- Graphviz compiled to WebAssembly, the npm package ``@hpcc-js/wasm-graphviz-cli`` run by node
  (``npm install --prefix .bench-tools``): it runs anywhere node does, but several times slower
  than a native ``dot``.

Where the machine's ``dot`` fails, the first of these that works lays out the very graph
plot_model builds (``model_to_dot`` + pydot's ``write``); where it works, the others' times are
reported next to it for reference. ``NETVIZ_BENCH_TOOLS`` names another tools folder.
"""

from __future__ import annotations

import inspect
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TOOLS_ENV = "NETVIZ_BENCH_TOOLS"
INSTALL_HINT = "make bench-tools installs it"


@dataclass(frozen=True)
class DotProgram:
    """A Graphviz ``dot`` to hand to pydot (``prog``), or the reason there is none."""

    name: str
    prog: str | None
    reason: str = ""


def tools_dir() -> Path:
    """Where ``make bench-tools`` installs the fallback ``dot`` programs."""
    return Path(os.environ.get(TOOLS_ENV) or ROOT / ".bench-tools")


def _version(cmd: list[str], pattern: str) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    match = re.search(pattern, out.stdout + out.stderr)
    return match.group(1) if match else ""


def native_dot() -> DotProgram:
    """The ``dot`` on ``PATH``: what plot_model runs."""
    path = shutil.which("dot")
    if path is None:
        return DotProgram("dot", None, "Graphviz dot not installed")
    version = _version([path, "-V"], r"version (\S+)") or "?"
    return DotProgram(f"dot {version}", path)


def pypi_dot() -> DotProgram:
    """``dot`` 3.0.0 from the PyPI wheel ``pygraphviz-bin`` (x86-64 Linux)."""
    path = tools_dir() / "python" / "graphviz_bin" / "bin" / "dot"
    if not path.is_file():
        return DotProgram("dot 3 (pygraphviz-bin)", None, f"no pygraphviz-bin: {INSTALL_HINT}")
    version = _version([str(path), "-V"], r"version (\S+)")
    if not version:
        return DotProgram("dot 3 (pygraphviz-bin)", None, "pygraphviz-bin's dot does not run")
    return DotProgram(f"dot {version}, pygraphviz-bin", str(path))


def wasm_dot() -> DotProgram:
    """Graphviz compiled to WebAssembly (``@hpcc-js/wasm-graphviz-cli``), run by node."""
    cli = tools_dir() / "node_modules" / ".bin" / "wasm-graphviz-cli"
    if not cli.is_file():
        return DotProgram("dot-wasm", None, f"no dot-wasm: {INSTALL_HINT}")
    if shutil.which("node") is None:
        return DotProgram("dot-wasm", None, "no dot-wasm: node not installed")
    version = _version([str(cli), "-v"], r"GraphViz version:\s*(\S+)")
    if not version:
        return DotProgram("dot-wasm", None, "dot-wasm does not run")
    return DotProgram(f"dot-wasm {version}", str(cli))


def fallback_dots() -> list[DotProgram]:
    """The newer Graphviz builds, in the order they are tried where the native ``dot`` fails."""
    return [pypi_dot(), wasm_dot()]


def plot_model_svg(model: Any, path: Path) -> None:
    """``keras.utils.plot_model(model, show_shapes=True, rankdir="LR")`` to SVG, unchanged."""
    import keras

    keras.utils.plot_model(model, to_file=str(path), show_shapes=True, rankdir="LR")


def plot_model_dot(model: Any) -> Any:
    """The pydot graph ``plot_model(show_shapes=True, rankdir="LR")`` lays out.

    plot_model passes its own defaults to ``model_to_dot``, some of which differ from
    ``model_to_dot``'s (``show_layer_names``), so they are read from plot_model's signature.
    """
    import keras

    shared = inspect.signature(keras.utils.model_to_dot).parameters
    kwargs = {
        name: p.default
        for name, p in inspect.signature(keras.utils.plot_model).parameters.items()
        if name in shared and name != "model" and p.default is not inspect.Parameter.empty
    }
    kwargs.update(show_shapes=True, rankdir="LR")
    return keras.utils.model_to_dot(model, **kwargs)


def plot_model_svg_with(model: Any, path: Path, prog: str) -> None:
    """plot_model's pipeline (``model_to_dot`` + ``dot.write(..., format="svg")``), run by ``prog``.

    plot_model's ``check_graphviz`` probe (one run of the machine's ``dot`` on an empty graph,
    a few milliseconds) is left out: for the wasm CLI it would be a second node start, which is
    no part of laying out the model.
    """
    plot_model_dot(model).write(str(path), format="svg", prog=prog)
    # The wasm CLI prints its errors and exits 0, so pydot would not notice a failure.
    if not path.read_bytes().rstrip().endswith(b"</svg>"):
        raise RuntimeError(f"{prog} wrote no SVG")
