"""The worker process: order, isolation of stdout, timeouts, crashes, restarts, fingerprints.

One module-scoped client serves most tests (a TensorFlow import costs seconds); tests that
kill it run last within the module's ordering and the client restarts itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sphinx_netviz.core.ir.errors import ExtractionError
from sphinx_netviz.core.ir.graph import Graph
from sphinx_netviz.core.worker.client import WorkerClient, is_project_file

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def client() -> Iterator[WorkerClient]:
    with WorkerClient(sys_path=[str(ROOT)]) as worker:
        worker.request("tests.zoo.models:mlp")  # started before any test counts restarts
        yield worker


def test_answers_in_order_and_reports_sources(client: WorkerClient) -> None:
    first = client.request("tests.zoo.models:mnist_convnet")
    second = client.request("tests.zoo.models:mlp(4, depth=1)")
    assert Graph.from_dict(first.graph).name == "mnist_convnet"
    assert Graph.from_dict(second.graph).name == "mlp_4x1"
    paths = {Path(p) for p, _ in first.sources}
    assert ROOT / "tests" / "zoo" / "models.py" in paths
    assert all(is_project_file(p) for p in paths)
    assert not any("site-packages" in str(p) for p in paths)
    # A second request for an already imported module still reports its sources.
    assert {Path(p) for p, _ in second.sources} == paths
    assert client.starts >= 1


def test_same_ir_whatever_the_request_order(client: WorkerClient) -> None:
    a = client.request("tests.zoo.models:unbuilt_sequential", input_shape=(7,))
    client.request("tests.zoo.models:mlp")
    b = client.request("tests.zoo.models:unbuilt_sequential", input_shape=(7,))
    assert Graph.from_dict(a.graph).content_hash() == Graph.from_dict(b.graph).content_hash()


def test_stdout_flood_does_not_corrupt_or_block(client: WorkerClient) -> None:
    result = client.request("tests.zoo.models:noisy", timeout=60)
    assert Graph.from_dict(result.graph).name.startswith("mlp")


@pytest.mark.parametrize(
    ("spec", "why"),
    [
        ("tests.zoo.models:nope", "has no attribute 'nope'"),
        ("tests.zoo.no_such_module:f", "no module named 'tests.zoo.no_such_module'"),
        ("tests.zoo.broken_import:f", "ImportError: broken module import (at broken_import.py:1"),
        ("tests.zoo.bad:raises", "ValueError: boom from the factory (at bad.py:"),
        ("tests.zoo.bad:not_a_model", "returned builtins.dict, not a keras.Model"),
        ("tests.zoo.bad:a_layer", "returned a layer"),
        ("tests.zoo.bad:needs_args", "missing a required argument: 'depth'"),
        ("tests.zoo.bad:NOT_CALLABLE", "not a model or a factory"),
        ("tests.zoo.bad:exits", "SystemExit"),
        ("tests.zoo.models:empty_sequential", "empty"),
        ("tests.zoo.models:unbuilt_sequential", "input-shape"),
        ("tests.zoo.bad:untraceable", "input-shape"),
    ],
)
def test_user_errors_name_the_spec(client: WorkerClient, spec: str, why: str) -> None:
    if not client.started:
        client.request("tests.zoo.models:mlp")
    starts = client.starts
    with pytest.raises(ExtractionError) as info:
        client.request(spec)
    message = str(info.value)
    assert f"model spec {spec!r}" in message and why in message, message
    assert "\n" not in message
    assert client.starts == starts  # the worker survived


def test_timeout_kills_and_restarts(client: WorkerClient) -> None:
    with pytest.raises(ExtractionError, match=r"'tests.zoo.bad:hangs': timed out after 2 s"):
        client.request("tests.zoo.bad:hangs", timeout=2)
    assert not client.started
    starts = client.starts
    assert Graph.from_dict(client.request("tests.zoo.models:mlp").graph).nodes
    assert client.starts == starts + 1


@pytest.mark.parametrize(
    ("spec", "signal"),
    [("tests.zoo.bad:aborts", "SIGABRT"), ("tests.zoo.bad:segfaults", "SIGSEGV")],
)
def test_crash_is_contained(client: WorkerClient, spec: str, signal: str) -> None:
    with pytest.raises(ExtractionError) as info:
        client.request(spec)
    message = str(info.value)
    assert f"model spec {spec!r}: worker process died (signal {signal})" in message
    assert "bad.py" in message  # the crashing frame in the user's code
    assert Graph.from_dict(client.request("tests.zoo.models:mlp").graph).nodes


def test_gpus_hidden_by_default(tmp_path: Path) -> None:
    probe = tmp_path / "gpu_probe.py"
    probe.write_text(
        "import os, keras\n"
        "from keras import layers\n"
        "def model():\n"
        "    import tensorflow as tf\n"
        "    assert os.environ['CUDA_VISIBLE_DEVICES'] == ''\n"
        "    assert tf.config.get_visible_devices('GPU') == []\n"
        "    i = keras.Input((2,))\n"
        "    return keras.Model(i, layers.Dense(1)(i))\n"
    )
    with WorkerClient(sys_path=[str(tmp_path)]) as worker:
        result = worker.request("gpu_probe:model")
    assert [Path(p).name for p, _ in result.sources] == ["gpu_probe.py"]


def test_file_spec_records_the_model_file(client: WorkerClient, tmp_path: Path) -> None:
    import keras

    from tests.zoo import models

    path = tmp_path / "net.keras"
    models.mlp().save(path)
    del keras
    result = client.request(str(path))
    assert [p for p, _ in result.sources] == [str(path.resolve())]


def test_project_file_rule() -> None:
    import json

    assert not is_project_file(json.__file__)
    assert not is_project_file(pytest.__file__)
    assert is_project_file(__file__)
    assert is_project_file(os.path.join(ROOT, "tests", "zoo", "models.py"))


def test_forked_child_gets_its_own_worker(client: WorkerClient) -> None:
    """Sphinx -j forks readers: a child must not talk to (or kill) the parent's worker."""
    import json as _json

    client.request("tests.zoo.models:mlp")
    parent_starts = client.starts
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            result = client.request("tests.zoo.models:mlp(2, depth=1)", timeout=120)
            payload = {"name": Graph.from_dict(result.graph).name, "starts": client.starts}
        except BaseException as exc:  # report anything to the parent
            payload = {"error": repr(exc)}
        os.write(write_end, _json.dumps(payload).encode())
        client.close()
        os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    data = _json.loads(os.read(read_end, 65536) or b"{}")
    os.close(read_end)
    assert data.get("name") == "mlp_2x1", data
    assert data["starts"] == parent_starts + 1
    # The parent's worker is untouched and still answers.
    assert client.started
    assert Graph.from_dict(client.request("tests.zoo.models:mlp").graph).nodes
    assert client.starts == parent_starts
