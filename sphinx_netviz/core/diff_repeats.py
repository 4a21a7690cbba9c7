"""Repeat counts in a diff: ``BertLayer x4 -> x6`` is one changed group, not two added blocks.

After one hierarchy level of two graphs is aligned (diff_match.py), what is left unmatched on
one side may be *more of the same*: extra repeats of a block that both versions have. A run of
unmatched nodes (a gap) is read as extra repeats when

1. it is periodic: ``k`` copies of a unit of ``p`` nodes (``p`` found from the gap's smallest
   period, Knuth-Morris-Pratt, so in linear time), each copy wired like the one before it;
2. the unit right before or right after the gap is matched and is one more copy of it.

The run is then followed both ways on each side, as far as the copies go, and the two counts
are the change (``x5 -> x22`` for ResNet-50 -> ResNet-101's fourth stage, whose blocks are not
hierarchy nodes; ``x4 -> x6`` for a BERT encoder's ``BertLayer`` composites).

"Wired like the one before" allows what repeated blocks do: read the previous copy (a chain),
earlier copies (NASNet cells) or the same outside tensor (a mask) every time.
"""

from __future__ import annotations

from dataclasses import dataclass

from .categories import canonical_type
from .diff_side import HIERARCHY_KINDS, Side

__all__ = ["Level", "RepeatChange", "RunMatch", "find_run", "label_of", "smallest_period"]


@dataclass(frozen=True)
class RepeatChange:
    """One repeated block whose repeat count changed.

    Attributes:
        label: What the block is: its class for a composite (``BertLayer``), else the common
            prefix of its layers' names (``conv4_block``), else its layer types.
        old_parent, new_parent: The hierarchy node holding the run (``None``: top level).
        old_count, new_count: Repeats on each side.
        old_units, new_units: Each repeat's nodes at that level (internals not listed), in
            order; the nodes of units that have a counterpart are matched pairwise.
        extra: New ids (internals included) of the repeats gained: neither added nor matched.
        dropped: Old ids (internals included) of the repeats lost: neither removed nor matched.
    """

    label: str
    old_parent: str | None
    new_parent: str | None
    old_count: int
    new_count: int
    old_units: tuple[tuple[str, ...], ...]
    new_units: tuple[tuple[str, ...], ...]
    extra: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()

    def line(self) -> str:
        """The ``--stat`` line: ``BertLayer: x4 -> x6``."""
        return f"{self.label}: x{self.old_count} -> x{self.new_count}"


class Level:
    """The children of one parent, in IR order, with predecessors by position."""

    def __init__(self, side: Side, parent: str | None) -> None:
        self.side = side
        self.parent = parent
        self.ids: list[str] = side.children.get(parent, [])
        self.pos: dict[str, int] = {node_id: i for i, node_id in enumerate(self.ids)}
        self._preds: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def preds(self, i: int) -> list[int]:
        found = self._preds.get(i)
        if found is None:
            found = [self.pos[p] for p in self.side.preds.get(self.ids[i], ()) if p in self.pos]
            self._preds[i] = found
        return found

    def content(self, i: int) -> str:
        return self.side.content(self.ids[i])

    def repeats(self, a: int, b: int) -> bool:
        """Whether the unit at ``b`` is one more copy of the unit at ``a`` (``a < b``, units of
        ``b - a`` nodes): same contents position by position, and each predecessor either
        inside the unit at the same offset, or the previous copy's counterpart (shifted by
        one period), or the very same node (a side input such as a mask)."""
        p = b - a
        if a < 0 or b + p > len(self.ids):
            return False
        for t in range(p):
            i, j = a + t, b + t
            if self.content(i) != self.content(j):
                return False
            available = list(self.preds(i))
            for q in self.preds(j):
                if q - p in available:
                    available.remove(q - p)
                elif q < a and q in available:
                    available.remove(q)
                else:
                    return False
            if available:
                return False
        return True

    def run(self, start: int, p: int) -> tuple[int, int]:
        """The extent ``[lo, hi)`` of the run of copies of the unit at ``start``."""
        lo, hi = start, start + p
        while lo - p >= 0 and self.repeats(lo - p, lo):
            lo -= p
        while hi + p <= len(self.ids) and self.repeats(hi - p, hi):
            hi += p
        return lo, hi


def smallest_period(tokens: list[str]) -> int:
    """The smallest ``p`` with ``tokens[i] == tokens[i + p]`` throughout (KMP failure
    function, linear time)."""
    n = len(tokens)
    fail = [0] * n
    k = 0
    for i in range(1, n):
        while k and tokens[i] != tokens[k]:
            k = fail[k - 1]
        if tokens[i] == tokens[k]:
            k += 1
        fail[i] = k
    return n - fail[-1] if n else 0


@dataclass(frozen=True)
class RunMatch:
    """A gap read as extra copies: the period and each side's run ``[lo, hi)``."""

    period: int
    this: tuple[int, int]
    other: tuple[int, int]


def find_run(
    this: Level, gap: tuple[int, int], matched: dict[int, int], other: Level
) -> RunMatch | None:
    """The run a gap of unmatched nodes of ``this`` extends, with its counterpart in ``other``
    (``matched``: position in ``this`` -> position in ``other``), or None."""
    s, e = gap
    length = e - s
    tokens = [this.content(i) for i in range(s, e)]
    period = smallest_period(tokens)
    if length % period:
        candidates = [length]
    else:
        candidates = [p for p in range(period, length + 1, period) if length % p == 0]
    for p in candidates:
        if not all(this.repeats(u - p, u) for u in range(s + p, e, p)):
            continue
        for start in (s - p, e):  # the neighbouring copy, before or after the gap
            unit = range(start, start + p)
            if start < 0 or start + p > len(this) or not all(i in matched for i in unit):
                continue
            a, b = (start, s) if start < s else (e - p, e)
            if not this.repeats(a, b):
                continue
            theirs = sorted(matched[i] for i in unit)
            if theirs != list(range(theirs[0], theirs[0] + p)):
                continue  # the counterpart is not one block on the other side
            mine = this.run(start, p)
            others = other.run(theirs[0], p)
            if (mine[1] - mine[0]) != (others[1] - others[0]):
                return RunMatch(p, mine, others)
    return None


def label_of(side: Side, units: list[list[str]]) -> str:
    """A name for a repeated block: its class when the unit is one composite or layer; else
    the common prefix of all its layers' names, if it says something; else its types."""
    first = [side.by_id[i] for i in units[0]]
    if len(first) == 1:
        node = first[0]
        return node.type if node.kind in HIERARCHY_KINDS else canonical_type(node.type)
    names = [side.by_id[i].name for unit in units for i in unit]
    prefix = _common_prefix(names).rstrip("_./-: ")
    if len(prefix) >= 2 and not prefix.isdigit():
        return prefix
    types = [canonical_type(n.type) for n in first if n.kind != "input"]
    return "-".join(types) if len(types) <= 4 else "Block"


def _common_prefix(names: list[str]) -> str:
    first, last = min(names), max(names)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]
