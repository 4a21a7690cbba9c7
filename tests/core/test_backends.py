"""Keras 3 on every backend: the same models give the same IR on TensorFlow, JAX and torch,
and a JAX or torch worker never imports TensorFlow.

Each backend runs in its own worker (``KERAS_BACKEND`` passes through the client's
environment). Backend-specific op names: none of these models (raw ``keras.ops`` included)
shows any; the only field allowed to differ is ``meta.backend``, which is outside the
graph's content hash, so the diagrams are byte-identical too.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sphinx_netviz.core.ir.graph import Graph
from sphinx_netviz.core.worker.client import WorkerClient

ROOT = Path(__file__).resolve().parents[2]
MODELS = ("mnist_convnet", "residual", "raw_ops", "lstm", "nested", "subclassed", "siamese")
BACKENDS = ("tensorflow", "jax", "torch")
#: Fields that may name the backend (documented above).
BACKEND_FIELDS = ("backend",)


def _installed(backend: str) -> bool:
    return importlib.util.find_spec(backend) is not None


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ``.keras`` file, written by the test process's Keras (TensorFlow backend)."""
    from tests.zoo import models

    path = tmp_path_factory.mktemp("saved") / "unet.keras"
    models.unet().save(path)
    return path


@pytest.fixture(scope="module")
def extracted(saved: Path) -> Iterator[dict[str, dict[str, Any]]]:
    """Per backend: the IR of every model and of the saved file, and what the worker loaded."""
    results: dict[str, dict[str, Any]] = {}
    for backend in BACKENDS:
        if not _installed(backend):
            continue
        with WorkerClient(sys_path=[str(ROOT)], env={"KERAS_BACKEND": backend}) as worker:
            graphs = {
                name: worker.request(f"tests.zoo.models:{name}", timeout=300).graph
                for name in MODELS
            }
            graphs["saved"] = worker.request(str(saved), timeout=300).graph
            loaded = worker.probe(["tensorflow", "jax", "torch"])
        results[backend] = {"graphs": graphs, "loaded": loaded}
    yield results


def _without_backend(graph: dict[str, Any]) -> dict[str, Any]:
    meta = {k: v for k, v in graph["meta"].items() if k not in BACKEND_FIELDS}
    return {**graph, "meta": meta}


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_same_ir_as_tensorflow(extracted: dict[str, dict[str, Any]], backend: str) -> None:
    if backend not in extracted:
        pytest.skip(f"{backend} is not installed")
    reference = extracted["tensorflow"]["graphs"]
    for name, graph in extracted[backend]["graphs"].items():
        if name != "saved":  # the saved-file route reads JSON: it records no backend
            assert graph["meta"]["backend"] == backend
        assert json.dumps(_without_backend(graph), sort_keys=True) == json.dumps(
            _without_backend(reference[name]), sort_keys=True
        ), name
        assert (
            Graph.from_dict(graph).content_hash() == Graph.from_dict(reference[name]).content_hash()
        )


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_no_tensorflow_in_the_worker(extracted: dict[str, dict[str, Any]], backend: str) -> None:
    if backend not in extracted:
        pytest.skip(f"{backend} is not installed")
    assert "tensorflow" not in extracted[backend]["loaded"]
    assert backend in extracted[backend]["loaded"]


def test_the_cache_key_names_the_backend() -> None:
    code = (
        "from sphinx_netviz.core.store.cache import ir_key, framework_versions\n"
        "print(framework_versions()['keras']); print(ir_key('m:f'))\n"
    )
    seen = {}
    for backend in ("tensorflow", "jax"):
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "KERAS_BACKEND": backend},
        )
        version, key = out.stdout.split("\n")[:2]
        assert f"backend={backend}" in version
        seen[backend] = key
    assert seen["tensorflow"] != seen["jax"]


@pytest.mark.skipif(not _installed("jax"), reason="jax is not installed")
@pytest.mark.skipif("KERAS_BACKEND" in os.environ, reason="KERAS_BACKEND overrides keras.json")
def test_keras_json_backend_reaches_the_worker(tmp_path: Path) -> None:
    """``keras.json`` (in ``KERAS_HOME``) chooses the backend as it does for Keras itself."""
    (tmp_path / "keras.json").write_text(json.dumps({"backend": "jax"}))
    with WorkerClient(sys_path=[str(ROOT)], env={"KERAS_HOME": str(tmp_path)}) as worker:
        graph = worker.request("tests.zoo.models:mlp", timeout=300).graph
        assert graph["meta"]["backend"] == "jax"
        assert "tensorflow" not in worker.probe(["tensorflow"])


BUILD = """
import json, sys
from pathlib import Path
from sphinx_netviz.core.options.schema import resolve_options
from sphinx_netviz.core.pipeline import DiagramBuilder
with DiagramBuilder(cache_dir=Path(sys.argv[1]), sys_path=[sys.argv[2]]) as builder:
    built = builder.build("tests.zoo.models:residual", resolve_options({}))
    print(json.dumps({"svg": built.svg, "starts": builder.loader.worker_starts}))
"""


def _build(cache: Path, backend: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", BUILD, str(cache), str(ROOT)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "KERAS_BACKEND": backend},
        timeout=600,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.skipif(not _installed("jax"), reason="jax is not installed")
def test_a_shared_cache_keeps_backends_apart_and_draws_them_alike(tmp_path: Path) -> None:
    on_jax = _build(tmp_path, "jax")
    on_tf = _build(tmp_path, "tensorflow")  # a JAX IR is not served to a TensorFlow build
    assert (on_jax["starts"], on_tf["starts"]) == (1, 1)
    assert on_tf["svg"] == on_jax["svg"]  # same graph, same picture, byte for byte
    assert _build(tmp_path, "jax")["starts"] == 0  # warm on its own backend
