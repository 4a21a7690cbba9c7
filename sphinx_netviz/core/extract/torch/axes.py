"""Named axes for the PyTorch route: ``dynamic_shapes`` beside the example inputs.

A factory may return ``(module, example_inputs, dynamic_shapes)``: the three arguments of
``torch.export.export``, with PyTorch's own way of naming an axis, ``Dim("tokens")`` (a
plain string is accepted too). The module runs once on concrete sizes, so that trace alone
cannot tell a sequence length from a hidden size that happens to be equal to it. Each named
axis is therefore traced once more at another size (on the meta device this computes
nothing); every dimension that changed with it *is* that axis. It becomes symbolic in the IR
(``None``, as Keras records an unknown length), and the graph's ``dim_names`` says what the
diagram calls it: ``tokens x 768`` where it would write ``seq x 768``.

``torch.export`` itself keeps no names (an exported program says ``s27``), and Keras inputs
have none; for those, the ``dim-names`` option renames axes by hand. Anything this cannot
attribute (a second trace that fails or takes another path, two names for axes the diagram
names alike) leaves the sizes concrete and says so in ``graph.meta["notes"]``: never an
error.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...ir import dims

if TYPE_CHECKING:
    from ...ir.graph import Graph, Node, Shape

__all__ = ["name_axes"]

#: Where a named axis lives: the argument (position or keyword name) and the axis number
#: (batch axis included, as ``torch.export`` counts).
Axis = tuple[int | str, int]

Trace = Callable[[tuple[Any, ...], dict[str, Any]], "Graph"]


def _name(dim: object) -> str | None:
    """The axis name of a ``Dim`` (a class named after its axis) or a string; names the
    ``dim-names`` option would refuse (``<b>``, 40 characters) are not used."""
    name = dim if isinstance(dim, str) else getattr(dim, "__name__", None)
    return name if isinstance(name, str) and dims.AXIS_NAME.fullmatch(name) else None


def _axes_of(spec: object) -> list[tuple[int, str]]:
    """``{1: Dim("tokens")}`` or ``[None, Dim("tokens")]`` -> ``[(1, "tokens")]``."""
    if isinstance(spec, dict):
        items = list(spec.items())
    elif isinstance(spec, list | tuple):
        items = list(enumerate(spec))
    else:
        return []
    out = []
    for axis, dim in items:
        name = _name(dim)
        if isinstance(axis, int) and axis > 0 and name is not None:  # the batch axis is never drawn
            out.append((axis, name))
    return out


def named_axes(
    dynamic_shapes: object,
    forward: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> dict[str, list[Axis]]:
    """Every axis name and where it occurs, from ``dynamic_shapes`` in ``torch.export``'s
    forms: a dict keyed by ``forward``'s parameter names, or a tuple aligned with the
    positional arguments."""
    found: dict[str, list[Axis]] = {}
    if isinstance(dynamic_shapes, dict):
        try:
            bound = inspect.signature(forward).bind_partial(*args, **kwargs).arguments
        except (TypeError, ValueError):
            bound = {}
        positions = {name: i for i, name in enumerate(bound)}
        for key, spec in dynamic_shapes.items():
            where: int | str = str(key) if key in kwargs else positions.get(key, str(key))
            for axis, name in _axes_of(spec):
                found.setdefault(name, []).append((where, axis))
    elif isinstance(dynamic_shapes, list | tuple):
        for i, spec in enumerate(dynamic_shapes):
            for axis, name in _axes_of(spec):
                found.setdefault(name, []).append((i, axis))
    return found


def _resized(
    args: tuple[Any, ...], kwargs: dict[str, Any], axes: list[Axis], delta: int
) -> tuple[tuple[Any, ...], dict[str, Any]] | None:
    """The inputs with every listed axis ``delta`` longer (zeros: only shapes matter)."""
    import torch

    new_args, new_kwargs = list(args), dict(kwargs)
    for where, axis in axes:
        tensor = new_kwargs.get(where) if isinstance(where, str) else None
        if isinstance(where, int) and where < len(new_args):
            tensor = new_args[where]
        if not isinstance(tensor, torch.Tensor) or axis >= tensor.dim():
            return None
        shape = list(tensor.shape)
        shape[axis] += delta
        if shape[axis] < 1:
            return None
        resized = torch.zeros(shape, dtype=tensor.dtype, device=tensor.device)
        if isinstance(where, str):
            new_kwargs[where] = resized
        else:
            new_args[where] = resized
    return tuple(new_args), new_kwargs


def _changed(a: Shape, b: Shape) -> set[int]:
    return {k for k, (x, y) in enumerate(zip(a, b, strict=True)) if x != y}


def _symbolic(base: Graph, other: Graph) -> dict[tuple[str, str, int], set[int]] | None:
    """The dimensions (node, "in"/"out" + index, axis) that differ between two traces of the
    same network; None when the traces are not the same network."""
    if [n.id for n in base.nodes] != [n.id for n in other.nodes]:
        return None
    out: dict[tuple[str, str, int], set[int]] = {}
    for a, b in zip(base.nodes, other.nodes, strict=True):
        sides = (("in", a.input_shapes, b.input_shapes), ("out", a.output_shapes, b.output_shapes))
        for side, xs, ys in sides:
            if len(xs) != len(ys) or any(len(x) != len(y) for x, y in zip(xs, ys, strict=True)):
                return None
            for k, (x, y) in enumerate(zip(xs, ys, strict=True)):
                axes = _changed(x, y)
                if axes:
                    out[(a.id, side, k)] = axes
    return out


def _unknown(shape: Shape, axes: set[int]) -> Shape:
    return tuple(None if k in axes else d for k, d in enumerate(shape))


def name_axes(
    graph: Graph,
    dynamic_shapes: object,
    forward: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    trace: Trace,
) -> Graph:
    """``graph`` with the named axes made symbolic and named (see the module docstring)."""
    notes: list[str] = []
    marks: dict[tuple[str, str, int], set[int]] = {}
    by_name: dict[str, dict[tuple[str, str, int], set[int]]] = {}
    for name, axes in named_axes(dynamic_shapes, forward, args, kwargs).items():
        diff = None
        for delta in (1, -1, 2):
            inputs = _resized(args, kwargs, axes, delta)
            if inputs is None:
                continue
            try:
                diff = _symbolic(graph, trace(*inputs))
            except Exception:  # any failure: this size does not work, try another
                diff = None
            if diff:
                break
        if not diff:
            notes.append(f"axis {name!r}: a trace at another size failed or differed; sizes kept")
            continue
        by_name[name] = diff
        for key, changed in diff.items():
            marks.setdefault(key, set()).update(changed)
    if not marks:
        if notes:
            graph.meta.setdefault("notes", []).extend(notes)
        return graph
    nodes = tuple(_mark(n, marks) for n in graph.nodes)
    node_by_id = {n.id: n for n in nodes}
    edges = tuple(
        dataclasses.replace(e, shape=_edge_shape(node_by_id[e.source], e.source_index))
        if e.shape is not None and e.source in node_by_id
        else e
        for e in graph.edges
    )
    pairs, more = _names(node_by_id, by_name)
    notes.extend(more)
    marked = dataclasses.replace(graph, nodes=nodes, edges=edges, dim_names=pairs)
    if notes:
        marked.meta.setdefault("notes", []).extend(notes)
    return marked


def _mark(n: Node, marks: dict[tuple[str, str, int], set[int]]) -> Node:
    ins = tuple(
        _unknown(s, marks.get((n.id, "in", k), set())) for k, s in enumerate(n.input_shapes)
    )
    outs = tuple(
        _unknown(s, marks.get((n.id, "out", k), set())) for k, s in enumerate(n.output_shapes)
    )
    if ins == n.input_shapes and outs == n.output_shapes:
        return n
    return dataclasses.replace(n, input_shapes=ins, output_shapes=outs)


def _edge_shape(source: Node, index: int) -> Shape | None:
    return source.output_shapes[index] if index < len(source.output_shapes) else None


def _names(
    nodes: dict[str, Node], by_name: dict[str, dict[tuple[str, str, int], set[int]]]
) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """``(default name, axis name)`` pairs: what the diagram would call each named axis
    (``seq``, ``h``) and what the factory called it. A name whose axes the diagram would call
    differently, or a default claimed by two names, stays unnamed."""
    defaults: dict[str, set[str]] = {}
    for name, diff in by_name.items():
        for (node_id, side, k), axes in diff.items():
            node = nodes[node_id]
            shape = (node.input_shapes if side == "in" else node.output_shapes)[k]
            for axis in axes:
                defaults.setdefault(name, set()).add(dims.axis_name(shape, axis))
    claimed: dict[str, list[str]] = {}
    for name, ds in defaults.items():
        if len(ds) == 1:
            claimed.setdefault(next(iter(ds)), []).append(name)
    pairs = sorted((d, names[0]) for d, names in claimed.items() if len(names) == 1)
    named = {n for _d, n in pairs}
    notes = [
        f"axis {name!r} is drawn as {'/'.join(sorted(defaults[name]))}: it could not be told "
        "apart from another axis; rename it with dim-names"
        for name in sorted(defaults)
        if name not in named
    ]
    return tuple(pairs), notes
