"""Formats benchmarks (issue 22): ONNX files and Hugging Face model folders.

- ONNX, 10,003 operators: a ResNet-style chain of 2,000 residual blocks built with
  ``onnx.helper`` (weights in an absent external file), read and drawn in one process after
  ``import onnx`` (imports are the worker's, once per build). Three namings: scoped like a
  TorchScript export, flat like a converter's, none at all. Target <= 2 s each, in wall
  time and in the process's CPU time (on a machine shared with other jobs the wall time
  measures the neighbours too).
- ONNX BERT: a Hugging Face BERT with 4 layers exported by ``torch.onnx.export`` (dynamo),
  drawn at ``depth: 1`` and with its encoder seen through (the paper's level: what a
  see-through container draws); the same file with every node name and scope stripped.
  Targets: <= 12 top-level glyphs, the layer folded x4, 0 crossings, no ``?``.
- ResNet-style CNN exported from PyTorch: top-level glyphs of the ONNX file against the
  PyTorch route on the module. Target: within 2.
- Hugging Face folder with a 7B config (Llama, hidden 4096, 32 layers) written by
  ``save_pretrained``: ``load_graph`` on the folder through the worker (start, import, build
  on meta, trace, render) in a fresh process; the worker's peak RSS from
  ``getrusage(RUSAGE_CHILDREN)``. Targets: < 30 s, < 2 GiB.
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

_BIG = textwrap.dedent(
    """
    import json, time
    import onnx
    from sphinx_netviz.core import render
    from sphinx_netviz.core.extract.onnx.route import extract_onnx
    from tests.zoo.onnx_models import residual_chain
    out = {}
    for names in ("scoped", "flat", "none"):
        model = residual_chain(2000, names=names, stem=False)
        wall, cpu = [], []
        for _ in range(REPEATS):
            t0, c0 = time.perf_counter(), time.process_time()
            graph = extract_onnx(model, names)
            t1, c1 = time.perf_counter(), time.process_time()
            diagram = render(graph)
            t2, c2 = time.perf_counter(), time.process_time()
            wall.append((t2 - t0, t1 - t0))
            cpu.append((c2 - c0, c1 - c0))
        out[names] = {"wall": min(wall), "cpu": min(cpu), "ops": len(model.graph.node),
                      "glyphs": diagram.glyphs}
    print(json.dumps(out))
    """
)

_BERT = textwrap.dedent(
    """
    import json, sys, tempfile, xml.etree.ElementTree as ET
    from pathlib import Path
    import onnx, torch
    from sphinx_netviz.core import render
    from sphinx_netviz.core.extract.onnx.route import extract_onnx
    from tests.zoo import onnx_models as zoo
    from tests.zoo.torch_models import ResNetLike

    def facts(diagram):
        root = ET.fromstring(diagram.svg)
        legend = {id(e) for g in root.iter() if g.get("class") == "nv-legend" for e in g.iter()}
        glyphs = [e for e in root.iter() if e.get("class") in ("nv-layer", "nv-group")
                  and id(e) not in legend and e.get("data-synthetic") != "true"]
        labels = [t.text or "" for t in root.iter() if t.get("class") == "nv-label"]
        return {"glyphs": len(glyphs),
                "counts": [e.get("data-count") for e in glyphs if e.get("class") == "nv-group"],
                "crossings": diagram.stats.crossings, "unknown": any("?" in t for t in labels)}

    tmp = Path(tempfile.mkdtemp())
    model = onnx.load(str(zoo.bert(tmp / "bert.onnx")), load_external_data=False)
    graph = extract_onnx(model, "bert")
    bare = extract_onnx(zoo.strip(model, metadata=True), "bare")
    torch.manual_seed(0)
    module = ResNetLike().eval()
    cnn = extract_onnx(onnx.load(str(zoo.export(module, (torch.randn(1, 3, 64, 64),),
                                                tmp / "cnn.onnx"))), "cnn")
    print(json.dumps({
        "depth1": facts(render(graph, depth=1)),
        "seen_through": facts(render(zoo.see_through(graph, "encoder"))),
        "bare": facts(render(bare)),
        "cnn_onnx": facts(render(cnn)),
        "cnn_torch": facts(render(module, input_shape=(3, 64, 64))),
    }))
    """
)

_LLAMA_FOLDER = textwrap.dedent(
    """
    import json, resource, tempfile, time
    from pathlib import Path
    from transformers import LlamaConfig
    folder = Path(tempfile.mkdtemp()) / "llama-7b"
    LlamaConfig(hidden_size=4096, intermediate_size=11008, num_hidden_layers=32,
                num_attention_heads=32, vocab_size=32000).save_pretrained(folder)
    t0 = time.perf_counter()
    from sphinx_netviz.core import load_graph, render
    graph = load_graph(str(folder), cache_dir=None, timeout=300)
    diagram = render(graph)
    seconds = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    params = sum(n.params for n in graph.top_level().nodes)
    print(json.dumps({"seconds": seconds, "rss": rss, "params": params,
                      "device": graph.meta["device"], "nodes": len(graph.nodes),
                      "class": graph.meta["class"], "glyphs": diagram.glyphs}))
    """
)


def _run(script: str) -> dict:  # type: ignore[type-arg]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=True,
    ).stdout
    result: dict = json.loads(out.strip().splitlines()[-1])  # type: ignore[type-arg]
    return result


def _shape_row(case: str, facts: dict, glyph_limit: int, count: str) -> Row:  # type: ignore[type-arg]
    ok = (
        facts["glyphs"] <= glyph_limit
        and facts["counts"] == [count]
        and facts["crossings"] == 0
        and not facts["unknown"]
    )
    return Row(
        "formats",
        f"{case} (groups {facts['counts']}, {facts['crossings']} crossings)",
        facts["glyphs"],
        "glyphs",
        target=f"<= {glyph_limit} glyphs, x{count}, 0 crossings, no ?",
        passed=ok,
    )


def run(*, quick: bool = False) -> list[Row]:
    rows: list[Row] = []
    big = _run(_BIG.replace("REPEATS", "1" if quick else "3"))
    for names, label in (("scoped", "scoped names"), ("flat", "flat names"), ("none", "no names")):
        r = big[names]
        (wall, wall_extract), (cpu, cpu_extract) = r["wall"], r["cpu"]
        rows.append(
            Row(
                "formats",
                f"ONNX graph of {r['ops']:,} operators ({label}): extract + draw, wall "
                f"(extract {wall_extract:.2f} s, {r['glyphs']} glyphs)",
                wall,
                "s",
                target="<= 2 s",
                passed=wall <= 2.0,
            )
        )
        rows.append(
            Row(
                "formats",
                f"ONNX graph of {r['ops']:,} operators ({label}): extract + draw, CPU time of "
                f"the process (extract {cpu_extract:.2f} s; the wall time on a shared machine)",
                cpu,
                "s",
                target="<= 2 s",
                passed=cpu <= 2.0,
            )
        )
    bert = _run(_BERT)
    rows.append(_shape_row("ONNX BERT-4 (torch.onnx.export), depth 1", bert["depth1"], 16, "4"))
    rows.append(_shape_row("ONNX BERT-4, encoder seen through", bert["seen_through"], 12, "4"))
    rows.append(_shape_row("ONNX BERT-4, every name and scope stripped", bert["bare"], 16, "4"))
    cnn, live = bert["cnn_onnx"], bert["cnn_torch"]
    rows.append(
        Row(
            "formats",
            "ResNet-style CNN: top-level glyphs, ONNX export vs PyTorch route",
            cnn["glyphs"],
            "glyphs",
            peer="PyTorch route",
            peer_value=live["glyphs"],
            target="within 2",
            passed=abs(cnn["glyphs"] - live["glyphs"]) <= 2,
        )
    )
    llama = _run(_LLAMA_FOLDER)
    label = (
        f"HF folder, Llama 7B config ({llama['params'] / 1e9:.1f}B params, "
        f"{llama['nodes']:.0f} nodes, {llama['class']})"
    )
    rows.append(
        Row(
            "formats",
            f"{label}: diagram through the worker",
            llama["seconds"],
            "s",
            target="< 30 s",
            passed=llama["seconds"] < 30 and llama["device"] == "meta",
        )
    )
    rows.append(
        Row(
            "formats",
            f"{label}: worker peak RSS",
            llama["rss"] / 2**20,
            "MiB",
            target="< 2048 MiB",
            passed=llama["rss"] < 2 * 2**30,
        )
    )
    return rows
