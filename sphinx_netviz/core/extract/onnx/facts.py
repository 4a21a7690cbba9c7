"""What one unit is, as an IR node would say it: type, category, name, config, parameters.

A leaf module scope is named after its class when the exporter recorded it (``Linear``,
``LayerNorm``, ``GELUActivation``: what the PyTorch route calls the same module), else after
its most telling operator (``Conv`` over the bias ``Add``). One exporter call of several
operators is named after what it ran (``scaled_dot_product_attention`` -> ``Attention``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...ir.categories import KNOWN_TYPES, canonical_type, category_of
from ..torch.kinds import op_category, op_name
from .ops import describe, op_config, priority
from .scopes import short_class

if TYPE_CHECKING:
    from .read import OnnxFile, OpNode
    from .tensors import TensorInfo
    from .units import Plan, Unit

__all__ = ["UnitFacts", "scope_type", "unit_facts"]

_INDEX = re.compile(r"[._]\d+$")


@dataclass(frozen=True, slots=True)
class UnitFacts:
    """The node-level facts of one unit."""

    name: str
    type: str
    module: str
    category: str
    config: dict[str, Any]
    params: int
    dtype: str | None


def _weights_of(op: OpNode, plan: Plan) -> frozenset[int]:
    return frozenset(k for k, name in enumerate(op.inputs) if name in plan.weights)


def _rank(op: OpNode, infos: dict[str, TensorInfo]) -> int | None:
    info = infos.get(op.inputs[0]) if op.inputs and op.inputs[0] else None
    return info.rank if info is not None else None


def _main(unit: Unit, file: OnnxFile, plan: Plan, infos: dict[str, TensorInfo]) -> OpNode:
    """The unit's most telling operator (a Conv over its bias Add), first on ties."""
    if len(unit.members) == 1:
        return file.nodes[unit.members[0]]
    best = None
    for i in unit.members:
        op = file.nodes[i]
        _, category = describe(op, _rank(op, infos), _weights_of(op, plan))
        key = (priority(category), i)
        if best is None or key < best[0]:
            best = (key, op)
    assert best is not None
    return best[1]


def _count(dims: tuple[Any, ...] | None) -> int:
    if dims is None:
        return 0
    total = 1
    for d in dims:
        if not isinstance(d, int):
            return 0
        total *= d
    return total


def _params(unit: Unit, file: OnnxFile, plan: Plan) -> int:
    """Elements of the weights the unit's operators read, each counted once."""
    seen: set[str] = set()
    total = 0
    for i in (*unit.members, *unit.folded):
        for name in file.nodes[i].inputs:
            tensor = file.initializers.get(name)
            if tensor is not None and name not in seen and name in plan.weights:
                seen.add(name)
                total += _count(tuple(int(d) for d in tensor.dims))
    return total


def _op_label(op: OpNode) -> str:
    """An operator's own name in its scope (``MatMul_3`` of ``/encoder/.../MatMul_3``)."""
    tail = op.name.rsplit("/", 1)[-1] if op.name else ""
    return tail or op.op_type


def unit_facts(unit: Unit, file: OnnxFile, plan: Plan, infos: dict[str, TensorInfo]) -> UnitFacts:
    """The facts of ``unit`` (see the module docstring)."""
    main = _main(unit, file, plan, infos)
    weights = _weights_of(main, plan)
    type_name, category = describe(main, _rank(main, infos), weights)
    op_type = type_name
    module = "onnx"
    place = unit.place
    if unit.kind == "leaf":
        name = unit.leaf.rsplit(".", 1)[-1]
        cls = place.classes[-1] if place.classes else ""
        if cls:
            short, owner = short_class(cls)
            found = category_of(short, owner)
            # The exporter may attribute a fused operator to the later module (a Conv
            # with its BatchNorm folded in sits in the BatchNorm's scope): the class
            # names the unit unless its operator tells more.
            if found == "other" or priority(found) <= priority(category):
                type_name, module = short, owner
                category = found if found != "other" else category
    elif unit.kind == "call":
        name = place.call
        if len(unit.members) > 1 and place.target.startswith("aten."):
            called = op_name(place.target.split(".")[1])
            canon = canonical_type(called)
            type_name = canon if canon in KNOWN_TYPES else called
            found = category_of(type_name)
            found = found if found != "other" else op_category(called)
            category = found if found != "other" else category
    else:
        name = _op_label(main)
    weight_dims = {
        k: tuple(d for d in (infos[n].dims or ()) if isinstance(d, int))
        for k, n in enumerate(main.inputs)
        if k in weights and n in infos
    }
    config = op_config(main, op_type, weight_dims)
    out = next((o for o in main.outputs if o), "")
    info = infos.get(out)
    return UnitFacts(
        name=name or main.op_type,
        type=type_name,
        module=module,
        category=category,
        config=config,
        params=_params(unit, file, plan),
        dtype=info.dtype if info is not None else None,
    )


def scope_type(path: str, parent: str, cls: str) -> tuple[str, str]:
    """``(type, module)`` of a module scope: its class when known, else its attribute name
    without a list index (``encoder.layer.3`` -> ``layer``), so that repeats share a type;
    an entry of a container (``layer1.0``) is named after the container (``layer1``)."""
    if cls:
        return short_class(cls)
    tail = path[len(parent) + 1 :] if parent and path.startswith(parent + ".") else path
    head, _, last = tail.rpartition(".")
    if last.isdigit():
        tail = head or (parent.rsplit(".", 1)[-1] if parent else "") or last
    return _INDEX.sub("", tail) or tail, "onnx"
