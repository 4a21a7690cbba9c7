"""Sequence alignment for the architecture diff (diff/align.py): valid, maximal, near-linear.

Checked against a plain dynamic-programming longest common subsequence on many small random
sequences, and on the long, low-variety sequences where ``difflib`` would take O(n * m).
"""

from __future__ import annotations

import random
from itertools import pairwise

import pytest

from sphinx_netviz.core.compare.align import _myers, align, increasing_pairs
from sphinx_netviz.core.compare.repeats import smallest_period


def lcs_length(a: list[str], b: list[str]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        prev = 0
        for j, y in enumerate(b):
            prev, row[j + 1] = row[j + 1], prev + 1 if x == y else max(row[j + 1], row[j])
    return row[-1]


def check_pairs(a: list[str], b: list[str], pairs: list[tuple[int, int]]) -> None:
    assert all(a[i] == b[j] for i, j in pairs)
    assert all(p[0] < q[0] and p[1] < q[1] for p, q in pairwise(pairs))


@pytest.mark.parametrize("seed", range(4))
def test_short_gaps_align_exactly(seed):
    r = random.Random(seed)
    for _ in range(300):
        a = [r.choice("abc") for _ in range(r.randint(0, 14))]
        b = [r.choice("abcd") for _ in range(r.randint(0, 14))]
        pairs = align(a, b)
        check_pairs(a, b, pairs)
        assert len(pairs) == lcs_length(a, b)


def test_long_different_sequences_align_validly():
    r = random.Random(11)
    for _ in range(20):
        a = [r.choice("abcdefghij") for _ in range(r.randint(50, 300))]
        b = [r.choice("abcdefghijk") for _ in range(r.randint(50, 300))]
        pairs = align(a, b)
        check_pairs(a, b, pairs)
        # patience anchors may give up a little against the optimum, never much
        assert 3 * len(pairs) >= 2 * lcs_length(a, b)


def test_myers_finds_a_longest_common_subsequence():
    r = random.Random(7)
    for _ in range(500):
        a = [r.choice("abc") for _ in range(r.randint(0, 14))]
        b = [r.choice("abcd") for _ in range(r.randint(0, 14))]
        pairs = _myers(a, b, 1000)
        assert pairs is not None
        check_pairs(a, b, pairs)
        assert len(pairs) == lcs_length(a, b)


def test_none_never_pairs():
    assert align([None, "a", None], [None, "a", None]) == [(1, 1)]


def test_long_low_variety_sequences_align_exactly():
    a = ["Dense", "ReLU"] * 5_000
    b = list(a)
    del b[4_000:4_010]  # five Dense-ReLU pairs gone
    b[7_000:7_000] = ["Dropout"]
    pairs = align(a, b)
    check_pairs(a, b, pairs)
    assert len(pairs) == len(b) - 1


def test_increasing_pairs_is_a_longest_chain():
    pairs = [(0, 5), (1, 1), (2, 2), (3, 9), (4, 3), (5, 4), (6, 0)]
    assert increasing_pairs(pairs) == [(1, 1), (2, 2), (4, 3), (5, 4)]
    assert increasing_pairs([]) == []


def test_smallest_period():
    assert smallest_period(list("abcabcabc")) == 3
    assert smallest_period(list("abcab")) == 3
    assert smallest_period(list("aaaa")) == 1
    assert smallest_period(list("abcd")) == 4
