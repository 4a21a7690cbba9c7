"""Palettes: Net2Vis's values, the colour modes, and site-wide stable colours per type."""

from __future__ import annotations

import pytest

from sphinx_netviz.core.draw.palette import (
    COLORBLIND,
    NET2VIS,
    PALETTES,
    Palette,
    darken,
    interpolated_colors,
    slot_for,
)


def test_net2vis_palette_is_the_17_material_colours_in_order():
    assert len(NET2VIS) == 17
    assert NET2VIS[0] == "#2196F3"
    assert NET2VIS[1] == "#8BC34A"
    assert NET2VIS[16] == "#607D8B"


def test_colorblind_is_okabe_ito():
    assert COLORBLIND == (
        "#000000",
        "#E69F00",
        "#56B4E9",
        "#009E73",
        "#F0E442",
        "#0072B2",
        "#D55E00",
        "#CC79A7",
    )
    assert set(PALETTES["colorblind"]) <= set(COLORBLIND)


@pytest.mark.parametrize(
    ("color", "expected"),
    [("#8BC34A", (113, 164, 54)), ("#2196F3", (12, 124, 213))],
)
def test_darken_matches_net2vis_exports(color, expected):
    # Values read from Net2Vis's own exported legend (reference/net2vis.md 4.4).
    out = darken(color)
    rgb = tuple(int(out[i : i + 2], 16) for i in (1, 3, 5))
    assert all(abs(a - b) <= 1 for a, b in zip(rgb, expected))


def test_interpolation_bisects_the_largest_hue_gap():
    colors = interpolated_colors(9)
    expected = [
        "#246bb2",
        "#b26b24",
        "#24b224",
        "#b224b2",
        "#8fb224",
        "#24b28f",
        "#4724b2",
        "#b22447",
        "#b2a124",
    ]
    for got, want in zip(colors, expected):
        g = [int(got[i : i + 2], 16) for i in (1, 3, 5)]
        w = [int(want[i : i + 2], 16) for i in (1, 3, 5)]
        assert all(abs(a - b) <= 1 for a, b in zip(g, w)), (got, want)


def test_same_type_same_colour_regardless_of_order_or_diagram():
    # Fixed slots for known types; a stable hash for unknown ones (never first-seen order).
    assert Palette().color("Conv2D") == "#8BC34A"
    assert Palette().color("InputLayer") == "#9E9E9E"
    assert Palette().color("Add") == "#795548"
    assert slot_for("MyFancyLayer") == slot_for("MyFancyLayer")
    assert 0 <= slot_for("MyFancyLayer") < 17
    assert slot_for("MaxPooling2D") != slot_for("AveragePooling2D")


def test_overrides_win():
    p = Palette("net2vis", {"Conv2D": "#123456"})
    assert p.color("Conv2D") == "#123456"
    assert p.color("Dense") == NET2VIS[8]


def test_types_of_one_category_get_distinct_shades():
    # They meet in one diagram (a Transformer; EfficientNet's preprocessing): the legend must
    # still tell them apart, and the answer stays site-wide stable (by name only).
    p = Palette()
    for a, b in [
        ("Embedding", "MultiHeadAttention"),
        ("InputLayer", "Rescaling"),
        ("Rescaling", "Normalization"),
        ("BatchNormalization", "LayerNormalization"),
        ("Reshape", "ZeroPadding2D"),
        ("Conv2DTranspose", "UpSampling2D"),
    ]:
        assert slot_for(a) == slot_for(b)
        assert p.color(a) != p.color(b), (a, b)
    assert p.color("Embedding") == NET2VIS[slot_for("Embedding")]  # first of its category
