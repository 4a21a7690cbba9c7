"""ModelLoader: cache first (no worker, no TensorFlow), then the worker; IR files; errors."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from sphinx_netviz.core.ir.errors import ExtractionError, SpecError
from sphinx_netviz.core.store.loader import ModelLoader, load_graph
from tests.helpers import run_json_script, write_shop

ROOT = Path(__file__).resolve().parents[2]


def write_project(tmp_path: Path, units: int = 3) -> Path:
    project = tmp_path / "proj"
    (project / "mypkg").mkdir(parents=True, exist_ok=True)
    (project / "mypkg" / "__init__.py").write_text("")
    (project / "mypkg" / "layers_def.py").write_text(f"UNITS = {units}\n")
    (project / "mypkg" / "models.py").write_text(
        textwrap.dedent(
            """
            import keras
            from mypkg.layers_def import UNITS

            def get_model():
                inputs = keras.Input((4,), name="x")
                return keras.Model(inputs, keras.layers.Dense(UNITS, name="y")(inputs))
            """
        )
    )
    return project


WARM = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from sphinx_netviz.core.store.loader import ModelLoader
    project, cache = Path(sys.argv[1]), Path(sys.argv[2])
    with ModelLoader(cache_dir=cache, sys_path=[str(project)]) as loader:
        loaded = loader.load("mypkg.models:get_model")
        print(json.dumps({
            "from_cache": loaded.from_cache,
            "started": loader.worker_started,
            "starts": loader.worker_starts,
            "tf": "tensorflow" in sys.modules,
            "keras": "keras" in sys.modules,
            "units": loaded.graph.node("y").output_shapes[0][0],
            "sources": sorted(Path(p).name for p in loaded.sources),
        }))
    """
)


def run_warm(project: Path, cache: Path) -> dict[str, object]:
    result: dict[str, object] = run_json_script(WARM, str(project), str(cache))
    return result


def test_cold_then_warm_without_tensorflow_then_invalidated(tmp_path: Path) -> None:
    project = write_project(tmp_path)
    cache = tmp_path / "cache"
    cold = run_warm(project, cache)
    assert cold["from_cache"] is False and cold["starts"] == 1
    assert cold["sources"] == ["__init__.py", "layers_def.py", "models.py"]
    warm = run_warm(project, cache)
    assert warm == {
        **cold,
        "from_cache": True,
        "started": False,
        "starts": 0,
        "tf": False,
        "keras": False,
    }
    # Editing a module the factory imported (not the factory's own file) invalidates.
    (project / "mypkg" / "layers_def.py").write_text("UNITS = 5\n")
    changed = run_warm(project, cache)
    assert changed["from_cache"] is False and changed["units"] == 5


def test_stale_worker_restarted_after_an_edit(tmp_path: Path) -> None:
    """A long-lived loader (mkdocs serve) must not answer from stale imports."""
    project = write_project(tmp_path)
    with ModelLoader(cache_dir=tmp_path / "cache", sys_path=[str(project)]) as loader:
        first = loader.load("mypkg.models:get_model")
        assert first.graph.node("y").output_shapes == ((3,),)
        (project / "mypkg" / "layers_def.py").write_text("UNITS = 7\n")
        second = loader.load("mypkg.models:get_model")
        assert second.graph.node("y").output_shapes == ((7,),)
        assert loader.worker_starts == 2


def test_ir_files_need_no_worker(tmp_path: Path) -> None:
    from sphinx_netviz.core.ir.graph import Graph, Node

    graph = Graph(name="g", nodes=(Node(id="a", name="a", type="Dense"),), edges=())
    (tmp_path / "g.json").write_text(graph.to_json())
    (tmp_path / "bad.json").write_text('{"schema": 99}')
    with ModelLoader(cache_dir=None, base_dir=tmp_path) as loader:
        loaded = loader.load("g.json")
        assert loaded.graph == graph and loaded.sources == ((tmp_path / "g.json").resolve(),)
        with pytest.raises(ExtractionError, match=r"'bad.json': not a netviz IR"):
            loader.load("bad.json")
        with pytest.raises(ExtractionError, match=r"'missing.json': no such file"):
            loader.load("missing.json")
        with pytest.raises(ExtractionError, match=r"'missing.keras': no such file"):
            loader.load("missing.keras")
        with pytest.raises(SpecError, match=r"'nonsense'"):
            loader.load("nonsense")
        assert not loader.worker_started


