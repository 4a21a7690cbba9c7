"""What grouping (tree.py) produces: the grouped tree and its group kinds.

A module of its own because the repeat finder (repeats.py), the naming (names.py),
layout and legend all read these types, and tree.py imports the first two.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..view.structure import Item, Series
    from ..view.vgraph import VGraph

__all__ = ["Fold", "GroupDef", "Grouping"]


@dataclass
class GroupDef:
    """One kind of group: its label, colour key, and a representative body for the legend."""

    gid: int
    label: str
    key: str
    body: list[Item]
    manual: bool = False
    instances: int = 0
    #: For a folded run with side inputs (fold.py): one repeat's drawable graph, drawn in the
    #: legend instead of ``body`` (whose nodes are not in the main view).
    sub: VGraph | None = None


@dataclass
class Grouping:
    """The grouped tree and the group kinds in order of first appearance."""

    tree: Series
    defs: dict[int, GroupDef] = field(default_factory=dict)


@dataclass
class Fold:
    """One folded run: its repeats' node ids (main path order) and the first repeat's view."""

    node: str
    key: str
    label: str
    count: int
    repeats: list[list[str]]
    body: VGraph | None = None
    side_inputs: list[str] = field(default_factory=list)
    #: How the first repeat differs inside from the others ("" when it does not): a stack's
    #: head absorbed although it differs (fold_heads.py), for the glyph's tooltip.
    differs: str = ""
    #: The names of the first repeat's members when it is an absorbed head (``body`` is the
    #: view of the repeat after it), for the tooltip's member list.
    first_names: tuple[str, ...] = ()
