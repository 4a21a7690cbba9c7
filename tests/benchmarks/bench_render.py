"""Rendering speed and size against keras.utils.plot_model, and scaling on synthetic graphs.

Figures (issue 3):

- render from IR (grouping + layout + diagram + legend) on DenseNet121, NASNetMobile and
  ResNet152V2 takes at most 0.2 of ``plot_model(show_shapes=True, rankdir="LR")`` to SVG
  (pydot + Graphviz ``dot``), both measured here in the same run;
- a synthetic 10,000-layer network renders in under 5 s, and 10,000 / 1,000 time <= 15;
- the grouped ResNet50 SVG is at most a tenth of plot_model's SVG bytes.

Models are built with ``weights=None``; the IR is extracted once per model, outside the timed
part (extraction is not rendering).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from sphinx_netviz.core.diagram import render
from tests.core import irgraphs

from .common import Row, best_of

MODELS = ("DenseNet121", "NASNetMobile", "ResNet152V2")


def _plot_model_svg(model: Any, path: Path) -> None:
    import keras

    keras.utils.plot_model(model, to_file=str(path), show_shapes=True, rankdir="LR")


def _compare_plot_model(quick: bool) -> list[Row]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    from sphinx_netviz.core.extract.keras3 import extract_model

    rows: list[Row] = []
    if shutil.which("dot") is None:
        raise RuntimeError("Graphviz 'dot' is needed for the plot_model comparison")
    repeats = 1 if quick else 3
    names = ("ResNet50", *MODELS[:1]) if quick else ("ResNet50", *MODELS)
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            model = getattr(keras.applications, name)(weights=None)
            graph = extract_model(model)
            out = Path(tmp) / f"{name}.svg"
            peer_error = ""
            try:
                peer_time = best_of(repeats, lambda m=model, o=out: _plot_model_svg(m, o))
                peer_bytes = out.stat().st_size
            except Exception as exc:  # Graphviz crashes on some models (peers.md 4.2)
                peer_time, peer_bytes = None, None
                peer_error = f" (plot_model failed: {type(exc).__name__})"
            ours = best_of(repeats, lambda g=graph: render(g))
            diagram = render(graph)
            if name in MODELS:
                ratio_ok = None if peer_time is None else ours <= 0.2 * peer_time
                rows.append(
                    Row(
                        "render vs plot_model",
                        name + peer_error,
                        ours,
                        "s",
                        "plot_model LR SVG",
                        peer_time,
                        "<= 0.2x",
                        ratio_ok,
                    )
                )
            if name == "ResNet50":
                size = len(diagram.svg.encode("utf-8"))
                ok = None if peer_bytes is None else size * 10 <= peer_bytes
                rows.append(
                    Row(
                        "SVG size",
                        "ResNet50 grouped" + peer_error,
                        float(size),
                        "B",
                        "plot_model LR SVG",
                        None if peer_bytes is None else float(peer_bytes),
                        "<= 0.1x",
                        ok,
                    )
                )
            rows.append(
                Row("glyphs", f"{name} ({len(graph.nodes)} nodes)", float(diagram.glyphs), "")
            )
            keras.backend.clear_session()
    return rows


def _scaling(quick: bool) -> list[Row]:
    repeats = 1 if quick else 3
    small = irgraphs.synthetic(1_000, seed=0)
    large = irgraphs.synthetic(10_000, seed=0)
    t_small = best_of(repeats, lambda: render(small))
    t_large = best_of(repeats, lambda: render(large))
    return [
        Row("synthetic render", f"{len(small.nodes)} layers", t_small, "s"),
        Row(
            "synthetic render",
            f"{len(large.nodes)} layers",
            t_large,
            "s",
            target="< 5 s",
            passed=t_large < 5.0,
        ),
        Row(
            "synthetic scaling",
            "time(10k) / time(1k)",
            t_large / t_small,
            "",
            target="<= 15",
            passed=t_large / t_small <= 15,
        ),
    ]


def run(quick: bool) -> list[Row]:
    return [*_scaling(quick), *_compare_plot_model(quick)]
