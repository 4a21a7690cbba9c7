"""Repeat counts in a diff: ``BertLayer x4 -> x6`` is one changed group, not two added blocks.

After one hierarchy level of two graphs is aligned (diff_match.py), what is left unmatched on
one side may be *more of the same*: extra repeats of a block that both versions have. A run of
unmatched nodes (a gap) is read as extra repeats when

1. it is periodic: ``k`` copies of a unit of ``p`` nodes (``p`` found from the gap's smallest
   period, Knuth-Morris-Pratt, so in linear time), each copy wired like the one before it;
2. the unit right before or right after the gap is matched and is one more copy of it;
3. both sides repeat the block (at least twice each: ``x1 -> x2`` is an added block, as
   the diagram draws no group for a block that occurs once).

The run is then followed both ways on each side, as far as the copies go, and the two counts
are the change (``x5 -> x22`` for ResNet-50 -> ResNet-101's fourth stage, whose blocks are not
hierarchy nodes; ``x4 -> x6`` for a BERT encoder's ``BertLayer`` composites).

"Wired like the one before" allows what repeated blocks do: read the previous copy (a chain),
earlier copies (NASNet cells) or the same outside tensor (a mask) every time.

Where a gap sits in a repeated stretch is the alignment's choice: ``A B A B A B`` against
``A B A B`` can leave ``B A`` unmatched as well as ``A B``. Like ``diff`` normalising its
sliders, a gap that is a pure insertion (or deletion) is slid along the stretch, within one
period each way, to where it reads as whole copies; the phase with the most copies wins (a
copy cut by the gap's edge is lost at the run's end) and the matching follows the slide.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from ..ir.categories import canonical_type
from .side import HIERARCHY_KINDS, Side

__all__ = ["Level", "RepeatChange", "RunMatch", "find_run", "label_of", "level_repeats"]


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
        self._content: list[str | None] = [None] * len(self.ids)
        self._copies: dict[tuple[int, int], bool] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def preds(self, i: int) -> list[int]:
        found = self._preds.get(i)
        if found is None:
            found = [self.pos[p] for p in self.side.preds.get(self.ids[i], ()) if p in self.pos]
            self._preds[i] = found
        return found

    def content(self, i: int) -> str:
        found = self._content[i]
        if found is None:
            found = self._content[i] = self.side.content(self.ids[i])
        return found

    def detail(self, i: int) -> Hashable:
        """The node's type and output shapes: the alignment's strictest token."""
        return self.side.detail_token(self.ids[i])

    def token(self, i: int) -> Hashable:
        """The node's type, as the alignment compares it: what a slide must keep equal."""
        return self.side.coarse_token(self.ids[i])

    def repeats(self, a: int, b: int) -> bool:
        """Whether the unit at ``b`` is one more copy of the unit at ``a`` (``a < b``, units of
        ``b - a`` nodes): same contents position by position, and each predecessor either
        inside the unit at the same offset, or the previous copy's counterpart (shifted by
        one period), or the very same node (a side input such as a mask)."""
        p = b - a
        if a < 0 or b + p > len(self.ids):
            return False
        known = self._copies.get((a, b))
        if known is None:
            known = self._copies[(a, b)] = self._repeats(a, b, p)
        return known

    def _repeats(self, a: int, b: int, p: int) -> bool:
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


Partner = Callable[[int], "int | None"]


def find_run(this: Level, gap: tuple[int, int], partner: Partner, other: Level) -> RunMatch | None:
    """The run a gap of unmatched nodes of ``this`` extends, with its counterpart in ``other``
    (``partner``: position in ``this`` -> matched position in ``other``, or None), or None."""
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
            if start < 0 or start + p > len(this):
                continue
            theirs = [partner(i) for i in range(start, start + p)]
            if None in theirs:
                continue
            a, b = (start, s) if start < s else (e - p, e)
            if not this.repeats(a, b):
                continue
            first = min(t for t in theirs if t is not None)
            if sorted(t for t in theirs if t is not None) != list(range(first, first + p)):
                continue  # the counterpart is not one block on the other side
            mine = this.run(start, p)
            others = other.run(first, p)
            # a block that was not repeated on one side is added or removed, not a count
            if min(mine[1] - mine[0], others[1] - others[0]) >= 2 * p and (
                mine[1] - mine[0] != others[1] - others[0]
            ):
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


