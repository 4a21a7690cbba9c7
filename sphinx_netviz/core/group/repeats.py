"""The repeat finder of grouping (tree.py): canonical symbols, Re-Pair, then resolution.

Steps 1-3 of tree.py's docstring: symbols bottom up, Re-Pair over the series of each depth
(deepest first), then rules used once inlined and non-blocks dissolved. Only this module
knows symbols and tokens; it hands back a :class:`Grouping` whose groups are not named yet.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..ir.categories import KNOWN_TYPES as _KNOWN_TYPES
from ..ir.categories import canonical_type, node_category
from ..view.hierarchy import HIERARCHY_KINDS
from ..view.structure import Block, Group, Item, Leaf, Opaque, Series
from .grouping import GroupDef, Grouping

if TYPE_CHECKING:
    from ..options.schema import Options
    from ..view.vgraph import VGraph, VNode

__all__ = ["Grouper"]

# Layer types that anchor a block: a cell starts with one of these, not with its BN or ReLU.
_ANCHOR_TYPES = {
    "Conv1D",
    "Conv2D",
    "Conv3D",
    "SeparableConv1D",
    "SeparableConv2D",
    "DepthwiseConv1D",
    "DepthwiseConv2D",
    "Conv1DTranspose",
    "Conv2DTranspose",
    "Conv3DTranspose",
    "Dense",
    "EinsumDense",
    "LSTM",
    "GRU",
    "SimpleRNN",
    "Bidirectional",
    "MultiHeadAttention",
    "Embedding",
}


#: Categories whose layers anchor a block when their type has no Keras twin (a torch
#: ``BertSelfAttention``, a custom ``MyConv``).
_ANCHOR_CATEGORIES = frozenset({"conv", "dense", "recurrent", "attention", "embedding"})


def _is_anchor(n: VNode) -> bool:
    """A layer a block starts with: by its Keras twin's type where it has one (``Conv2d`` is
    ``Conv2D``), else by its category (a torch ``BertSelfAttention``, a custom ``MyConv``);
    raw operations (``matmul``) never anchor."""
    twin = canonical_type(n.type)
    if twin in _ANCHOR_TYPES:
        return True
    if twin in _KNOWN_TYPES or n.node is None or n.node.kind == "op":
        return False
    return node_category(n.node) in _ANCHOR_CATEGORIES


@dataclass
class _Sym:
    key: tuple[object, ...]
    startable: bool
    endable: bool
    size: int
    anchor: int
    kind: str  # "leaf" | "block" | "opaque" | "pair" | "run"
    parts: tuple[int, ...] = ()  # pair: (a, b); run: (base, n)


@dataclass(eq=False)
class _Tok:
    sym: int
    item: Item | None = None
    kids: list[_Tok] | None = None


class Grouper:
    """Finds the repeated blocks of one view's series-parallel tree and folds them."""

    def __init__(self, vg: VGraph, options: Options) -> None:
        self.vg = vg
        self.options = options
        self.syms: list[_Sym] = []
        self.index: dict[tuple[object, ...], int] = {}
        self.rules: list[tuple[int, int, int]] = []

    # -- symbols -----------------------------------------------------------------------------
    def intern(self, sym: _Sym) -> int:
        found = self.index.get(sym.key)
        if found is not None:
            return found
        self.index[sym.key] = len(self.syms)
        self.syms.append(sym)
        return len(self.syms) - 1

    def leaf_sym(self, node_id: str) -> int:
        n = self.vg.nodes[node_id]
        key = ("L", n.type, n.config_key, n.manual or "", n.structure)
        # Model inputs stay visible: a group never starts or ends at an InputLayer.
        is_input = n.node is not None and n.node.kind == "input"
        startable = len(self.vg.pred[node_id]) <= 1 and not is_input
        endable = not (n.type == "Split" and n.synthetic) and not is_input
        anchor = 2 if _is_anchor(n) or n.manual else 0
        # A nested model or composite layer is a block already: runs of it fold (x6).
        kind = "hier" if n.node is not None and n.node.kind in HIERARCHY_KINDS else "leaf"
        return self.intern(_Sym(key, startable, endable, 1, anchor, kind))

    def block_sym(self, block: Block, branch_syms: list[tuple[int, ...]]) -> int:
        src = self.leaf_sym(block.source) if block.source is not None else -1
        merge = self.leaf_sym(block.merge) if block.merge is not None else -1
        key = ("B", src, tuple(sorted(branch_syms)), merge)
        size = (block.source is not None) + (block.merge is not None)
        size += sum(self.syms[s].size for br in branch_syms for s in br)
        startable = block.source is not None and self.syms[src].startable
        return self.intern(_Sym(key, startable, block.merge is not None, size, 3, "block"))

    def opaque_sym(self, op: Opaque) -> int:
        return self.intern(_Sym(("O", self.wl_hash(op)), False, False, len(op.nodes), 3, "opaque"))

    def wl_hash(self, op: Opaque) -> str:
        """Weisfeiler-Lehman hash (3 rounds) of an opaque region, node labels = leaf keys."""
        inside = set(op.nodes)
        label = {n: repr(self.syms[self.leaf_sym(n)].key) for n in op.nodes}
        for _ in range(3):
            new = {}
            for n in op.nodes:
                ps = sorted(label[p] for p in self.vg.pred[n] if p in inside)
                ss = sorted(label[s] for s in self.vg.succ[n] if s in inside)
                blob = f"{label[n]}|{ps}|{ss}"
                new[n] = hashlib.sha1(blob.encode(), usedforsecurity=False).hexdigest()[:16]
            label = new
        blob = "/".join(sorted(label.values()))
        return hashlib.sha1(blob.encode(), usedforsecurity=False).hexdigest()

    def pair_sym(self, a: int, b: int) -> int:
        sa, sb = self.syms[a], self.syms[b]
        return self.intern(
            _Sym(
                ("P", a, b), sa.startable, sb.endable, sa.size + sb.size, sa.anchor, "pair", (a, b)
            )
        )

    def run_sym(self, base: int, n: int) -> int:
        sb = self.syms[base]
        return self.intern(
            _Sym(("R", base, n), sb.startable, sb.endable, sb.size * n, sb.anchor, "run", (base, n))
        )

    # -- tokens ------------------------------------------------------------------------------
    def collapse_runs(self, seq: list[_Tok]) -> list[_Tok]:
        out: list[_Tok] = []
        i = 0
        while i < len(seq):
            j = i + 1
            s = seq[i].sym
            if self.syms[s].kind in ("block", "pair", "hier") and self.syms[s].startable:
                while j < len(seq) and seq[j].sym == s:
                    j += 1
            if j - i >= 2:
                out.append(_Tok(self.run_sym(s, j - i), kids=seq[i:j]))
            else:
                out.append(seq[i])
            i = j
        return out

    def replace_pair(self, seq: list[_Tok], a: int, b: int, c: int) -> list[_Tok]:
        out: list[_Tok] = []
        i = 0
        changed = False
        while i < len(seq):
            if i + 1 < len(seq) and seq[i].sym == a and seq[i + 1].sym == b:
                out.append(_Tok(c, kids=[seq[i], seq[i + 1]]))
                i += 2
                changed = True
            else:
                out.append(seq[i])
                i += 1
        return self.collapse_runs(out) if changed else seq

    # -- the algorithm -----------------------------------------------------------------------
    def run(self, tree: Series) -> Grouping:
        by_depth: dict[int, list[Series]] = defaultdict(list)
        self._collect(tree, 0, by_depth)
        tokens: dict[int, list[_Tok]] = {}
        series_syms: dict[int, tuple[int, ...]] = {}
        for depth in sorted(by_depth, reverse=True):
            level = by_depth[depth]
            seqs: list[list[_Tok]] = []
            for series in level:
                seq = [_Tok(self.item_sym(it, series_syms), item=it) for it in series.items]
                seq = self.collapse_runs(seq)
                for a, b, c in self.rules:
                    seq = self.replace_pair(seq, a, b, c)
                seqs.append(seq)
            self.repair(seqs)
            for series, seq in zip(level, seqs, strict=True):
                tokens[id(series)] = seq
                series_syms[id(series)] = tuple(t.sym for t in seq)
        return self.finish(tree, by_depth, tokens)

    def _collect(self, series: Series, depth: int, out: dict[int, list[Series]]) -> None:
        out[depth].append(series)
        for it in series.items:
            if isinstance(it, Block):
                for br in it.branches:
                    self._collect(br, depth + 1, out)
            elif isinstance(it, Opaque):
                for ch in it.chains:
                    self._collect(ch, depth + 1, out)

    def item_sym(self, it: Item, series_syms: dict[int, tuple[int, ...]]) -> int:
        if isinstance(it, Leaf):
            return self.leaf_sym(it.node)
        if isinstance(it, Block):
            return self.block_sym(it, [series_syms[id(br)] for br in it.branches])
        if isinstance(it, Opaque):
            return self.opaque_sym(it)
        raise TypeError(type(it))

    def repair(self, seqs: list[list[_Tok]]) -> None:
        """Re-Pair over all series of one depth: fold the most frequent adjacent pair."""
        while True:
            counts: Counter[tuple[int, int]] = Counter()
            for seq in seqs:
                for x, y in itertools.pairwise(seq):
                    if x.sym != y.sym and self.syms[x.sym].startable:
                        counts[(x.sym, y.sym)] += 1
            if not counts:
                return
            best = max(
                counts.items(),
                key=lambda kv: (
                    kv[1],
                    self.syms[kv[0][0]].anchor,
                    self.syms[kv[0][1]].endable,
                    self.syms[kv[0][0]].size + self.syms[kv[0][1]].size,
                    -kv[0][0],
                    -kv[0][1],
                ),
            )
            (a, b), n = best
            if n < 2:
                return
            c = self.pair_sym(a, b)
            self.rules.append((a, b, c))
            for k, seq in enumerate(seqs):
                seqs[k] = self.replace_pair(seq, a, b, c)

    # -- resolution --------------------------------------------------------------------------
    def finish(
        self,
        tree: Series,
        by_depth: dict[int, list[Series]],
        tokens: dict[int, list[_Tok]],
    ) -> Grouping:
        # References: in sequences (direct tokens and run members) and in rule bodies.
        seq_refs: Counter[int] = Counter()
        occurrences: Counter[int] = Counter()
        for seq in tokens.values():
            for tok in seq:
                self._count(tok, seq_refs, occurrences, top=True)
        rule_refs: Counter[int] = Counter()
        run_refs: Counter[int] = Counter()
        for a, b, _c in self.rules:
            for part in (a, b):
                s = self.syms[part]
                if s.kind == "run":
                    run_refs[s.parts[0]] += 1
                else:
                    rule_refs[part] += 1
        keep: set[int] = set()
        for _a, _b, c in self.rules:
            s = self.syms[c]
            if not (s.startable and s.endable):
                continue
            if seq_refs[c] == 0 and run_refs[c] == 0 and rule_refs[c] <= 1:
                continue  # only ever part of one bigger block: inline it there
            keep.add(c)
        # A block atom folds on its own when it repeats at series level (directly or in runs).
        atom_refs: Counter[int] = Counter()
        for seq in tokens.values():
            for tok in seq:
                s = self.syms[tok.sym]
                if s.kind == "block":
                    atom_refs[tok.sym] += 1
                elif s.kind == "run" and self.syms[s.parts[0]].kind == "block":
                    atom_refs[s.parts[0]] += s.parts[1]
        atoms = {
            sym
            for sym, n in atom_refs.items()
            if n >= 2 and self.syms[sym].startable and self.syms[sym].endable
        }
        self.keep = keep
        self.atoms = atoms
        self.gid_of: dict[int, int] = {}
        self.defs: dict[int, GroupDef] = {}
        fold = self.options.fold_repeats
        for depth in sorted(by_depth):
            for series in by_depth[depth]:
                items: list[Item] = []
                for tok in tokens[id(series)]:
                    items.extend(self.convert(tok, fold, inside=False))
                series.items = items
        return Grouping(tree=tree, defs=self.defs)

    def _count(self, tok: _Tok, refs: Counter[int], occ: Counter[int], top: bool) -> None:
        if top:
            refs[tok.sym] += 1
        occ[tok.sym] += 1
        s = self.syms[tok.sym]
        if s.kind == "run" and tok.kids:
            refs[s.parts[0]] += 1
            for kid in tok.kids:
                self._count(kid, refs, occ, top=False)
        elif tok.kids:
            for kid in tok.kids:
                self._count(kid, refs, occ, top=False)

    def group_for(self, sym: int, body: list[Item]) -> int:
        gid = self.gid_of.get(sym)
        if gid is None:
            gid = len(self.defs) + 1
            self.gid_of[sym] = gid
            self.defs[gid] = GroupDef(gid=gid, label="", key=repr(self.syms[sym].key), body=body)
        return gid

    def expand(self, tok: _Tok, fold: bool) -> list[Item]:
        """The items of a token's body (kept sub-rules stay folded)."""
        if tok.kids is None:
            assert tok.item is not None
            return [tok.item]
        out: list[Item] = []
        for kid in tok.kids:
            out.extend(self.convert(kid, fold, inside=True))
        return out

    def convert(self, tok: _Tok, fold: bool, inside: bool) -> list[Item]:
        s = self.syms[tok.sym]
        if s.kind == "run":
            assert tok.kids is not None
            base = s.parts[0]
            foldable = base in self.keep or base in self.atoms or self.syms[base].kind == "hier"
            if fold and foldable:
                runs = [self.expand(kid, fold) for kid in tok.kids]
                gid = self.group_for(base, runs[0])
                self.defs[gid].instances += len(runs)
                return [Group(gid=gid, body=runs[0], count=len(runs), runs=runs)]
            out: list[Item] = []
            for kid in tok.kids:
                out.extend(self.convert(kid, fold, inside))
            return out
        if s.kind == "pair":
            if tok.sym in self.keep:
                body = self.expand(tok, fold)
                gid = self.group_for(tok.sym, body)
                self.defs[gid].instances += 1
                return [Group(gid=gid, body=body, runs=[body])]
            return self.expand(tok, fold)
        if s.kind == "block" and tok.sym in self.atoms:
            assert tok.item is not None
            body = [tok.item]
            gid = self.group_for(tok.sym, body)
            self.defs[gid].instances += 1
            return [Group(gid=gid, body=body, runs=[body])]
        assert tok.item is not None
        return [tok.item]
