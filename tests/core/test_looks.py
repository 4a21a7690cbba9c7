"""Looks: every layer type and group of a diagram painted apart, in every palette (issue 19)."""

from __future__ import annotations

import pytest

from sphinx_netviz.core import render
from sphinx_netviz.core.draw.looks import Look, Looks, assign_looks, dominant_type
from sphinx_netviz.core.draw.palette import PALETTES, Palette, darken
from sphinx_netviz.core.draw.patterns import GROUP_TILES

from . import irgraphs

#: Types that meet in real diagrams and used to collide: Okabe-Ito has 8 colours for 17
#: families (Conv2D = GlobalAveragePooling2D, Add = Dense), mono one texture per family
#: (LSTM = Bidirectional), hashed shades of one family (ReversibleEmbedding =
#: CachedMultiHeadAttention), uncategorised names on an anchor's colour (ZerosLike = Add).
TYPES = [
    "InputLayer", "Conv2D", "BatchNormalization", "ReLU", "Activation", "Add", "Dense",
    "Split", "MaxPooling2D", "GlobalAveragePooling2D", "Concatenate", "Dropout", "Flatten",
    "Reshape", "LayerNormalization", "Embedding", "MultiHeadAttention", "LSTM",
    "Bidirectional", "TimeDistributed", "ReversibleEmbedding", "CachedMultiHeadAttention",
    "PositionEmbedding", "ZerosLike", "All", "Sequential", "Functional", "ConvBlock",
    "ResidualBlock", "DepthwiseConv2D", "UpSampling2D", "Multiply", "Softmax", "GELU",
]  # fmt: skip
GROUPS = [
    ("Residual(Conv-BN-ReLU x3)", ["Conv2D", "BatchNormalization", "ReLU"] * 3 + ["Add"]),
    ("Conv-BN-ReLU", ["Conv2D", "BatchNormalization", "ReLU"]),
    ("Conv-BN", ["Conv2D", "BatchNormalization"]),
    ("Inception @17x17", ["Conv2D"] * 6 + ["Concatenate"]),
    ("Dense block", ["BatchNormalization", "ReLU", "Conv2D"] * 2 + ["Concatenate"]),
    ("BertLayer", ["Dense", "Dense", "MultiHeadAttention", "LayerNormalization"]),
]


@pytest.mark.parametrize("name", sorted(PALETTES))
def test_no_two_kinds_share_a_look(name):
    looks = assign_looks(Palette(name), TYPES, GROUPS)
    keys = [lk.key for lk in looks.types.values()] + [lk.key for lk in looks.groups.values()]
    assert len(keys) == len(TYPES) + len(GROUPS)
    assert len(set(keys)) == len(keys), name
    # deterministic: the same kinds in another order get the same looks
    again = assign_looks(Palette(name), list(reversed(TYPES)), GROUPS)
    assert again.types == looks.types and again.groups == looks.groups


@pytest.mark.parametrize("name", sorted(PALETTES))
def test_groups_look_like_groups_never_like_a_type(name):
    looks = assign_looks(Palette(name), TYPES, GROUPS)
    for label, _members in GROUPS:
        look = looks.groups[label]
        assert look.group and look.pattern in GROUP_TILES, label
    assert not {lk.pattern for lk in looks.types.values()} & set(GROUP_TILES)


def test_type_looks_are_site_stable_and_follow_net2vis():
    # The family's anchor keeps Net2Vis's colour and outline in every diagram it is in.
    small = assign_looks(Palette(), ["Conv2D", "Dense"], [])
    large = assign_looks(Palette(), TYPES, GROUPS)
    conv = Look("#8BC34A", darken("#8BC34A"))
    assert small.types["Conv2D"] == large.types["Conv2D"] == conv
    assert Looks(Palette()).of_type("Conv2D") == conv


def test_colour_blind_families_that_share_a_colour_differ_by_pattern():
    looks = Looks(Palette("colorblind"))
    for a, b in [("Conv2D", "GlobalAveragePooling2D"), ("Add", "Dense"), ("MaxPooling2D", "Split")]:
        assert looks.of_type(a).fill == looks.of_type(b).fill
        assert looks.of_type(a).key != looks.of_type(b).key, (a, b)


def test_mono_paints_with_patterns():
    look = Looks(Palette("mono")).of_type("Conv2D")
    assert look.pattern is not None and look.fill == "#FFFFFF"


def test_overrides_are_kept():
    looks = assign_looks(Palette("net2vis", {"Conv2D": "#123456", "Dense": "#123456"}),
                         ["Conv2D", "Dense", "ReLU"], [])  # fmt: skip
    assert looks.types["Conv2D"].fill == looks.types["Dense"].fill == "#123456"


def test_a_group_takes_its_members_dominant_colour():
    assert dominant_type(["Conv2D", "BatchNormalization", "Conv2D", "Split"]) == "Conv2D"
    assert dominant_type(["Dense", "ReLU"]) == "Dense"  # a tie: the first drawn
    assert dominant_type(["Split"]) is None
    looks = assign_looks(Palette(), ["Conv2D", "Dense"], [("A", ["Conv2D"]), ("B", ["Dense"])])
    assert looks.groups["A"].stroke == looks.types["Conv2D"].fill
    assert looks.groups["B"].stroke == looks.types["Dense"].fill


@pytest.mark.parametrize("name", sorted(PALETTES))
def test_glyphs_and_legend_show_the_same_look(name):
    """The rendered SVG: each legend swatch's fill is the fill of its glyphs, and no two
    legend entries share one (patterns are numbered per look)."""
    import xml.etree.ElementTree as ET

    svg = render(irgraphs.residual_net(), palette=name).svg
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    legend: dict[str, str] = {}
    for item in root.iter(f"{ns}g"):
        if item.get("class") == "nv-legend-item":
            legend[item.get("data-type", "")] = item.find(f"{ns}polygon").get("fill")
    assert len(set(legend.values())) == len(legend), legend
    for g in root.iter(f"{ns}g"):
        if g.get("class") in ("nv-layer", "nv-group") and g.get("data-type") in legend:
            assert g.find(f"{ns}polygon").get("fill") == legend[g.get("data-type")]
