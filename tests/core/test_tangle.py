"""Cells that occur once (tangle.py): a NASNet-style stem reduction cell, not series-parallel
and not repeated, is drawn as one group glyph; what must stay open stays open."""

from __future__ import annotations

import random

from sphinx_netviz.core.diagram import prepare, render
from sphinx_netviz.core.ir.graph import Graph
from sphinx_netviz.core.options.schema import resolve_options
from sphinx_netviz.core.view.build import build_view

from .irgraphs import Builder, check_scene, conservation
from .test_fold import bert_like

S = (16, 16, 8)


def _sep(b: Builder, x: str) -> str:
    """Activation, SeparableConv2D, BatchNormalization (a NASNet separable branch)."""
    x = b.layer("Activation", x, S)
    x = b.layer("SeparableConv2D", x, S, params=10)
    return b.layer("BatchNormalization", x, S, params=4)


def _reduction_cell(
    b: Builder, ip: str, p: str, side: str | None = None, *, odd: bool = False
) -> str:
    """NASNet's reduction cell: branches over h (from ``ip``) and ``p``; the first sum is read
    by two later sums (a bridge: not series-parallel). ``odd`` adds one Dropout."""
    h = b.layer("Conv2D", b.layer("Activation", ip, S), S, params=10)
    first = _sep(b, h)
    if odd:
        first = b.layer("Dropout", first, S)
    add1 = b.layer("Add", [first, _sep(b, p)])
    add2 = b.layer("Add", [b.layer("MaxPooling2D", h, S), _sep(b, p)])
    add3 = b.layer("Add", [b.layer("AveragePooling2D", h, S), _sep(b, p)])
    add4 = b.layer("Add", [add2, b.layer("AveragePooling2D", add1, S)])
    last = [_sep(b, add1), b.layer("MaxPooling2D", h if side is None else [h, side], S)]
    add5 = b.layer("Add", last)
    return b.layer("Concatenate", [add2, add3, add4, add5], (16, 16, 32))


def _normal_cell(b: Builder, h: str, p: str, side: str | None = None) -> str:
    a1 = b.layer("SeparableConv2D", h, S)
    a2 = b.layer("SeparableConv2D", p if side is None else [p, side], S)
    s1 = b.layer("Add", [a1, a2])
    s2 = b.layer("Add", [b.layer("AveragePooling2D", p, S), h])
    c = b.layer("Concatenate", [s1, s2], (16, 16, 16))
    return b.layer("Conv2D", c, S)


def nasnet_stem(*, side: bool = False, cells: int = 3) -> Graph:
    """Stem conv, one reduction cell (occurs once), then ``cells`` normal cells each reading
    the two previous outputs; with ``side``, a second input is read by every cell."""
    b = Builder("nasnet_stem")
    x = b.input((32, 32, 3))
    extra = b.input(S, name="side") if side else None
    p = b.layer("Conv2D", x, S, name="stem", params=10)
    h = _reduction_cell(b, p, p, extra)
    for _ in range(cells):
        p, h = h, _normal_cell(b, h, p, extra)
    y = b.layer("GlobalAveragePooling2D", h, (8,))
    b.output(b.layer("Dense", y, (3,)))
    return b.build()


def cell_stack(odd: int | None = None, cells: int = 5) -> Graph:
    """``cells`` reduction cells, each reading the two previous outputs; cell ``odd`` has one
    more layer."""
    b = Builder("cell_stack")
    p = b.layer("Conv2D", b.input((32, 32, 3)), S, name="stem", params=10)
    h = b.layer("Conv2D", p, S, params=10)
    for k in range(cells):
        p, h = h, _reduction_cell(b, h, p, odd=k == odd)
    y = b.layer("GlobalAveragePooling2D", h, (8,))
    b.output(b.layer("Dense", y, (3,)))
    return b.build()


def _prep(graph: Graph, **opts: object):
    return prepare(graph, resolve_options(opts))


