"""What an ONNX operator *is*, in the vocabulary every route shares.

The categories table (:mod:`...categories`) already reads most ONNX spellings (``Relu`` ->
``ReLU``, ``Concat`` -> ``Concatenate``, ``LayerNormalization``). This module adds only what
a name alone cannot say: the rank of the tensor (``Conv`` on a 4-D tensor is ``Conv2D``, on
a 3-D one ``Conv1D``) and whether an operand is a learned weight (``MatMul`` by a weight is
``Dense``, by another activation it is attention's product; ``Gather`` from a weight is an
``Embedding``, from a tensor it is indexing). The same architecture thus gets the same
colours and legend whether it comes from Keras, PyTorch or an ONNX file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...ir.categories import KNOWN_TYPES, canonical_type, category_of

if TYPE_CHECKING:
    from .read import OpNode

__all__ = [
    "SHAPE_SOURCES",
    "WEIGHT_PREP",
    "describe",
    "is_big_constant",
    "is_transparent",
    "is_weight",
    "op_config",
    "priority",
]

#: Operators whose result is a shape, never data, whatever they read.
SHAPE_SOURCES = frozenset({"Shape", "Size"})

#: Operators that, on weights alone, prepare a weight (a shared weight's ``Identity``, a
#: ``Cast`` to float32, a quantised kernel's ``DequantizeLinear``, a transposed kernel).
WEIGHT_PREP = frozenset(
    {
        "Identity",
        "Cast",
        "CastLike",
        "DequantizeLinear",
        "Transpose",
        "Reshape",
        "Squeeze",
        "Unsqueeze",
        "Expand",
        "Tile",
        "Concat",
        "Slice",
    }
)

#: A ``Constant`` of at least this many float elements holds a weight, not a setting.
_BIG_CONSTANT = 64

#: Operators that hand their input on unchanged for a diagram (the PyTorch route records no
#: node for ``.to()``, ``.contiguous()`` or dropout at inference either).
_TRANSPARENT = frozenset({"Identity", "Cast", "CastLike", "Optional", "OptionalGetElement"})

#: TensorProto element types of learned weights: floats (any width) and quantised integers.
_FLOAT_TYPES = frozenset({1, 10, 11, 16, 17, 18, 19, 20, 23})  # float, f16, f64, bf16, f8*, f4
_QUANT_TYPES = frozenset({2, 3, 21, 22})  # uint8, int8, uint4, int4

#: Which operator of a unit names it: lower is more telling (a Conv over its bias Add).
_PRIORITY = {
    "conv": 0,
    "dense": 1,
    "embedding": 2,
    "attention": 3,
    "recurrent": 4,
    "norm": 5,
    "pooling": 6,
    "activation": 7,
    "merge": 8,
    "dropout": 9,
    "reshape": 10,
    "io": 11,
    "block": 11,
    "other": 12,
}

_RANKED = {
    "Conv": "Conv{}D",
    "ConvInteger": "Conv{}D",
    "QLinearConv": "Conv{}D",
    "ConvTranspose": "Conv{}DTranspose",
    "MaxPool": "MaxPooling{}D",
    "AveragePool": "AveragePooling{}D",
    "LpPool": "AveragePooling{}D",
    "GlobalAveragePool": "GlobalAveragePooling{}D",
    "GlobalMaxPool": "GlobalMaxPooling{}D",
    "GlobalLpPool": "GlobalAveragePooling{}D",
    "Resize": "UpSampling{}D",
    "Upsample": "UpSampling{}D",
    "Pad": "ZeroPadding{}D",
}
_WEIGHTED = {
    "MatMul": "Dense",
    "MatMulInteger": "Dense",
    "QLinearMatMul": "Dense",
    "Gather": "Embedding",
}


def is_weight(tensor: Any) -> bool:
    """A learned weight (not a shape, an index table or a scalar constant): a float tensor
    of two or more elements, or a quantised integer tensor of at least 16."""
    count = 1
    for d in tensor.dims:
        count *= int(d)
    kind = int(tensor.data_type)
    if kind in _FLOAT_TYPES:
        return count >= 2
    return kind in _QUANT_TYPES and count >= 16


def is_big_constant(op: OpNode) -> bool:
    """A ``Constant`` operator holding a weight (some converters store weights so)."""
    if op.op_type != "Constant":
        return False
    for attr in op.proto.attribute:
        if attr.name == "value" and attr.HasField("t"):
            count = 1
            for d in attr.t.dims:
                count *= int(d)
            return is_weight(attr.t) and count >= _BIG_CONSTANT
    return False


def is_transparent(op: OpNode) -> bool:
    """The operator only forwards its first input (a cast, an identity, inference dropout)."""
    if op.op_type == "Dropout":
        return len([o for o in op.outputs if o]) <= 1
    return op.op_type in _TRANSPARENT and bool(op.inputs) and bool(op.inputs[0])


def describe(op: OpNode, rank: int | None, weights: frozenset[int]) -> tuple[str, str]:
    """``(type, category)`` of one operator; ``rank`` is its first input's rank (batch
    included), ``weights`` the positions of its inputs that are learned weights."""
    spatial = (rank or 4) - 2
    ranked = _RANKED.get(op.op_type)
    if ranked is not None and 1 <= spatial <= 3:
        name = ranked.format(spatial)
        return name, category_of(name)
    if op.op_type == "Gemm":
        return "Dense", "dense"
    weighted = _WEIGHTED.get(op.op_type)
    if weighted is not None and weights and (op.op_type != "Gather" or 0 in weights):
        return weighted, category_of(weighted)
    canon = canonical_type(op.op_type)
    name = canon if canon in KNOWN_TYPES and canon != "Activation" else op.op_type
    category = category_of(name)
    return name, category if category != "other" else category_of(op.op_type)


def priority(category: str) -> int:
    """How well a category names a unit of several operators (lower names it)."""
    return _PRIORITY.get(category, 12)


def _ints(attr: Any) -> list[int]:
    return [int(v) for v in attr.ints]


def op_config(
    op: OpNode, type_name: str, weight_dims: dict[int, tuple[int, ...]]
) -> dict[str, Any]:
    """The operator's config in the IR's (Keras's) vocabulary, for tooltips and matching."""
    attrs = {a.name: a for a in op.proto.attribute}
    config: dict[str, Any] = {"onnx_op": op.op_type}
    kernel = weight_dims.get(1)
    if type_name.startswith("Conv"):
        if kernel:
            config["filters"] = kernel[1] if "Transpose" in type_name else kernel[0]
        size = _ints(attrs["kernel_shape"]) if "kernel_shape" in attrs else list((kernel or ())[2:])
        if size:
            config["kernel_size"] = size
    elif type_name == "Dense" and kernel:
        trans_b = "transB" in attrs and attrs["transB"].i == 1
        config["units"] = kernel[0] if trans_b else kernel[-1]
    elif type_name == "Embedding" and weight_dims.get(0):
        table = weight_dims[0]
        config["input_dim"] = table[0]
        if len(table) > 1:
            config["output_dim"] = table[1]
    elif "kernel_shape" in attrs:
        config["pool_size"] = _ints(attrs["kernel_shape"])
    if "strides" in attrs and any(s != 1 for s in _ints(attrs["strides"])):
        config["strides"] = _ints(attrs["strides"])
    if "dilations" in attrs and any(s != 1 for s in _ints(attrs["dilations"])):
        config["dilation_rate"] = _ints(attrs["dilations"])
    if "group" in attrs and attrs["group"].i > 1:
        config["groups"] = int(attrs["group"].i)
    if "axis" in attrs and op.op_type in ("Concat", "Softmax", "LogSoftmax", "Split", "Flatten"):
        config["axis"] = int(attrs["axis"].i)
    if "epsilon" in attrs:
        config["epsilon"] = round(float(attrs["epsilon"].f), 12)
    return config
