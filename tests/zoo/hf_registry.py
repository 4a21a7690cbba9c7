"""Every ``AutoModel`` architecture of ``transformers``, built from a small config.

The sweep (``tests/benchmarks/hf_sweep.py``) and its fast subset (``tests/core/test_hf_sweep.py``)
draw these through the loader with the spec ``tests.zoo.hf_registry:build('bert')``, so each
model is built exactly as a documentation build would build it: under the meta device, in
the worker. Nothing is downloaded: configs come from their classes' defaults, shrunk by
attribute name (layers, widths, heads, experts, vocabulary) to at most :data:`LAYERS` layers
of width :data:`HIDDEN`.

Example inputs follow the model's ``main_input_name``: token ids with an all-ones
``attention_mask`` (and ``decoder_input_ids`` for encoder-decoders), ``pixel_values`` at the
config's ``image_size``, ``input_values`` for raw speech, ``input_features`` for spectrogram
models. ``variant=1`` adds ``pixel_values`` beside token ids (dual encoders such as CLIP).
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from typing import Any

import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")

__all__ = [
    "HIDDEN",
    "LAYERS",
    "SEQ",
    "architectures",
    "build",
    "example_inputs",
    "layer_keys",
    "small_config",
]

#: Layers per stack, width, attention heads, feed-forward width, vocabulary, sequence length.
LAYERS = 3
HIDDEN = 32
HEADS = 4
FFN = 64
VOCAB = 128
SEQ = 16
DECODER_SEQ = 8

#: Attribute names that count layers of a stack (each set to ``LAYERS`` when larger).
_LAYER_KEYS = frozenset(
    {
        "num_hidden_layers",
        "num_layers",
        "n_layer",
        "n_layers",
        "encoder_layers",
        "decoder_layers",
        "num_encoder_layers",
        "num_decoder_layers",
        "decoder_num_layers",
        "depth",
        "num_blocks",
        "text_num_hidden_layers",
        "layers",
    }
)
_HIDDEN_KEYS = frozenset(
    {
        "hidden_size",
        "d_model",
        "n_embd",
        "embed_dim",
        "hidden_dim",
        "dim",
        "word_embed_proj_dim",
        "embedding_size",
        "projection_dim",
        "encoder_hidden_size",
        "decoder_hidden_size",
        "text_hidden_size",
        "out_hidden_size",
        "projector_hidden_size",
        "output_hidden_size",
        "encoder_hidden_dim",
        "fpn_hidden_size",
        "iou_head_hidden_dim",
        "mlp_dim",
        "pooler_output_size",
    }
)
_FFN_KEYS = frozenset(
    {
        "intermediate_size",
        "ffn_dim",
        "encoder_ffn_dim",
        "decoder_ffn_dim",
        "d_ff",
        "n_inner",
        "moe_intermediate_size",
        "shared_expert_intermediate_size",
        "decoder_intermediate_size",
        "shared_intermediate_size",
    }
)
_HEAD_KEYS = frozenset(
    {
        "num_attention_heads",
        "n_head",
        "n_heads",
        "num_heads",
        "encoder_attention_heads",
        "decoder_attention_heads",
        "decoder_num_attention_heads",
        "swa_num_attention_heads",
    }
)
_HEAD_DIM_KEYS = frozenset(
    {"head_dim", "d_kv", "qk_nope_head_dim", "qk_rope_head_dim", "v_head_dim", "swa_head_dim",
     "qk_head_dim", "index_head_dim", "linear_key_head_dim", "linear_value_head_dim",
     "linear_head_dim", "kv_channels", "d_head"}
)  # fmt: skip
_EXPERT_KEYS = frozenset(
    {"num_experts", "num_local_experts", "n_routed_experts", "moe_num_experts"}
)
_SMALL_KEYS: dict[str, int] = {
    "num_experts_per_tok": 2,
    "moe_topk": 2,
    "n_shared_experts": 1,
    "num_shared_experts": 1,
    "moe_num_shared_experts": 1,
    "n_group": 1,
    "topk_group": 1,
    "kv_lora_rank": 16,
    "q_lora_rank": 16,
    "rotary_dim": 8,
    "num_conv_pos_embedding_groups": 4,
    "num_conv_pos_embeddings": 16,
    "classifier_proj_size": 16,
    "codevector_dim": 16,
    "proj_codevector_dim": 16,
    "max_position_embeddings": 512,
    "n_positions": 512,
    "index_n_heads": 2,
    "index_topk": 8,
    "linear_num_key_heads": 2,
    "linear_num_value_heads": 2,
    "linear_num_heads": 2,
    "num_nextn_predict_layers": 0,
    "num_groups": 4,
}
#: Keys recomputed from the rest by the config class (backbone stages follow the depth).
_DROPPED = frozenset({"out_features", "out_indices", "stage_names"})


def layer_keys() -> frozenset[str]:
    """Attribute names whose values count the layers of a stack."""
    return _LAYER_KEYS


def architectures() -> list[str]:
    """Every ``model_type`` ``AutoModel`` knows, sorted."""
    from transformers.models.auto.modeling_auto import MODEL_MAPPING_NAMES

    return sorted(MODEL_MAPPING_NAMES)


def _is_num(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _shrink(data: dict[str, Any]) -> dict[str, Any]:
    """A shrunk copy of one config dict (sub-config dicts shrunk the same way)."""
    out = dict(data)
    old_layers = next(
        (v for k, v in data.items() if k in ("num_hidden_layers", "num_layers") and _is_num(v)),
        None,
    )
    heads = HEADS
    for key, value in data.items():
        if (
            "layer" in str(key)
            and isinstance(value, dict)
            and value
            and all(str(k).isdigit() for k in value)
        ):
            out[key] = {k: v for k, v in value.items() if int(k) < LAYERS}  # per-layer entries
        elif isinstance(value, dict):
            out[key] = _shrink(value) if key not in ("id2label", "label2id") else value
        elif _is_num(value):
            if key in _LAYER_KEYS and value > LAYERS:
                out[key] = LAYERS
            elif key in _HIDDEN_KEYS and value > HIDDEN:
                out[key] = HIDDEN
            elif key in _FFN_KEYS and value > FFN:
                out[key] = FFN
            elif key in _HEAD_KEYS and value > heads:
                out[key] = heads
            elif key in _EXPERT_KEYS and value > 4:
                out[key] = 4
            elif key in _HEAD_DIM_KEYS and value > HIDDEN // HEADS:
                out[key] = HIDDEN // HEADS
            elif key in _SMALL_KEYS and value > _SMALL_KEYS[key]:
                out[key] = _SMALL_KEYS[key]
            elif key == "vocab_size" and value > VOCAB:
                out[key] = VOCAB
        elif isinstance(value, list | tuple) and value and all(_is_num(v) for v in value):
            if key == "hidden_sizes" or key in ("embed_dim_per_stage", "stage_out_channels"):
                out[key] = [min(v, 16 * 2 ** min(i, 2)) for i, v in enumerate(value)]
            elif key in ("depths", "blocks_per_stage", "stage_num_blocks", "num_res_blocks"):
                out[key] = [min(v, 2) for v in value]
            elif key in ("num_heads", "num_attention_heads", "num_attention_heads_per_stage"):
                out[key] = [min(2**i, HEADS) for i in range(len(value))]
            elif key in ("conv_dim", "tdnn_dim"):
                out[key] = [min(v, HIDDEN) for v in value]
            elif key == "axial_pos_embds_dim":
                out[key] = [HIDDEN // 2, HIDDEN // 2]
        if (
            isinstance(value, list | tuple)
            and old_layers is not None
            and old_layers > LAYERS
            and len(value) == old_layers
        ):
            out[key] = list(out[key])[:LAYERS]  # per-layer lists (layer_types, depths...)
    if "num_key_value_heads" in out and _is_num(out["num_key_value_heads"]):
        kv = data["num_key_value_heads"]
        n = out.get("num_attention_heads", HEADS)
        same = _is_num(kv) and kv == data.get("num_attention_heads")
        out["num_key_value_heads"] = n if same or not _is_num(n) else min(kv, 2, n)
    stages_changed = len(out.get("depths") or ()) != len(data.get("depths") or ()) or any(
        out.get(k) != data.get(k) for k in ("num_hidden_layers", "num_layers")
    )
    if "stage_names" in out and stages_changed:  # backbone outputs named after old stages
        for key in _DROPPED & set(out):
            del out[key]
    expand, heads_ = out.get("expand"), out.get("num_heads")
    if _is_num(expand) and _is_num(heads_) and _is_num(out.get("head_dim")):
        out["head_dim"] = max(expand * out.get("hidden_size", HIDDEN) // heads_, 1)  # mamba2
    for key in ("max_window_layers", "first_k_dense_replace"):
        if _is_num(out.get(key)) and out[key] > LAYERS:
            out[key] = 1
    vocab = out.get("vocab_size")
    if _is_num(vocab):
        spare = vocab - 1
        for key, value in data.items():
            if (key.endswith("_token_id") or key.endswith("_token_index")) and _is_num(value):
                if value >= vocab:
                    out[key] = spare
                    spare -= 1
    return out


def small_config(model_type: str) -> Any:
    """The class's default config for ``model_type``, shrunk by attribute name.

    Only the attributes that changed are passed to the config class (a sub-config whole),
    so whatever the class derives from the rest in its constructor is derived again."""
    from transformers import CONFIG_MAPPING

    config_class = CONFIG_MAPPING[model_type]
    default = config_class().to_dict()
    data = _shrink(default)
    changed = {k: v for k, v in data.items() if default.get(k) != v}
    if default.get("prediction_length", 0) is None:  # time-series models
        changed["prediction_length"] = 8
    return config_class(**changed)


def _sub(config: Any, name: str) -> Any:
    """``config.name`` or the same attribute on its vision / audio sub-config."""
    for owner in (config, *(getattr(config, s, None) for s in ("vision_config", "audio_config"))):
        if owner is not None and getattr(owner, name, None) is not None:
            return getattr(owner, name)
    return None


def _image(config: Any) -> torch.Tensor:
    size = _sub(config, "image_size") or 224
    h, w = (size, size) if isinstance(size, int) else (int(size[0]), int(size[-1]))
    channels = _sub(config, "num_channels") or 3
    return torch.randn(1, int(channels), h, w)


def _ids(length: int) -> torch.Tensor:
    """Token ids past the usual special ids (0-3), inside :data:`VOCAB`."""
    return (torch.arange(length, dtype=torch.long) % (VOCAB - 8) + 4).unsqueeze(0)


def _speech(config: Any, name: str) -> torch.Tensor:
    if name == "input_features":
        mels = _sub(config, "num_mel_bins")
        frames = _sub(config, "max_source_positions")
        if mels and frames:
            return torch.randn(1, int(mels), 2 * int(frames))
        per_channel = _sub(config, "input_feat_per_channel")
        if per_channel:
            channels = _sub(config, "input_channels") or 1
            return torch.randn(1, 64, int(per_channel) * int(channels))
        return torch.randn(1, 64, int(_sub(config, "feature_size") or mels or 80))
    mels = _sub(config, "num_mel_bins")
    frames = _sub(config, "max_length")
    if mels and frames:  # audio spectrogram transformer
        return torch.randn(1, int(frames), int(mels))
    channels = _sub(config, "audio_channels")
    if channels:  # neural codecs: (batch, channels, samples)
        return torch.randn(1, int(channels), 4800)
    return torch.randn(1, 16000)


def example_inputs(model: Any, config: Any, variant: int = 0) -> dict[str, torch.Tensor]:
    """Default keyword inputs for ``model`` (see the module docstring)."""
    params = inspect.signature(model.forward).parameters
    main = getattr(model, "main_input_name", "input_ids")
    inputs: dict[str, torch.Tensor] = {}
    makers: dict[str, Callable[[], torch.Tensor]] = {
        "input_ids": lambda: _ids(SEQ),
        "pixel_values": lambda: _image(config),
        "input_values": lambda: _speech(config, "input_values"),
        "input_features": lambda: _speech(config, "input_features"),
    }
    if main in makers and main in params:
        inputs[main] = makers[main]()
    elif "input_ids" in params:
        inputs["input_ids"] = makers["input_ids"]()
    if "input_ids" in inputs and "attention_mask" in params:
        inputs["attention_mask"] = torch.ones(1, SEQ, dtype=torch.long)
    if getattr(config, "is_encoder_decoder", False) and "decoder_input_ids" in params:
        inputs["decoder_input_ids"] = _ids(DECODER_SEQ)
    if variant >= 1 and "pixel_values" in params and "pixel_values" not in inputs:
        inputs["pixel_values"] = makers["pixel_values"]()
    for name, p in params.items():  # required inputs this table knows how to make
        if p.default is inspect.Parameter.empty and name in makers and name not in inputs:
            inputs[name] = makers[name]()
    return inputs


def build(model_type: str, variant: int = 0) -> tuple[Any, dict[str, torch.Tensor]]:
    """``(AutoModel.from_config(small config), example inputs)`` for ``model_type``."""
    from transformers import AutoModel

    config = small_config(model_type)
    torch.manual_seed(0)
    model = AutoModel.from_config(config)
    return model, example_inputs(model, config, variant)
