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
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from ..categories import category_of
from ..errors import ExtractionError
from ..graph import Edge, Graph, Node, Shape
from .keras3 import json_safe_config
from .keras_env import distribution_versions, leave_tensorflow_alone

if TYPE_CHECKING:
    from ..spec import ModelSpec
    from .base import Extractor, ExtractRequest

__all__ = ["EXTRACTOR", "KerasFileExtractor", "extract_config", "extract_file", "read_model_config"]

#: Bump when this route's output changes for the same file (part of the IR cache key).
READER_VERSION = "2"

_MODEL_CLASSES = frozenset({"Functional", "Model", "Sequential"})
#: Built-in layers that never own weights: when consumers already tell their output shape,
#: instantiating them (the slow part of this route) would add nothing.
_WEIGHTLESS = frozenset(
    {
        "Activation",
        "Add",
        "Average",
        "AveragePooling1D",
        "AveragePooling2D",
        "AveragePooling3D",
        "Concatenate",
        "Cropping1D",
        "Cropping2D",
        "Cropping3D",
        "Dot",
        "Dropout",
        "ELU",
        "Flatten",
        "GlobalAveragePooling1D",
        "GlobalAveragePooling2D",
        "GlobalAveragePooling3D",
        "GlobalMaxPooling1D",
        "GlobalMaxPooling2D",
        "GlobalMaxPooling3D",
        "LeakyReLU",
        "MaxPooling1D",
        "MaxPooling2D",
        "MaxPooling3D",
        "Maximum",
        "Minimum",
        "Multiply",
        "Permute",
        "ReLU",
        "RepeatVector",
        "Rescaling",
        "Reshape",
        "Softmax",
        "SpatialDropout1D",
        "SpatialDropout2D",
        "SpatialDropout3D",
        "Subtract",
        "UpSampling1D",
        "UpSampling2D",
        "UpSampling3D",
        "ZeroPadding1D",
        "ZeroPadding2D",
        "ZeroPadding3D",
        "GaussianDropout",
        "GaussianNoise",
        "AlphaDropout",
    }
)


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


# -- tensors in serialized calls ------------------------------------------------------------


@dataclass(frozen=True)
class _TensorRef:
    layer: str
    node_index: int
    tensor_index: int
    shape: Shape | None
    dtype: str | None


def _shape(value: Any) -> Shape | None:
    if not isinstance(value, list | tuple):
        return None
    dims = tuple(None if d is None else int(d) for d in value)
    return dims[1:] if dims else ()


