"""The ONNX route: an ``.onnx`` file (or an ``onnx.ModelProto``) -> the IR, with hierarchy.

ONNX graphs are flat lists of operators. The route gives them back the structure the other
routes read from a framework, in stages, one module each:

- :mod:`.read`: the file without its weights (``load_external_data=False``), checked, with
  one-line errors naming the spec (not ONNX, truncated, an opset this onnx cannot read, a
  cycle, onnx missing);
- :mod:`.tensors`: tensor shapes from the file's ``value_info`` or shape inference, the batch
  axis dropped, symbolic dimensions (``sequence``) kept by name;
- :mod:`.ops`: what an operator *is* in the cross-framework vocabulary (``Conv`` on images ->
  ``Conv2D``, ``MatMul`` with a weight -> ``Dense``), through the categories table;
- :mod:`.scopes`: the module path and class of each operator, from the exporter's metadata
  (``pkg.torch.onnx.name_scopes``) or node names (``/encoder/layer.0/attention/MatMul``);
- :mod:`.units`: which operators make one IR node: shape arithmetic, constants and casts
  are folded into the node they serve, a leaf module's operators into one call, a ``MatMul``
  and its bias into one ``Dense``;
- :mod:`.build`: the IR itself, with a ``composite`` node per module scope, so that depth,
  folding and drill-down work as for PyTorch and Keras;
- :mod:`.route`: the :class:`~..base.Extractor` registered in :mod:`..base`.

Only the ``onnx`` package is imported (inside functions): never torch, TensorFlow or
onnxruntime.
"""

from __future__ import annotations

__all__: list[str] = []
