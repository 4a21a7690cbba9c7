"""Layer categories and cross-framework twins: what a layer *is*, whatever wrote it.

The IR carries a ``category`` per node (``conv``, ``dense``, ``norm``, ...; see
:class:`~sphinx_netviz.core.ir.graph.Node`). Extractors set it where they know the class
hierarchy (a custom ``MyConv(keras.layers.Conv2D)`` is still ``conv``); this module derives it
from the type name for IR written without one (older snapshots, hand-written JSON) and names
each framework's class by its Keras *twin* (``nn.Conv2d`` -> ``Conv2D``, ``nn.Linear`` ->
``Dense``, ``torch.cat`` -> ``Concatenate``), so the palette and group names treat twins alike.

Why Keras names as the canonical spelling: netviz's colours were first fixed for Keras types
(draw/palette.py), and keeping them keeps every existing diagram's colours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .twins import TWINS

if TYPE_CHECKING:
    from .graph import Node

__all__ = [
    "ACTIVATION_TYPES",
    "CATEGORIES",
    "DROPOUT_TYPES",
    "GLOBAL_POOLING",
    "KNOWN_TYPES",
    "RESHAPE_TYPES",
    "canonical_type",
    "category_of",
    "display_type",
    "node_category",
]

#: Every category, in the IR's vocabulary.
CATEGORIES: tuple[str, ...] = (
    "conv",
    "dense",
    "norm",
    "activation",
    "pooling",
    "attention",
    "embedding",
    "merge",
    "reshape",
    "recurrent",
    "dropout",
    "io",
    "block",
    "other",
)

#: Keras global poolings: a pooling category here, and weightless for the saved-file route.
GLOBAL_POOLING: tuple[str, ...] = (
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAveragePooling3D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalMaxPooling3D",
)

#: Keras activation layers and regularising layers (shared with the palette's colour slots).
ACTIVATION_TYPES: tuple[str, ...] = (
    "Activation",
    "ReLU",
    "LeakyReLU",
    "PReLU",
    "ELU",
    "Softmax",
    "ThresholdedReLU",
)
DROPOUT_TYPES: tuple[str, ...] = (
    "Dropout",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "GaussianDropout",
    "GaussianNoise",
    "AlphaDropout",
    "ActivityRegularization",
)

#: Keras reshaping layers, in the palette's shade order (Split, also a reshape, has a
#: colour of its own there).
RESHAPE_TYPES: tuple[str, ...] = (
    "Flatten",
    "Reshape",
    "Permute",
    "RepeatVector",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "ZeroPadding3D",
    "Cropping1D",
    "Cropping2D",
    "Cropping3D",
    "Lambda",
)

#: Keras class names (and netviz's own glyph types) by category.
_KERAS: dict[str, tuple[str, ...]] = {
    "io": ("InputLayer", "Input", "Rescaling", "Resizing", "Normalization", "CenterCrop"),
    "conv": (
        "Conv1D",
        "Conv2D",
        "Conv3D",
        "Convolution1D",
        "Convolution2D",
        "Convolution3D",
        "DepthwiseConv1D",
        "DepthwiseConv2D",
        "SeparableConv1D",
        "SeparableConv2D",
        "Conv1DTranspose",
        "Conv2DTranspose",
        "Conv3DTranspose",
    ),
    "pooling": (
        "MaxPooling1D",
        "MaxPooling2D",
        "MaxPooling3D",
        "MaxPool1D",
        "MaxPool2D",
        "MaxPool3D",
        "AveragePooling1D",
        "AveragePooling2D",
        "AveragePooling3D",
        "AvgPool1D",
        "AvgPool2D",
        "AvgPool3D",
        *GLOBAL_POOLING,
        "UpSampling1D",
        "UpSampling2D",
        "UpSampling3D",
    ),
    "recurrent": (
        "LSTM",
        "GRU",
        "SimpleRNN",
        "RNN",
        "Bidirectional",
        "ConvLSTM1D",
        "ConvLSTM2D",
        "ConvLSTM3D",
        "TimeDistributed",
    ),
    "merge": ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot", "Concatenate"),
    "dense": ("Dense", "EinsumDense"),
    "embedding": ("Embedding",),
    "attention": ("MultiHeadAttention", "Attention", "AdditiveAttention", "GroupQueryAttention"),
    "norm": (
        "BatchNormalization",
        "LayerNormalization",
        "GroupNormalization",
        "UnitNormalization",
        "SpectralNormalization",
        "RMSNormalization",
    ),
    "activation": ACTIVATION_TYPES,
    "dropout": DROPOUT_TYPES,
    "reshape": (*RESHAPE_TYPES, "Split"),
    "block": ("Functional", "Sequential", "Model"),
}

_CATEGORY_OF: dict[str, str] = {
    name: category for category, names in _KERAS.items() for name in names
}
#: The Keras type names the tables know (twins are spelled as one of these).
KNOWN_TYPES: frozenset[str] = frozenset(_CATEGORY_OF)
#: Operations without a twin whose category is still clear, normalised like ``TWINS`` keys.
_OP_CATEGORY: dict[str, str] = {
    "matmul": "dense",
    "bmm": "dense",
    "mm": "dense",
    "einsum": "dense",
    "addmm": "dense",
    "baddbmm": "dense",
    "transpose": "reshape",
    "squeeze": "reshape",
    "unsqueeze": "reshape",
    "expanddims": "reshape",
    "contiguous": "reshape",
    "expand": "reshape",
    "chunk": "reshape",
    "split": "reshape",
    "getitem": "reshape",
    "slice": "reshape",
    "narrow": "reshape",
    "repeat": "reshape",
    "tile": "reshape",
    "broadcastto": "reshape",
    "div": "merge",
    "truediv": "merge",
    "divide": "merge",
    "pow": "activation",
    "sqrt": "activation",
    "rsqrt": "activation",
    "exp": "activation",
    "neg": "activation",
    "mean": "pooling",
    "sum": "pooling",
    "max": "pooling",
    "amax": "pooling",
    "maximum": "merge",
    "minimum": "merge",
    "where": "merge",
    "maskedfill": "merge",
    # ONNX operators whose category the names above do not give
    "erf": "activation",
    "clip": "activation",
    "selu": "activation",
    "log": "activation",
    "reducemean": "pooling",
    "reducesum": "pooling",
    "reducemax": "pooling",
    "reducemin": "pooling",
    "reducel2": "pooling",
    "gather": "reshape",
    "gatherelements": "reshape",
    "gathernd": "reshape",
    "resize": "pooling",
    "depthtospace": "reshape",
    "spacetodepth": "reshape",
}
#: Name patterns for classes the tables do not list (custom layers, other libraries),
#: tried in order; first match wins.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (category, re.compile(pattern, re.IGNORECASE))
    for category, pattern in (
        ("attention", r"attention|attn"),
        ("embedding", r"embed"),
        ("norm", r"norm"),
        ("conv", r"conv"),
        ("pooling", r"pool|upsampl"),
        ("recurrent", r"lstm|gru|rnn"),
        ("dropout", r"dropout|droppath|stochasticdepth"),
        ("dense", r"linear|dense|projection|^mlp"),
        ("activation", r"relu|gelu|silu|swish|sigmoid|tanh|softmax|activation|mish"),
        ("reshape", r"reshape|flatten|permute|view|transpose|squeeze|padding|crop"),
        ("merge", r"concat|^add$|multiply|merge"),
    )
)


def _op_key(type_name: str) -> str:
    """``torch.nn.functional.max_pool2d`` / ``__iadd__`` / ``Max_Pool2d`` -> ``maxpool2d``."""
    last = type_name.rsplit(".", 1)[-1]
    return last.strip("_").replace("_", "").lower()


#: Same class name, different meaning, told apart by the defining module's prefix.
_BY_MODULE: dict[tuple[str, str], str] = {
    # Hugging Face GPT-2's "Conv1D" is a linear layer with transposed weights.
    ("transformers", "Conv1D"): "Dense",
}


def canonical_type(type_name: str, module: str = "") -> str:
    """The Keras twin of a framework's class or operation name, or the name itself."""
    if module:
        twin = _BY_MODULE.get((module.split(".", 1)[0], type_name))
        if twin is not None:
            return twin
    if type_name in _CATEGORY_OF:
        return type_name
    twin = TWINS.get(type_name)
    if twin is not None:
        return twin
    return TWINS.get(_op_key(type_name), type_name)


