"""A sweep of ``transformers``' own registry: every ``AutoModel`` architecture, drawn.

For each ``model_type`` of ``MODEL_MAPPING_NAMES`` (see :mod:`tests.zoo.hf_registry` for the
small configs and example inputs):

1. *build and CPU forward*: the model is built on the CPU in this process and run once
   (``torch.no_grad``, a time limit per model). The first input variant that runs is kept.
2. *draw*: the factory spec ``tests.zoo.hf_registry:build('TYPE', variant=N)`` goes through
   the loader a docs build uses (:class:`ModelLoader`: one persistent worker, meta device,
   CPU retry, no cache), then :func:`render` with the default options.
3. *measure the SVG* with a real XML parser: top-level glyphs, groups and their ``data-count``,
   the layer stack folded ``xL`` (a group whose count is a stack length the config set),
   labels holding ``?``, conservation (``data-members`` of the glyphs add up to the IR nodes
   of the drawn level), legend types; crossings from ``Diagram.stats``. With ``--depths``
   the stack is also looked for at ``depth`` 1..3.

Usage: ``python -m tests.benchmarks.hf_sweep [--only bert gpt2] [--depths] [--out DIR]``;
writes ``hf_sweep.json`` and ``hf_sweep.md`` to ``tests/benchmarks/results``. ``make bench``
runs it through :mod:`tests.benchmarks.bench_hf_sweep`.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import signal
import sys
import time
import traceback
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "results"
NS = "{http://www.w3.org/2000/svg}"
FACTORY = "tests.zoo.hf_registry:build"

#: The fast subset (``make test`` runs these through tests/core/test_hf_sweep.py).
FAST = ("bert", "gpt2", "llama", "t5", "bart", "vit", "hubert", "gemma2", "ultrabert")

#: Seconds one CPU forward pass may take before the architecture is marked as failed.
CPU_LIMIT = 60


@dataclass
class SvgFacts:
    """What a reader sees in one rendered diagram."""

    glyphs: int = 0
    layers: int = 0
    groups: list[dict[str, Any]] = field(default_factory=list)
    members: int = 0
    question: bool = False
    legend: list[str] = field(default_factory=list)


@dataclass
class Result:
    """One architecture's row."""

    model_type: str
    model_class: str = ""
    built: bool = False
    forward_cpu: bool = False
    variant: int = 0
    params: int = 0
    error: str = ""
    stack: list[int] = field(default_factory=list)
    #: a stack of alike layers: some ``nn.ModuleList`` of a stack length whose items are the
    #: same module tree (classes and parameter shapes); None when no such list was found
    alike: bool | None = None
    drawn: bool = False
    device: str = ""
    notes: list[str] = field(default_factory=list)
    nodes: int = 0
    top_nodes: int = 0
    glyphs: int = 0
    groups: list[dict[str, Any]] = field(default_factory=list)
    folded: bool = False
    fold_depth: int | None = None
    crossings: int | None = None
    width: float = 0.0
    question: bool = False
    conserved: bool = False
    members: int = 0
    legend: list[str] = field(default_factory=list)
    seconds_cpu: float = 0.0
    seconds_draw: float = 0.0


class _Timeout(Exception):
    pass


