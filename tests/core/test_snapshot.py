"""Snapshots (core/snapshot.py) and portable source fingerprints (core/sources.py).

No worker runs here: snapshots are written from hand-made graphs, and the loader is checked to
answer from them (offline, or when the framework a snapshot names is not importable) without
starting one.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from sphinx_netviz.core.ir.errors import ExtractionError
from sphinx_netviz.core.ir.graph import Edge, Graph, Node
from sphinx_netviz.core.store.loader import ModelLoader
from sphinx_netviz.core.store.snapshot import (
    Snapshot,
    read_snapshot,
    required_modules,
    snapshot_digest,
    snapshot_filename,
    snapshot_text,
    write_snapshot,
)
from sphinx_netviz.core.worker.sources import (
    SYS_PATH,
    changed_sources,
    import_anchors,
    portable_only,
    portable_path,
    relative_sources,
    sha256_file,
)


def graph(framework: str = "keras", units: int = 2) -> Graph:
    return Graph(
        name="tiny",
        nodes=(
            Node(id="x", name="x", type="InputLayer", kind="input", output_shapes=((3,),)),
            Node(
                id="y",
                name="y",
                type="Dense",
                input_shapes=((3,),),
                output_shapes=((units,),),
                params=4 * units,
            ),
        ),
        edges=(Edge("x", "y", (3,)),),
        inputs=("x",),
        outputs=("y",),
        meta={"framework": framework, "backend": "tensorflow"},
    )


def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "mypkg").mkdir(parents=True)
    (root / "mypkg" / "models.py").write_text("UNITS = 2\n")
    return root


def snap_of(root: Path, framework: str = "keras") -> Snapshot:
    models = root / "mypkg" / "models.py"
    sources = relative_sources([(str(models), str(sha256_file(models)))], root, ())
    return Snapshot(
        spec="mypkg.models:get_model",
        graph=graph(framework),
        sources=sources,
        options={"input-shape": None},
    )


# -- file names and format ----------------------------------------------------------------------
def test_file_name_is_readable_and_keyed_by_spec_and_options() -> None:
    name = snapshot_filename("mypkg.models:get_model")
    assert name.startswith("mypkg.models--get_model-") and name.endswith(".json")
    assert name == snapshot_filename("  mypkg.models:get_model ")
    assert name == snapshot_filename("mypkg.models:get_model", {"input-shape": None})
    assert name != snapshot_filename("mypkg.models:get_model", {"input-shape": (28, 28, 1)})
    assert name != snapshot_filename("mypkg.models:get_model(depth=18)")
    odd = snapshot_filename("../../etc/x.keras")
    assert "/" not in odd and not odd.startswith(".")


def test_text_is_stable_sorted_and_holds_no_absolute_path(tmp_path: Path) -> None:
    root = project(tmp_path)
    snap = snap_of(root)
    text = snapshot_text(snap)
    assert text.endswith("}\n") and text == snapshot_text(snap)
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert data["sources"] == [
        {"path": "mypkg/models.py", "sha256": sha256_file(root / "mypkg/models.py")}
    ]
    assert data["requires"] == ["keras", "tensorflow"] and data["framework"] == "keras"
    assert str(tmp_path) not in text
    assert "\n  " in text  # indented: readable in a diff


def test_write_only_when_changed_and_read_back(tmp_path: Path) -> None:
    root = project(tmp_path)
    folder = tmp_path / "snapshots"
    path = write_snapshot(folder, snap_of(root))
    before = path.stat().st_mtime_ns
    os.utime(path, ns=(before - 10**9, before - 10**9))
    assert write_snapshot(folder, snap_of(root)) == path
    assert path.stat().st_mtime_ns == before - 10**9  # unchanged content: not rewritten
    back = read_snapshot(folder, "mypkg.models:get_model", {"input-shape": None})
    assert back is not None and back.graph == graph() and back.sources == snap_of(root).sources
    assert read_snapshot(folder, "mypkg.models:other") is None
    assert [p.name for p in folder.iterdir()] == [path.name]  # no temporary files left
    # Any change (here: a source's hash, i.e. the model was edited and re-extracted) rewrites.
    edited = replace(snap_of(root), sources=(("mypkg/models.py", "0" * 64),))
    assert write_snapshot(folder, edited) == path
    assert path.read_text() == snapshot_text(edited) != snapshot_text(snap_of(root))
    assert json.loads(path.read_text())["digest"] == snapshot_digest(edited)


def test_unreadable_snapshot_names_the_file(tmp_path: Path) -> None:
    name = snapshot_filename("m:f")
    (tmp_path / name).write_text("{not json")
    with pytest.raises(ExtractionError, match=rf"'m:f': unreadable snapshot '{name}'"):
        read_snapshot(tmp_path, "m:f")
    (tmp_path / name).write_text(json.dumps({"netviz_snapshot": 1, "spec": "m:g"}))
    with pytest.raises(ExtractionError, match="holds 'm:g'"):
        read_snapshot(tmp_path, "m:f")


def test_required_modules() -> None:
    assert required_modules(graph("keras")) == ("keras", "tensorflow")
    assert required_modules(graph("torch")) == ("torch",)
    assert required_modules(Graph(name="g", nodes=(), edges=())) == ()


# -- portable sources -----------------------------------------------------------------------------
def test_portable_paths(tmp_path: Path) -> None:
    base = tmp_path / "proj" / "docs"
    src = tmp_path / "proj" / "src"
    elsewhere = tmp_path / "lib"
    for folder in (base, src / "pkg", elsewhere / "pkg"):
        folder.mkdir(parents=True)
    assert portable_path(base / "models.py", base, ()) == "models.py"
    # docs/ + src/ layout: src on sys.path (conf.py inserts it)
    assert portable_path(src / "pkg/m.py", base, [str(src)]) == SYS_PATH + "pkg/m.py"
    assert portable_path(src / "pkg/m.py", base, ()) == "../src/pkg/m.py"
    assert portable_path(elsewhere / "pkg/m.py", base, [str(elsewhere)]) == SYS_PATH + "pkg/m.py"
    assert portable_path(elsewhere / "pkg/m.py", base, ()) is None  # outside everything


def test_changed_sources_resolve_against_the_current_project(tmp_path: Path) -> None:
    root = project(tmp_path)
    snap = snap_of(root)
    assert changed_sources(snap.sources, root, ()) == []
    moved = tmp_path / "elsewhere" / "proj"
    root.rename(tmp_path / "gone")
    assert changed_sources(snap.sources, root, ()) == ["mypkg/models.py"]
    moved.parent.mkdir()
    (tmp_path / "gone").rename(moved)
    assert changed_sources(snap.sources, moved, ()) == []
    (moved / "mypkg/models.py").write_text("UNITS = 3\n")
    assert changed_sources(snap.sources, moved, ()) == ["mypkg/models.py"]


# -- the loader reads snapshots without a worker -------------------------------------------------
def test_offline_loader_reads_snapshots_and_warns_once_when_stale(tmp_path: Path) -> None:
    root = project(tmp_path)
    folder = tmp_path / "snapshots"
    write_snapshot(folder, snap_of(root))
    warnings: list[str] = []
    with ModelLoader(
        cache_dir=None, base_dir=root, snapshot_dir=folder, offline=True, on_warning=warnings.append
    ) as loader:
        loaded = loader.load("mypkg.models:get_model")
        assert loaded.from_snapshot and loaded.graph == graph()
        assert loaded.sources == (root / "mypkg" / "models.py",)
        assert warnings == [] and loader.worker_starts == 0
        with pytest.raises(ExtractionError, match=r"'mypkg.models:other': extraction is off"):
            loader.load("mypkg.models:other")
        loader.prestart()  # offline: never starts a worker
        assert loader.worker_starts == 0
    (root / "mypkg" / "models.py").write_text("UNITS = 3\n")
    with ModelLoader(
        cache_dir=None, base_dir=root, snapshot_dir=folder, offline=True, on_warning=warnings.append
    ) as loader:
        assert loader.load("mypkg.models:get_model").graph == graph()
        assert loader.load("mypkg.models:get_model").graph == graph()
        assert loader.worker_starts == 0
    assert warnings == [
        "snapshot of mypkg.models:get_model is stale (mypkg/models.py changed); "
        "rebuild with the framework installed to refresh"
    ]


def test_environment_switch_turns_extraction_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path)
    write_snapshot(tmp_path / "s", snap_of(root))
    monkeypatch.setenv("NETVIZ_OFFLINE", "1")
    with ModelLoader(cache_dir=None, base_dir=root, snapshot_dir=tmp_path / "s") as loader:
        assert loader.offline
        assert loader.cached("mypkg.models:get_model") is not None
        assert loader.load("mypkg.models:get_model").from_snapshot
        assert loader.worker_starts == 0


def test_framework_not_installed_reads_the_snapshot(tmp_path: Path) -> None:
    """Not offline, but the snapshot's framework cannot be imported here: no worker."""
    root = project(tmp_path)
    write_snapshot(tmp_path / "s", snap_of(root, framework="no_such_framework_xyz"))
    with ModelLoader(cache_dir=None, base_dir=root, snapshot_dir=tmp_path / "s") as loader:
        assert not loader.offline
        loaded = loader.load("mypkg.models:get_model")
        assert loaded.from_snapshot and loader.worker_starts == 0


