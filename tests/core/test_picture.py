"""The picture's promises (issue 19), asserted with the visual lint over the test zoos.

Every model of the hand-built IR zoo, the Keras zoo and papers, and ResNet50 (the quick zoo
of ``tests/benchmarks/bench_visual.py``) is rendered with the default options in every
palette, and every single-diagram rule of ``tests/visual_lint.py`` must hold: no merge
spikes, no two legend entries alike, every group named on the page, no label under 9 px at
an 800 px column, no unbalanced rows; and the extra rules (descriptive group names, legend
looks a reader can tell apart and equal to the glyphs', a legend no taller than its diagram
plus two rows). ``hide: Dropout``, ``group: none`` and
``expand-nested`` must resize no glyph that stays, and ``wrap: 700`` must give balanced rows.
``make bench`` runs the same rules over the full zoo (PyTorch, keras_hub, four apps).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sphinx_netviz.core import Graph, render
from tests.benchmarks.bench_visual import PALETTES, _variants, zoo
from tests.visual_lint import lint_by_rule, resized_glyphs

MODELS: dict[str, Callable[[], Graph]] = dict(zoo(quick=True))
_GRAPHS: dict[str, Graph] = {}


def _graph(label: str) -> Graph:
    if label not in _GRAPHS:
        _GRAPHS[label] = MODELS[label]()
    return _GRAPHS[label]


@pytest.mark.parametrize("label", sorted(MODELS))
def test_every_palette_keeps_every_promise(label: str) -> None:
    graph = _graph(label)
    for palette in PALETTES:
        found = lint_by_rule(render(graph, palette=palette).svg)  # the extra rules too
        assert {rule: f for rule, f in found.items() if f} == {}, palette


@pytest.mark.parametrize("label", sorted(MODELS))
def test_hide_group_and_depth_resize_nothing_and_wraps_balance(label: str) -> None:
    graph = _graph(label)
    base = render(graph).svg
    for what, options in _variants(graph).items():
        variant = render(graph, **options)  # type: ignore[arg-type]
        assert resized_glyphs(base, variant.svg, what=what) == []
        assert lint_by_rule(variant.svg, ["merge spikes"])["merge spikes"] == [], what
    wrapped = render(graph, wrap=700).svg
    assert lint_by_rule(wrapped, ["unbalanced rows"])["unbalanced rows"] == []


def test_a_torch_unet_seen_through_fits_the_column_at_every_depth() -> None:
    """``depth: auto`` opens a torch U-Net's containers: its default drawing, not the closed
    one, is what decides that no rows fit and the glyphs narrow (it was 1,104 px wide, its
    labels 8 px at an 800 px column); ``depth: 0`` keeps the same glyph sizes."""
    pytest.importorskip("torch")
    from sphinx_netviz.core.extract.base import ExtractRequest
    from sphinx_netviz.core.extract.torch.module import EXTRACTOR
    from tests.zoo import torch_models

    model, example = torch_models.unet()
    graph = EXTRACTOR.extract(model, ExtractRequest("unet", example_inputs=example))
    default = render(graph).svg
    assert lint_by_rule(default, ["labels under 9 px"])["labels under 9 px"] == []
    closed = render(graph, depth=0).svg
    assert resized_glyphs(default, closed, what="depth: 0") == []
