"""A readable table of a Graph, like ``model.summary()``, for ``netviz inspect``.

Columns: the call (id), its type, output shape, parameter count and the calls it receives
tensors from ("connected to"), followed by totals. Nested models' internals are indented
under their model node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .graph import Graph, Node, Shape

__all__ = ["format_shape", "summary_table"]


def format_shape(shapes: tuple[Shape, ...]) -> str:
    """``(None, 28, 28, 1)`` style, batch axis shown as None like Keras does."""
    if not shapes:
        return "?"
    parts = [
        "(" + ", ".join(["None", *("None" if d is None else str(d) for d in s)]) + ")"
        for s in shapes
    ]
    return parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"


def _label(node: Node) -> str:
    if node.kind == "op":
        return f"{node.type} (op)"
    if node.inner:
        return f"{node.type}({node.inner})"
    return node.type


def _depth(node: Node, by_id: dict[str, Node]) -> int:
    depth = 0
    parent = node.parent
    while parent is not None and parent in by_id:
        depth += 1
        parent = by_id[parent].parent
    return depth


def summary_table(graph: Graph) -> str:
    """The whole table as text (no trailing newline)."""
    by_id = {n.id: n for n in graph.nodes}
    incoming: dict[str, list[str]] = {}
    for edge in graph.edges:
        incoming.setdefault(edge.target, []).append(edge.source)
    rows = [("Layer (call)", "Type", "Output shape", "Params", "Connected to")]
    for node in graph.nodes:
        indent = "  " * _depth(node, by_id)
        shared = " [shared]" if node.shared else ""
        rows.append(
            (
                f"{indent}{node.id}{shared}",
                _label(node),
                format_shape(node.output_shapes),
                f"{node.params:,}",
                ", ".join(incoming.get(node.id, [])) or "-",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    widths[4] = min(widths[4], 60)

    def line(row: tuple[str, str, str, str, str]) -> str:
        cells = [
            row[0].ljust(widths[0]),
            row[1].ljust(widths[1]),
            row[2].ljust(widths[2]),
            row[3].rjust(widths[3]),
            row[4],
        ]
        return "  ".join(cells).rstrip()

    top = [n for n in graph.nodes if n.parent is None]
    # A shared layer owns its weights once, however often it is called (as Keras counts).
    owners = [n for n in top if n.call_index == 0]
    total = sum(n.params for n in owners)
    trainable = sum(n.trainable_params for n in owners)
    rule = "-" * min(sum(widths) + 8, 140)
    out = [f'Model: "{graph.name}"', rule, line(rows[0]), rule]
    out += [line(r) for r in rows[1:]]
    out += [
        rule,
        f"Calls: {len(top)} top-level ({len(graph.nodes)} with nested internals), "
        f"edges: {len(graph.top_level().edges)}",
        f"Total params: {total:,}",
        f"Trainable params: {trainable:,}",
        f"Non-trainable params: {total - trainable:,}",
        f"Inputs: {', '.join(graph.inputs) or '-'}   Outputs: {', '.join(graph.outputs) or '-'}",
    ]
    for note in graph.meta.get("notes", []) or []:
        out.append(f"Note: {note}")
    return "\n".join(out)
