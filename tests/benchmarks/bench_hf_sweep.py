"""The Hugging Face registry sweep as ``make bench`` rows (issue 18's targets).

Runs :mod:`tests.benchmarks.hf_sweep` in a fresh process (every ``AutoModel`` architecture;
``--quick``: the fast subset), which writes ``results/hf_sweep.json`` and ``hf_sweep.md``
with one row per architecture, and reports the totals as rows:

- drawn: every architecture that runs a CPU forward pass is drawn (target 100 %);
- traced on the meta device (no CPU fallback), for information;
- the layer stack folded ``xL`` at the default depth (target >= 90 % of those with a stack),
  and, for information, of those whose stack is one layer repeated (``alike``);
- 0 crossings (target >= 90 %); no ``?`` in any label; conservation (target 100 %).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .common import Row

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "results"


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def rows_from(totals: dict[str, int], label: str) -> list[Row]:
    """Benchmark rows from the sweep's totals."""
    t = totals
    ran, drawn, stacks = t["forward_cpu"], t["drawn"], t["with_stack"]
    return [
        Row(
            "hf-sweep",
            f"{label}: drawn, of the {ran} that run on the CPU ({t['built']} of "
            f"{t['architectures']} build)",
            _percent(t["drawn_of_forward_cpu"], ran),
            "%",
            target="100 %",
            passed=t["drawn_of_forward_cpu"] == ran,
        ),
        Row(
            "hf-sweep",
            f"{label}: traced on the meta device, of {drawn} drawn",
            _percent(t["traced_on_meta"], drawn),
            "%",
        ),
        Row(
            "hf-sweep",
            f"{label}: layer stack folded xL at the default depth, of {stacks} with a stack",
            _percent(t["folded_xL_default_depth"], stacks),
            "%",
            target=">= 90 %",
            passed=t["folded_xL_default_depth"] >= 0.9 * stacks,
        ),
        Row(
            "hf-sweep",
            f"{label}: layer stack folded xL at the default depth, of the "
            f"{t['with_alike_stack']} whose stack is one layer repeated (the others mix layer "
            "kinds: an xL fold would misdraw them)",
            _percent(t["folded_xL_of_alike"], t["with_alike_stack"]),
            "%",
        ),
        Row(
            "hf-sweep",
            f"{label}: 0 crossings, of {drawn} drawn",
            _percent(t["zero_crossings"], drawn),
            "%",
            target=">= 90 %",
            passed=t["zero_crossings"] >= 0.9 * drawn,
        ),
        Row(
            "hf-sweep",
            f"{label}: no '?' in labels and members conserved, of {drawn} drawn",
            _percent(min(drawn - t["question_marks"], t["conserved"]), drawn),
            "%",
            target="100 %",
            passed=t["question_marks"] == 0 and t["conserved"] == drawn,
        ),
    ]


def run(*, quick: bool = False) -> list[Row]:
    out = RESULTS if not quick else RESULTS / "quick"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "tests.benchmarks.hf_sweep", "--out", str(out)]
    subprocess.run(
        [*command, *(["--fast"] if quick else ["--depths"])],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=4 * 3600,
        stdout=subprocess.DEVNULL,
    )
    totals = json.loads((out / "hf_sweep.json").read_text())["totals"]
    return rows_from(totals, "fast subset" if quick else "AutoModel registry")
