"""Architecture diff speed (issue 21): matching and summarising two versions of a model, and
the whole ``diff()`` (matching, marks and drawing).

Target: two 10,000-layer chains that differ in one layer diff in at most 2x the render time
of one of them; the last row times the whole ``diff()``, drawing included, against that.
Measured here for a chain whose layer names carry over (matched by name),
one whose names all changed (matched by structure alone), the synthetic 10,000-layer
network of residual and inception cells with one layer's configuration changed, and (the
repeat path) a chain against one with 100 more copies of its layer. Timed as CPU time of this
process, best of N, interleaved with the renders (the machine is shared; wall time there
measures the neighbours).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from sphinx_netviz.core.compare.changes import diff_graphs
from sphinx_netviz.core.diagram import diff, render
from sphinx_netviz.core.ir.graph import Graph
from tests.core import irgraphs

from .common import Row


def chain(length: int, *, odd: int | None = None, prefix: str = "d") -> Graph:
    """``length`` IR nodes: an input, then Dense layers of 64 units (layer ``odd``: 96)."""
    b = irgraphs.Builder("chain")
    x = b.input((64,))
    for i in range(length - 1):
        units = 96 if i == odd else 64
        x = b.layer(
            "Dense", x, (units,), name=f"{prefix}{i}", params=65 * units, config={"units": units}
        )
    b.output(x)
    return b.build()


def widened(graph: Graph) -> Graph:
    """The graph with its middle Conv2D's configuration changed (one root change)."""
    convs = [n for n in graph.nodes if n.type == "Conv2D"]
    target = convs[len(convs) // 2].id
    nodes = tuple(
        replace(n, config={**n.config, "kernel_size": [5, 5]}) if n.id == target else n
        for n in graph.nodes
    )
    return replace(graph, nodes=nodes)


def _cpu(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def run(quick: bool) -> list[Row]:
    repeats = 2 if quick else 5
    base = chain(10_000)
    cases = [
        ("10k chains, one layer differs, names carry over", base, chain(10_000, odd=5_000)),
        (
            "10k chains, one layer differs, every name differs",
            base,
            chain(10_000, odd=5_000, prefix="v2_"),
        ),
    ]
    synthetic = irgraphs.synthetic(10_000, seed=0)
    cases.append(("synthetic 10k network, one layer differs", synthetic, widened(synthetic)))
    cases.append(
        (
            "10k chains, 100 more copies of the layer, every name differs (a count change)",
            base,
            chain(10_100, prefix="v2_"),
        )
    )
    rows: list[Row] = []
    for case, old, new in cases:
        changes = diff_graphs(old, new)
        assert len(changes.changed) + len(changes.repeats) == 1  # the diff finds the change
        render(old)  # warm imports and caches
        diff_times: list[float] = []
        render_times: list[float] = []
        for _ in range(repeats):
            diff_times.append(_cpu(lambda old=old, new=new: diff_graphs(old, new)))
            render_times.append(_cpu(lambda old=old: render(old)))
        t_diff, t_render = min(diff_times), min(render_times)
        rows.append(
            Row(
                "diff (CPU)",
                f"{case} ({len(old.nodes)} nodes)",
                t_diff,
                "s",
                peer="render of one",
                peer_value=t_render,
                target="<= 2x render",
                passed=t_diff <= 2 * t_render,
            )
        )
    rows.append(_whole_diff(base, chain(10_000, odd=5_000), repeats))
    return rows


def _whole_diff(old: Graph, new: Graph, repeats: int) -> Row:
    """``diff(old, new)``: match, summarise, mark and draw NEW (the SVG a user gets)."""
    drawn = diff(old, new)
    assert drawn.changes is not None and len(drawn.changes.changed) == 1
    assert drawn.svg.count('<g class="nv-layer" data-diff=') == 1  # exactly the one layer
    diff_times: list[float] = []
    render_times: list[float] = []
    for _ in range(repeats):
        diff_times.append(_cpu(lambda: diff(old, new)))
        render_times.append(_cpu(lambda: render(new)))
    t_diff, t_render = min(diff_times), min(render_times)
    return Row(
        "diff() with drawing (CPU)",
        f"10k chains, one layer differs ({len(new.nodes)} nodes)",
        t_diff,
        "s",
        peer="render of one",
        peer_value=t_render,
        target="<= 2x render",
        passed=t_diff <= 2 * t_render,
    )