def _tensors(value: Any, out: list[_TensorRef]) -> None:
    """Flatten serialized call arguments into tensor references, in argument order."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            cfg = value.get("config") or {}
            hist = cfg.get("keras_history") or [None, 0, 0]
            out.append(
                _TensorRef(
                    layer=str(hist[0]),
                    node_index=int(hist[1]),
                    tensor_index=int(hist[2]),
                    shape=_shape(cfg.get("shape")),
                    dtype=cfg.get("dtype"),
                )
            )
            return
        for key in value:
            _tensors(value[key], out)
    elif isinstance(value, list | tuple):
        for item in value:
            _tensors(item, out)


def _call_inputs(node: Any) -> list[_TensorRef]:
    """Tensor references of one serialized call (Keras 3 dict form or legacy list form)."""
    refs: list[_TensorRef] = []
    if isinstance(node, dict):
        _tensors(node.get("args", []), refs)
        _tensors(node.get("kwargs", {}), refs)
        return refs
    if isinstance(node, list):
        # Legacy: [[name, node_index, tensor_index, kwargs], ...]
        for entry in node:
            if isinstance(entry, list) and len(entry) >= 3 and isinstance(entry[0], str):
                refs.append(_TensorRef(entry[0], int(entry[1]), int(entry[2]), None, None))
    return refs


def _endpoints(value: Any) -> list[tuple[str, int, int]]:
    """``input_layers`` / ``output_layers``: one triple or a (nested) list of triples."""
    if isinstance(value, list) and len(value) >= 3 and isinstance(value[0], str):
        return [(value[0], int(value[1]), int(value[2]))]
    found: list[tuple[str, int, int]] = []
    if isinstance(value, list | tuple):
        for item in value:
            found.extend(_endpoints(item))
    elif isinstance(value, dict):
        for key in value:
            found.extend(_endpoints(value[key]))
    return found


# -- built-in layers, instantiated from config (never custom code) --------------------------


def _is_op(layer_cfg: dict[str, Any]) -> bool:
    """A raw ``keras.ops`` operation (only the Keras 3 format records the module)."""
    module = str(layer_cfg.get("module") or "")
    return module.startswith(("keras.src.ops.", "keras.ops"))


def _builtin_layer(layer_cfg: dict[str, Any]) -> Any | None:
    """A Keras built-in layer instantiated from its config, or None (custom, op, failure).

    Only classes that ``keras.layers`` itself exports are instantiated, so no user module is
    ever imported and no user code runs.
    """
    import keras

    cls_name = str(layer_cfg.get("class_name") or "")
    module = str(layer_cfg.get("module") or "keras.layers")
    if _is_op(layer_cfg) or not module.startswith("keras") or ">" in cls_name:
        return None
    if layer_cfg.get("registered_name") not in (None, cls_name):
        return None
    cls = getattr(keras.layers, cls_name, None)
    if not isinstance(cls, type) or not issubclass(cls, keras.layers.Layer):
        return None
    try:
        obj = keras.saving.deserialize_keras_object(
            {
                "module": "keras.layers",
                "class_name": cls_name,
                "config": layer_cfg.get("config") or {},
                "registered_name": None,
            },
            safe_mode=True,
        )
    except Exception:
        return None
    return obj if isinstance(obj, keras.layers.Layer) else None


def _param_counts(
    layer: Any, build_config: Any, input_shapes: list[Shape | None]
) -> tuple[int, int]:
    import keras

    try:
        # In a stateless scope Keras defers variable initialisation: the weights get their
        # shapes without allocating memory (VGG16's 138 M parameters cost nothing); the
        # layer is thrown away, so they are never initialised.
        with keras.StatelessScope(initialize_variables=False):
            if isinstance(build_config, dict) and build_config:
                layer.build_from_config(build_config)
            elif input_shapes and all(s is not None for s in input_shapes):
                full = [(None, *s) for s in input_shapes if s is not None]
                layer.build(full[0] if len(full) == 1 else full)
            else:
                return 0, 0

        def count(weights: Any) -> int:
            return sum(int(math.prod(int(d) for d in tuple(w.shape))) for w in weights)

        return count(layer.trainable_weights), count(layer.non_trainable_weights)
    except Exception:
        return 0, 0


def _output_shapes(layer: Any, input_shapes: list[Shape | None]) -> tuple[Shape, ...] | None:
    if layer is None or not input_shapes or any(s is None for s in input_shapes):
        return None
    full = [(None, *s) for s in input_shapes if s is not None]
    try:
        result = layer.compute_output_shape(full[0] if len(full) == 1 else full)
    except Exception:
        return None
    if isinstance(result, tuple) and all(d is None or isinstance(d, int) for d in result):
        return (tuple(result)[1:],)
    if isinstance(result, list | tuple):
        shapes = [_shape(list(r)) for r in result if isinstance(r, list | tuple)]
        return tuple(s for s in shapes if s is not None)
    return None


# -- the walk -------------------------------------------------------------------------------


@dataclass
class _Out:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    notes: set[str] = field(default_factory=set)


@dataclass
class _Call:
    layer_cfg: dict[str, Any]
    name: str
    index: int
    inputs: list[_TensorRef]
    node_id: str


def _sequential_as_functional(cfg: dict[str, Any], name: str) -> dict[str, Any]:
    """A Sequential config rewritten as a Functional one (chain of single calls)."""
    layers = [dict(layer) for layer in cfg.get("layers", []) if isinstance(layer, dict)]
    if not layers:
        raise ValueError(f"Sequential model {name!r} has no layers (empty model)")
    out: list[dict[str, Any]] = []
    prev: tuple[str, Shape | None] | None = None
    first = layers[0]
    if first.get("class_name") != "InputLayer":
        build = cfg.get("build_input_shape") or (cfg.get("build_config") or {}).get("input_shape")
        if build is None:
            raise ValueError(f"Sequential model {name!r} was saved unbuilt (no input shape)")
        out.append(
            {
                "class_name": "InputLayer",
                "module": "keras.layers",
                "config": {"name": f"{name}_input", "batch_shape": list(build)},
                "name": f"{name}_input",
                "inbound_nodes": [],
            }
        )
    for layer in layers:
        layer_name = str((layer.get("config") or {}).get("name") or layer.get("name"))
        layer["name"] = layer_name
        if layer.get("class_name") == "InputLayer":
            layer["inbound_nodes"] = []
        elif out:
            src = str(out[-1]["name"])
            layer["inbound_nodes"] = [
                {
                    "args": [
                        {
                            "class_name": "__keras_tensor__",
                            "config": {"shape": None, "keras_history": [src, 0, 0]},
                        }
                    ],
                    "kwargs": {},
                }
            ]
        out.append(layer)
        prev = (layer_name, None)
    del prev
    return {
        "name": name,
        "layers": out,
        "input_layers": [[out[0]["name"], 0, 0]],
        "output_layers": [[out[-1]["name"], 0, 0]],
    }


def _model_body(layer_cfg: dict[str, Any]) -> dict[str, Any] | None:
    """The functional body of a nested/top-level model config, or None if not a graph."""
    cls = layer_cfg.get("class_name")
    cfg = layer_cfg.get("config") or {}
    name = str(cfg.get("name") or layer_cfg.get("name") or "model")
    if cls == "Sequential":
        body = dict(cfg)
        if "build_config" in layer_cfg:
            body["build_config"] = layer_cfg["build_config"]
        return _sequential_as_functional(body, name)
    if isinstance(cfg, dict) and isinstance(cfg.get("layers"), list) and "output_layers" in cfg:
        return dict(cfg, name=name)
    return None


def _walk(
    body: dict[str, Any],
    out: _Out,
    *,
    prefix: str,
    parent: str | None,
    path: tuple[str, ...],
) -> tuple[list[str], list[str], dict[str, Node]]:
    layers = [lay for lay in body.get("layers", []) if isinstance(lay, dict)]
    by_name: dict[str, dict[str, Any]] = {}
    calls: list[_Call] = []
    ncalls: dict[str, int] = {}
    for layer in layers:
        name = str(layer.get("name") or (layer.get("config") or {}).get("name"))
        by_name[name] = layer
        inbound = layer.get("inbound_nodes") or []
        if layer.get("class_name") == "InputLayer" or not inbound:
            entries: list[Any] = [None]
        else:
            entries = list(inbound)
        ncalls[name] = len(entries)
        for i, entry in enumerate(entries):
            refs = [] if entry is None else _call_inputs(entry)
            local = name if i == 0 else f"{name}@{i}"
            calls.append(_Call(layer, name, i, refs, prefix + local))
    ids = {(c.name, c.index): c.node_id for c in calls}

    # Output shapes seen by consumers: (layer, node) -> {tensor index: shape}.
    seen: dict[tuple[str, int], dict[int, Shape]] = {}
    for call in calls:
        for ref in call.inputs:
            if ref.shape is not None:
                seen.setdefault((ref.layer, ref.node_index), {})[ref.tensor_index] = ref.shape

    # Topological order (serialized order is usually topological already; be safe).
    done: dict[str, Node] = {}
    pending = list(calls)
    produced: dict[tuple[str, int], tuple[Shape, ...]] = {}
    internals: dict[str, _Out] = {}
    while pending:
        progressed = False
        rest: list[_Call] = []
        for call in pending:
            if any(
                (r.layer, r.node_index) not in produced and (r.layer, r.node_index) in ids
                for r in call.inputs
            ):
                rest.append(call)
                continue
            progressed = True
            node, sub = _make_node(call, body, seen, produced, ncalls, prefix, parent, path)
            produced[(call.name, call.index)] = node.output_shapes
            done[call.node_id] = node
            if sub is not None:
                internals[call.node_id] = sub
        if not progressed:  # a cycle cannot happen in a valid config; keep what we have
            for call in rest:
                node, sub = _make_node(call, body, seen, produced, ncalls, prefix, parent, path)
                produced[(call.name, call.index)] = node.output_shapes
                done[call.node_id] = node
            break
        pending = rest

    for call in calls:
        out.nodes.append(done[call.node_id])
        if call.node_id in internals:
            out.nodes.extend(internals[call.node_id].nodes)
            out.edges.extend(internals[call.node_id].edges)
            out.notes |= internals[call.node_id].notes
        for slot, ref in enumerate(call.inputs):
            source = ids.get((ref.layer, ref.node_index))
            if source is None:
                continue
            shape = ref.shape
            if shape is None:
                outs = produced.get((ref.layer, ref.node_index), ())
                shape = outs[ref.tensor_index] if ref.tensor_index < len(outs) else None
            out.edges.append(
                Edge(source, call.node_id, shape, source_index=ref.tensor_index, target_index=slot)
            )

    def resolve(entries: Any) -> list[str]:
        found: list[str] = []
        for layer_name, node_index, _ in _endpoints(entries):
            n = ncalls.get(layer_name, 0)
            if node_index >= n and 0 <= node_index - 1 < n:
                node_index -= 1  # the nested-model +1 offset of input/output_layers
            node_id = ids.get((layer_name, node_index))
            if node_id is not None:
                found.append(node_id)
        return found

    return resolve(body.get("input_layers")), resolve(body.get("output_layers")), done


def _make_node(
    call: _Call,
    body: dict[str, Any],
    seen: dict[tuple[str, int], dict[int, Shape]],
    produced: dict[tuple[str, int], tuple[Shape, ...]],
    ncalls: dict[str, int],
    prefix: str,
    parent: str | None,
    path: tuple[str, ...],
) -> tuple[Node, _Out | None]:
    layer_cfg = call.layer_cfg
    cls = str(layer_cfg.get("class_name"))
    cfg = layer_cfg.get("config") or {}
    in_shapes: list[Shape | None] = []
    for ref in call.inputs:
        shape = ref.shape
        if shape is None:
            outs = produced.get((ref.layer, ref.node_index), ())
            shape = outs[ref.tensor_index] if ref.tensor_index < len(outs) else None
        in_shapes.append(shape)
    dtype = None
    if isinstance(cfg.get("dtype"), str):
        dtype = cfg["dtype"]
    elif isinstance(cfg.get("dtype"), dict):
        dtype = str((cfg["dtype"].get("config") or {}).get("name") or "") or None

    # Outputs seen by consumers, by tensor index.
    consumed = seen.get((call.name, call.index), {})
    outputs: tuple[Shape, ...] | None = None
    if consumed:
        outputs = tuple(consumed.get(t, ()) for t in range(max(consumed) + 1))
    kind = "layer"
    trainable = non_trainable = 0
    sub: _Out | None = None
    model_inputs: tuple[str, ...] = ()
    model_outputs: tuple[str, ...] = ()
    params_known = True
    if _is_op(layer_cfg):
        kind = "op"
    elif cls == "InputLayer":
        kind = "input"
        batch = cfg.get("batch_shape") or cfg.get("batch_input_shape")
        shape = _shape(batch)
        if shape is not None:
            outputs = (shape,)
        in_shapes = []
    else:
        nested = _model_body(layer_cfg) if cls in _MODEL_CLASSES or "layers" in cfg else None
        if nested is not None:
            kind = "model"
            sub = _Out()
            inner_in, inner_out, inner_nodes = _walk(
                nested, sub, prefix=call.node_id + "/", parent=call.node_id, path=(*path, call.name)
            )
            model_inputs, model_outputs = tuple(inner_in), tuple(inner_out)
            trainable = sum(n.trainable_params for n in sub.nodes if n.parent == call.node_id)
            non_trainable = sum(
                n.non_trainable_params for n in sub.nodes if n.parent == call.node_id
            )
            if outputs is None or len(outputs) < len(model_outputs):
                shapes = [inner_nodes[o].output_shape for o in model_outputs if o in inner_nodes]
                if all(s is not None for s in shapes):
                    outputs = tuple(s for s in shapes if s is not None)
        elif cls in _WEIGHTLESS and outputs is not None and not _is_op(layer_cfg):
            pass  # nothing to learn from instantiating it
        else:
            layer = _builtin_layer(layer_cfg)
            if layer is None:
                params_known = False
            else:
                trainable, non_trainable = _param_counts(
                    layer, layer_cfg.get("build_config"), in_shapes
                )
                if outputs is None:
                    outputs = _output_shapes(layer, in_shapes)
    del body
    config = json_safe_config(cfg)
    inner = None
    if isinstance(cfg.get("layer"), dict) and "class_name" in cfg["layer"]:
        inner = str(cfg["layer"]["class_name"])
    node = Node(
        id=call.node_id,
        name=call.name,
        type=cls.rsplit(">", 1)[-1],
        module=str(layer_cfg.get("module") or ""),
        kind=kind,
        category=category_of(cls.rsplit(">", 1)[-1], str(layer_cfg.get("module") or ""), kind),
        input_shapes=tuple(s if s is not None else () for s in in_shapes),
        output_shapes=outputs or (),
        dtype=dtype,
        params=trainable + non_trainable,
        trainable_params=trainable,
        non_trainable_params=non_trainable,
        config=config if params_known else {**config, "params_unknown": True},
        parent=parent,
        path=path,
        shared=ncalls.get(call.name, 1) > 1,
        call_index=call.index,
        inner=inner,
        model_inputs=model_inputs,
        model_outputs=model_outputs,
    )
    del prefix
    return node, sub


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
    #: File suffixes this route reads (spec.py asks the registered routes for theirs).
    suffixes: tuple[str, ...] = (".keras", ".h5", ".hdf5")

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


#: The registered instance (``sphinx_netviz.core.extract.config:EXTRACTOR``).
EXTRACTOR = KerasFileExtractor()

if TYPE_CHECKING:
    _CONFORMS: Extractor = EXTRACTOR
