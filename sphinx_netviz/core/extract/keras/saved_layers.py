"""Built-in Keras layers instantiated from their config (never custom code).

The saved-file route asks them for parameter counts and terminal output shapes; a custom
class is never imported, so it keeps unknown params.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ...ir.categories import GLOBAL_POOLING
from .saved_calls import _shape

if TYPE_CHECKING:
    from ...ir.graph import Shape

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
        *GLOBAL_POOLING,
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