def _groups(prep) -> list[tuple[str, int, int]]:
    return [(g.type, g.count, g.members) for g in prep.scene.glyphs if g.kind == "group"]


def test_a_cell_that_occurs_once_is_one_group_glyph_and_repeats_still_fold():
    prep = _prep(nasnet_stem())
    groups = _groups(prep)
    counts = [c for _t, c, _m in groups]
    assert counts.count(1) == 1 and 3 in counts  # (and the stem's Conv-Act x2)
    once = next(g for g in groups if g[1] == 1)
    assert " cell" in once[0] and once[2] >= 12  # named for what it does: Normal cell ...
    assert not any(g.type == "Add" for g in prep.scene.glyphs)  # nothing of the cell is open
    assert len(prep.scene.glyphs) <= 8
    accounted, total = conservation(prep)
    assert accounted == total
    assert check_scene(prep.scene) == []
    assert render(nasnet_stem()).svg == render(nasnet_stem()).svg
    assert len(_prep(nasnet_stem(), group="none").scene.glyphs) > 30


def test_a_cell_reading_an_outside_tensor_stays_open():
    # The second input is read by every cell: an outside tensor, not the chain. A block of a
    # stack that reads it and occurs once may be the one repeat that differs: drawn open.
    prep = _prep(nasnet_stem(side=True))
    assert all(c != 1 or m < 12 for _t, c, m in _groups(prep))
    assert sum(g.type == "Add" for g in prep.scene.glyphs) >= 5
    accounted, total = conservation(prep)
    assert accounted == total


def test_a_transformer_block_that_differs_in_one_layer_stays_open():
    prep = _prep(bert_like(4, odd=2), expand_nested=True)
    assert [c for _t, c, _m in _groups(prep)] == [2]
    assert sum(g.type == "ScaledDotProductAttention" for g in prep.scene.glyphs) == 2


def _staggered_skips(n: int = 60, seed: int = 0) -> Graph:
    """A chain with irregular, overlapping short skips (not series-parallel, no cells)."""
    rng = random.Random(seed)
    b = Builder("staggered")
    nodes = [b.layer("Conv2D", b.input((8, 8, 4)))]
    types = ["Conv2D", "BatchNormalization", "ReLU", "MaxPooling2D", "SeparableConv2D"]
    for k in range(n):
        if k > 4 and rng.random() < 0.3:
            nodes.append(b.layer("Add", [nodes[-1], nodes[-rng.randint(2, 5)]]))
        else:
            nodes.append(b.layer(rng.choice(types), nodes[-1]))
    b.output(nodes[-1])
    return b.build()


def test_a_stretch_of_a_chain_with_staggered_skips_is_not_a_cell():
    # Tangled, one output, one input, many layers, but its output is a two-input sum: a cell
    # gathers three or more of its branches. Drawn open (only repeats fold).
    prep = _prep(_staggered_skips())
    assert all(c > 1 or m < 12 for _t, c, m in _groups(prep))
    assert len(prep.scene.glyphs) > 40
    accounted, total = conservation(prep)
    assert accounted == total


def test_a_cell_that_differs_in_one_layer_is_never_part_of_an_xn():
    # The layer only the odd cell has is never inside a fold drawn xN (whatever phase the
    # repeats are cut at), and a cell that occurs once is a kind of its own.
    vg = build_view(cell_stack(odd=2), resolve_options({}), splits=False)
    assert "dropout" in vg.nodes or any(
        f.count == 1 for f in vg.folds.values() if any("dropout" in v for v in f.repeats[0])
    )
    once = {f.label for f in vg.folds.values() if f.count == 1}
    assert not once & {f.label for f in vg.folds.values() if f.count > 1}
    prep = _prep(cell_stack(odd=2))
    accounted, total = conservation(prep)
    assert accounted == total
    assert check_scene(prep.scene) == []
