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
    from sphinx_netviz.core import Embed, figure_html, render

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


def run(quick: bool) -> list[Row]:
    static, explore = page_bytes(quick)
    ratio = explore / static
    return [
        Row(
            "embed",
            "20-diagram page, HTML bytes (explore vs static)",
            float(explore),
            unit="B",
            peer="static embed",
            peer_value=float(static),
            target=f"<= {TARGET}x",
            passed=ratio <= TARGET,
        )
    ]
