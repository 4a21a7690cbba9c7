"""The disk cache: hits, source invalidation, corruption, unwritable dirs, concurrency."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
from pathlib import Path

import pytest

from sphinx_netviz.core.ir.graph import Edge, Graph, Node
from sphinx_netviz.core.store.cache import DiskCache, framework_versions, ir_key
from sphinx_netviz.core.worker.client import file_sha256

GRAPH = Graph(
    name="tiny",
    nodes=(
        Node(id="x", name="x", type="InputLayer", kind="input", output_shapes=((3,),)),
        Node(id="y", name="y", type="Dense", input_shapes=((3,),), output_shapes=((2,),), params=8),
    ),
    edges=(Edge("x", "y", (3,)),),
    inputs=("x",),
    outputs=("y",),
)


def sources(*paths: Path) -> list[tuple[str, str]]:
    return [(str(p), file_sha256(p)) for p in paths]


def test_key_depends_on_everything_that_shapes_the_ir() -> None:
    base = ir_key("m:f", versions={"keras": "3"})
    assert base == ir_key(" m:f ", versions={"keras": "3"})
    assert base != ir_key("m:g", versions={"keras": "3"})
    assert base != ir_key("m:f", input_shape=(7,), versions={"keras": "3"})
    assert base != ir_key("m:f", versions={"keras": "4"})
    assert base != ir_key("m:f", extract={"input-dtype": "int32"}, versions={"keras": "3"})
    assert base == ir_key("m:f", extract={"input-dtype": None}, versions={"keras": "3"})


def test_key_holds_no_path_and_no_sys_path() -> None:
    """Where the project lies is not part of the key (a moved project stays warm)."""
    assert "base_dir" not in ir_key.__kwdefaults__
    assert "sys_path" not in ir_key.__kwdefaults__


def test_framework_versions_from_metadata_only() -> None:
    versions = framework_versions()
    assert "keras=3." in versions["keras"] and "backend=" in versions["keras"]
    assert "keras=3." in versions["keras-file"]


def test_hit_then_invalidated_by_source_edit(tmp_path: Path) -> None:
    src = tmp_path / "models.py"
    src.write_text("A = 1\n")
    cache = DiskCache(tmp_path / "cache")
    cache.put_ir("ab" * 32, GRAPH, sources(src))
    entry = cache.get_ir("ab" * 32)
    assert entry is not None and entry.graph == GRAPH
    assert entry.graph.content_hash() == GRAPH.content_hash()
    src.write_text("A = 2\n")
    assert cache.get_ir("ab" * 32) is None
    src.unlink()
    assert cache.get_ir("ab" * 32) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # truncated
        lambda text: "not json",
        lambda text: json.dumps({**json.loads(text), "cache_schema": 999}),
        lambda text: json.dumps({**json.loads(text), "graph": {"schema": 999}}),
        lambda text: json.dumps({**json.loads(text), "key": "0" * 64}),
        lambda text: json.dumps([1, 2]),
        lambda text: "",
    ],
)
def test_corrupt_entries_are_misses_and_rebuilt(tmp_path: Path, damage: object) -> None:
    cache = DiskCache(tmp_path)
    key = "cd" * 32
    cache.put_ir(key, GRAPH, [])
    path = tmp_path / "ir" / f"{key}.json"
    path.write_text(damage(path.read_text()))  # type: ignore[operator]
    assert cache.get_ir(key) is None
    cache.put_ir(key, GRAPH, [])
    assert cache.get_ir(key) is not None


def test_diagram_entries(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    cache.put_diagram("ef" * 32, {"svg": "<svg/>", "legend_svg": "", "title": "t"})
    assert cache.get_diagram("ef" * 32) == {"svg": "<svg/>", "legend_svg": "", "title": "t"}
    assert cache.get_diagram("00" * 32) is None
    (tmp_path / "svg" / f"{'ef' * 32}.json").write_text('{"cache_schema": 1}')
    assert cache.get_diagram("ef" * 32) is None


def test_disabled_cache() -> None:
    cache = DiskCache(None)
    cache.put_ir("ab" * 32, GRAPH, [])
    assert cache.get_ir("ab" * 32) is None and not cache.enabled


def test_bad_keys_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        DiskCache(tmp_path).get_ir("../../etc/passwd")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_dir_warns_once(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    warnings: list[str] = []
    try:
        cache = DiskCache(locked / "cache", on_warning=warnings.append)
        for i in range(3):
            cache.put_ir(f"{i:064x}", GRAPH, [])
            cache.put_diagram(f"{i:064x}", {"svg": ""})
        assert len(warnings) == 1 and "unusable" in warnings[0]
        assert not cache.enabled and cache.get_ir(f"{0:064x}") is None
    finally:
        locked.chmod(stat.S_IRWXU)


def test_file_in_the_way_warns_once(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file, not a directory")
    warnings: list[str] = []
    cache = DiskCache(blocker, on_warning=warnings.append)
    cache.put_ir("ab" * 32, GRAPH, [])
    cache.put_ir("cd" * 32, GRAPH, [])
    assert len(warnings) == 1


def _hammer(root: str, seed: int) -> int:
    cache = DiskCache(Path(root))
    bad = 0
    for i in range(150):
        key = f"{i % 5:064x}"
        cache.put_ir(key, GRAPH, [])
        entry = cache.get_ir(key)
        if entry is None or entry.graph != GRAPH:
            bad += 1
    return bad + seed * 0


def test_two_processes_share_a_directory(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        results = pool.starmap(_hammer, [(str(tmp_path), 0), (str(tmp_path), 1)])
    assert results == [0, 0]
    leftovers = [p.name for p in (tmp_path / "ir").iterdir() if not p.name.endswith(".json")]
    assert leftovers == []
    assert len(list((tmp_path / "ir").iterdir())) == 5
