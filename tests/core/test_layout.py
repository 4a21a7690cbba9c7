"""Layout: Net2Vis glyph sizing and the geometric promises (no overlaps, attached orthogonal
edges that never cross a glyph, everything inside the viewBox)."""

from __future__ import annotations

import pytest

from sphinx_netviz.core.diagram import prepare
from sphinx_netviz.core.layout import Sizer, dims_text, feature_text, outline
from sphinx_netviz.core.layout.wrapping import auto_wrap_width, balanced_rows, row_width
from sphinx_netviz.core.options.schema import resolve_options

from . import irgraphs
from .irgraphs import check_scene, conservation

OPTION_SETS = [
    {},
    {"group": "none"},
    {"split_layers": False},
    {"wrap": 600},
    {"names": True, "samples": True},
    {"expand_nested": True, "hide": "BatchNormalization"},
    {"dimensions": False, "features": False, "v_spacing": 40, "h_spacing": 40},
]


@pytest.mark.parametrize("name", sorted(irgraphs.ALL))
@pytest.mark.parametrize("opts", OPTION_SETS, ids=lambda o: ",".join(o) or "defaults")
def test_geometry_invariants(name, opts):
    prep = prepare(irgraphs.ALL[name](), resolve_options(opts))
    assert check_scene(prep.scene) == []


def test_geometry_invariants_on_a_large_synthetic_graph_without_grouping():
    prep = prepare(irgraphs.synthetic(400, seed=7), resolve_options({"group": "none"}))
    assert check_scene(prep.scene) == []


def _sizer():
    return Sizer(
        30,
        100,
        20,
        80,
        min_size=7,
        max_size=224,
        min_feat=3,
        max_feat=2048,
        min_dense=10,
        max_dense=1000,
    )


def test_height_encodes_spatial_size_linearly_between_min_and_max():
    s = _sizer()
    assert s.height((224, 224, 3)) == 100
    assert s.height((7, 7, 512)) == 30
    mid = s.height((115.5, 115.5, 3))
    assert 64 < mid < 66


def test_width_encodes_channels():
    s = _sizer()
    assert s.width((8, 8, 3), (8, 8, 3)) == 20
    assert s.width((8, 8, 3), (8, 8, 2048)) == 80
    # 1-D tensors (Dense) are narrow rules.
    assert s.width((64,), (10,)) < 20


def test_dense_height_and_flatten_full_height():
    s = _sizer()
    assert s.height((10,)) == 30
    assert s.height((4096,)) == 100  # beyond max_dense: full height, like Net2Vis


def test_resolution_change_is_a_trapezoid():
    prep = prepare(irgraphs.chain(), resolve_options({"group": "none"}))
    pool = next(g for g in prep.scene.glyphs if g.type == "MaxPooling2D")
    (_x0, y0), (_x1, y1), (_x2, y2), (_x3, y3) = pool.points
    left, right = y3 - y0, y2 - y1
    assert left > right  # narrows to the right: down-sampling


@pytest.mark.parametrize("name", ["unet", "residual", "inception", "multi_io"])
def test_split_and_merge_glyphs_are_sized_by_their_own_tensors(name):
    """Issue 19: a Split or merge glyph is a plain trapezoid as tall as its own tensors; the
    branches on other lanes arrive at (or leave) its side on tracks of their own."""
    prep = prepare(irgraphs.ALL[name](), resolve_options({"group": "none"}))
    sizer = prep.sizer
    fans = [g for g in prep.scene.glyphs if g.kind == "split" or g.type == "Concatenate"]
    fans += [g for g in prep.scene.glyphs if g.type == "Add"]
    assert fans
    for g in fans:
        assert len(outline(g)) == 4, g.id
        _x0, y0, _x1, y1 = g.bbox
        tallest = max(sizer.height(g.in_shape), sizer.height(g.out_shape))
        assert y1 - y0 <= tallest + 0.01, (g.id, y1 - y0, tallest)
        ends = [p.points[-1] for p in prep.scene.paths if p.target == g.id]
        ends += [p.points[0] for p in prep.scene.paths if p.source == g.id]
        assert all(y0 - 0.01 <= y <= y1 + 0.01 for _x, y in ends), g.id
    assert check_scene(prep.scene) == []


def test_labels():
    assert dims_text((224, 224, 3)) == "224x224"
    assert dims_text((10,)) == ""
    assert feature_text((7, 7, 512)) == "512"
    assert feature_text((None, 64)) == "64"
    prep = prepare(irgraphs.chain(), resolve_options({"group": "none", "names": True}))
    kinds = {lb.kind for lb in prep.scene.labels}
    assert {"dim", "feat", "name"} <= kinds
    assert all(lb.rotate for lb in prep.scene.labels if lb.kind == "dim")


