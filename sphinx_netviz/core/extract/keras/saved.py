"""Saved-file route: a ``.keras`` / ``.h5`` model -> Graph through its config alone.

Reconstructing the model (``keras.models.load_model``) would need every custom class the
user wrote, which is exactly how Net2Vis fails on custom layers (reference/net2vis.md 1.2).
The config already holds the graph (peers.md 3.2 step 11): every layer lists its calls
(``inbound_nodes``), and each serialized input tensor names its producer call
(``keras_history = [layer, node_index, tensor_index]``) and carries its shape. So:

- nodes: one per call (an InputLayer is one call); nested Functional/Sequential configs are
  walked recursively like the live walker does (one ``model`` node, internals with
  ``parent``);
- edges and input shapes: from the serialized tensors;
- output shapes: from the tensors consumers received; for terminal calls, and for params,
  a *built-in* Keras layer (config ``module`` under ``keras``) is instantiated from its config
  and asked; custom classes are never imported, so they keep unknown params;
- the ``input_layers`` / ``output_layers`` entries naming a nested model are offset by +1
  (legacy compatibility, undone by ``functional_from_config``): indices out of range are
  shifted back.

Also reads the legacy Keras 2 ``inbound_nodes`` form (``[[name, node, tensor, kwargs]]``,
no shapes), propagating shapes through the built-in layers where possible.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from ...ir.errors import ExtractionError
from ...ir.graph import Graph
from ...ir.spec import MODEL_FILE_SUFFIXES
from .env import distribution_versions, leave_tensorflow_alone
from .saved_calls import _model_body
from .saved_walk import _Out, _walk

if TYPE_CHECKING:
    from ...ir.spec import ModelSpec
    from ..base import Extractor, ExtractRequest

__all__ = ["EXTRACTOR", "KerasFileExtractor", "extract_config", "extract_file", "read_model_config"]

#: Bump when this route's output changes for the same file (part of the IR cache key).
READER_VERSION = "2"


def _fail(spec_text: str, why: str) -> ExtractionError:
    return ExtractionError(f"model spec {spec_text!r}: {why}")


def read_model_config(path: Path, spec_text: str) -> tuple[dict[str, Any], str | None]:
    """(model config, keras version) from a ``.keras`` zip or a legacy HDF5 file."""
    try:
        head = path.read_bytes()[:8]
    except OSError as exc:
        raise _fail(spec_text, f"cannot read {str(path)!r} ({exc.strerror or exc})") from None
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                raw = archive.read("config.json")
                meta_raw = (
                    archive.read("metadata.json")
                    if "metadata.json" in archive.namelist()
                    else b"{}"
                )
        except KeyError:
            raise _fail(
                spec_text, "not a Keras model file (no config.json in the archive)"
            ) from None
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise _fail(spec_text, f"corrupt .keras file ({exc})") from None
        try:
            config = json.loads(raw)
            meta = json.loads(meta_raw)
        except ValueError as exc:
            raise _fail(spec_text, f"corrupt .keras file (config.json: {exc})") from None
        version = meta.get("keras_version") if isinstance(meta, dict) else None
    elif head.startswith(b"\x89HDF"):
        try:
            import h5py

            with h5py.File(path, "r") as h5:
                raw_cfg = h5.attrs.get("model_config")
                version = h5.attrs.get("keras_version")
        except Exception as exc:  # h5py raises OSError and its own types on corrupt files
            raise _fail(spec_text, f"corrupt HDF5 file ({exc})") from None
        if raw_cfg is None:
            raise _fail(spec_text, "the HDF5 file holds weights only (no model_config attribute)")
        if isinstance(raw_cfg, bytes):
            raw_cfg = raw_cfg.decode("utf-8")
        if isinstance(version, bytes):
            version = version.decode("utf-8")
        try:
            config = json.loads(raw_cfg)
        except ValueError as exc:
            raise _fail(spec_text, f"corrupt HDF5 model_config ({exc})") from None
    else:
        raise _fail(spec_text, "not a Keras model file (neither a .keras zip nor HDF5)")
    if not isinstance(config, dict) or "class_name" not in config:
        raise _fail(spec_text, "the model config has no class_name")
    return config, None if version is None else str(version)


def extract_config(
    config: dict[str, Any], spec_text: str, keras_version: str | None = None
) -> Graph:
    """Graph of a serialized model config (``model.get_config()`` wrapped with class_name)."""
    name = str((config.get("config") or {}).get("name") or "model")
    try:
        body = _model_body(config)
    except ValueError as exc:
        raise _fail(spec_text, str(exc)) from None
    if body is None:
        raise _fail(
            spec_text,
            f"the saved model is a {config.get('class_name')!r} without a graph in its config "
            "(subclassed models cannot be read from a file; name the factory instead)",
        )
    out = _Out()
    try:
        leave_tensorflow_alone()
        inputs, outputs, _ = _walk(body, out, prefix="", parent=None, path=())
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise _fail(spec_text, f"unreadable model config ({type(exc).__name__}: {exc})") from None
    if not out.nodes:
        raise _fail(spec_text, "the saved model has no layers (empty model)")
    meta: dict[str, Any] = {
        "framework": "keras",
        "source": "config",
        "class": str(config.get("class_name")),
        "keras_version": keras_version,
    }
    unknown = sorted({n.type for n in out.nodes if n.config.get("params_unknown")})
    if unknown:
        meta["notes"] = [
            "parameter counts unknown for custom classes read from the file: " + ", ".join(unknown)
        ]
    return Graph(
        name=name,
        nodes=tuple(out.nodes),
        edges=tuple(out.edges),
        inputs=tuple(inputs),
        outputs=tuple(outputs),
        meta=meta,
    )


def extract_file(spec: ModelSpec) -> Graph:
    """Graph of the saved model file a spec names."""
    assert spec.path is not None
    if not spec.path.is_file():
        raise _fail(spec.text, f"no such file {str(spec.path)!r}")
    config, version = read_model_config(spec.path, spec.text)
    return extract_config(config, spec.text, version)


class KerasFileExtractor:
    """The saved-file route: ``.keras`` / ``.h5`` files, read through their config.

    Needs Keras only for parameter counts and terminal shapes of built-in layers (never the
    user's classes); the graph itself comes from the JSON in the file.
    """

    name = "keras-file"
    extra = "tensorflow"
    distributions: tuple[str, ...] = ("keras", "h5py")
    #: File suffixes this route reads (the table is the spec language's, ir/spec.py).
    suffixes: tuple[str, ...] = MODEL_FILE_SUFFIXES["keras-file"]

    def accepts(self, obj: object) -> bool:
        """A path whose suffix is one of :attr:`suffixes`."""
        return isinstance(obj, PurePath) and obj.suffix.lower() in self.suffixes

    def extract(self, obj: Any, request: ExtractRequest) -> Graph:
        """Read the file's config into a Graph; errors name ``request.source``."""
        path = Path(obj)
        if not path.is_file():
            raise _fail(request.source, f"no such file {str(path)!r}")
        config, version = read_model_config(path, request.source)
        return extract_config(config, request.source, version)

    def version(self) -> str:
        """Reader version and the installed Keras/h5py (part of the IR cache key)."""
        return f"keras-config/{READER_VERSION} {distribution_versions(self.distributions)}".strip()


#: The registered instance (``sphinx_netviz.core.extract.keras.saved:EXTRACTOR``).
EXTRACTOR = KerasFileExtractor()

if TYPE_CHECKING:
    _CONFORMS: Extractor = EXTRACTOR
