"""The disk cache: hits, source invalidation, versions side by side, corruption, unwritable
dirs, concurrency."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from sphinx_netviz.core.ir.graph import Edge, Graph, Node
from sphinx_netviz.core.store.cache import (
    MAX_VERSIONS,
    DiskCache,
    IrEntry,
    framework_versions,
    ir_key,
)
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


def test_framework_versions_are_read_once_per_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept for the process (metadata scans cost a warm build a quarter of its time), but a
    change of ``KERAS_BACKEND`` still gives another key."""
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    jax = framework_versions()
    assert framework_versions() == jax and framework_versions() is not jax  # a copy
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    torch = framework_versions()
    assert "backend=torch" in torch["keras"] and "backend=jax" in jax["keras"]
    assert ir_key("m:f", versions=None) != ir_key("m:f", versions=jax)


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
        lambda text: json.dumps({**json.loads(text), "graph": {"schema": 999}, "sources": 7}),
        lambda text: json.dumps({**json.loads(text), "key": "0" * 64}),
        lambda text: json.dumps([1, 2]),
        lambda text: "",
    ],
)
@pytest.mark.parametrize("part", ["sources", "graph"])
def test_corrupt_entries_are_misses_and_rebuilt(tmp_path: Path, damage: object, part: str) -> None:
    cache = DiskCache(tmp_path)
    key = "cd" * 32
    cache.put_ir(key, GRAPH, [])
    (path,) = (tmp_path / "ir" / key).glob(f"*.{part}.json")
    path.write_text(damage(path.read_text()))  # type: ignore[operator]
    assert cache.get_ir(key) is None
    cache.put_ir(key, GRAPH, [])
    assert cache.get_ir(key) is not None


def graph_of(units: int) -> Graph:
    return replace(
        GRAPH, nodes=(GRAPH.nodes[0], replace(GRAPH.nodes[1], output_shapes=((units,),)))
    )


def units_of(entry: IrEntry | None) -> int | None:
    return None if entry is None else entry.graph.node("y").output_shapes[0][0]


def test_an_edit_and_its_revert_are_both_warm(tmp_path: Path) -> None:
    """Each source list is a version of its own: reverting an edit finds the old graph."""
    src = tmp_path / "models.py"
    cache = DiskCache(tmp_path / "cache")
    key = "ab" * 32
    src.write_text("UNITS = 2\n")
    cache.put_ir(key, graph_of(2), sources(src))
    src.write_text("UNITS = 3\n")
    assert cache.get_ir(key) is None
    cache.put_ir(key, graph_of(3), sources(src))
    assert units_of(cache.get_ir(key)) == 3
    src.write_text("UNITS = 2\n")  # the revert: the first version again, no extraction
    assert units_of(cache.get_ir(key)) == 2
    src.write_text("UNITS = 3\n")
    assert units_of(cache.get_ir(key)) == 3
    folder = tmp_path / "cache" / "ir" / key
    assert len(list(folder.glob("*.sources.json"))) == len(list(folder.glob("*.graph.json"))) == 2
    # The same sources again rewrite their version in place: no third one.
    cache.put_ir(key, graph_of(3), sources(src))
    assert len(list(folder.glob("*.sources.json"))) == 2
    # No absolute path in the file names, and the version names only content.
    assert all(len(p.name.split(".")[0]) == 32 for p in folder.iterdir())


def test_least_recently_used_versions_are_evicted(tmp_path: Path) -> None:
    src = tmp_path / "models.py"
    cache = DiskCache(tmp_path / "cache")
    key = "ef" * 32
    for units in range(1, MAX_VERSIONS + 1):
        src.write_text(f"UNITS = {units}\n")
        cache.put_ir(key, graph_of(units), sources(src))
    src.write_text("UNITS = 1\n")
    assert units_of(cache.get_ir(key)) == 1  # used: now the most recent, version 2 the least
    src.write_text(f"UNITS = {MAX_VERSIONS + 1}\n")
    cache.put_ir(key, graph_of(MAX_VERSIONS + 1), sources(src))
    folder = tmp_path / "cache" / "ir" / key
    assert len(list(folder.glob("*.sources.json"))) == MAX_VERSIONS
    assert len(list(folder.glob("*.graph.json"))) == MAX_VERSIONS
    kept = []
    for units in range(1, MAX_VERSIONS + 2):
        src.write_text(f"UNITS = {units}\n")
        kept.append(units_of(cache.get_ir(key)))
    assert kept == [1, None, *range(3, MAX_VERSIONS + 2)]


def test_a_version_without_its_graph_is_skipped(tmp_path: Path) -> None:
    shared, other = tmp_path / "a.py", tmp_path / "b.py"
    shared.write_text("A = 1\n")
    other.write_text("B = 1\n")
    cache = DiskCache(tmp_path / "cache")
    key = "12" * 32
    cache.put_ir(key, graph_of(5), sources(shared))
    cache.put_ir(key, graph_of(6), sources(shared, other))  # newer, also current
    assert units_of(cache.get_ir(key)) == 6
    newest = max((tmp_path / "cache" / "ir" / key).glob("*.sources.json"), key=os.path.getmtime)
    newest.with_name(newest.name.replace(".sources.", ".graph.")).unlink()
    assert units_of(cache.get_ir(key)) == 5


def test_entries_of_the_single_file_layout_are_ignored(tmp_path: Path) -> None:
    key = "34" * 32
    old = {"cache_schema": 1, "key": key, "graph": GRAPH.to_dict(), "sources": []}
    (tmp_path / "ir").mkdir()
    (tmp_path / "ir" / f"{key}.json").write_text(json.dumps(old))
    cache = DiskCache(tmp_path)
    assert cache.get_ir(key) is None
    cache.put_ir(key, GRAPH, [])
    assert cache.get_ir(key) is not None


def _put_versions(root: str, seed: int) -> int:
    """Store versions ``seed``, ``seed + 2``, ... of one key, each with its own source file."""
    cache = DiskCache(Path(root) / "cache")
    for units in range(seed, 6, 2):
        src = Path(root) / f"v{units}.py"
        src.write_text(f"UNITS = {units}\n")
        cache.put_ir("56" * 32, graph_of(units), sources(src))
    return seed


def test_concurrent_writers_keep_each_others_versions(tmp_path: Path) -> None:
    """Two writers storing versions of one key at once: the newest ones are kept, each with
    its graph (no index file to lose an update of)."""
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(_put_versions, [str(tmp_path)] * 2, [0, 1]))
    folder = tmp_path / "cache" / "ir" / ("56" * 32)
    assert len(list(folder.glob("*.sources.json"))) == MAX_VERSIONS
    cache = DiskCache(tmp_path / "cache")
    found = {}
    files = sorted(tmp_path.glob("v*.py"))
    for path in files:  # each version lists its own file: with only it present, only it matches
        for other in files:
            if other != path:
                other.rename(other.with_suffix(".off"))
        found[int(path.stem[1:])] = units_of(cache.get_ir("56" * 32))
        for other in files:
            if other != path:
                other.with_suffix(".off").rename(other)
    kept = {units: got for units, got in found.items() if got is not None}
    assert len(kept) == MAX_VERSIONS and all(units == got for units, got in kept.items())


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
    entries = [p for p in (tmp_path / "ir").rglob("*") if p.is_file()]
    assert [p.name for p in entries if not p.name.endswith(".json")] == []
    assert len(list((tmp_path / "ir").iterdir())) == 5
    assert len(entries) == 10  # one version (sources and graph) of each of the 5 keys
