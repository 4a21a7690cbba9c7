"""The fast subset of the Hugging Face registry sweep (``make bench`` runs the whole registry).

BERT, GPT-2, Llama, T5, BART, ViT, HuBERT, Gemma 2 (layers that alternate sliding and full
attention masks) and UltraBERT (layers that read a local or a global rotary table: the stack
folds by its declaration) are built from small configs
(``tests/zoo/hf_registry.py``), run once on the CPU, then drawn through the loader a docs
build uses (factory spec, worker, meta device) and measured from the SVG. What holds today is
asserted; the known gaps of issue 18 are strict ``xfail``s with their reason, so each one
fails loudly the day it is fixed and its entry must go.
"""

from __future__ import annotations

import os

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tests.benchmarks.hf_sweep import FAST, Result, sweep

#: Issue 18's limit for the top level of a Hugging Face model at the default depth.
MAX_GLYPHS = 12

#: (architecture, check) -> why it fails today (the view-side work of issue 18).
GAPS: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def results() -> dict[str, Result]:
    return {r.model_type: r for r in sweep(list(FAST), log=False)}


def _case(name: str, check: str) -> object:
    reason = GAPS.get((name, check))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(name, check, marks=marks, id=f"{name}-{check}")


@pytest.mark.parametrize("name", FAST)
def test_built_run_and_drawn_on_meta(results: dict[str, Result], name: str) -> None:
    r = results[name]
    assert r.built and r.forward_cpu, r.error
    assert r.drawn, r.error
    assert r.device == "meta", r.notes
    assert not r.notes


@pytest.mark.parametrize("name", FAST)
def test_contract_holds(results: dict[str, Result], name: str) -> None:
    r = results[name]
    assert not r.question
    assert r.conserved, (r.members, r.top_nodes)
    assert r.crossings == 0


@pytest.mark.parametrize(
    ("name", "check"),
    [_case(n, c) for n in FAST for c in ("folded", "glyphs") if (n, c) != ("hubert", "glyphs")],
)
def test_paper_level_at_the_default_depth(
    results: dict[str, Result], name: str, check: str
) -> None:
    r = results[name]
    if check == "folded":
        assert r.folded, r.groups
    else:
        assert r.glyphs <= MAX_GLYPHS


def test_parallel_lists_fold_as_blocks_after_one_embeddings_glyph() -> None:
    """XLM keeps its layers' parts in parallel lists (``attentions``, ``layer_norm1``,
    ``ffns``, ``layer_norm2``), not in layer modules: the blocks are found by their wiring
    and fold x3, and the embeddings glyph gathers the lookups only, never the first
    attention (it uses ``Tensor.item()``, so it is traced on the CPU)."""
    (r,) = sweep(["xlm"], log=False)
    assert r.drawn and r.folded, (r.error, r.groups)
    assert [(g["type"], g["count"]) for g in r.groups] == [
        ("Transformer block", 3),
        ("Embeddings", 1),
    ]
    assert r.conserved and not r.question and r.crossings == 0


def test_a_stack_whose_first_layer_differs_folds_the_rest_after_one_embeddings_glyph() -> None:
    """ModernBERT's first layer has no attention norm (``Identity``) and reads the global
    rotary table; layers 1 and 2 read the local one. The first is drawn apart, the others
    fold x2 (the local table belongs to layer 1's cell, so only the declared stack folds
    them), and the embeddings (lookup, norm, dropout in a see-through container) are one
    glyph, with the two tables outside it."""
    (r,) = sweep(["modernbert"], log=False)
    assert r.drawn and not r.question and r.conserved, r.error
    assert sorted((g["type"], g["count"]) for g in r.groups) == [
        ("Embeddings", 1),
        ("ModernBertEncoderLayer", 2),
    ]
    assert r.glyphs <= 8


def test_the_embeddings_glyph_stops_at_a_module_holding_its_own_stack() -> None:
    """Speech2Text's encoder is fed by a convolution subsampler (a stack of Conv1d layers, each
    followed by a GLU) and then scaled and given positions: the embeddings glyph holds the
    positions, never the subsampler's last GLU, so the subsampler folds ``Conv-GLU x2``."""
    (r,) = sweep(["speech_to_text"], log=False)
    assert r.drawn and r.folded and r.conserved and r.crossings == 0, r.error
    assert ("Conv-GLU", 2) in {(g["type"], g["count"]) for g in r.groups}
    assert r.glyphs <= 9


@pytest.mark.parametrize(
    ("name", "differs"),
    [
        ("afmoe", "the first repeat differs inside: AfmoeMLP in place of AfmoeSparseMoeBlock"),
        ("t5", "the first repeat differs inside"),
    ],
)
def test_a_stack_head_folded_although_it_differs_says_so(name: str, differs: str) -> None:
    """A stack's first layer is folded with the others when it is the same class (T5's
    first block makes the position bias; a mixture-of-experts stack's first layer is dense),
    and the fold's tooltip says how it differs, so the xL glyph hides nothing."""
    import xml.etree.ElementTree as ET

    from sphinx_netviz.core import render
    from sphinx_netviz.core.extract.factory import extract_spec
    from sphinx_netviz.core.ir.spec import parse_spec

    graph = extract_spec(parse_spec(f"tests.zoo.hf_registry:build({name!r})"), None)
    root = ET.fromstring(render(graph).svg)
    titles = [
        "".join(t.itertext())
        for g in root.iter("{http://www.w3.org/2000/svg}g")
        if g.get("class") == "nv-group" and int(g.get("data-count") or 0) == 3
        for t in g.iter("{http://www.w3.org/2000/svg}title")
    ]
    assert titles and all(differs in t.splitlines() for t in titles), titles
    # the members listed are the first repeat's, the head's (item 0 of the list)
    assert all("members (the first repeat): 0" in t.splitlines() for t in titles), titles
