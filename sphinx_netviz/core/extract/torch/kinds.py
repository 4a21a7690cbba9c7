"""What a PyTorch call *is*: its category, readable op name and the config worth showing.

Pure tables and functions of names, so the tracer (:mod:`.module`) and the ``.pt2``
reader (:mod:`.torch_export`) classify calls the same way, and neither needs torch to do it.
Categories are the IR's framework-free vocabulary (``Node.category``), so ``nn.Conv2d`` and
``keras.layers.Conv2D`` end up with the same colour.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "CONTAINERS",
    "MODULE_CONFIG_ATTRS",
    "OP_ALIASES",
    "SKIPPED_OPS",
    "TRANSPARENT_OPS",
    "containers_of",
    "data_format",
    "module_category",
    "op_category",
    "op_name",
    "op_route",
]

#: Ordered (pattern, category) rules for module class names; first match wins. Patterns are
#: matched against the class name, so HF's ``LlamaRMSNorm`` or ``GELUActivation`` and torch's
#: own classes fall into the same buckets.
_MODULE_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), c)
    for p, c in (
        (r"MultiheadAttention$|Attention$", "attention"),
        (r"^(?:Lazy)?Conv(?:Transpose)?[123]d$", "conv"),
        # HF's GPT-2 ``Conv1D`` is a linear layer with transposed weights, despite its name.
        (r"Linear$|^Bilinear$|^Conv1D$", "dense"),
        (r"Norm(?:\dd)?$|^LocalResponseNorm$|Norm$", "norm"),
        (r"Dropout(?:\dd)?$", "dropout"),
        (r"Pool(?:\dd)?$|Pool\dd$", "pooling"),
        (r"^Embedding(?:Bag)?$|Embeddings?$", "embedding"),
        (r"^(?:LSTM|GRU|RNN)(?:Cell)?$", "recurrent"),
        (
            r"^(?:Flatten|Unflatten|Upsample|UpsamplingNearest2d|UpsamplingBilinear2d|"
            r"PixelShuffle|PixelUnshuffle|ChannelShuffle|ZeroPad\dd|ConstantPad\dd|"
            r"ReflectionPad\dd|ReplicationPad\dd)$",
            "reshape",
        ),
        (
            r"^(?:ReLU6?|GELU|SiLU|Sigmoid|Tanh|Softmax\d?d?|LogSoftmax|LeakyReLU|ELU|SELU|CELU|"
            r"Mish|Hardswish|Hardsigmoid|Hardtanh|PReLU|RReLU|Softplus|Softsign|Tanhshrink|"
            r"GLU|Threshold|Softmin)$|Activation$|^QuickGELU",
            "activation",
        ),
    )
)

#: Op names (after :func:`op_name`) by category.
_OP_CATEGORIES: dict[str, str] = {
    **dict.fromkeys(("conv1d", "conv2d", "conv3d", "conv_transpose2d", "convolution"), "conv"),
    **dict.fromkeys(("linear", "addmm"), "dense"),
    **dict.fromkeys(
        ("layer_norm", "batch_norm", "group_norm", "instance_norm", "rms_norm", "normalize"),
        "norm",
    ),
    **dict.fromkeys(
        (
            "relu",
            "relu6",
            "gelu",
            "silu",
            "sigmoid",
            "tanh",
            "softmax",
            "log_softmax",
            "leaky_relu",
            "elu",
            "selu",
            "mish",
            "hardswish",
            "hardsigmoid",
            "softplus",
            "glu",
            "hardtanh",
        ),
        "activation",
    ),
    **dict.fromkeys(
        (
            "max_pool1d",
            "max_pool2d",
            "max_pool3d",
            "avg_pool1d",
            "avg_pool2d",
            "avg_pool3d",
            "adaptive_avg_pool1d",
            "adaptive_avg_pool2d",
            "adaptive_max_pool2d",
        ),
        "pooling",
    ),
    "scaled_dot_product_attention": "attention",
    "multi_head_attention_forward": "attention",
    "embedding": "embedding",
    **dict.fromkeys(("add", "sub", "mul", "div", "cat", "stack", "hstack", "vstack"), "merge"),
    **dict.fromkeys(
        (
            "view",
            "reshape",
            "flatten",
            "unflatten",
            "permute",
            "transpose",
            "squeeze",
            "unsqueeze",
            "expand",
            "repeat",
            "chunk",
            "split",
            "getitem",
            "narrow",
            "slice",
            "select",
            "pad",
            "interpolate",
            "upsample_nearest2d",
            "upsample_bilinear2d",
            "movedim",
            "swapaxes",
            "t",
            "unbind",
            "tensor_split",
            "repeat_interleave",
        ),
        "reshape",
    ),
    **dict.fromkeys(("dropout", "dropout1d", "dropout2d", "dropout3d"), "dropout"),
    **dict.fromkeys(("lstm", "gru", "rnn_tanh", "rnn_relu"), "recurrent"),
}

#: Dunder and in-place spellings folded into one readable name (``__radd__`` -> ``add``).
OP_ALIASES: dict[str, str] = {
    "truediv": "div",
    "floordiv": "div",
    "concat": "cat",
    "concatenate": "cat",
    "multiply": "mul",
    "subtract": "sub",
    "divide": "div",
    "bmm": "matmul",
    "mm": "matmul",
    "_convolution": "convolution",
    "sdpa": "scaled_dot_product_attention",
}

#: Ops that hand their input on unchanged for a diagram (casts, copies, layout changes): no
#: node; their output counts as produced by whoever produced their input.
TRANSPARENT_OPS: frozenset[str] = frozenset(
    {
        "__get__",
        "contiguous",
        "to",
        "float",
        "half",
        "double",
        "bfloat16",
        "long",
        "int",
        "bool",
        "type",
        "type_as",
        "detach",
        "clone",
        "cpu",
        "cuda",
        "requires_grad_",
        "alias",
        "lift_fresh_copy",
        "_to_copy",
        "view_as_real",
        "masked_fill",
        "masked_fill_",
        "_assert_tensor_metadata",
    }
)

#: Ops that never become nodes (queries and Python protocol calls).
SKIPPED_OPS: frozenset[str] = frozenset(
    {
        "size",
        "dim",
        "numel",
        "len",
        "bool_",
        "item",
        "tolist",
        "format",
        "repr",
        "iter",
        "setitem",
        "set_",
        "sym_size",
        "sym_numel",
        "stride",
        "storage_offset",
        "is_floating_point",
        "is_complex",
        "element_size",
        "data_ptr",
        "get_device",
        "has_names",
        "is_contiguous",
    }
)

#: Module attributes shown in the tooltip (JSON-safe scalars and short tuples only).
MODULE_CONFIG_ATTRS: tuple[str, ...] = (
    "in_features",
    "out_features",
    "in_channels",
    "out_channels",
    "kernel_size",
    "stride",
    "padding",
    "dilation",
    "groups",
    "num_features",
    "normalized_shape",
    "eps",
    "momentum",
    "num_embeddings",
    "embedding_dim",
    "padding_idx",
    "p",
    "num_heads",
    "embed_dim",
    "input_size",
    "hidden_size",
    "num_layers",
    "bidirectional",
    "batch_first",
    "output_size",
    "scale_factor",
    "mode",
    "negative_slope",
    "dim",
    "start_dim",
    "end_dim",
    "approximate",
    "nf",
    "nx",
    "variance_epsilon",
)


def op_name(raw: str) -> str:
    """A readable op name from a function or ATen name: ``__radd__``/``add_``/``add.Tensor``
    -> ``add``, ``bmm`` -> ``matmul``."""
    name = raw.split(".")[0]
    if name.startswith("__") and name.endswith("__") and name != "__get__":
        name = name[2:-2]
        if name[:1] in "ri" and name[1:] in {
            "add",
            "sub",
            "mul",
            "truediv",
            "floordiv",
            "matmul",
            "pow",
            "and",
            "or",
            "mod",
        }:
            name = name[1:]
        elif name == "bool":
            name = "bool_"
    elif name.endswith("_") and not name.startswith("_") and name not in TRANSPARENT_OPS:
        name = name[:-1]
    return OP_ALIASES.get(name, name)


#: torch.nn classes (and the layer types of ops, :mod:`..op_types`) whose tensors are
#: channels-first, ``(C, L)``, ``(C, H, W)``, ``(C, D, H, W)``: convolutions, their pooling,
#: normalisation, padding, dropout and resampling.
_CHANNELS_FIRST = re.compile(
    r"^(?:Lazy)?(?:Conv(?:Transpose)?[123]d|(?:Adaptive)?(?:Max|Avg|LP)Pool[123]d|"
    r"MaxUnpool[123]d|(?:Lazy)?(?:Batch|Instance)Norm[123]d|SyncBatchNorm|GroupNorm|"
    r"LocalResponseNorm|Dropout[123]d|FeatureAlphaDropout|(?:Zero|Constant|Reflection|"
    r"Replication|Circular)Pad[123]d|Upsample|UpsamplingNearest2d|UpsamplingBilinear2d|"
    r"PixelShuffle|PixelUnshuffle|ChannelShuffle)$"
)
#: ... and those whose features are the last axis, ``(L, D)``: the sequence layers.
_CHANNELS_LAST = re.compile(
    r"^(?:Lazy)?Linear$|^Bilinear$|^LayerNorm$|^RMSNorm$|^Embedding(?:Bag)?$|"
    r"^MultiheadAttention$|^DotProductAttention$|^Transformer(?:Encoder|Decoder)?(?:Layer)?$"
)


def data_format(type_name: str, module: str = "") -> str | None:
    """``channels_first`` / ``channels_last`` for a torch.nn class or an op's layer type
    whose axes are fixed by what it computes (Keras's ``data_format`` config), else ``None``
    (elementwise layers, other libraries' classes: their layout is their input's)."""
    if module and not module.startswith(("torch.nn", "torch")):
        return None
    if _CHANNELS_FIRST.match(type_name):
        return "channels_first"
    if _CHANNELS_LAST.search(type_name):
        return "channels_last"
    return None


#: torch.nn classes that only hold modules: their items are one stack (``Node.container``).
CONTAINERS: frozenset[str] = frozenset({"ModuleList", "ModuleDict", "Sequential"})


def containers_of(root: Any, prefix: str = "") -> dict[int, str]:
    """``id(module)`` -> qualified name of the torch.nn container it is an item of, for every
    item of every container below ``root`` (the root itself names no container)."""
    out: dict[int, str] = {}
    for name, module in root.named_modules(remove_duplicate=True):
        kind = type(module)
        if not name or kind.__name__ not in CONTAINERS:
            continue
        if not kind.__module__.startswith("torch.nn"):
            continue
        for child in module.children():
            out.setdefault(id(child), f"{prefix}{name}")
    return out


def op_route(func: object, name: str) -> str:
    """How the model reached an operation, as its author wrote it: ``F.relu``,
    ``torch.relu``, ``Tensor.relu_`` (``x + y`` is ``Tensor.add``: torch reports both alike)."""
    raw = str(getattr(func, "__name__", None) or name)
    qual = str(getattr(func, "__qualname__", None) or raw)
    module = str(getattr(func, "__module__", None) or "")
    if module in ("torch.nn.functional", "torch._C._nn"):
        return f"F.{raw}"
    if qual.startswith("_VariableFunctionsClass.") or module == "torch":
        return f"torch.{raw}"
    if qual.split(".", 1)[0] in ("TensorBase", "Tensor", "_TensorBase"):
        return f"Tensor.{raw}"
    return f"{module}.{raw}" if module else raw


def op_category(name: str) -> str:
    """Category of an op by its readable name (``other`` when unknown)."""
    return _OP_CATEGORIES.get(name, "other")


def module_category(class_name: str, *, leaf: bool) -> str:
    """Category of a module call: hierarchy nodes are ``block``, leaves by class name."""
    for pattern, category in _MODULE_RULES:
        if pattern.search(class_name):
            if category == "attention" and class_name != "MultiheadAttention" and not leaf:
                break  # HF's BertSelfAttention & co. are blocks that call Linear layers
            return category
    return "other" if leaf else "block"


def safe_config_value(value: Any) -> Any:
    """A JSON-safe form of one module attribute, or ``None`` to leave it out."""
    if isinstance(value, bool | int | str) or value is None:
        return value if not isinstance(value, str) or len(value) <= 80 else None
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    if isinstance(value, list | tuple) and len(value) <= 8:
        items = [safe_config_value(v) for v in value]
        return None if any(i is None for i in items) else items
    return None
