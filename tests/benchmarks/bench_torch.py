"""PyTorch route benchmarks: the meta device against real allocation, and a 7B-parameter model.

- meta vs CPU: extracting a BERT-base-size ``BertModel`` (110M parameters) on the meta device
  (factory call under meta + one traced forward pass) next to merely *building* the same
  model on the CPU, both in one fresh process after the imports. Target ratio <= 0.5.
- Llama 7B: a ``LlamaConfig`` with hidden 4096, 32 layers (6.6B parameters in ``LlamaModel``)
  drawn through the worker (start, import, build on meta, trace, render) in a fresh process;
  the worker's peak RSS is read with ``getrusage(RUSAGE_CHILDREN)`` after it exited.
  Targets: < 30 s, < 2 GiB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from .common import Row

ROOT = Path(__file__).resolve().parents[2]

_META_VS_CPU = textwrap.dedent(
    """
    import json, time
    import torch, transformers
    from transformers import BertConfig, BertModel
    from sphinx_netviz.core.extract.factory import extract_spec
    from sphinx_netviz.core.ir.spec import parse_spec
    extract_spec(parse_spec("tests.zoo.torch_models:hf_bert(layers=1)"), None)  # warm imports
    meta, cpu = [], []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        graph = extract_spec(parse_spec("tests.zoo.torch_models:hf_bert_base"), None)
        t1 = time.perf_counter()
        model = BertModel(BertConfig())
        t2 = time.perf_counter()
        params = sum(p.numel() for p in model.parameters())
        del model
        meta.append(t1 - t0)
        cpu.append(t2 - t1)
    print(json.dumps({"meta": min(meta), "cpu": min(cpu), "params": params,
                      "device": graph.meta["device"], "nodes": len(graph.nodes)}))
    """
)

_LLAMA = textwrap.dedent(
    """
    import json, resource, time
    t0 = time.perf_counter()
    from sphinx_netviz.core import load_graph, render
    graph = load_graph("tests.zoo.torch_models:llama_7b", cache_dir=None, timeout=300)
    diagram = render(graph, group="auto")
    seconds = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    params = sum(n.params for n in graph.top_level().nodes)
    print(json.dumps({"seconds": seconds, "rss": rss, "params": params,
                      "device": graph.meta["device"], "nodes": len(graph.nodes),
                      "svg": len(diagram.svg)}))
    """
)


def _run(script: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def run(*, quick: bool = False) -> list[Row]:
    rows: list[Row] = []
    meta = _run(_META_VS_CPU.replace("REPEATS", "1" if quick else "3"))
    rows.append(
        Row(
            "torch",
            f"BERT-base ({meta['params'] / 1e6:.0f}M params): extract on {meta['device']} "
            "vs build on CPU",
            meta["meta"],
            "s",
            peer="BertModel(BertConfig()) on CPU",
            peer_value=meta["cpu"],
            target="ratio <= 0.5",
            passed=meta["meta"] / meta["cpu"] <= 0.5 and meta["device"] == "meta",
        )
    )
    llama = _run(_LLAMA)
    label = f"Llama 7B config ({llama['params'] / 1e9:.1f}B params, {llama['nodes']:.0f} nodes)"
    rows.append(
        Row(
            "torch",
            f"{label}: diagram through the worker",
            llama["seconds"],
            "s",
            target="< 30 s",
            passed=llama["seconds"] < 30 and llama["device"] == "meta",
        )
    )
    rows.append(
        Row(
            "torch",
            f"{label}: worker peak RSS",
            llama["rss"] / 2**20,
            "MiB",
            target="< 2048 MiB",
            passed=llama["rss"] < 2 * 2**30,
        )
    )
    return rows
