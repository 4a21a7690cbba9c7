"""Layout that reads left to right: chains of blocks stay on one row, side inputs and long
skips run in lanes around the row (bundled by source), and the layout's own stats agree with
what a reader measures in the SVG (parsed with a real XML parser)."""

from __future__ import annotations

import pytest

from sphinx_netviz.core.cli import main
from sphinx_netviz.core.diagram import prepare, render
from sphinx_netviz.core.options.schema import resolve_options

from . import irgraphs
from .irgraphs import cell_chain, check_scene, long_skips, masked_chain
from .svgmeasure import bends, crossings, parse


@pytest.mark.parametrize("n", [2, 6, 12])
def test_masked_blocks_stay_on_one_row_with_the_mask_bundled(n: int) -> None:
    d = render(masked_chain(n), group="none", legend="none")
    glyphs, edges, _labels, _size = parse(d.svg)
    blocks = [g for g in glyphs if g.type == "TransformerBlock"]
    assert len(blocks) == n
    # One row: every block glyph (and the chain around them) has the same centre.
    assert len({round(g.cy, 2) for g in blocks}) == 1
    row = blocks[0].cy
    chain = [g for g in glyphs if g.type in ("Embedding", "LayerNormalization")]
    assert all(abs(g.cy - row) < 0.01 for g in chain)
    # The mask reaches every block, by edges sharing one trunk above the row.
    mask_edges = [e for e in edges if e.source == "padding_mask"]
    assert sorted(e.target for e in mask_edges) == sorted(g.id for g in blocks)
    lanes = [
        {y for (_x0, y), (_x1, y1) in zip(e.points, e.points[1:]) if y == y1} for e in mask_edges
    ]
    shared = set.intersection(*lanes)
    top = min(g.top for g in blocks)
    assert any(y < top for y in shared), "no common trunk above the row"
    assert crossings(edges) == 0
    assert d.stats is not None and d.stats.crossings == 0


def test_masked_blocks_grouped_or_not_keep_the_promises() -> None:
    graph = masked_chain(6)
    for opts in ({}, {"group": "none"}, {"names": True}, {"split_layers": False}):
        prep = prepare(graph, resolve_options(opts))
        assert check_scene(prep.scene) == []
        assert prep.scene.stats is not None and prep.scene.stats.crossings == 0


def test_no_staircase_height_stays_flat_as_blocks_are_added() -> None:
    h6 = render(masked_chain(6), group="none", legend="none").height
    h24 = render(masked_chain(24), group="none", legend="none").height
    assert h24 == h6
    assert h6 <= 320


def test_long_skips_run_around_the_row() -> None:
    graph = long_skips()
    d = render(graph, group="none", legend="none")
    glyphs, edges, _labels, _size = parse(d.svg)
    convs = [g for g in glyphs if g.type in ("Conv2D", "Add")]
    assert len({round(g.cy, 2) for g in convs}) == 1
    assert crossings(edges) == 0
    assert d.stats is not None and d.stats.crossings == 0
    assert check_scene(prepare(graph, resolve_options({"group": "none"})).scene) == []


@pytest.mark.parametrize("cells", [3, 8, 30])
def test_cells_reading_the_two_previous_outputs_stay_on_one_row(cells: int) -> None:
    d = render(cell_chain(cells), group="none", legend="none", wrap=0)
    glyphs, edges, _labels, _size = parse(d.svg)
    cell_glyphs = [g for g in glyphs if g.type.endswith("Cell")]
    assert len(cell_glyphs) == cells + 1
    assert len({round(g.cy, 2) for g in cell_glyphs}) == 1
    assert crossings(edges) == 0
    # The skip-one edges alternate above and below the row (neighbours meet in one gap).
    row = cell_glyphs[0].cy
    skips = [e for e in edges if e.target.endswith("cell") or "cell_" in e.target]
    sides = {min(y for _x, y in e.points) < row - 1 for e in skips if len(e.points) > 2}
    if cells >= 3:
        assert sides == {True, False}
    assert d.height == render(cell_chain(3), group="none", legend="none", wrap=0).height