def test_a_probe_does_not_take_the_stale_warning_from_the_load(tmp_path: Path) -> None:
    root = project(tmp_path)
    write_snapshot(tmp_path / "s", snap_of(root))
    (root / "mypkg" / "models.py").write_text("UNITS = 3\n")
    warnings: list[str] = []
    with ModelLoader(
        cache_dir=None,
        base_dir=root,
        snapshot_dir=tmp_path / "s",
        offline=True,
        on_warning=warnings.append,
    ) as loader:
        assert loader.cached("mypkg.models:get_model") is not None
        assert warnings == []
        loader.load("mypkg.models:get_model")
        assert len(warnings) == 1 and "is stale (mypkg/models.py changed)" in warnings[0]


def test_files_outside_the_project_stay_in_the_cache_but_not_in_snapshots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "repo" / "proj"
    outside = tmp_path / "lib" / "helper.py"
    viaenv = tmp_path / "envlib" / "pkg" / "m.py"
    for path in (base / "m.py", outside, viaenv):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("X = 1\n")
    pairs = [(str(p), str(sha256_file(p))) for p in (base / "m.py", outside, viaenv)]
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "envlib"))
    anchors = import_anchors(())
    cached = relative_sources(pairs, base, anchors, keep_outside=True)
    assert sorted(p for p, _ in cached) == sorted(
        [
            SYS_PATH + "pkg/m.py",  # imported through PYTHONPATH
            str(outside.resolve()),  # outside everything: absolute, for the local cache only
            "m.py",
        ]
    )
    assert changed_sources(cached, base, anchors) == []
    outside.write_text("X = 2\n")
    assert changed_sources(cached, base, anchors) == [str(outside.resolve())]
    assert sorted(p for p, _ in portable_only(cached)) == sorted([SYS_PATH + "pkg/m.py", "m.py"])


def test_snapshot_files_get_ordinary_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        path = write_snapshot(tmp_path / "s", snap_of(project(tmp_path)))
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644  # committed: readable by the team
