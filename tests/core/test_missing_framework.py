"""A spec whose framework is not installed gets a message naming the extra to install.

The worker runs with a ``sitecustomize`` shim on its ``PYTHONPATH`` that makes importing the
blocked frameworks raise ``ModuleNotFoundError``, exactly as on a machine without them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sphinx_netviz.core.extract.base import registered
from sphinx_netviz.core.ir.errors import ExtractionError
from sphinx_netviz.core.worker.client import WorkerClient

ROOT = Path(__file__).resolve().parents[2]

SHIM = """
import importlib.abc, os, sys

BLOCKED = set(os.environ.get("NETVIZ_TEST_BLOCK", "").split(","))


class _Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, _Missing())
"""


def _worker(tmp_path: Path, blocked: str, **env: str) -> WorkerClient:
    shim = tmp_path / "shim"
    shim.mkdir(exist_ok=True)
    (shim / "sitecustomize.py").write_text(SHIM)
    paths = [str(shim), str(ROOT), os.environ.get("PYTHONPATH", "")]
    return WorkerClient(
        sys_path=[str(ROOT), str(tmp_path)],
        env={"PYTHONPATH": os.pathsep.join(p for p in paths if p), "NETVIZ_TEST_BLOCK": blocked}
        | env,
    )


@pytest.fixture
def no_keras(tmp_path: Path) -> Iterator[WorkerClient]:
    with _worker(tmp_path, "keras,tensorflow", KERAS_BACKEND="tensorflow") as worker:
        yield worker


def test_the_shim_really_blocks(no_keras: WorkerClient) -> None:
    assert no_keras.probe(["keras", "tensorflow"]) == []


def test_keras_factory_without_keras(no_keras: WorkerClient) -> None:
    with pytest.raises(ExtractionError) as info:
        no_keras.request("tests.zoo.models:mlp")
    message = str(info.value)
    assert message.startswith("model spec 'tests.zoo.models:mlp': needs keras"), message
    assert 'pip install "netviz[tensorflow]"' in message
    assert no_keras.starts == 1  # the worker survives and serves the next spec


def test_keras_file_without_keras(no_keras: WorkerClient, tmp_path: Path) -> None:
    from tests.zoo import models

    path = tmp_path / "net.keras"
    models.mlp().save(path)
    with pytest.raises(ExtractionError) as info:
        no_keras.request(str(path))
    assert "needs keras, which is not installed" in str(info.value)
    assert 'pip install "netviz[tensorflow]"' in str(info.value)


def test_keras_on_torch_without_torch(tmp_path: Path) -> None:
    with _worker(tmp_path, "torch", KERAS_BACKEND="torch") as worker:
        with pytest.raises(ExtractionError) as info:
            worker.request("tests.zoo.models:mlp")
    assert "needs torch" in str(info.value)
    assert 'pip install "netviz[torch]"' in str(info.value)


@pytest.mark.skipif(
    not any(r.name == "torch" for r in registered()),
    reason="the PyTorch route is registered by the torch branch",
)
def test_torch_factory_without_torch(tmp_path: Path) -> None:
    (tmp_path / "torchnet.py").write_text(
        "import torch\n\ndef model():\n    return torch.nn.Linear(2, 2)\n"
    )
    with _worker(tmp_path, "torch") as worker:
        with pytest.raises(ExtractionError) as info:
            worker.request("torchnet:model")
    assert "model spec 'torchnet:model': needs torch" in str(info.value)
    assert 'pip install "netviz[torch]"' in str(info.value)


def test_unknown_missing_module_is_not_blamed_on_a_framework(tmp_path: Path) -> None:
    with _worker(tmp_path, "torch") as worker, pytest.raises(ExtractionError) as info:
        worker.request("tests.zoo.no_such_module:f")
    assert "no module named 'tests.zoo.no_such_module'" in str(info.value)
    assert "pip install" not in str(info.value)


def test_the_core_needs_no_framework(tmp_path: Path) -> None:
    """Every core module imports, and an IR renders, with every framework (and networkx)
    made uninstallable: the base install is the core."""
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(SHIM)
    code = (
        "import importlib, pkgutil, sys\n"
        "import sphinx_netviz.core as core\n"
        "for info in pkgutil.walk_packages(core.__path__, 'sphinx_netviz.core.'):\n"
        "    importlib.import_module(info.name)\n"
        "from tests.core import irgraphs\n"
        "svg = core.render(irgraphs.residual_net(2)).svg\n"
        "assert svg.startswith('<svg')\n"
        "print(sorted(m for m in ('keras', 'tensorflow', 'torch', 'jax', 'networkx', 'numpy')"
        " if m in sys.modules))\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(shim), str(ROOT)]),
        "NETVIZ_TEST_BLOCK": "keras,tensorflow,torch,jax,jaxlib,networkx",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"
