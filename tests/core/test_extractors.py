"""The extractor protocol: Keras and its saved-file route behind it; spec, cache and
install hints ask the registered routes instead of naming a framework."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sphinx_netviz.core.extract.base import (
    Extractor,
    ExtractRequest,
    file_suffixes,
    find_extractor,
    install_hint,
    registered,
)
from sphinx_netviz.core.extract.keras import model as keras3
from sphinx_netviz.core.extract.keras import saved as config_route
from sphinx_netviz.core.ir.categories import CATEGORIES
from sphinx_netviz.core.ir.spec import parse_spec

ROOT = Path(__file__).resolve().parents[2]


def test_routes_conform_and_are_registered() -> None:
    routes = registered()
    assert [r.name for r in routes][:2] == ["keras", "keras-file"]
    for route in routes:
        assert isinstance(route, Extractor)
        assert route.distributions and route.extra
        assert isinstance(route.version(), str) and route.version()


def test_lookup_imports_no_framework() -> None:
    """Asking the routes about a plain object, a path, versions and hints loads nothing."""
    code = (
        "import sys, json, pathlib\n"
        "from sphinx_netviz.core.extract.base import find_extractor, install_hint, registered\n"
        "from sphinx_netviz.core.store.cache import framework_versions\n"
        "from sphinx_netviz.core.ir.spec import parse_spec\n"
        "find_extractor(object()); find_extractor(pathlib.Path('m.keras'))\n"
        "framework_versions(); install_hint('torch'); parse_spec('m.h5')\n"
        "print(json.dumps([m for m in ('keras', 'tensorflow', 'torch', 'jax', 'numpy')"
        " if m in sys.modules]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert json.loads(out.stdout) == []


def test_keras_route_accepts_models_by_class_names_only() -> None:
    from tests.zoo import models

    model = models.mlp()
    assert find_extractor(model) is keras3.EXTRACTOR
    assert not keras3.EXTRACTOR.accepts(model.layers[0])  # a layer is not a model
    assert not keras3.EXTRACTOR.accepts({"layers": 3})
    graph = keras3.EXTRACTOR.extract(model, ExtractRequest(source="live mlp"))
    assert graph.meta["backend"] == "tensorflow"
    assert [n.category for n in graph.nodes] == ["io", "dense", "dense", "dense"]


def test_saved_file_route(tmp_path: Path) -> None:
    from tests.zoo import models

    path = tmp_path / "net.keras"
    models.mnist_convnet().save(path)
    assert find_extractor(path) is config_route.EXTRACTOR
    assert find_extractor(tmp_path / "net.json") is None
    graph = config_route.EXTRACTOR.extract(path, ExtractRequest(source="net.keras"))
    assert {n.type: n.category for n in graph.nodes}["Conv2D"] == "conv"
    assert all(n.category in CATEGORIES for n in graph.nodes)


def test_spec_suffixes_come_from_the_routes() -> None:
    assert {".keras", ".h5", ".hdf5"} <= set(file_suffixes())
    assert parse_spec("models/net.H5").kind == "file"


def test_walker_sets_a_category_on_every_node() -> None:
    from tests.zoo import models

    expected = {
        "InputLayer": "io",
        "Conv2D": "conv",
        "MaxPooling2D": "pooling",
        "BatchNormalization": "norm",
        "Add": "merge",
        "Concatenate": "merge",
        "Dense": "dense",
        "Dropout": "dropout",
        "Flatten": "reshape",
        "LSTM": "recurrent",
        "Embedding": "embedding",
        "Functional": "block",
    }
    seen: dict[str, str] = {}
    for factory in (models.residual, models.inception, models.lstm, models.nested, models.unet):
        graph = keras3.extract_model(factory())
        for node in graph.nodes:
            assert node.category in CATEGORIES, (node.type, node.category)
            seen[node.type] = node.category
    for type_name, category in expected.items():
        if type_name in seen:
            assert seen[type_name] == category, type_name
    assert {"conv", "merge", "io", "block", "recurrent"} <= set(seen.values())


def test_version_names_the_backend(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    assert "backend=jax" in keras3.EXTRACTOR.version()
    assert "jax=" in keras3.EXTRACTOR.version() and "tensorflow=" not in keras3.EXTRACTOR.version()
    assert keras3.EXTRACTOR.extra == "jax"
    monkeypatch.delenv("KERAS_BACKEND")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "keras.json").write_text('{"backend": "torch"}')
    assert keras3.keras_backend() == "torch"
    assert "torch" in keras3.EXTRACTOR.distributions
    (tmp_path / "keras.json").write_text("not json")
    assert keras3.keras_backend() == "tensorflow"


def test_install_hints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    assert install_hint("keras") == 'pip install "netviz[tensorflow]"'
    assert install_hint("tensorflow.python.ops") == 'pip install "netviz[tensorflow]"'
    assert install_hint("mypkg.models") is None
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    assert install_hint("jaxlib") == 'pip install "netviz[jax]"'
    assert install_hint("keras") == 'pip install "netviz[jax]"'


def test_render_takes_a_live_model_through_the_protocol() -> None:
    from sphinx_netviz.core import RenderError, render
    from tests.zoo import models

    live = render(models.residual()).svg
    assert live == render(keras3.extract_model(models.residual())).svg
    sequential = render(models.unbuilt_sequential(), input_shape=(7,))
    assert 'data-type="Dense"' in sequential.svg
    with pytest.raises(RenderError, match=r"a Graph or a live model .*, got builtins.int"):
        render(42)
