"""Sequence alignment for the architecture diff: which items of two sequences correspond.

The diff (diff_match.py) aligns the nodes of one hierarchy level of two graphs, in their
topological (call) order, like ``diff`` aligns lines. ``difflib.SequenceMatcher`` is not used:
on long sequences of few distinct tokens (a chain of 10,000 ``Dense`` layers) it costs
O(n * m). Here alignment is near-linear for the cases a diff sees in practice:

1. the common prefix and suffix are paired first (a chain that differs in one layer is done);
2. what is left is aligned exactly by Myers' O((n + m) D) algorithm (D: the number of
   insertions and deletions) when D is small (``FEW_EDITS``);
3. else tokens that occur exactly once on each side are anchors, kept when they agree in
   order (the longest increasing subsequence: "patience diff"), and the gaps between anchors
   are aligned the same way;
4. a gap with no unique token left is aligned by Myers with a larger budget, ``max_edits``,
   beyond which it pairs nothing there (the items then read as removed and added: honest, if
   coarse, for very different models).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Sequence

__all__ = ["align", "increasing_pairs"]

#: Beyond this many insertions plus deletions in one gap, Myers' search stops.
MAX_EDITS = 1000
#: A gap this close to its counterpart is aligned exactly (Myers) before unique anchors are
#: tried: an anchor can be a poor choice (a unique layer that moved), an exact alignment not.
FEW_EDITS = 32


def increasing_pairs(pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of ``pairs`` increasing in both coordinates.

    ``pairs`` must be sorted by the first coordinate with no first coordinate repeated;
    O(n log n) by patience sorting. Ties keep the earliest pairs (deterministic).
    """
    tails: list[int] = []  # tails[k]: smallest second coordinate ending a chain of k + 1
    tail_at: list[int] = []  # index into pairs of that chain end
    back: list[int] = [-1] * len(pairs)
    for idx, (_, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_at.append(idx)
        else:
            tails[k] = j
            tail_at[k] = idx
        back[idx] = tail_at[k - 1] if k > 0 else -1
    out: list[tuple[int, int]] = []
    idx = tail_at[-1] if tail_at else -1
    while idx >= 0:
        out.append(pairs[idx])
        idx = back[idx]
    out.reverse()
    return out


def align(
    a: Sequence[Hashable], b: Sequence[Hashable], *, max_edits: int = MAX_EDITS
) -> list[tuple[int, int]]:
    """Index pairs ``(i, j)`` with ``a[i] == b[j]``, increasing in both, near-maximal in number.

    ``None`` tokens never pair (an item that must not be matched at this stage).
    """
    out: list[tuple[int, int]] = []
    stack = [(0, len(a), 0, len(b))]
    while stack:
        a_lo, a_hi, b_lo, b_hi = stack.pop()
        # 1. common prefix and suffix
        while a_lo < a_hi and b_lo < b_hi and a[a_lo] is not None and a[a_lo] == b[b_lo]:
            out.append((a_lo, b_lo))
            a_lo += 1
            b_lo += 1
        while (
            a_lo < a_hi and b_lo < b_hi and a[a_hi - 1] is not None and a[a_hi - 1] == b[b_hi - 1]
        ):
            a_hi -= 1
            b_hi -= 1
            out.append((a_hi, b_hi))
        if a_lo == a_hi or b_lo == b_hi:
            continue
        # 2. few edits: Myers, exact
        exact = _myers(a[a_lo:a_hi], b[b_lo:b_hi], FEW_EDITS)
        if exact is not None:
            out.extend((a_lo + i, b_lo + j) for i, j in exact)
            continue
        # 3. unique tokens as anchors
        anchors = _unique_anchors(a, a_lo, a_hi, b, b_lo, b_hi)
        if anchors:
            out.extend(anchors)
            prev_i, prev_j = a_lo, b_lo
            for i, j in [*anchors, (a_hi, b_hi)]:
                if i > prev_i and j > prev_j:
                    stack.append((prev_i, i, prev_j, j))
                prev_i, prev_j = i + 1, j + 1
            continue
        # 4. Myers on what is left
        pairs = _myers(a[a_lo:a_hi], b[b_lo:b_hi], max_edits) or []
        out.extend((a_lo + i, b_lo + j) for i, j in pairs)
    out.sort()
    return out


def _unique_anchors(
    a: Sequence[Hashable], a_lo: int, a_hi: int, b: Sequence[Hashable], b_lo: int, b_hi: int
) -> list[tuple[int, int]]:
    count_a = Counter(a[a_lo:a_hi])
    count_b = Counter(b[b_lo:b_hi])
    where_b = {b[j]: j for j in range(b_lo, b_hi) if count_b[b[j]] == 1 and count_a.get(b[j]) == 1}
    where_b.pop(None, None)
    pairs = [(i, where_b[a[i]]) for i in range(a_lo, a_hi) if a[i] in where_b]
    return increasing_pairs(pairs)


def _myers(
    a: Sequence[Hashable], b: Sequence[Hashable], max_edits: int
) -> list[tuple[int, int]] | None:
    """Pairs of a shortest edit script between ``a`` and ``b`` (Myers 1986, greedy forward
    search; the frontier of each round is kept for the walk back, O(D^2) memory), or None
    when it needs more than ``max_edits`` insertions and deletions."""
    n, m = len(a), len(b)
    limit = min(n + m, max_edits)
    v: dict[int, int] = {1: 0}
    trace: list[dict[int, int]] = []
    for d in range(limit + 1):
        trace.append(dict(v))
        for k in range(-d, d + 1, 2):
            x = v[k + 1] if _from_above(v, k, d) else v[k - 1] + 1
            y = x - k
            while x < n and y < m and a[x] is not None and a[x] == b[y]:
                x += 1
                y += 1
            v[k] = x
            if x >= n and y >= m:
                return _walk_back(trace, a, b, n, m)
    return None


def _from_above(v: dict[int, int], k: int, d: int) -> bool:
    """Whether diagonal ``k`` of round ``d`` is reached by an insertion (from ``k + 1``)."""
    return k == -d or (k != d and v.get(k - 1, -1) < v.get(k + 1, -1))


def _walk_back(
    trace: list[dict[int, int]], a: Sequence[Hashable], b: Sequence[Hashable], n: int, m: int
) -> list[tuple[int, int]]:
    x, y = n, m
    pairs: list[tuple[int, int]] = []
    for d in range(len(trace) - 1, -1, -1):
        v = trace[d]
        k = x - y
        prev_k = k + 1 if _from_above(v, k, d) else k - 1
        prev_x = v.get(prev_k, 0)
        prev_y = prev_x - prev_k
        while x > prev_x and y > prev_y:
            x -= 1
            y -= 1
            pairs.append((x, y))
        x, y = prev_x, prev_y
    pairs.reverse()
    return [(i, j) for i, j in pairs if 0 <= i < n and 0 <= j < m and a[i] == b[j]]
