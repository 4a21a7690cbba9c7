"""Hugging Face model folders: a ``config.json`` -> the model on the meta device -> the IR.

A fine-tuned model's folder holds its ``config.json``, often without weights at hand. The
spec names the folder (or the ``config.json`` in it). In the worker, ``transformers`` reads
the config from that folder only (``local_files_only``: nothing is downloaded, and
``HF_HUB_OFFLINE`` is respected, as every Hub call is), builds the class the config names in
``architectures`` (else ``AutoModel``) under the meta device, so a 7B config costs no memory,
and the PyTorch route (:mod:`.torch.module`) traces it with example inputs from the config:

- token ids (``input_ids``, int64) of :data:`DEFAULT_TOKENS` tokens, no longer than the
  model's ``max_position_embeddings``; their length is a named axis (``seq``), as a Keras
  model draws it; an encoder-decoder also gets ``decoder_input_ids`` of that length;
- ``pixel_values`` of ``num_channels x image_size x image_size`` (the vision config's, for
  a multimodal model);
- ``input_features`` (``num_mel_bins x 2 * max_source_positions``, Whisper) or
  ``input_values`` (one second at 16 kHz, wav2vec2) for speech models.

The options ``input-shape`` / ``input-dtype`` replace these (token ids stay integers: a
float ``input-dtype``, the option's default, is taken as ``int64`` for them). Bad folders
get one line each: no ``config.json``, a ``config.json`` without ``model_type``, a
``model_type`` the installed transformers does not know, transformers not installed.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import json
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from ..ir.errors import ExtractionError
from .base import ExtractRequest

if TYPE_CHECKING:
    from ..ir.graph import Graph

__all__ = ["DEFAULT_TOKENS", "EXTRACTOR", "HfFolderExtractor", "example_inputs"]

#: Length of the example token ids (documented; the axis is drawn by name, ``seq``).
DEFAULT_TOKENS = 32
#: Largest model (parameters x 4 bytes) rebuilt on the CPU when meta tracing fails.
_CPU_RETRY_BYTES = 1 << 30
_SPEECH_SAMPLES = 16_000
_INSTALL = 'pip install "netviz[hf]"'


def _fail(source: str, why: str) -> ExtractionError:
    return ExtractionError(f"model spec {source!r}: {why}")


def _one_line(exc: BaseException, limit: int = 200) -> str:
    text = " ".join(str(exc).split())
    text = text if len(text) <= limit else text[: limit - 3] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def read_config(path: Path, source: str) -> dict[str, Any]:
    """The folder's ``config.json`` as a dict with a ``model_type``, or a clear error."""
    folder = path.parent
    if not folder.is_dir():
        raise _fail(source, f"no such folder {str(folder)!r}")
    if not path.is_file():
        raise _fail(
            source,
            f"the folder {str(folder)!r} has no config.json (a Hugging Face model folder "
            "holds one, written by save_pretrained)",
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise _fail(source, f"cannot read {path.name} as JSON ({_one_line(exc)})") from None
    if not isinstance(data, dict):
        raise _fail(source, f"{path.name} holds no JSON object")
    model_type = data.get("model_type")
    if not isinstance(model_type, str) or not model_type:
        raise _fail(
            source,
            f"{path.name} has no model_type, so transformers cannot tell which model it "
            "configures (save_pretrained writes it)",
        )
    return data


def _modules(source: str) -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as exc:
        missing = (exc.name or "transformers").split(".")[0]
        raise _fail(
            source,
            f"drawing a Hugging Face model folder needs {missing}, which is not installed in "
            f"the Python that runs netviz; install it with {_INSTALL}",
        ) from None
    return torch, transformers


def _image_size(config: Any) -> tuple[int, int] | None:
    for owner in (config, getattr(config, "vision_config", None)):
        size = getattr(owner, "image_size", None) if owner is not None else None
        if isinstance(size, int) and size > 0:
            return size, size
        if isinstance(size, list | tuple) and len(size) == 2:
            return int(size[0]), int(size[1])
        if isinstance(size, dict) and "height" in size and "width" in size:
            return int(size["height"]), int(size["width"])
    return None


def _channels(config: Any) -> int:
    for owner in (config, getattr(config, "vision_config", None)):
        value = getattr(owner, "num_channels", None) if owner is not None else None
        if isinstance(value, int) and value > 0:
            return value
    return 3


def _tokens(config: Any) -> int:
    limits = [
        getattr(owner, "max_position_embeddings", None)
        for owner in (config, getattr(config, "text_config", None))
        if owner is not None
    ]
    known = [v for v in limits if isinstance(v, int) and v > 1]
    return min([DEFAULT_TOKENS, *known])


def example_inputs(model: Any, config: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keyword inputs for ``model.forward`` built from ``config`` (on the meta device), and
    the named axes of the token ids (``dynamic_shapes`` in ``torch.export``'s form)."""
    import torch

    try:
        params = set(inspect.signature(model.forward).parameters)
    except (TypeError, ValueError):
        params = set()
    main = getattr(model, "main_input_name", "input_ids")
    inputs: dict[str, Any] = {}
    axes: dict[str, Any] = {}
    meta = torch.device("meta")
    tokens = _tokens(config)
    if main == "input_ids":
        inputs["input_ids"] = torch.zeros((1, tokens), dtype=torch.long, device=meta)
        axes["input_ids"] = {1: "seq"}
    elif main == "pixel_values":
        size = _image_size(config) or (224, 224)
        shape = (1, _channels(config), *size)
        inputs["pixel_values"] = torch.zeros(shape, device=meta)
    elif main == "input_features":
        bins: Any = getattr(config, "num_mel_bins", None) or getattr(config, "feature_size", 80)
        frames = 2 * int(getattr(config, "max_source_positions", 1500) or 1500)
        inputs["input_features"] = torch.zeros((1, int(bins), frames), device=meta)
    elif main == "input_values":
        inputs["input_values"] = torch.zeros((1, _SPEECH_SAMPLES), device=meta)
    if main != "pixel_values" and "pixel_values" in params and _image_size(config):
        size = _image_size(config) or (224, 224)
        inputs["pixel_values"] = torch.zeros((1, _channels(config), *size), device=meta)
    if getattr(config, "is_encoder_decoder", False) and "decoder_input_ids" in params:
        inputs["decoder_input_ids"] = torch.zeros((1, tokens), dtype=torch.long, device=meta)
        axes["decoder_input_ids"] = {1: "seq"}
    return inputs, axes


def _model_class(transformers: Any, config: Any) -> Any:
    """The class ``architectures`` names (the fine-tuned head), else ``AutoModel``."""
    for name in getattr(config, "architectures", None) or ():
        cls = getattr(transformers, str(name), None) if isinstance(name, str) else None
        if cls is not None and hasattr(cls, "_from_config"):
            return cls
    return transformers.AutoModel


def _build(cls: Any, config: Any, device: str, source: str, torch: Any) -> Any:
    try:
        with torch.device(device):
            if cls.__name__ == "AutoModel":
                return cls.from_config(config)
            return cls._from_config(config)
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise _fail(
            source, f"building {cls.__name__} from config.json failed: {_one_line(exc)}"
        ) from None


class HfFolderExtractor:
    """The Hugging Face folder route (see the module docstring)."""

    name: str = "hf"
    extra: str = "hf"
    distributions: tuple[str, ...] = ("transformers", "torch")

    def accepts(self, obj: object) -> bool:
        """A path to a ``config.json`` (spec.py turns a folder spec into one)."""
        return isinstance(obj, PurePath) and obj.name == "config.json"

    def version(self) -> str:
        """Route version and the installed transformers and torch (part of the cache key)."""
        found = []
        for dist in self.distributions:
            try:
                found.append(f"{dist} {importlib.metadata.version(dist)}")
            except importlib.metadata.PackageNotFoundError:
                found.append(f"{dist} missing")
        return "hf-route 1; " + "; ".join(found)

    def extract(self, obj: Any, request: ExtractRequest) -> Graph:
        source = request.source
        path = Path(obj)
        data = read_config(path, source)
        torch, transformers = _modules(source)
        from transformers.models.auto.configuration_auto import CONFIG_MAPPING

        model_type = str(data["model_type"])
        if model_type not in CONFIG_MAPPING:
            raise _fail(
                source,
                f"model_type {model_type!r} is not known to the installed transformers "
                f"{transformers.__version__} (a newer release, or a model with custom code, "
                "may define it)",
            )
        try:
            config = transformers.AutoConfig.from_pretrained(
                str(path.parent), local_files_only=True
            )
        except Exception as exc:
            raise _fail(source, f"transformers cannot read config.json: {_one_line(exc)}") from None
        cls = _model_class(transformers, config)
        model = _build(cls, config, "meta", source, torch)
        name = type(model).__name__
        graph = self._trace(model, config, request, torch)
        if graph is None:  # the forward pass cannot run on meta: a small model, on the CPU
            del model
            graph = self._trace(_build(cls, config, "cpu", source, torch), config, request, torch)
            assert graph is not None
            graph.meta.setdefault("notes", []).append(
                "the forward pass cannot run on the meta device; traced on the CPU"
            )
        graph.meta.update({"extractor": "hf", "model_type": model_type, "class": name})
        return graph

    def _trace(self, model: Any, config: Any, request: ExtractRequest, torch: Any) -> Graph | None:
        """The torch route's graph; ``None`` when a meta pass failed and a CPU one may not."""
        from .torch.module import EXTRACTOR as TORCH
        from .torch.module import MetaForwardError

        if request.input_shapes:
            main = getattr(model, "main_input_name", "input_ids")
            dtype = request.input_dtype
            if main.endswith("_ids") and (dtype is None or "float" in dtype):
                dtype = "int64"  # token ids are integers (float32 is only the option's default)
            traced = ExtractRequest(request.source, request.input_shapes, dtype)
        else:
            inputs, axes = example_inputs(model, config)
            traced = ExtractRequest(request.source, example_inputs=inputs, dynamic_shapes=axes)
        try:
            return TORCH.extract(model, traced)
        except MetaForwardError as exc:
            on_meta = any(p.device.type == "meta" for p in model.parameters())
            size = sum(p.numel() for p in model.parameters()) * 4
            if not exc.retry_on_cpu or not on_meta or size > _CPU_RETRY_BYTES:
                raise
        return None


#: The registered instance (``sphinx_netviz.core.extract.hf:EXTRACTOR``).
EXTRACTOR = HfFolderExtractor()