def test_model_file_via_worker_and_cache(tmp_path: Path) -> None:
    import keras

    from tests.zoo import models

    keras.backend.clear_session()
    models.residual(blocks=1).save(tmp_path / "res.keras")
    with ModelLoader(cache_dir=tmp_path / "c", base_dir=tmp_path) as loader:
        loaded = loader.load("res.keras")
        assert loaded.sources == ((tmp_path / "res.keras").resolve(),)
        assert loaded.graph.node("block0_add").type == "Add"
        assert loader.load("res.keras").from_cache
    (tmp_path / "res.keras").write_bytes(b"PK\x03\x04 corrupted")
    with ModelLoader(cache_dir=tmp_path / "c", base_dir=tmp_path) as loader:
        with pytest.raises(ExtractionError, match=r"'res.keras': corrupt .keras file"):
            loader.load("res.keras")


def test_load_graph_one_shot(tmp_path: Path) -> None:
    graph = load_graph(
        "tests.zoo.models:unbuilt_sequential",
        input_shape="7",
        cache_dir=tmp_path,
        sys_path=[str(ROOT)],
    )
    assert [n.id for n in graph.nodes] == ["input_layer", "hidden", "out"]


def test_prestart_and_cached_probe(tmp_path: Path) -> None:
    project = write_project(tmp_path)
    cache = tmp_path / "cache"
    with ModelLoader(cache_dir=cache, sys_path=[str(project)]) as loader:
        assert loader.cached("mypkg.models:get_model") is None  # cold: nothing, no worker
        assert not loader.worker_started
        loader.prestart()  # returns at once; the worker imports TensorFlow meanwhile
        assert loader.worker_started and loader.worker_starts == 1
        loader.prestart()  # idempotent while it runs
        loaded = loader.load("mypkg.models:get_model")
        assert not loaded.from_cache and loader.worker_starts == 1
        probe = loader.cached("mypkg.models:get_model")
        assert probe is not None and probe.from_cache
        assert probe.graph.content_hash() == loaded.graph.content_hash()
    with pytest.raises(SpecError):
        ModelLoader(cache_dir=cache).cached("not a spec")


def test_memo_serves_repeat_loads_until_a_source_changes(tmp_path: Path) -> None:
    project = write_project(tmp_path, units=3)
    cache = tmp_path / "cache"
    with ModelLoader(cache_dir=cache, sys_path=[str(project)]) as loader:
        first = loader.load("mypkg.models:get_model")
        for entry in cache.rglob("*.json"):  # the memo, not the disk cache, answers now
            entry.unlink()
        again = loader.load("mypkg.models:get_model")
        assert again.graph is first.graph and again.from_cache
        # An edit (as under `mkdocs serve`) invalidates the memo: the model is re-imported.
        (project / "mypkg" / "layers_def.py").write_text("UNITS = 5\n# edited\n")
        changed = loader.load("mypkg.models:get_model")
        assert not changed.from_cache
        assert changed.graph.node("y").output_shapes[0][0] == 5


