"""One vocabulary for functional operations: the layer type each route matches, and which
operations are shape plumbing.

A PyTorch model reaches one operation by many routes: ``F.relu(x)``, ``torch.relu(x)``,
``x.relu()``, ``x.relu_()`` and ``nn.ReLU()`` all apply a ReLU, and ``x + y``, ``torch.add``
and ``x += y`` all add. A reader of the paper sees one ``ReLU`` and one ``Add``, so the IR's
``type`` of an operation node is the layer type it matches (:func:`layer_type`): the
framework's own module class where it has one (``ReLU``, ``GELU``, ``Softmax``, ``Linear``,
``LayerNorm``), else the Keras layer or ``keras.ops`` class of that operation (``Add``,
``Multiply``, ``Concatenate``, ``Matmul``). Either way the spelling is one per operation,
whatever the route or letter case; the route itself stays in ``Node.op``.

Shape plumbing (``view``, ``transpose``, ``getitem``, ``expand``...) serves the glyph next
to it and is not a layer of the paper: :func:`op_role` marks it ``plumbing`` (``Node.role``),
so the view can fold it into the glyph it serves. Two cases stay glyphs, as in Net2Vis: a
reshape that flattens a tensor to a vector (``Flatten``) and one that shapes a vector into a
tensor (``Reshape``). Index and mask arithmetic (every tensor in and out an integer or a
boolean: ``mask[:, None] & causal``, ``ids != pad``) is plumbing too.

Names are normalised the way :mod:`.categories` does (lower case, underscores dropped), so
``max_pool2d``, ``MaxPool2d`` and ``__iadd__`` all find their entry. Pure functions of names
and shapes: no framework is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .graph import Shape

__all__ = ["PLUMBING", "layer_type", "module_role", "op_key", "op_role"]

#: torch.nn classes an operation of the same name matches (``F.gelu`` is a ``GELU``).
_MODULE_TYPES: tuple[str, ...] = (
    "ReLU", "ReLU6", "GELU", "SiLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "LeakyReLU",
    "ELU", "SELU", "CELU", "Mish", "Hardswish", "Hardsigmoid", "Hardtanh", "Softplus",
    "Softsign", "GLU", "PReLU", "RReLU", "Softmin", "Tanhshrink", "Dropout", "Dropout1d",
    "Dropout2d", "Dropout3d", "AlphaDropout", "LayerNorm", "GroupNorm", "RMSNorm",
    "LocalResponseNorm", "Linear", "Bilinear", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d",
    "ConvTranspose2d", "ConvTranspose3d", "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d",
    "AvgPool2d", "AvgPool3d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d",
    "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "Embedding", "EmbeddingBag",
    "Flatten", "Unflatten", "PixelShuffle", "PixelUnshuffle", "LSTM", "GRU",
)  # fmt: skip

#: Operation (normalised) -> layer type, where the type does not depend on the tensor's rank.
_TYPES: dict[str, str] = {
    **{k.lower(): k for k in _MODULE_TYPES},
    "featurealphadropout": "FeatureAlphaDropout",
    "silu": "SiLU",
    "swish": "SiLU",
    "addmm": "Linear",
    "interpolate": "Upsample",
    "upsample": "Upsample",
    "upsamplenearest2d": "Upsample",
    "upsamplebilinear2d": "Upsample",
    "rnntanh": "RNN",
    "rnnrelu": "RNN",
    "multiheadattentionforward": "MultiheadAttention",
    "scaleddotproductattention": "DotProductAttention",
    "sdpa": "DotProductAttention",
    # merges and arithmetic: Keras's layer or keras.ops class names
    **dict.fromkeys(("add", "iadd", "radd"), "Add"),
    **dict.fromkeys(("sub", "isub", "rsub", "subtract"), "Subtract"),
    **dict.fromkeys(("mul", "imul", "rmul", "multiply"), "Multiply"),
    **dict.fromkeys(("div", "idiv", "truediv", "floordiv", "divide"), "Divide"),
    **dict.fromkeys(("cat", "concat", "concatenate", "hstack", "vstack"), "Concatenate"),
    "stack": "Stack",
    **dict.fromkeys(("matmul", "bmm", "mm", "baddbmm"), "Matmul"),
    "einsum": "Einsum",
    "maximum": "Maximum",
    "minimum": "Minimum",
    "where": "Where",
    "pow": "Power",
    "neg": "Negative",
    "abs": "Absolute",
    "amax": "Max",
    "amin": "Min",
    "logsumexp": "Logsumexp",
    "getitem": "GetItem",
    "expanddims": "ExpandDims",
    "unsqueeze": "ExpandDims",
    "newzeros": "NewZeros",
}

#: Rank-dependent module families: ``batch_norm`` on ``(C, H, W)`` is a ``BatchNorm2d``.
_BY_RANK: dict[str, str] = {
    "batchnorm": "BatchNorm",
    "instancenorm": "InstanceNorm",
    "convolution": "Conv",
}

#: Shape plumbing (normalised names): folded into the glyph it serves.
PLUMBING: frozenset[str] = frozenset(
    {
        "view", "reshape", "viewas", "reshapeas", "flatten", "unflatten", "transpose", "t",
        "permute", "movedim", "moveaxis", "swapaxes", "swapdims", "contiguous", "unsqueeze",
        "squeeze", "expanddims", "expand", "expandas", "broadcastto", "getitem", "narrow",
        "select", "slice", "chunk", "split", "splitwithsizes", "tensorsplit", "unbind",
        "newzeros", "newones", "newfull", "newempty", "newtensor", "size", "repeat", "tile",
        "repeatinterleave", "clone", "detach", "to", "typeas", "float", "half", "bfloat16",
    }
)  # fmt: skip

#: Reshapes that become a ``Flatten`` or ``Reshape`` glyph when they change the drawn tensor.
_RESHAPES = frozenset({"view", "reshape", "flatten", "unflatten", "viewas", "reshapeas"})


def op_key(name: str) -> str:
    """``torch.nn.functional.max_pool2d`` / ``__iadd__`` / ``Max_Pool2d`` -> ``maxpool2d``."""
    return name.rsplit(".", 1)[-1].strip("_").replace("_", "").lower()


def _camel(name: str) -> str:
    """``new_zeros`` -> ``NewZeros``, ``cumsum`` -> ``Cumsum`` (the keras.ops spelling)."""
    parts = [p for p in name.rsplit(".", 1)[-1].strip("_").split("_") if p]
    return "".join(p[:1].upper() + p[1:] for p in parts) or name


def _rank(shapes: tuple[Shape, ...]) -> int | None:
    return len(shapes[0]) if shapes else None


def _unit_axes_only(ins: tuple[Shape, ...], outs: tuple[Shape, ...]) -> bool:
    """True when the reshape only drops or adds axes of size 1 (``(C, 1, 1)`` -> ``(C,)``
    after a global pooling): the drawn tensor is the same."""
    return bool(ins and outs) and [d for d in ins[0] if d != 1] == [d for d in outs[0] if d != 1]


def _flattens(ins: tuple[Shape, ...], outs: tuple[Shape, ...]) -> str | None:
    """``Flatten`` for a tensor made a vector, ``Reshape`` for a vector made a tensor (not
    when only unit axes come or go)."""
    rank_in, rank_out = _rank(ins), _rank(outs)
    if rank_in is None or rank_out is None or _unit_axes_only(ins, outs):
        return None
    if rank_in >= 2 and rank_out == 1:
        return "Flatten"
    if rank_in == 1 and rank_out >= 2:
        return "Reshape"
    return None


def layer_type(
    name: str, input_shapes: tuple[Shape, ...] = (), output_shapes: tuple[Shape, ...] = ()
) -> str:
    """The layer type an operation matches (shapes without the batch axis): ``relu_`` ->
    ``ReLU``, ``__iadd__`` -> ``Add``, ``cat`` -> ``Concatenate``, ``batch_norm`` on
    ``(C, H, W)`` -> ``BatchNorm2d``, ``view`` to a vector -> ``Flatten``; an operation the
    tables do not know is spelled as keras.ops would (``cumsum`` -> ``Cumsum``)."""
    key = op_key(name)
    if key in _RESHAPES:
        changed = _flattens(input_shapes, output_shapes)
        if changed is not None:
            return changed
    found = _TYPES.get(key)
    if found is not None:
        return found
    family = _BY_RANK.get(key)
    rank = _rank(input_shapes)
    if family is not None and rank is not None:
        return f"{family}{min(max(rank - 1, 1), 3)}d"
    return _camel(name)


def op_role(
    name: str,
    input_shapes: tuple[Shape, ...] = (),
    output_shapes: tuple[Shape, ...] = (),
    *,
    numeric: bool = True,
    empty_input: bool = False,
) -> str:
    """``plumbing`` for shape plumbing, for index or mask arithmetic (``numeric`` false: no
    floating-point tensor in or out) and for a concatenation with an empty tensor (a cache
    that starts empty: ``torch.cat([past, new])``), else ``""`` (a glyph of its own)."""
    key = op_key(name)
    if empty_input and _TYPES.get(key) in ("Concatenate", "Stack"):
        return "plumbing"
    if key in PLUMBING:
        if key in _RESHAPES and _flattens(input_shapes, output_shapes) is not None:
            return ""
        return "plumbing"
    return "" if numeric else "plumbing"


def module_role(
    type_name: str, input_shapes: tuple[Shape, ...] = (), output_shapes: tuple[Shape, ...] = ()
) -> str:
    """``plumbing`` for a ``Flatten``/``Unflatten`` module that does not change the drawn
    tensor (only unit axes come or go, as after ``AdaptiveAvgPool2d(1)``), else ``""``."""
    if type_name in ("Flatten", "Unflatten") and _unit_axes_only(input_shapes, output_shapes):
        return "plumbing"
    return ""
