"""The worker's child: imports no framework at start, runs under the memory cap, reports
each spec's own sources whatever it extracted before.

Each test starts its own small worker: what a fresh child has loaded is the point.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sphinx_netviz.core.ir.errors import ExtractionError
from sphinx_netviz.core.worker.client import WorkerClient
from sphinx_netviz.core.worker.memory import DEFAULT_MEMORY_LIMIT, data_in_use, near_the_cap
from tests.helpers import write_shop

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = ("keras", "tensorflow", "torch", "jax", "numpy", "h5py")


def test_child_imports_no_framework_at_start() -> None:
    with WorkerClient(sys_path=[str(ROOT)]) as worker:
        assert worker.probe(FRAMEWORKS) == []
        assert worker.starts == 1


def test_child_module_imports_no_framework_when_imported() -> None:
    """Importing the entry module (what ``python -m`` does first) loads no framework."""
    code = (
        "import sys, json, sphinx_netviz.core.worker.child\n"
        f"print(json.dumps(sorted(m for m in {FRAMEWORKS!r} if m in sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


def _cap_of(worker: WorkerClient, **kwargs: object) -> str:
    with pytest.raises(ExtractionError) as info:
        worker.request("tests.zoo.probes:memory_cap", **kwargs)  # type: ignore[arg-type]
    return str(info.value).rsplit("cap=", 1)[1].split()[0]


@pytest.mark.skipif(sys.platform == "win32", reason="no rlimits on Windows")
def test_memory_cap_is_set_and_follows_the_option() -> None:
    with WorkerClient(sys_path=[str(ROOT)]) as worker:
        assert _cap_of(worker) == str(DEFAULT_MEMORY_LIMIT)
        assert _cap_of(worker, memory_limit=512 * 1024**2) == str(512 * 1024**2)
        assert _cap_of(worker, memory_limit=0) == "unlimited"
        assert worker.starts == 1  # changing the cap needs no restart


@pytest.mark.skipif(sys.platform == "win32", reason="no rlimits on Windows")
def test_factory_over_the_cap_fails_alone_and_the_worker_restarts() -> None:
    with WorkerClient(sys_path=[str(ROOT)]) as worker:
        with pytest.raises(ExtractionError) as info:
            worker.request("tests.zoo.probes:hog(8)", memory_limit=1024**3)
        message = str(info.value)
        assert message.startswith(
            "model spec 'tests.zoo.probes:hog(8)': exceeded the worker memory limit of 1 GiB"
        ), message
        assert "memory-limit" in message and "\n" not in message
        assert not worker.started  # stopped after the failure: its state is suspect
        # The next request gets a fresh worker, under the cap last asked for.
        assert _cap_of(worker) == str(1024**3)
        assert worker.starts == 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="VmData is Linux's")
def test_a_worker_left_near_its_cap_is_restarted() -> None:
    """A heap that grew to most of the cap stays grown; the next request would die in native
    code, so the worker is replaced after the request that left it there, not after a crash."""
    with WorkerClient(sys_path=[str(ROOT)]) as worker:
        with pytest.raises(ExtractionError, match="holding 16 MiB"):
            worker.request("tests.zoo.probes:hold(16)", memory_limit=512 * 1024**2)
        assert worker.started and worker.starts == 1  # far from the cap: kept
        with pytest.raises(ExtractionError, match="holding 440 MiB"):
            worker.request("tests.zoo.probes:hold(440)")
        assert not worker.started  # past 80 % of 512 MiB: stopped after its reply
        assert _cap_of(worker) == str(512 * 1024**2)
        assert worker.starts == 2


def test_near_the_cap_rule() -> None:
    assert near_the_cap(1000, used=801) and not near_the_cap(1000, used=800)
    assert not near_the_cap(0, used=10**12)  # no cap, no restart
    used = data_in_use()
    assert used is None or used > 0


def test_worker_dying_of_memory_names_the_limit(tmp_path: Path) -> None:
    """A native allocation failure kills the child: the message still names the limit."""
    (tmp_path / "native_oom.py").write_text(
        "import sys, os\n"
        "def model():\n"
        "    print('terminate called after throwing an instance of std::bad_alloc',"
        " file=sys.stderr, flush=True)\n"
        "    os.abort()\n"
    )
    with WorkerClient(sys_path=[str(tmp_path)], memory_limit=2 * 1024**3) as worker:
        with pytest.raises(ExtractionError) as info:
            worker.request("native_oom:model")
    assert "exceeded the worker memory limit of 2 GiB" in str(info.value)
    assert "SIGABRT" in str(info.value)


def test_prestart_preloads_the_spec_module_and_keeps_its_fingerprints() -> None:
    with WorkerClient(sys_path=[str(ROOT)]) as worker:
        worker.prestart(preload="tests.zoo.models")
        # The probe is answered after the preload: the framework came with the module.
        assert "keras" in worker.probe(["keras"])
        result = worker.request("tests.zoo.models:mlp")
        assert str(ROOT / "tests" / "zoo" / "models.py") in {p for p, _ in result.sources}
        assert worker.starts == 1


def test_a_failing_preload_is_reported_by_its_request() -> None:
    with WorkerClient(sys_path=[str(ROOT)]) as worker:
        worker.prestart(preload="tests.zoo.broken_import")
        with pytest.raises(ExtractionError, match="ImportError: broken module import"):
            worker.request("tests.zoo.broken_import:f")
        assert worker.starts == 1


def _names(root: Path, sources: object) -> list[str]:
    return sorted(Path(p).relative_to(root).as_posix() for p, _ in sources)  # type: ignore[attr-defined]


def test_sources_are_the_specs_own_in_any_order(tmp_path: Path) -> None:
    """A spec's sources do not depend on what the worker imported for earlier specs: the
    factory's module, the drawn classes' modules, their project imports, their packages."""
    root = write_shop(tmp_path).resolve()
    models = ["shop/__init__.py", "shop/blocks.py", "shop/layers.py", "shop/models.py"]
    hf = ["shop/__init__.py", "shop/hf.py"]
    for order, preload in (
        (["shop.models:mlp", "shop.hf:tiny"], None),
        (["shop.hf:tiny", "shop.models:mlp"], None),
        (["shop.hf:tiny", "shop.models:mlp"], "shop.models"),
    ):
        with WorkerClient(sys_path=[str(root)]) as worker:
            if preload:
                worker.prestart(preload=preload)
            found = {spec: _names(root, worker.request(spec).sources) for spec in order}
            assert found == {"shop.models:mlp": models, "shop.hf:tiny": hf}, (order, preload)
            # What the process imported is kept apart: it decides restarts, not staleness.
            assert sorted(Path(p).name for p in worker.loaded) == [
                "__init__.py",
                "blocks.py",
                "hf.py",
                "layers.py",
                "models.py",
            ]
            assert worker.starts == 1