MOVABLE = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from sphinx_netviz.core.store.loader import ModelLoader
    project, cache, snapshots = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    extra = sys.argv[4:]
    warnings = []
    with ModelLoader(
        cache_dir=cache,
        base_dir=project,
        sys_path=[*extra, str(project)],
        snapshot_dir=Path(snapshots) if snapshots else None,
        on_warning=warnings.append,
    ) as loader:
        loaded = loader.load("mypkg.models:get_model")
        print(json.dumps({
            "from_cache": loaded.from_cache,
            "from_snapshot": loaded.from_snapshot,
            "starts": loader.worker_starts,
            "keras": "keras" in sys.modules,
            "units": loaded.graph.node("y").output_shapes[0][0],
            "sources": sorted(str(p) for p in loaded.sources),
            "warnings": warnings,
        }))
    """
)


def test_moved_project_keeps_its_warm_cache(tmp_path: Path) -> None:
    """Same cache, project in another folder and one more unrelated import path: warm."""
    first = write_project(tmp_path / "a")
    cache = tmp_path / "cache"
    snapshots = tmp_path / "snaps"
    cold = run_json_script(MOVABLE, str(first), str(cache), str(snapshots))
    assert cold["starts"] == 1 and not cold["from_cache"]
    # Neither the cache nor the snapshot holds the absolute project path.
    for entry in [*cache.rglob("*.json"), *snapshots.glob("*.json")]:
        assert str(tmp_path) not in entry.read_text()
    (snapshot,) = snapshots.glob("*.json")
    assert '"path": "mypkg/models.py"' in snapshot.read_text()
    moved = tmp_path / "b" / "deeper" / "proj"
    moved.parent.mkdir(parents=True)
    first.rename(moved)
    unrelated = tmp_path / "unrelated"
    unrelated.mkdir()
    warm = run_json_script(MOVABLE, str(moved), str(cache), "", str(unrelated))
    assert warm["from_cache"] and warm["starts"] == 0 and not warm["keras"]
    assert all(p.startswith(str(moved)) for p in warm["sources"])
    # Another project with the same spec but other sources, sharing the cache: not confused.
    other = write_project(tmp_path / "c", units=6)
    third = run_json_script(MOVABLE, str(other), str(cache), "")
    assert third["units"] == 6 and third["starts"] == 1
    # Editing the moved project's model source refreshes its diagram.
    (moved / "mypkg" / "layers_def.py").write_text("UNITS = 4\n")
    edited = run_json_script(MOVABLE, str(moved), str(cache), "")
    assert edited["units"] == 4 and edited["starts"] == 1


def _build(project: Path, cache: Path, snapshots: Path, **kwargs: object) -> dict[str, object]:
    """One "docs build": a fresh loader loads both models of the shop project."""
    warnings: list[str] = []
    with ModelLoader(
        cache_dir=cache,
        base_dir=project,
        sys_path=[str(project)],
        snapshot_dir=snapshots,
        on_warning=warnings.append,
        **kwargs,  # type: ignore[arg-type]
    ) as loader:
        widths = {
            spec: loader.load(spec).graph.nodes[1].output_shapes[0][0]
            for spec in ("shop.models:mlp", "shop.hf:tiny")
        }
        return {"extractions": loader.extractions, "widths": widths, "warnings": warnings}


def test_an_edit_re_extracts_only_the_models_using_it_and_its_revert_nothing(
    tmp_path: Path,
) -> None:
    project = write_shop(tmp_path / "proj")
    cache, snapshots = tmp_path / "cache", project / "snaps"
    cold = _build(project, cache, snapshots)
    assert cold["extractions"] == 2
    assert cold["widths"] == {"shop.models:mlp": 8, "shop.hf:tiny": 2}
    written = {p.name: p.read_text() for p in snapshots.glob("*.json")}
    hf_snapshot = next(text for name, text in written.items() if name.startswith("shop.hf"))
    assert [s["path"] for s in json.loads(hf_snapshot)["sources"]] == [
        "shop/__init__.py",
        "shop/hf.py",
    ]

    unused = project / "shop" / "unused.py"
    unused.write_text(unused.read_text() + "# edited\n")  # no diagram uses it
    assert _build(project, cache, snapshots)["extractions"] == 0

    layers = project / "shop" / "layers.py"
    original = layers.read_text()
    layers.write_text("WIDTH = 6\n")  # used by shop.models only
    # Offline, before any refresh: only the snapshot of the model using layers.py is stale.
    offline = _build(project, cache, snapshots, offline=True)
    assert offline["warnings"] == [
        "snapshot of shop.models:mlp is stale (shop/layers.py changed); "
        "rebuild with the framework installed to refresh"
    ]
    edited = _build(project, cache, snapshots)
    assert edited["extractions"] == 1 and edited["widths"]["shop.models:mlp"] == 6

    layers.write_text(original)  # the revert: its version is still in the cache
    reverted = _build(project, cache, snapshots)
    assert reverted["extractions"] == 0 and reverted["widths"] == cold["widths"]
    assert {p.name: p.read_text() for p in snapshots.glob("*.json")} == written


def test_a_long_lived_loader_restarts_its_worker_only_for_a_used_edit(tmp_path: Path) -> None:
    """As under ``mkdocs serve``: one loader, edits between loads."""
    project = write_shop(tmp_path / "proj")
    with ModelLoader(cache_dir=tmp_path / "cache", sys_path=[str(project)]) as loader:
        loader.load("shop.models:mlp")
        loader.load("shop.hf:tiny")
        (project / "shop" / "layers.py").write_text("WIDTH = 5\n")
        assert loader.load("shop.hf:tiny").from_cache  # hf never used layers.py
        assert (loader.extractions, loader.worker_starts) == (2, 1)
        # The worker imported layers.py (for shop.models): it restarts before extracting.
        assert loader.load("shop.models:mlp").graph.nodes[1].output_shapes == ((5,),)
        assert (loader.extractions, loader.worker_starts) == (3, 2)
        (project / "shop" / "layers.py").write_text("WIDTH = 8\n")
        assert loader.load("shop.models:mlp").graph.nodes[1].output_shapes == ((8,),)
        assert (loader.extractions, loader.worker_starts) == (3, 2)
