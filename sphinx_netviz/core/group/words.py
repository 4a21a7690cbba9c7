"""The words of group labels: how a layer is abbreviated, and how a chain of layers reads.

A heuristic group label must describe its block (issue 19): ``Conv-BN-ReLU x3``, not
``Block``; ``Attention projection``, not ``Linear-view-transpose``. This module spells one
run of layers: each layer as a short word (``BN``, an ``Activation`` as its function,
``ReLU``), shape plumbing (``view``, ``transpose``...) left out, repeats run-length encoded
by their smallest period, and the few runs that have a name of their own (an attention
projection: a linear layer whose output is split into heads) called by it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..ir.categories import canonical_type, display_type, node_category

if TYPE_CHECKING:
    from ..view.vgraph import VNode

__all__ = ["MAX_LABEL", "chain_label", "layer_word", "plumbing", "run_length", "short_name"]

#: Longest label a run of layers spells out; longer runs are summarised.
MAX_LABEL = 30

_SHORT = {
    "BatchNormalization": "BN",
    "LayerNormalization": "LN",
    "GroupNormalization": "GN",
    "Activation": "Act",
    "Conv2D": "Conv",
    "Conv1D": "Conv",
    "Conv3D": "Conv",
    "DepthwiseConv2D": "DWConv",
    "SeparableConv2D": "SepConv",
    "MaxPooling2D": "MaxPool",
    "AveragePooling2D": "AvgPool",
    "GlobalAveragePooling2D": "GAP",
    "ZeroPadding2D": "Pad",
    "Dropout": "Drop",
    "Conv2DTranspose": "UpConv",
    "UpSampling2D": "Up",
    "Concatenate": "Concat",
    "MultiHeadAttention": "MHA",
    "Embedding": "Emb",
}

#: Activation functions by the names configs and classes use (``relu``, ``GELUActivation``).
_FUNCTIONS = (
    ("leaky", "LeakyReLU"),
    ("relu6", "ReLU6"),
    ("relu", "ReLU"),
    ("gelu", "GELU"),
    ("silu", "SiLU"),
    ("swish", "Swish"),
    ("sigmoid", "Sigmoid"),
    ("tanh", "Tanh"),
    ("softmax", "Softmax"),
    ("elu", "ELU"),
    ("mish", "Mish"),
)

#: Operations that only move axes or types around: a reader learns nothing from them.
_PLUMBING = frozenset(
    {
        "view", "reshape", "transpose", "permute", "contiguous", "expand", "expand_as",
        "getitem", "__getitem__", "unsqueeze", "squeeze", "flatten", "to", "type", "float",
        "cast", "expanddims", "identity", "size", "split", "chunk", "unbind", "clone",
        "detach", "t", "movedim", "swapaxes",
    }
)  # fmt: skip


def short_name(layer_type: str) -> str:
    """The abbreviation a group label uses for a layer type (``BN``, ``Conv``...), shared by
    its framework twins (``BatchNorm2d`` reads ``BN`` like ``BatchNormalization``)."""
    twin = canonical_type(layer_type)
    return _SHORT.get(twin, _SHORT.get(layer_type, display_type(layer_type)))


def plumbing(n: VNode) -> bool:
    """A node that only reshapes, transposes or casts a tensor (never a Keras layer the
    user placed on purpose, such as ``Flatten`` or ``ZeroPadding2D``)."""
    name = n.type.rsplit(".", 1)[-1].lower()
    return name in _PLUMBING and (n.node is None or n.node.kind == "op" or n.type[0].islower())


def _function(text: str) -> str | None:
    low = text.lower()
    for key, word in _FUNCTIONS:
        if key in low:
            return word
    return None


def layer_word(n: VNode) -> str:
    """How one layer reads in a label: an activation as its function (``ReLU``, ``GELU``),
    a linear layer as ``Dense`` whatever its class (``nn.Linear``, Hugging Face GPT-2's
    ``Conv1D``), anything else as its short name."""
    node = n.node
    category = node_category(node) if node is not None else ""
    if category == "activation" or canonical_type(n.type) == "Activation":
        config = str(node.config.get("activation", "")) if node is not None else ""
        return _function(config) or _function(n.type) or short_name(n.type)
    if "attention" in n.type.lower():
        return "Attention" if n.type.islower() or "_" in n.type else short_name(n.type)
    if category == "dense" or canonical_type(n.type) in ("Dense", "EinsumDense"):
        return "Dense"  # one word for every framework's linear layer: twins read alike
    return short_name(n.type)


def run_length(words: list[str]) -> str:
    """``Conv-BN-ReLU x3`` for three repeats of ``Conv-BN-ReLU``: repeats are encoded by
    their smallest period, greedily from the left (``Conv-BN-ReLU x2, Conv-BN``)."""
    parts: list[str] = []
    loose: list[str] = []
    i = 0
    n = len(words)
    while i < n:
        best_p, best_k = 0, 1
        for p in range(1, (n - i) // 2 + 1):
            k = 1
            while i + (k + 1) * p <= n and words[i + k * p : i + (k + 1) * p] == words[i : i + p]:
                k += 1
            if k >= 2 and p * k > best_p * best_k:
                best_p, best_k = p, k
        if best_k >= 2:
            if loose:
                parts.append("-".join(loose))
                loose = []
            parts.append(f"{'-'.join(words[i : i + best_p])} \u00d7{best_k}")
            i += best_p * best_k
        else:
            loose.append(words[i])
            i += 1
    if loose:
        parts.append("-".join(loose))
    return ", ".join(parts)


def _rank(shape: tuple[int | None, ...] | None) -> int:
    return len(shape) if shape is not None else 0


def chain_label(nodes: list[VNode]) -> str:
    """The label of a linear run of layers (in order).

    A linear layer whose output plumbing splits it into heads (its last reshape has more
    axes than the layer's output) is an ``Attention projection``; plumbing that merges heads
    back before a linear layer makes an ``Attention output``; plumbing alone is ``Split
    heads``, ``Merge heads`` or ``Reshape``. Otherwise the layers' words, run-length
    encoded, summarised as ``first … last (n layers)`` when longer than
    :data:`MAX_LABEL`."""
    real = [n for n in nodes if not plumbing(n)]
    moved = [n for n in nodes if plumbing(n)]
    words = [layer_word(n) for n in real]
    if moved:
        grows = _rank(moved[-1].out_shape) > _rank(moved[0].in_shape)
        shrinks = _rank(moved[-1].out_shape) < _rank(moved[0].in_shape)
        lead = [w for w in words if w != "Drop"]
        if lead == ["Dense"] and grows and nodes[0] is real[0]:
            return "Attention projection"
        if lead == ["Dense"] and shrinks and plumbing(nodes[0]):
            return "Attention output"
        if not real:
            return "Split heads" if grows else "Merge heads" if shrinks else "Reshape"
    if not words:
        return "Identity"
    text = run_length(words)
    if len(text) > MAX_LABEL:
        text = f"{words[0]}\u2026{words[-1]} ({len(words)} layers)"
    return text
