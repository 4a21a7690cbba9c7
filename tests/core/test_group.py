"""Grouping: repeated single-entry/single-exit blocks fold; nothing is lost or invented."""

from __future__ import annotations

import pytest

from sphinx_netviz.core.diagram import prepare
from sphinx_netviz.core.ir.errors import RenderError
from sphinx_netviz.core.options.schema import resolve_options
from sphinx_netviz.core.view.build import build_view
from sphinx_netviz.core.view.structure import Block, Group, Leaf, Opaque, decompose

from . import irgraphs
from .irgraphs import Builder, conservation


def _prep(graph, **opts):
    return prepare(graph, resolve_options(opts))


@pytest.mark.parametrize("name", sorted(irgraphs.ALL))
@pytest.mark.parametrize(
    "opts",
    [
        {},
        {"group": "none"},
        {"hide": "Dropout,BatchNormalization"},
        {"fold_repeats": False},
        {"group_match": "config"},
        {"expand_nested": True},
        {"split_layers": False},
    ],
)
def test_every_ir_node_is_accounted_for_exactly_once(name, opts):
    prep = _prep(irgraphs.ALL[name](), **opts)
    accounted, total = conservation(prep)
    assert accounted == total
    # ... and no node is drawn twice.
    seen = []
    for g in prep.scene.glyphs:
        seen.extend(n for n in g.node_ids if not prep.view.nodes[n].synthetic)
    assert len(seen) == len(set(seen))


def test_residual_blocks_fold_into_one_glyph_with_a_count():
    prep = _prep(irgraphs.residual_net(blocks=4))
    groups = [g for g in prep.scene.glyphs if g.kind == "group"]
    assert any(g.count == 4 and g.type.startswith("Residual") for g in groups)
    assert len(prep.scene.glyphs) < 15
    none = _prep(irgraphs.residual_net(blocks=4), group="none")
    assert len(none.scene.glyphs) > 60


def test_inception_cells_fold_and_are_named():
    prep = _prep(irgraphs.inception_net())
    labels = {d.label for d in prep.grouping.defs.values()}
    assert any(lb.startswith("Inception") for lb in labels)


def test_nothing_that_occurs_once_is_folded():
    b = Builder("unique")
    x = b.input((28, 28, 1))
    for t in ("Conv2D", "BatchNormalization", "ReLU", "MaxPooling2D", "Flatten", "Dense"):
        x = b.layer(t, x)
    b.output(x)
    prep = _prep(b.build())
    assert prep.grouping.defs == {}
    assert all(g.kind != "group" for g in prep.scene.glyphs)


def test_a_repeated_pair_folds_as_a_run():
    prep = _prep(irgraphs.chain())  # Conv, MaxPool, Conv, MaxPool
    (d,) = prep.grouping.defs.values()
    assert d.label == "Conv-MaxPool" and d.instances == 2
    assert [g.count for g in prep.scene.glyphs if g.kind == "group"] == [2]


def test_a_unique_block_stays_expanded():
    b = Builder("one_residual")
    x = b.input((8, 8, 4))
    x = b.residual(x, 4)
    b.output(b.layer("Dense", b.layer("Flatten", x, (256,)), (2,)))
    prep = _prep(b.build())
    # Conv-BN(-Act) repeats inside the block, the block itself does not.
    assert all(not d.label.startswith("Residual") for d in prep.grouping.defs.values())
    assert any(g.type == "Add" for g in prep.scene.glyphs)


def test_group_members_count_ir_nodes_and_runs_sum_them():
    prep = _prep(irgraphs.residual_net(blocks=3))
    run = next(g for g in prep.scene.glyphs if g.kind == "group" and g.count == 3)
    # Each identity block: 3x(Conv, BN) + 2 Act + Add + Act = 10 IR nodes (Split is synthetic).
    assert run.members == 30


def test_group_match_config_distinguishes_filters():
    b = Builder("cfg")
    x = b.input((16, 16, 3))
    for f in (8, 8, 16, 16):
        x = b.layer("Conv2D", x, (16, 16, f), config={"filters": f})
        x = b.layer("ReLU", x)
    b.output(x)
    g = b.build()
    by_type = _prep(g)
    assert [gl.count for gl in by_type.scene.glyphs if gl.kind == "group"] == [4]
    by_config = _prep(g, group_match="config")
    assert sorted(gl.count for gl in by_config.scene.glyphs if gl.kind == "group") == [2, 2]