CASES = {
    **{name: (factory, {}) for name, factory in irgraphs.ALL.items()},
    "masked": (masked_chain, {"group": "none"}),
    "skips": (long_skips, {}),
    "cells": (cell_chain, {"group": "none"}),
    "fuzz3": (lambda: irgraphs.random_dag(3), {}),
    "fuzz11": (lambda: irgraphs.random_dag(11), {"split_layers": False}),
    "wrapped": (lambda: irgraphs.residual_net(4), {"wrap": 600, "group": "none"}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_stats_on_the_diagram_equal_what_the_svg_shows(case: str) -> None:
    factory, opts = CASES[case]
    d = render(factory(), legend="none", **opts)
    _glyphs, edges, _labels, (w, h) = parse(d.svg)
    assert d.stats is not None
    assert d.stats.crossings == crossings(edges)
    assert d.stats.bends == bends(edges)
    assert d.stats.edges == len(edges)
    assert (d.stats.width, d.stats.height) == (w, h) == (d.width, d.height)


def test_stats_count_a_real_crossing() -> None:
    from sphinx_netviz.core.layout import count_crossings

    plus = [("a", "b", [(0.0, 5.0), (10.0, 5.0)]), ("c", "d", [(5.0, 0.0), (5.0, 10.0)])]
    assert count_crossings(plus) == 1
    bundle = [("a", "b", [(0.0, 5.0), (10.0, 5.0)]), ("a", "d", [(5.0, 0.0), (5.0, 10.0)])]
    assert count_crossings(bundle) == 0
    fan_in = [("a", "t", [(0.0, 5.0), (10.0, 5.0)]), ("c", "t", [(5.0, 0.0), (5.0, 5.0)])]
    assert count_crossings(fan_in) == 0


def test_no_question_marks_where_shapes_are_known() -> None:
    for factory in (masked_chain, long_skips, irgraphs.unet, irgraphs.non_sp):
        _g, _e, labels, _s = parse(render(factory(), group="none").svg)
        assert labels and not any("?" in t for t in labels)


def test_cli_render_stats(tmp_path, capsys) -> None:
    spec = tmp_path / "masked.json"
    spec.write_text(masked_chain(6).to_json(), encoding="utf-8")
    out = tmp_path / "masked.svg"
    code = main(
        ["render", str(spec), "-o", str(out), "--stats", "--legend", "none", "--group", "none"]
    )
    assert code == 0
    lines = dict(line.split(": ", 1) for line in capsys.readouterr().out.strip().splitlines())
    assert set(lines) == {"crossings", "bends", "width", "height", "glyphs", "edges"}
    _glyphs, edges, _labels, (w, h) = parse(out.read_text(encoding="utf-8"))
    assert int(lines["crossings"]) == crossings(edges) == 0
    assert int(lines["bends"]) == bends(edges)
    assert (float(lines["width"]), float(lines["height"])) == (w, h)


def test_gap_tracks_order_staggered_hops_so_they_do_not_cross() -> None:
    from sphinx_netviz.core.layout.routing import gap_tracks

    cols = [(0.0, 10.0), (40.0, 50.0)]
    # Two hops going down, staggered: the one starting higher must take the right track;
    # two going up: the one starting higher takes the left track.
    down = gap_tracks([[(-100.0, 0.0, "a"), (-50.0, 50.0, "b")], []], cols)
    assert down[(0, "a")] > down[(0, "b")]
    up = gap_tracks([[(0.0, -100.0, "a"), (50.0, -50.0, "b")], []], cols)
    assert up[(0, "a")] < up[(0, "b")]
    # Hops sharing a key share a track (a bundle).
    shared = gap_tracks([[(0.0, -10.0, "k"), (0.0, 20.0, "k"), (5.0, 9.0, "z")], []], cols)
    assert len({shared[(0, "k")], shared[(0, "z")]}) == 2


def test_lanes_nest_and_staggered_ones_change_sides() -> None:
    from sphinx_netviz.core.layout.routing import Bundle, assign_lanes

    top = [-50.0] * 10
    bottom = [80.0] * 10
    inner = Bundle(0, 3, 4, above=True)
    outer = Bundle(1, 2, 6, above=True)
    assign_lanes([outer, inner], top, bottom, 10.0)
    assert outer.y < inner.y < -50  # the longer span runs outside the shorter one
    first = Bundle(2, 1, 3, above=True, flexible=True)
    staggered = Bundle(3, 2, 5, above=True, flexible=True)
    assign_lanes([first, staggered], top, bottom, 10.0)
    assert first.above != staggered.above
    below = staggered if not staggered.above else first
    assert below.y > 80  # under the row's labels
