"""Layer categories: derived from names for IR without them, and what the palette and group
names make of them (twins across frameworks look and read alike)."""

from __future__ import annotations

import pytest

from sphinx_netviz.core import render
from sphinx_netviz.core.diagram import prepare
from sphinx_netviz.core.draw.looks import Looks
from sphinx_netviz.core.draw.palette import PALETTES, Palette, slot_for
from sphinx_netviz.core.ir.categories import CATEGORIES, canonical_type, category_of
from sphinx_netviz.core.options.schema import resolve_options

from .irgraphs import Builder

#: (PyTorch name, Keras twin): modules, functional operations, Tensor methods.
TWINS = [
    ("Conv2d", "Conv2D"),
    ("ConvTranspose2d", "Conv2DTranspose"),
    ("Linear", "Dense"),
    ("BatchNorm2d", "BatchNormalization"),
    ("LayerNorm", "LayerNormalization"),
    ("MaxPool2d", "MaxPooling2D"),
    ("AdaptiveAvgPool2d", "GlobalAveragePooling2D"),
    ("MultiheadAttention", "MultiHeadAttention"),
    ("Embedding", "Embedding"),
    ("Dropout", "Dropout"),
    ("cat", "Concatenate"),
    ("torch.cat", "Concatenate"),
    ("add", "Add"),
    ("__add__", "Add"),
    ("F.relu", "ReLU"),
    ("view", "Reshape"),
    ("GELU", "Activation"),
]


@pytest.mark.parametrize(("torch_name", "keras_name"), TWINS)
def test_twins_share_category_and_colour(torch_name: str, keras_name: str) -> None:
    assert canonical_type(torch_name) == keras_name
    assert category_of(torch_name) == category_of(keras_name)
    for name in PALETTES:
        palette = Palette(name)
        assert palette.color(torch_name) == palette.color(keras_name), (name, torch_name)
        looks = Looks(palette)
        assert looks.of_type(torch_name) == looks.of_type(keras_name)


@pytest.mark.parametrize(
    ("type_name", "kind", "category"),
    [
        ("BertLayer", "composite", "block"),
        ("Functional", "model", "block"),
        ("InputLayer", "input", "io"),
        ("placeholder", "input", "io"),
        ("GPT2Attention", "layer", "attention"),
        ("LlamaRMSNorm", "layer", "norm"),
        ("ResidualUnit", "layer", "other"),
        ("matmul", "op", "dense"),
        ("transpose", "op", "reshape"),
        ("Identity", "layer", "other"),
    ],
)
def test_categories_from_names(type_name: str, kind: str, category: str) -> None:
    assert category_of(type_name, kind=kind) == category
    assert category in CATEGORIES


def test_base_classes_and_modules_decide_unknown_types() -> None:
    assert category_of("Scaler", bases=["Dense", "Layer", "Operation"]) == "dense"
    assert category_of("Conv1D", "transformers.pytorch_utils") == "dense"  # GPT-2's linear
    assert category_of("Conv1D", "keras.src.layers") == "conv"


def test_the_ir_category_decides_the_family() -> None:
    plain = Palette()
    gpt2 = Palette(categories={"Conv1D": "dense"})
    assert gpt2.slot("Conv1D") == slot_for("Dense") != plain.slot("Conv1D")
    # An unknown conv is a shade of the conv family, not the colour of Conv2D itself.
    custom = Palette(categories={"WeirdConvolution": "conv"})
    assert custom.slot("WeirdConvolution") == slot_for("Conv2D")
    assert custom.color("WeirdConvolution") != plain.color("Conv2D")
    # Keras colours are unchanged by categories.
    assert plain.color("Conv2D") == "#8BC34A" and plain.color("Add") == "#795548"


def _blocks(conv: str, norm: str, act: str, add: str) -> Builder:
    b = Builder("resnetish")
    x = b.input((16, 16, 8))
    x = b.layer(conv, x)
    for _ in range(3):
        y = b.layer(conv, x)
        y = b.layer(norm, y)
        y = b.layer(act, y)
        y = b.layer(conv, y)
        y = b.layer(norm, y)
        x = b.layer(add, [x, y], kind="op" if add.islower() else "layer")
    b.output(x)
    return b


def test_group_names_and_colours_agree_across_frameworks() -> None:
    keras_prep = prepare(
        _blocks("Conv2D", "BatchNormalization", "ReLU", "Add").build(), resolve_options()
    )
    torch_prep = prepare(_blocks("Conv2d", "BatchNorm2d", "ReLU", "add").build(), resolve_options())
    keras_labels = sorted(d.label for d in keras_prep.grouping.defs.values())
    torch_labels = sorted(d.label for d in torch_prep.grouping.defs.values())
    assert keras_labels == torch_labels and any(lb.startswith("Residual") for lb in keras_labels)
    keras_svg = render(_blocks("Conv2D", "BatchNormalization", "ReLU", "Add").build()).svg
    torch_svg = render(_blocks("Conv2d", "BatchNorm2d", "ReLU", "add").build()).svg
    for colour in ("#8BC34A", "#795548"):  # conv green, merge brown
        assert (colour in keras_svg) == (colour in torch_svg)