def test_fold_repeats_off_draws_each_repetition():
    on = _prep(irgraphs.residual_net(blocks=3))
    off = _prep(irgraphs.residual_net(blocks=3), fold_repeats=False)
    assert len(off.scene.glyphs) > len(on.scene.glyphs)
    assert all(g.count == 1 for g in off.scene.glyphs)


def test_manual_groups_by_name_pattern():
    prep = _prep(irgraphs.chain(), groups="Features=^(conv2d|max)")
    manual = [g for g in prep.scene.glyphs if g.kind == "group"]
    assert len(manual) == 1 and manual[0].type == "Features" and manual[0].members == 4
    assert conservation(prep)[0] == conservation(prep)[1]


def test_manual_group_that_is_not_contiguous_is_an_error():
    with pytest.raises(RenderError, match="groups"):
        _prep(irgraphs.unet(), groups="Bad=^(conv2d|conv2d_1|concatenate_2)$")


def test_hide_bridges_edges():
    prep = _prep(irgraphs.chain(), hide="Dropout")
    assert "dropout" in prep.view.hidden
    assert "dense" in prep.view.succ["flatten"]


def test_decomposition_recognises_structure():
    tree = decompose(build_view(irgraphs.residual_net(1), resolve_options({})))
    assert any(isinstance(it, Block) and it.merge is not None for it in tree.items)
    # (group: none, or the side-input folding of fold.py makes it series-parallel)
    tree = decompose(build_view(irgraphs.non_sp(), resolve_options({"group": "none"})))

    def has_opaque(items):
        for it in items:
            if isinstance(it, Opaque):
                return True
            if isinstance(it, Block) and any(has_opaque(br.items) for br in it.branches):
                return True
        return False

    assert has_opaque(tree.items)
    tree = decompose(build_view(irgraphs.chain(), resolve_options({})))
    assert all(isinstance(it, Leaf) for it in tree.items)


def test_nested_models_collapse_or_expand():
    collapsed = _prep(irgraphs.nested())
    assert any(g.type == "Functional" for g in collapsed.scene.glyphs)
    expanded = _prep(irgraphs.nested(), expand_nested=True)
    types = {g.type for g in expanded.scene.glyphs}
    assert "Functional" not in types and {"Conv2D", "MaxPooling2D"} <= types
    assert sorted(expanded.view.absorbed) == ["encoder", "encoder/input"]


def test_grouping_is_deterministic():
    a = _prep(irgraphs.synthetic(600, seed=3))
    b = _prep(irgraphs.synthetic(600, seed=3))
    assert [(g.id, g.count, g.members) for g in a.scene.glyphs] == [
        (g.id, g.count, g.members) for g in b.scene.glyphs
    ]


def test_large_synthetic_graph_groups_and_conserves():
    prep = _prep(irgraphs.synthetic(3000, seed=1))
    accounted, total = conservation(prep)
    assert accounted == total
    assert len(prep.scene.glyphs) < total / 10
    assert any(isinstance(it, Group) for it in prep.grouping.tree.items)


def test_matching_ignores_the_order_of_branches():
    b = Builder("swapped")
    x = b.input((16, 16, 8))
    for swap in (False, True, False):
        y = b.layer("Conv2D", x, (16, 16, 8))
        y = b.layer("BatchNormalization", y)
        z = b.layer("Add", [x, y] if swap else [y, x])
        x = b.layer("ReLU", z)
    b.output(x)
    prep = _prep(b.build())
    assert [g.count for g in prep.scene.glyphs if g.kind == "group"] == [3]


def test_blocks_nest():
    prep = _prep(irgraphs.residual_net(blocks=3))
    residual = next(d for d in prep.grouping.defs.values() if d.label.startswith("Residual"))

    def nested_groups(items):
        found = []
        for it in items:
            if isinstance(it, Group):
                found.append(it)
            elif isinstance(it, Block):
                for br in it.branches:
                    found.extend(nested_groups(br.items))
        return found

    assert nested_groups(residual.body), "Conv-BN(-Act) should be groups inside the block"
