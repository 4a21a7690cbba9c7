"""HTML bytes of exploring: a page of 20 diagrams with and without the drill-down scenes.

Target (issue 12): the interactive page weighs at most 1.5x today's static page. Measured
on the figure markup alone (no theme chrome, which would only dilute the ratio), for 20
diagrams of the IR zoo (residual, inception, U-Net, nested model, multi-I/O, chains and a
synthetic 300-layer network), each rendered once and embedded by the core's figure_html.
"Today" is the same figure without scenes (what the static embed wrote).
"""

from __future__ import annotations

from tests.core import irgraphs

from .common import Row

TARGET = 1.5


def _graphs(quick: bool) -> list[object]:
    zoo = [
        irgraphs.residual_net(3),
        irgraphs.inception_net(),
        irgraphs.unet(3),
        irgraphs.nested(),
        irgraphs.multi_io(),
        irgraphs.chain(),
        irgraphs.non_sp(),
        irgraphs.residual_net(6),
        irgraphs.synthetic(120 if quick else 300, seed=1),
        irgraphs.unet(4),
    ]
    return [zoo[i % len(zoo)] for i in range(20)]


def page_bytes(quick: bool = False) -> tuple[int, int]:
    """(static page bytes, exploring page bytes) for the 20 diagrams."""
    from sphinx_netviz.core import render
    from sphinx_netviz.core.adapter import Embed, figure_html

    static = explore = 0
    seen_a: dict[str, int] = {}
    seen_b: dict[str, int] = {}
    for graph in _graphs(quick):
        d = render(graph)  # type: ignore[arg-type]
        static += len(figure_html(svg=d.svg, embed=Embed(), href="a.svg", seen=seen_a).encode())
        explore += len(
            figure_html(
                svg=d.svg, details=d.details, embed=Embed(), href="a.svg", seen=seen_b
            ).encode()
        )
    return static, explore


#: The documentation's example models (the gallery), extracted through the worker.
GALLERY = (
    "netviz_examples:mnist_convnet",
    "netviz_examples:vgg_like",
    "netviz_examples:resnet_like",
    "netviz_examples:inception_like",
    "netviz_examples:unet",
    "netviz_examples:lstm_classifier",
    "netviz_examples:transformer_encoder",
    "netviz_examples:nested",
    "netviz_examples:multi_io",
)


def gallery_bytes() -> tuple[int, int]:
    """(static, exploring) bytes of 20 diagrams cycling through the docs' example models."""
    import sys
    from pathlib import Path

    from sphinx_netviz.core import render
    from sphinx_netviz.core.adapter import Embed, ModelLoader, figure_html

    examples = Path(__file__).resolve().parents[2] / "docs" / "examples"
    static = explore = 0
    with ModelLoader(cache_dir=None, sys_path=[str(examples), *sys.path]) as loader:
        diagrams = [render(loader.load(spec).graph) for spec in GALLERY]
    for i in range(20):
        d = diagrams[i % len(diagrams)]
        static += len(figure_html(svg=d.svg, embed=Embed(), href="a.svg").encode())
        explore += len(
            figure_html(svg=d.svg, details=d.details, embed=Embed(), href="a.svg").encode()
        )
    return static, explore


def _row(case: str, static: int, explore: int) -> Row:
    return Row(
        "embed",
        case,
        float(explore),
        unit="B",
        peer="static embed",
        peer_value=float(static),
        target=f"<= {TARGET}x",
        passed=explore / static <= TARGET,
    )


def scene_overhead(quick: bool) -> Row:
    """Time to render a large grouped model and make its scenes, against rendering alone
    (what the CLI and Jupyter pay; scenes are made on first use of ``Diagram.details``)."""
    from sphinx_netviz.core import render

    from .common import best_of

    graph = irgraphs.synthetic(1000 if quick else 5000, seed=1)
    alone = best_of(3, lambda: render(graph))
    both = best_of(3, lambda: render(graph).details)
    return Row(
        "embed",
        f"render + scenes, synthetic {len(graph.nodes)} layers",
        both,
        "s",
        peer="render alone",
        peer_value=alone,
    )


def run(quick: bool) -> list[Row]:
    rows = [_row("20 diagrams of the IR zoo, HTML bytes", *page_bytes(quick))]
    rows.append(scene_overhead(quick))
    rows.append(_row("20 diagrams of the docs' example models, HTML bytes", *gallery_bytes()))
    return rows
