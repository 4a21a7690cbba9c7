"""Saved .keras / .h5 files read through their config, compared with the live walk."""

from __future__ import annotations

import zipfile
from pathlib import Path

import keras
import pytest

from sphinx_netviz.core.extract.keras.model import extract_model
from sphinx_netviz.core.extract.keras.saved import extract_file
from sphinx_netviz.core.ir.errors import ExtractionError
from sphinx_netviz.core.ir.graph import Graph
from sphinx_netviz.core.ir.spec import parse_spec
from tests.zoo import models


def signature(graph: Graph) -> tuple[object, ...]:
    nodes = sorted(
        (
            n.id,
            n.type,
            n.kind,
            n.output_shapes,
            n.input_shapes,
            n.params,
            n.trainable_params,
            n.parent,
            n.shared,
            n.model_inputs,
            n.model_outputs,
        )
        for n in graph.nodes
    )
    edges = sorted(
        (e.source, e.target, e.shape, e.source_index, e.target_index) for e in graph.edges
    )
    return nodes, edges, graph.inputs, graph.outputs


@pytest.mark.parametrize(
    "name", ["mnist_convnet", "residual", "nested", "siamese", "lstm", "raw_ops", "multi_io"]
)
def test_keras_file_matches_live_walk(name: str, tmp_path: Path) -> None:
    keras.backend.clear_session()
    model = getattr(models, name)()
    path = tmp_path / f"{name}.keras"
    model.save(path)
    assert signature(extract_file(parse_spec(str(path)))) == signature(extract_model(model))


@pytest.mark.parametrize("name", ["unet", "nested"])
def test_h5_file_matches_live_walk(name: str, tmp_path: Path) -> None:
    keras.backend.clear_session()
    model = getattr(models, name)()
    path = tmp_path / f"{name}.h5"
    model.save(path)
    assert signature(extract_file(parse_spec(str(path)))) == signature(extract_model(model))


def test_custom_class_not_needed(tmp_path: Path) -> None:
    """The config of a custom layer is read without importing its class."""
    keras.backend.clear_session()
    path = tmp_path / "custom.keras"
    models.custom_layer().save(path)
    text = (zipfile.ZipFile(path).read("config.json")).decode()
    # Make the class unimportable: point it at a module that does not exist.
    text = text.replace('"tests.zoo.models"', '"no_such_module_xyz"')
    broken = tmp_path / "custom_unimportable.keras"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.namelist():
            dst.writestr(item, text if item == "config.json" else src.read(item))
    graph = extract_file(parse_spec(str(broken)))
    scale = graph.node("scale")
    assert scale.type == "Scale" and scale.output_shapes == ((5,),)
    assert graph.node("y").params == 6
    assert "Scale" in graph.meta["notes"][0]


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"", "not a Keras model file"),
        (b"PK\x03\x04garbage", "corrupt .keras file"),
        (b"\x89HDF\r\n\x1a\ngarbage", "corrupt HDF5 file"),
        (b"hello", "not a Keras model file"),
    ],
)
def test_corrupt_files(tmp_path: Path, content: bytes, why: str) -> None:
    path = tmp_path / "broken.keras"
    path.write_bytes(content)
    with pytest.raises(ExtractionError) as info:
        extract_file(parse_spec("broken.keras", tmp_path))
    assert why in str(info.value) and "'broken.keras'" in str(info.value)


def test_truncated_keras_file(tmp_path: Path) -> None:
    keras.backend.clear_session()
    path = tmp_path / "net.keras"
    models.mlp().save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ExtractionError, match=r"'net.keras': corrupt"):
        extract_file(parse_spec("net.keras", tmp_path))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match=r"no such file"):
        extract_file(parse_spec("nope.h5", tmp_path))
