"""Extraction benchmarks: walk vs build time, cold cost of N diagrams, warm cache lookups.

- per keras.applications model (weights=None, one process): the walk next to the build;
  plus the config-only route on the same model's config;
- cold: N zoo specs from one module through one ModelLoader (one worker start);
- warm: the same N specs in a fresh process answered from the cache, with TensorFlow never
  imported (checked).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from tests.zoo import GOOD_MODELS

from .common import Row

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "VGG16",
    "MobileNetV2",
    "MobileNetV3Small",
    "ResNet50",
    "EfficientNetB0",
    "InceptionV3",
    "DenseNet121",
    "NASNetMobile",
]
ZOO = list(GOOD_MODELS)

_WALK = textwrap.dedent(
    """
    import json, sys, time
    import keras
    from sphinx_netviz.core.extract.keras.saved import extract_config
    from sphinx_netviz.core.extract.keras.model import extract_model
    rows = []
    for name in sys.argv[1:]:
        keras.backend.clear_session()
        t0 = time.perf_counter()
        model = getattr(keras.applications, name)(weights=None)
        t1 = time.perf_counter()
        graph = extract_model(model)
        t2 = time.perf_counter()
        config = {"class_name": "Functional", "config": model.get_config()}
        t3 = time.perf_counter()
        extract_config(config, name)
        t4 = time.perf_counter()
        rows.append([name, t1 - t0, t2 - t1, t4 - t3, len(graph.nodes), len(graph.edges)])
    print(json.dumps(rows))
    """
)

_LOAD = textwrap.dedent(
    """
    import json, sys, time
    t0 = time.perf_counter()
    from pathlib import Path
    from sphinx_netviz.core.store.loader import ModelLoader
    specs = json.loads(sys.argv[3])
    times = []
    with ModelLoader(cache_dir=Path(sys.argv[1]), sys_path=[sys.argv[2]]) as loader:
        for spec in specs:
            t = time.perf_counter()
            loaded = loader.load(spec)
            times.append(time.perf_counter() - t)
        starts = loader.worker_starts
    print(json.dumps({"times": times, "total": time.perf_counter() - t0, "starts": starts,
                      "tf": "tensorflow" in sys.modules}))
    """
)


def _run(code: str, *args: str) -> object:
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=1800,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(quick: bool) -> list[Row]:
    rows: list[Row] = []
    apps = APPS[:3] if quick else APPS
    walked = _run(_WALK, *apps)
    assert isinstance(walked, list)
    for name, build, walk, config, nodes, edges in walked:
        rows.append(
            Row(
                "extract",
                f"{name} walk ({nodes} nodes, {edges} edges)",
                walk,
                peer="model build",
                peer_value=build,
                target="< 5% of build",
                passed=walk < 0.05 * build,
            )
        )
        rows.append(
            Row(
                "extract", f"{name} config-only route", config, peer="model build", peer_value=build
            )
        )

    specs = [f"tests.zoo.models:{name}" for name in ZOO]
    with tempfile.TemporaryDirectory() as cache:
        cold = _run(_LOAD, cache, str(ROOT), json.dumps(specs))
        warm = _run(_LOAD, cache, str(ROOT), json.dumps(specs))
    assert isinstance(cold, dict) and isinstance(warm, dict)
    n = len(specs)
    rows.append(
        Row(
            "extract",
            f"cold: {n} diagrams from one module, 1 worker start (total)",
            cold["total"],
            target="one worker start",
            passed=cold["starts"] == 1,
        )
    )
    rows.append(Row("extract", "cold: first spec (worker start + TF import)", cold["times"][0]))
    rows.append(
        Row(
            "extract",
            f"cold: each further spec (mean of {n - 1})",
            sum(cold["times"][1:]) / (n - 1),
        )
    )
    rows.append(
        Row(
            "extract",
            "warm: cached lookup per spec, no TF import (mean)",
            sum(warm["times"]) / n,
            peer="cold per spec",
            peer_value=cold["total"] / n,
            target="no worker, no TensorFlow",
            passed=warm["starts"] == 0 and not warm["tf"],
        )
    )
    rows.append(
        Row(
            "extract",
            f"warm: {n} specs incl. importing netviz (no interpreter start)",
            warm["total"],
        )
    )
    return rows


if __name__ == "__main__":
    start = time.perf_counter()
    for row in run(quick="--quick" in sys.argv):
        print(row)
    print(f"{time.perf_counter() - start:.1f} s")
