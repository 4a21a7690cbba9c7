"""Serialized Keras calls and model bodies, as the saved-file route reads them.

A layer's ``inbound_nodes`` list its calls; each serialized input tensor names its producer
call (``keras_history = [layer, node_index, tensor_index]``) and carries its shape. A
Sequential config has no calls at all, so it is rewritten as the Functional chain it means.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...ir.graph import Shape


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