# -- one level, both sides -------------------------------------------------------------------
def level_repeats(
    lo: Level, ln: Level, pairs: list[tuple[int, int]]
) -> tuple[list[RepeatChange], list[tuple[int, int]]]:
    """The repeat changes of one aligned level, and its pairs after any slide."""
    if len(pairs) == len(lo) == len(ln):
        return [], pairs
    maps = {True: {j: i for i, j in pairs}, False: dict(pairs)}  # by "this is the new side"
    covered: dict[bool, set[int]] = {True: set(), False: set()}
    out: list[RepeatChange] = []
    for this, other, is_new in ((ln, lo, True), (lo, ln, False)):
        for gap in _unmatched_runs(len(this), maps[is_new]):
            if gap[0] in covered[is_new]:
                continue
            found = _best_phase(this, gap, maps[is_new], other)
            if found is None:
                continue
            shift, run = found
            _slide(gap, shift, maps[is_new], maps[not is_new])
            covered[is_new].update(range(*run.this))
            covered[not is_new].update(range(*run.other))
            new_run, old_run = (run.this, run.other) if is_new else (run.other, run.this)
            out.append(
                _repeat_change(lo, ln, old_run, new_run, run.period, maps[False], maps[True])
            )
    return out, sorted(maps[False].items())


def _unmatched_runs(length: int, matched: dict[int, int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start = None
    for i in range(length + 1):
        if i < length and i not in matched:
            if start is None:
                start = i
        elif start is not None:
            runs.append((start, i))
            start = None
    return runs


def _best_phase(
    this: Level, gap: tuple[int, int], matched: dict[int, int], other: Level
) -> tuple[int, RunMatch] | None:
    """The slide of ``gap`` (within one period each way) that reads as the most copies."""
    s, e = gap
    right = left = 0
    before, after = matched.get(s - 1, -1), matched.get(e, len(other))
    if after - before == 1:  # a pure insertion: nothing unmatched facing it
        period = smallest_period([this.content(i) for i in range(s, e)])
        while (
            right < period
            and e + right in matched
            and this.token(s + right) == this.token(e + right)
        ):
            right += 1
        while (
            left < period
            and s - left - 1 in matched
            and this.token(s - left - 1) == this.token(e - left - 1)
        ):
            left += 1
    best: tuple[int, RunMatch] | None = None
    best_key: tuple[int, int] = (0, 0)
    for shift in sorted(range(-left, right + 1), key=lambda d: (abs(d), d)):
        run = find_run(this, (s + shift, e + shift), _partner(gap, shift, matched), other)
        if run is None:
            continue
        size = (run.this[1] - run.this[0]) + (run.other[1] - run.other[0])
        key = (size, -_crossings(this, run.this[0], run.period))
        if best is None or key > best_key:
            best, best_key = (shift, run), key
    return best


def _crossings(level: Level, start: int, p: int) -> int:
    """Tensors a copy reads from before it: where copies are cut well there is one (the
    previous copy's output, plus side inputs); a phase cutting through a copy has more."""
    return len({q for i in range(start, start + p) for q in level.preds(i) if q < start})


def _partner(gap: tuple[int, int], shift: int, matched: dict[int, int]) -> Partner:
    """``matched`` as it would be with ``gap`` slid by ``shift`` (tokens allow it)."""
    s, e = gap

    def partner(i: int) -> int | None:
        if s + shift <= i < e + shift:
            return None
        if s <= i < s + shift:  # slid right: these take over the partners of e...
            return matched[e + i - s]
        if e + shift <= i < e:  # slid left: these take over the partners of ...s
            return matched[s + i - e]
        return matched.get(i)

    return partner


def _slide(gap: tuple[int, int], shift: int, this: dict[int, int], back: dict[int, int]) -> None:
    """Apply a slide to both maps (this side -> other side, and back)."""
    s, e = gap
    moves = (
        [(e + t, s + t) for t in range(shift)]
        if shift > 0
        else [(s + t, e + t) for t in range(shift, 0)]
    )
    for frm, to in moves:
        other = this.pop(frm)
        this[to] = other
        back[other] = to


def _repeat_change(
    lo: Level,
    ln: Level,
    old_run: tuple[int, int],
    new_run: tuple[int, int],
    p: int,
    old_to_new: dict[int, int],
    new_to_old: dict[int, int],
) -> RepeatChange:
    old_units = [lo.ids[k : k + p] for k in range(old_run[0], old_run[1], p)]
    new_units = [ln.ids[k : k + p] for k in range(new_run[0], new_run[1], p)]
    extra = [x for j in range(*new_run) if j not in new_to_old for x in ln.side.subtree(ln.ids[j])]
    dropped = [
        x for i in range(*old_run) if i not in old_to_new for x in lo.side.subtree(lo.ids[i])
    ]
    return RepeatChange(
        label=label_of(ln.side, new_units),
        old_parent=lo.parent,
        new_parent=ln.parent,
        old_count=len(old_units),
        new_count=len(new_units),
        old_units=tuple(tuple(u) for u in old_units),
        new_units=tuple(tuple(u) for u in new_units),
        extra=tuple(extra),
        dropped=tuple(dropped),
    )
