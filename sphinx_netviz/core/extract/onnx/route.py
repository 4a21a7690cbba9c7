"""The ONNX :class:`~..base.Extractor`: ``.onnx`` files and ``onnx.ModelProto`` objects.

A spec may name an ``.onnx`` file (relative to the docs source, as ``.keras`` files are), and
a factory may return an ``onnx.ModelProto`` (or the ``ONNXProgram`` that
``torch.onnx.export`` returns). ``accepts`` decides from the object's type by name, so
asking it imports nothing; extraction imports ``onnx`` alone.
"""

from __future__ import annotations

import gc
import importlib.metadata
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from ...ir.errors import ExtractionError
from ...ir.spec import MODEL_FILE_SUFFIXES
from .build import build_graph
from .read import OnnxFile, load_model, read_model, require_onnx
from .tensors import tensor_infos
from .units import plan_units

if TYPE_CHECKING:
    from ...ir.graph import Graph
    from ..base import ExtractRequest

__all__ = ["EXTRACTOR", "OnnxExtractor", "extract_onnx"]

#: Bump when this route's output changes for the same file (part of the IR cache key).
ONNX_EXTRACTOR_VERSION = "1"


def _is_model_proto(obj: object) -> bool:
    cls = type(obj)
    return cls.__name__ == "ModelProto" and cls.__module__.split(".", 1)[0] == "onnx"


def _is_onnx_program(obj: object) -> bool:
    """``torch.onnx.ONNXProgram`` (what ``torch.onnx.export`` returns), by name."""
    cls = type(obj)
    return cls.__name__ == "ONNXProgram" and cls.__module__.startswith("torch.onnx")


def extract_onnx(model: Any, source: str, name: str = "model") -> Graph:
    """The IR of a ModelProto; every failure is an ExtractionError naming ``source``.

    The cyclic garbage collector is paused meanwhile, as ``render`` does: reading allocates
    many small objects and makes no cycles worth collecting, and the collector's passes over
    them made a 10,000-operator file twice as slow to read."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _extract(model, source, name)
    finally:
        if was_enabled:
            gc.enable()


def _extract(model: Any, source: str, name: str) -> Graph:
    file: OnnxFile = read_model(model, source, name)
    infos, notes = tensor_infos(file)
    try:
        plan = plan_units(file)
    except RecursionError:
        raise ExtractionError(
            f"model spec {source!r}: the ONNX graph is nested too deeply to read"
        ) from None
    onnx_version = importlib.metadata.version("onnx")
    opsets = {o.domain or "ai.onnx": int(o.version) for o in file.model.opset_import}
    meta: dict[str, Any] = {
        "framework": "onnx",
        "extractor": "onnx",
        "onnx_version": onnx_version,
        "opset": opsets.get("ai.onnx"),
        "producer": " ".join(
            p for p in (file.model.producer_name, file.model.producer_version) if p
        ),
        "operators": len(file.nodes),
        # ONNX tensors from PyTorch (and ONNX's own convention) are channels-first.
        "layout": "channels_first",
    }
    if notes:
        meta["notes"] = notes
    return build_graph(file, plan, infos, meta)


class OnnxExtractor:
    """The ONNX route (see the module docstring)."""

    name: str = "onnx"
    extra: str = "onnx"
    distributions: tuple[str, ...] = ("onnx",)
    #: File suffixes this route reads (the table is the spec language's, ir/spec.py).
    suffixes: tuple[str, ...] = MODEL_FILE_SUFFIXES["onnx"]

    def accepts(self, obj: object) -> bool:
        """An ``.onnx`` path, an ``onnx.ModelProto`` or a ``torch.onnx.ONNXProgram``."""
        if isinstance(obj, PurePath):
            return obj.suffix.lower() in self.suffixes
        return _is_model_proto(obj) or _is_onnx_program(obj)

    def extract(self, obj: Any, request: ExtractRequest) -> Graph:
        """Read the file or model; errors name ``request.source``."""
        source = request.source
        if isinstance(obj, PurePath):
            path = Path(obj)
            if path.is_dir():
                raise ExtractionError(f"model spec {source!r}: {str(path)!r} is a folder")
            return extract_onnx(load_model(path, source), source, path.stem or "model")
        if _is_onnx_program(obj):
            obj = obj.model_proto
        require_onnx(source)
        return extract_onnx(obj, source)

    def version(self) -> str:
        """Reader version and the installed onnx (part of the IR cache key)."""
        try:
            onnx_version = importlib.metadata.version("onnx")
        except importlib.metadata.PackageNotFoundError:
            onnx_version = "missing"
        return f"onnx-route {ONNX_EXTRACTOR_VERSION}; onnx {onnx_version}"


#: The registered instance (``sphinx_netviz.core.extract.onnx.route:EXTRACTOR``).
EXTRACTOR = OnnxExtractor()
