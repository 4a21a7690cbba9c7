"""Where an ONNX operator came from: the module path (and class) that made it.

Exporters keep the module structure in one of two places:

- metadata: ``torch.onnx.export`` (the dynamo exporter) writes ``pkg.torch.onnx.name_scopes``
  (``['', 'encoder', 'encoder.layer.0', ..., 'linear_3']``: the module paths, outermost
  first, then the call that made the operator) and ``pkg.torch.onnx.class_hierarchy`` (the
  class of each, ``transformers...BertLayer``);
- node names: the TorchScript exporter names operators by scope,
  ``/encoder/layer.0/attention/self/query/MatMul`` (a leading ``/`` marks the form).

Both give the same :class:`Place`. Metadata wins, as it also names classes and calls; a file
with neither (names stripped) has no places, and the route folds it by structure alone.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .read import OpNode

__all__ = ["NOWHERE", "Place", "place_of", "short_class"]

_SCOPES = "pkg.torch.onnx.name_scopes"
_CLASSES = "pkg.torch.onnx.class_hierarchy"


@dataclass(frozen=True, slots=True)
class Place:
    """An operator's module path.

    Attributes:
        scopes: Qualified module paths from the outermost down (``encoder``,
            ``encoder.layer.0``...); the model itself (the root) is not among them.
        classes: The qualified class of each scope, ``""`` where the file does not say.
        call: The exporter's name of the call that made the operator (one PyTorch call may
            become several ONNX operators), ``""`` when unknown.
        root: The class of the model itself, ``""`` when unknown.
        target: What the call ran (``aten.scaled_dot_product_attention.default``), ``""``
            when unknown.
    """

    scopes: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    call: str = ""
    root: str = ""
    target: str = ""


NOWHERE = Place()


def _literal_list(text: str | None) -> list[str] | None:
    """A list of strings written as Python source (``"['', 'encoder']"``); plain quoted
    names are split directly (a graph holds thousands), anything else is parsed safely."""
    if not text:
        return None
    if text.startswith("['") and text.endswith("']") and "\\" not in text and '"' not in text:
        parts = text[2:-2].split("', '")
        if not any("'" in part for part in parts):
            return parts
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return value


def _from_metadata(op: OpNode) -> Place | None:
    names = _literal_list(op.meta(_SCOPES))
    if not names:
        return None
    classes = _literal_list(op.meta(_CLASSES)) or []
    if len(classes) != len(names):
        classes = [""] * len(names)
    target = classes[-1] if len(names) > 1 else ""
    if names[0] != "":  # no module stack (``_empty_nn_module_stack...``): a root call
        return Place(call=names[-1], target=target)
    body = [n for n in names[1:-1] if n]
    kinds = [c for n, c in zip(names[1:-1], classes[1:-1], strict=True) if n]
    call = names[-1] if len(names) > 1 else ""
    return Place(tuple(body), tuple(kinds), call, classes[0], target)


def _from_name(op: OpNode) -> Place | None:
    """Scopes from a TorchScript-style name (``/encoder/layer.0/.../MatMul``). Names of
    other converters (``StatefulPartitionedCall/model/dense/MatMul__12``) hold wrappers
    and renamings rather than modules, and are left to structure alone."""
    if not op.name.startswith("/"):
        return None
    parts = [p for p in op.name.split("/") if p]
    segments = parts[:-1]
    if not segments:
        return None
    paths: list[str] = []
    for segment in segments:
        parent = paths[-1] if paths else ""
        # The TorchScript exporter writes a container's children qualified from the root
        # (``/layer1/layer1.0/conv1/Conv``), other modules by attribute (``conv1``).
        qualified = not parent or segment.startswith(parent + ".")
        paths.append(segment if qualified else f"{parent}.{segment}")
    return Place(tuple(paths), ("",) * len(paths))


def place_of(op: OpNode) -> Place:
    """The operator's place, from metadata, else from its name, else :data:`NOWHERE`."""
    return _from_metadata(op) or _from_name(op) or NOWHERE


def short_class(qualified: str) -> tuple[str, str]:
    """``torch.nn.modules.linear.Linear`` -> ``("Linear", "torch.nn.modules.linear")``."""
    module, _, name = qualified.rpartition(".")
    return name, module