#: Twins too coarse to name a glyph (``GELU``, ``SiLU`` and ``Tanh`` are all Keras
#: ``Activation``s): the class keeps its own name.
_GENERIC = frozenset({"Activation"})
#: The legend's word for a type where the Keras class name is Keras's own jargon.
_DISPLAY = {"InputLayer": "Input"}


def display_type(type_name: str, module: str = "") -> str:
    """The one name a type is shown by in a legend or a group's name, whatever framework
    wrote it: its Keras twin (``Conv2d`` and ``Conv2D`` are both ``Conv2D``), unless the twin
    is generic, and ``Input`` for a model input."""
    canon = canonical_type(type_name, module)
    if canon in _GENERIC:
        return _DISPLAY.get(type_name, type_name)
    return _DISPLAY.get(canon, canon)


def _known(type_name: str, module: str = "") -> str | None:
    canon = canonical_type(type_name, module)
    category = _CATEGORY_OF.get(canon)
    if category is not None:
        return category
    return _OP_CATEGORY.get(_op_key(type_name))


def category_of(type_name: str, module: str = "", kind: str = "", bases: Iterable[str] = ()) -> str:
    """The category of a layer type.

    ``kind`` decides first (hierarchy nodes are ``block``, inputs ``io``); then the type's
    own name, then its base classes' names (``bases``, nearest first: a custom subclass of
    ``Conv2D`` is ``conv``), then name patterns; ``other`` when nothing says.
    """
    if kind in ("model", "composite"):
        return "block"
    if kind == "input":
        return "io"
    found = _known(type_name, module)
    if found is not None:
        return found
    for name in bases:
        found = _known(name)
        if found is not None:
            return found
    for name in (type_name, *bases):
        for category, pattern in _PATTERNS:
            if pattern.search(name):
                return category
    return "other"


def node_category(node: Node) -> str:
    """The node's category as the IR says, or derived from its type for IR without one."""
    return node.category or category_of(node.type, node.module, node.kind)