@contextmanager
def _limit(seconds: int) -> Iterator[None]:
    def fire(signum: int, frame: Any) -> None:
        raise _Timeout(f"over {seconds} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _line(exc: BaseException, limit: int = 200) -> str:
    text = " ".join(str(exc).split())
    text = text if len(text) <= limit else text[: limit - 3] + "..."
    return f"{type(exc).__name__}: {text}"


def stack_lengths(config: Any) -> list[int]:
    """The layer counts the small config set (2 or more: a stack that can fold)."""
    from tests.zoo.hf_registry import layer_keys

    found: set[int] = set()

    def walk(data: dict[str, Any]) -> None:
        for key, value in data.items():
            if isinstance(value, dict):
                walk(value)
            elif key in layer_keys() and isinstance(value, int) and value >= 2:
                found.add(value)

    walk(config.to_dict())
    return sorted(found)


def alike_stack(model: Any, lengths: set[int]) -> bool | None:
    """Whether the model holds a stack of alike layers: an ``nn.ModuleList`` of one of the
    config's stack lengths whose items are the same module tree (submodule classes and
    parameter shapes). Gemma's alternating local and global layers are alike; RecurrentGemma's
    recurrent and attention blocks, a MoE stack with dense first layers, or ModernBERT's first
    layer without its attention norm are not: those are not one layer repeated L times, so
    an ``xL`` fold would misdraw them."""
    import torch

    def tree(layer: Any) -> tuple[object, ...]:
        return (
            tuple((n, type(m).__name__) for n, m in layer.named_modules()),
            tuple((n, tuple(p.shape)) for n, p in layer.named_parameters()),
        )

    found = None
    for module in model.modules():
        if isinstance(module, torch.nn.ModuleList) and len(module) in lengths:
            same = len({tree(layer) for layer in module}) == 1
            found = same or bool(found)
    return found


def probe_cpu(model_type: str, result: Result) -> None:
    """Build on the CPU and run one forward pass; the first variant that runs is kept."""
    import torch

    from tests.zoo.hf_registry import build, small_config

    start = time.perf_counter()
    try:
        result.stack = stack_lengths(small_config(model_type))
    except Exception as exc:
        result.error = f"config: {_line(exc)}"
        return
    for variant in (0, 1):
        try:
            with _limit(CPU_LIMIT):
                model, inputs = build(model_type, variant)
        except Exception as exc:
            result.error = f"build: {_line(exc)}"
            return
        result.built = True
        result.model_class = type(model).__name__
        result.params = sum(p.numel() for p in model.parameters())
        result.alike = alike_stack(model, set(result.stack))
        if variant == 1 and "pixel_values" not in inspect.signature(model.forward).parameters:
            break
        try:
            with _limit(CPU_LIMIT), torch.no_grad():
                model.eval()
                model(**inputs)
        except Exception as exc:
            result.error = f"forward: {_line(exc)}"
            continue
        result.forward_cpu = True
        result.variant = variant
        result.error = ""
        break
    result.seconds_cpu = round(time.perf_counter() - start, 2)


def svg_facts(svg: str) -> SvgFacts:
    """Glyphs, groups, members, ``?`` in labels and legend types of one diagram."""
    root = ET.fromstring(svg)
    facts = SvgFacts()
    for g in root.iter(f"{NS}g"):
        cls = g.get("class", "")
        if cls == "nv-layer":
            facts.layers += 1
        elif cls == "nv-group":
            facts.groups.append(
                {
                    "type": g.get("data-type", ""),
                    "count": int(g.get("data-count") or 0),
                    "members": int(g.get("data-members") or 0),
                }
            )
        elif cls == "nv-legend-item":
            facts.legend.append(g.get("data-type", ""))
            continue
        else:
            continue
        facts.members += int(g.get("data-members") or 0)
    facts.glyphs = facts.layers + len(facts.groups)
    for text in root.iter(f"{NS}text"):
        if "nv-label" in (text.get("class") or "") and "?" in "".join(text.itertext()):
            facts.question = True
    return facts


def draw(result: Result, loader: Any, *, depths: bool) -> None:
    """Load the factory spec through the loader, render with defaults, measure the SVG."""
    from sphinx_netviz.core import render, resolve_options
    from sphinx_netviz.core.layout.prepare import prepare

    spec = f"{FACTORY}({result.model_type!r}, variant={result.variant})"
    start = time.perf_counter()
    try:
        graph = loader.load(spec).graph
        diagram = render(graph)
    except Exception as exc:
        result.error = f"draw: {_line(exc)}"
        result.seconds_draw = round(time.perf_counter() - start, 2)
        return
    result.seconds_draw = round(time.perf_counter() - start, 2)
    result.drawn = True
    result.device = str(graph.meta.get("device", ""))
    result.notes = [str(n)[:200] for n in graph.meta.get("notes", []) or []]
    result.nodes = len(graph.nodes)
    # the IR nodes of the drawn level: the top level, containers opened (depth: auto) into
    # their internals; each must be one glyph's member (plumbing folds into its glyph)
    view = prepare(graph, resolve_options({})).view
    result.top_nodes = view.ir_total - len(view.absorbed) - len(view.hidden)
    facts = svg_facts(diagram.svg)
    result.glyphs = facts.glyphs
    result.groups = facts.groups
    result.question = facts.question
    result.members = facts.members
    result.conserved = facts.members == result.top_nodes
    result.legend = facts.legend
    result.crossings = diagram.stats.crossings if diagram.stats is not None else None
    result.width = diagram.width
    counts = {g["count"] for g in facts.groups}
    result.folded = bool(counts & set(result.stack))
    if result.folded:
        result.fold_depth = 0
    elif depths and result.stack:
        for depth in (1, 2, 3):
            try:
                deeper = svg_facts(render(graph, depth=depth).svg)
            except Exception:
                break
            if {g["count"] for g in deeper.groups} & set(result.stack):
                result.fold_depth = depth
                break


def sweep(types: list[str], *, depths: bool = False, log: bool = True) -> list[Result]:
    """One :class:`Result` per architecture (CPU probe, then the drawing)."""
    from sphinx_netviz.core.adapter import ModelLoader

    results = []
    loader = ModelLoader(cache_dir=None, timeout=240, sys_path=(str(ROOT),))
    try:
        for i, model_type in enumerate(types):
            result = Result(model_type)
            try:
                probe_cpu(model_type, result)
                if result.built:
                    draw(result, loader, depths=depths)
            except Exception:  # the sweep goes on; the row says what broke
                result.error = "sweep: " + traceback.format_exc(limit=1).splitlines()[-1]
            if result.built and not result.drawn:
                # A failed extraction may have left the worker at its memory cap (a CPU
                # retry of a model too big for it): the next model gets a fresh worker.
                loader.close()
                loader = ModelLoader(cache_dir=None, timeout=240, sys_path=(str(ROOT),))
            results.append(result)
            if log:
                print(f"[{i + 1}/{len(types)}] {_summary(result)}", file=sys.stderr, flush=True)
    finally:
        loader.close()
    return results


def _summary(r: Result) -> str:
    flags = [
        "built" if r.built else "no-build",
        "cpu" if r.forward_cpu else "no-cpu",
        f"drawn({r.device})" if r.drawn else "no-draw",
    ]
    if r.drawn:
        flags += [f"{r.glyphs} glyphs", "xL" if r.folded else "no-xL", f"{r.crossings} x"]
    return f"{r.model_type}: {', '.join(flags)} {r.error[:120]}"


def totals(results: list[Result]) -> dict[str, Any]:
    """The baseline figures: how many build, run, draw, fold, cross."""
    drawn = [r for r in results if r.drawn]
    stacked = [r for r in drawn if r.stack]
    alike = [r for r in stacked if r.alike is not False]
    return {
        "architectures": len(results),
        "built": sum(r.built for r in results),
        "forward_cpu": sum(r.forward_cpu for r in results),
        "drawn": len(drawn),
        "drawn_of_forward_cpu": sum(r.drawn for r in results if r.forward_cpu),
        "traced_on_meta": sum(r.device == "meta" for r in drawn),
        "with_stack": len(stacked),
        "folded_xL_default_depth": sum(r.folded for r in stacked),
        "folded_xL_some_depth": sum(r.fold_depth is not None for r in stacked),
        "with_alike_stack": len(alike),
        "folded_xL_of_alike": sum(r.folded for r in alike),
        "zero_crossings": sum(r.crossings == 0 for r in drawn),
        "question_marks": sum(r.question for r in drawn),
        "conserved": sum(r.conserved for r in drawn),
    }


def markdown(results: list[Result]) -> str:
    """The per-architecture table, totals first."""
    t = totals(results)
    lines = ["# Hugging Face registry sweep", ""]
    lines += [f"- {k.replace('_', ' ')}: {v}" for k, v in t.items()]
    lines += [
        "",
        "| type | class | built | CPU | drawn | device | glyphs | stack | xL | depth | "
        "crossings | ? | conserved | error |",
        "|---|---|---|---|---|---|---:|---|---|---:|---:|---|---|---|",
    ]
    for r in results:
        mark = {True: "yes", False: "no"}
        lines.append(
            f"| {r.model_type} | {r.model_class} | {mark[r.built]} | {mark[r.forward_cpu]} | "
            f"{mark[r.drawn]} | {r.device} | {r.glyphs if r.drawn else ''} | "
            f"{','.join(map(str, r.stack))} | {mark[r.folded] if r.drawn else ''} | "
            f"{'' if r.fold_depth is None else r.fold_depth} | "
            f"{'' if r.crossings is None else r.crossings} | {'?' if r.question else ''} | "
            f"{mark[r.conserved] if r.drawn else ''} | {r.error.replace('|', '/')[:100]} |"
        )
    return "\n".join(lines) + "\n"


def write(results: list[Result], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    data = {"totals": totals(results), "results": [asdict(r) for r in results]}
    (out / "hf_sweep.json").write_text(json.dumps(data, indent=1) + "\n")
    (out / "hf_sweep.md").write_text(markdown(results))


def main(argv: list[str] | None = None) -> int:
    from tests.zoo.hf_registry import architectures

    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.hf_sweep")
    parser.add_argument("--only", nargs="*", default=None, help="model types")
    parser.add_argument("--fast", action="store_true", help=f"only {', '.join(FAST)}")
    parser.add_argument("--depths", action="store_true", help="look for xL at depth 1..3")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    types = list(FAST) if args.fast else (args.only or architectures())
    results = sweep(types, depths=args.depths)
    write(results, args.out)
    print(json.dumps(totals(results), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