def _deep_chain(n: int = 12):
    b = irgraphs.Builder("deep_chain")
    x = b.input((64, 64, 3))
    for _ in range(n):
        x = b.cba(x, 16)
    b.output(x)
    return b.build()


def _row_counts(scene) -> list[int]:
    rows: dict[int, int] = {}
    for g in scene.glyphs:
        rows[round(g.y)] = rows.get(round(g.y), 0) + 1
    return [rows[y] for y in sorted(rows)]


def test_wrap_breaks_long_chains_into_rows_that_fit():
    graph = _deep_chain()
    wide = prepare(graph, resolve_options({"group": "none", "wrap": 0})).scene
    wrapped = prepare(graph, resolve_options({"group": "none", "wrap": 800})).scene
    assert wide.width > 1600
    assert wrapped.width <= 800
    rows = _row_counts(wrapped)
    assert len(rows) >= 3
    assert 2 * min(rows) >= max(rows), rows  # balanced: no stub of a last row
    assert wrapped.height > wide.height
    assert check_scene(wrapped) == []


def test_wrap_auto_fits_the_column_and_leaves_narrow_diagrams_alone():
    """Issue 19: by default a diagram too wide for an 800 px column at 9 px labels wraps
    into balanced rows; one that fits stays on one row."""
    assert resolve_options({}).wrap == "auto"
    wide = prepare(_deep_chain(), resolve_options({"group": "none"})).scene
    assert wide.width <= auto_wrap_width()
    assert len(_row_counts(wide)) >= 2
    rows = _row_counts(wide)
    assert 2 * min(rows) >= max(rows), rows
    narrow = prepare(_deep_chain(3), resolve_options({"group": "none"})).scene
    assert len(_row_counts(narrow)) == 1
    assert check_scene(wide) == []


def test_wrap_auto_narrows_a_diagram_no_rows_can_fit():
    """A U-Net is one block from end to end: no partition into rows fits, so ``wrap: auto``
    draws it with narrower glyphs and gaps (heights untouched) instead of stubs of rows."""
    one_row = prepare(irgraphs.unet(), resolve_options({"wrap": 0})).scene
    auto = prepare(irgraphs.unet(), resolve_options({})).scene
    assert one_row.width > auto_wrap_width() >= auto.width
    assert len(_row_counts(auto)) == 1
    heights = {g.id: (g.h_in, g.h_out) for g in one_row.glyphs}
    assert all(heights[g.id] == (g.h_in, g.h_out) for g in auto.glyphs)
    assert check_scene(auto) == []


@pytest.mark.parametrize(
    ("widths", "counts", "max_w"),
    [
        ([40.0] * 13, [1] * 13, 560.0),  # greedy: 11 + 2
        ([30.0] * 5 + [300.0] + [30.0] * 5, [1] * 5 + [10] + [1] * 5, 420.0),
        ([20.0 + 7 * (i % 3) for i in range(40)], [1 + i % 2 for i in range(40)], 500.0),
        ([15.0] + [95.0] * 500, [1] + [3] * 500, 946.0),  # thousands: even rows, no search
    ],
)
def test_balanced_rows_never_leave_a_stub(widths, counts, max_w):
    starts = balanced_rows(widths, counts, 20.0, max_w)
    cuts = list(zip(starts, [*starts[1:], len(widths)]))
    rows = [sum(counts[a:b]) for a, b in cuts]
    assert len(rows) >= 2 and 2 * min(rows) >= max(rows), rows
    for a, b in cuts:
        assert b - a == 1 or row_width(widths[a:b], 20.0) <= max_w


def test_samples_are_drawn_beside_inputs_and_outputs():
    prep = prepare(irgraphs.unet(), resolve_options({"samples": True}))
    assert len(prep.scene.samples) == 2


def test_branches_use_separate_lanes():
    prep = prepare(irgraphs.inception_net(), resolve_options({"group": "none"}))
    ys = {round(g.y) for g in prep.scene.glyphs}
    assert len(ys) >= 4


@pytest.mark.parametrize("seed", range(40))
def test_random_graphs_keep_every_promise(seed):
    graph = irgraphs.random_dag(seed)
    for opts in ({}, {"group": "none", "split_layers": False}, {"wrap": 500, "names": True}):
        prep = prepare(graph, resolve_options(opts))
        assert check_scene(prep.scene) == []
        accounted, total = conservation(prep)
        assert accounted == total
