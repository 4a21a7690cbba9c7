"""The ONNX route: files exported in the run by ``torch.onnx.export`` or built with
``onnx.helper``, drawn and checked with a real XML parser.

Nothing is downloaded and no ONNX file is committed: the 4-layer BERT comes from a
Hugging Face config, the ResNet-style CNN from ``tests/zoo/torch_models.py``, the rest from
``tests/zoo/onnx_models.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

onnx = pytest.importorskip("onnx")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from sphinx_netviz.core import Graph, render  # noqa: E402
from sphinx_netviz.core.diagram import prepare  # noqa: E402
from sphinx_netviz.core.extract.base import ExtractRequest, find_extractor  # noqa: E402
from sphinx_netviz.core.extract.factory import extract_spec  # noqa: E402
from sphinx_netviz.core.extract.onnx.route import EXTRACTOR, extract_onnx  # noqa: E402
from sphinx_netviz.core.ir.errors import ExtractionError  # noqa: E402
from sphinx_netviz.core.ir.spec import parse_spec  # noqa: E402
from sphinx_netviz.core.options import resolve_options  # noqa: E402
from sphinx_netviz.core.worker import WorkerClient  # noqa: E402
from tests.zoo import onnx_models as zoo  # noqa: E402

from .irgraphs import check_scene, conservation  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


# -- helpers -------------------------------------------------------------------------------
def read(path: Path) -> Graph:
    return EXTRACTOR.extract(path, ExtractRequest(source=path.name))


def facts(svg: str) -> tuple[list[ET.Element], list[str], list[str]]:
    """(glyphs standing for IR nodes, outside the legend; group data-counts; all texts)."""
    root = ET.fromstring(svg)
    legend = {id(e) for g in root.iter() if g.get("class") == "nv-legend" for e in g.iter()}
    glyphs = [
        e
        for e in root.iter()
        if e.get("class") in ("nv-layer", "nv-group")
        and id(e) not in legend
        and e.get("data-synthetic") != "true"
    ]
    counts = [e.get("data-count") or "" for e in glyphs if e.get("class") == "nv-group"]
    texts = [t.text or "" for t in root.iter() if t.tag.endswith(("text", "title"))]
    return glyphs, counts, texts


def labels(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [t.text or "" for t in root.iter() if t.get("class") == "nv-label"]


def accounted(graph: Graph, **options: object) -> None:
    """Every IR node of the drawn level is a glyph, a group member, hidden or absorbed."""
    prep = prepare(graph, resolve_options(options))
    done, total = conservation(prep)
    assert done == total, options
    assert check_scene(prep.scene) == [], options


def every_operator_once(graph: Graph, model: object) -> None:
    """Each ONNX operator is listed in exactly one IR node's ``folded``."""
    listed = [f for n in graph.nodes for f in n.folded]
    assert len(listed) == len(set(listed)) == len(model.graph.node)  # type: ignore[attr-defined]
    assert all(n.kind in ("layer", "op") for n in graph.nodes if n.folded)


# -- exported files (module fixtures: one export each) --------------------------------------
@pytest.fixture(scope="module")
def bert_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("onnxscript")
    pytest.importorskip("transformers")
    return zoo.bert(tmp_path_factory.mktemp("bert") / "bert.onnx", layers=4)


@pytest.fixture(scope="module")
def bert(bert_file: Path) -> Graph:
    return read(bert_file)


def test_bert_hierarchy_comes_from_the_exporters_scopes(bert: Graph, bert_file: Path) -> None:
    top = bert.top_level()
    types = [n.type for n in top.nodes]
    assert types.count("Input") == 2
    assert {"BertEmbeddings", "BertEncoder", "BertPooler"} <= set(types)
    layers = [n for n in bert.nodes if n.type == "BertLayer"]
    assert [n.id for n in layers] == [f"encoder.layer.{k}" for k in range(4)]
    assert all(n.kind == "composite" and n.parent == "encoder" for n in layers)
    for box in (n for n in bert.nodes if n.kind == "composite"):
        inside = {n.id for n in bert.nodes if n.parent == box.id}
        assert box.model_inputs and set(box.model_inputs) <= inside
        assert box.model_outputs and set(box.model_outputs) <= inside
    ids = {n.id for n in bert.nodes}
    parent = {n.id: n.parent for n in bert.nodes}
    for e in bert.edges:  # edges never cross levels
        assert e.source in ids and e.target in ids
        assert parent[e.source] == parent[e.target]
    linear = bert.node("encoder.layer.0.attention.self.query")
    assert (linear.type, linear.category, linear.params) == ("Linear", "dense", 64 * 64 + 64)
    assert linear.config["units"] == 64
    every_operator_once(bert, onnx.load(str(bert_file), load_external_data=False))


def test_bert_symbolic_axes_keep_their_names_without_the_batch_axis(bert: Graph) -> None:
    ids = bert.node("input_ids")
    assert ids.output_shapes == ((None,),)  # batch dropped, the sequence axis symbolic
    assert ("seq", "sequence") in bert.dim_names
    svg = render(bert, depth=1).svg
    assert any("sequence" in t for t in labels(svg))
    assert not any("?" in t or "batch" in t for t in labels(svg))


def test_bert_draws_embeddings_layers_pooler_folded_x4(bert: Graph) -> None:
    glyphs, counts, _ = facts(render(bert).svg)
    assert len(glyphs) <= 12  # depth 0: the stack is inside BertEncoder
    diagram = render(bert, depth=1)
    glyphs, counts, _ = facts(diagram.svg)
    assert counts == ["4"]
    assert diagram.stats is not None and diagram.stats.crossings == 0
    assert not any("?" in t for t in labels(diagram.svg))
    # the encoder seen through (what a see-through container draws): the paper's level
    flat = zoo.see_through(bert, "encoder")
    glyphs, counts, _ = facts(render(flat).svg)
    assert counts == ["4"] and len(glyphs) <= 12
    assert render(flat).stats.crossings == 0  # type: ignore[union-attr]
    for options in ({}, {"depth": 1}, {"depth": 2}, {"expand_nested": True}):
        accounted(bert, **options)


def test_shape_arithmetic_is_never_a_top_level_glyph(bert: Graph) -> None:
    plumbing = {"Shape", "Constant", "ConstantOfShape", "Range", "Unsqueeze", "Concat", "Cast"}
    for options in ({}, {"depth": 1}):
        glyphs, _, _ = facts(render(bert, **options).svg)
        assert not plumbing & {g.get("data-type") for g in glyphs}, options
    attention = bert.node("encoder.layer.0.attention.self/scaled_dot_product_attention")
    assert attention.type == "Attention" and len(attention.folded) > 5


def test_names_stripped_the_metadata_still_gives_the_hierarchy(bert_file: Path) -> None:
    model = onnx.load(str(bert_file), load_external_data=False)
    graph = extract_onnx(zoo.strip(model, metadata=False), "stripped")
    _, counts, _ = facts(render(graph, depth=1).svg)
    assert counts == ["4"]


def test_every_name_and_scope_stripped_still_folds_x4_by_structure(bert_file: Path) -> None:
    model = zoo.strip(onnx.load(str(bert_file), load_external_data=False), metadata=True)
    graph = extract_onnx(model, "bare")
    assert not any(n.kind == "composite" for n in graph.nodes)
    diagram = render(graph)
    _, counts, _ = facts(diagram.svg)
    assert counts == ["4"]
    assert diagram.stats is not None and diagram.stats.crossings == 0
    assert {"Dense", "Embedding", "LayerNormalization"} <= {n.type for n in graph.nodes}
    every_operator_once(graph, model)
    accounted(graph)


@pytest.mark.parametrize("dynamo", [True, False], ids=["dynamo", "torchscript"])
def test_resnet_style_cnn_draws_like_the_pytorch_route(tmp_path: Path, dynamo: bool) -> None:
    torch = pytest.importorskip("torch")
    pytest.importorskip("onnxscript")
    from tests.zoo.torch_models import ResNetLike

    torch.manual_seed(0)
    module = ResNetLike().eval()
    path = zoo.export(
        module, (torch.randn(1, 3, 64, 64),), tmp_path / "resnet.onnx", dynamo=dynamo,
        input_names=["x"],
    )  # fmt: skip
    graph = read(path)
    assert {"layer1", "layer1.0", "layer2.1"} <= {
        n.id for n in graph.nodes if n.kind == "composite"
    }
    live = render(module, input_shape=(3, 64, 64))
    for options in ({}, {"depth": 1}, {"depth": 2}):
        onnx_glyphs, _, _ = facts(render(graph, **options).svg)
        torch_glyphs, _, _ = facts(render(module, input_shape=(3, 64, 64), **options).svg)
        assert abs(len(onnx_glyphs) - len(torch_glyphs)) <= 2, options
        accounted(graph, **options)
    assert live.glyphs > 0
    convs = [n for n in graph.nodes if n.category == "conv"]
    assert convs and all(n.type == "Conv2D" for n in convs)
    assert graph.node("x").output_shapes == ((3, 64, 64),)
    assert graph.meta["layout"] == "channels_first"


# -- graphs built with onnx.helper ------------------------------------------------------------
@pytest.mark.parametrize("names", ["scoped", "flat", "none"])
def test_helper_chains_fold_whatever_their_names(names: str) -> None:
    model = zoo.residual_chain(6, names=names)
    graph = extract_onnx(model, names)
    every_operator_once(graph, model)
    depth = {"depth": 1} if names == "scoped" else {}
    diagram = render(graph, **depth)
    glyphs, counts, _ = facts(diagram.svg)
    assert counts == ["6"], names
    assert len(glyphs) <= 8
    assert diagram.stats is not None and diagram.stats.crossings == 0
    assert graph.node("pixels").output_shapes == ((3, 16, 16),)
    accounted(graph, **depth)


def test_weights_in_absent_external_files_are_never_read(tmp_path: Path) -> None:
    path = tmp_path / "chain.onnx"
    onnx.save(zoo.residual_chain(2, names="scoped"), str(path))
    assert not (tmp_path / "weights.bin").exists()
    graph = read(path)
    conv = graph.node("layer.0.conv1")
    assert conv.params == 8 * 8 * 3 * 3 and conv.config["filters"] == 8
    assert graph.node("fc").type == "Dense" and graph.node("fc").config["units"] == 10


def test_reshape_targets_built_from_shapes_fold_into_the_reshape() -> None:
    from onnx import TensorProto, helper

    ints = TensorProto.INT64
    nodes = [
        helper.make_node("Shape", ["x"], ["s"], name="Shape"),
        helper.make_node("Constant", [], ["k0"], value=helper.make_tensor("k", ints, [1], [0])),
        helper.make_node("Gather", ["s", "k0"], ["b"], name="Gather"),
        helper.make_node("Constant", [], ["m"], value=helper.make_tensor("m", ints, [1], [-1])),
        helper.make_node("Concat", ["b", "m"], ["target"], axis=0, name="Concat"),
        helper.make_node("Reshape", ["x", "target"], ["flat"], name="Reshape"),
        helper.make_node("Cast", ["flat"], ["cast"], to=TensorProto.FLOAT, name="Cast"),
        helper.make_node("MatMul", ["cast", "w"], ["mm"], name="MatMul"),
        helper.make_node("Add", ["mm", "bias"], ["y"], name="Add"),
        helper.make_node("Relu", ["y"], ["out"], name="Relu"),
    ]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4, 8])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, None)],
        initializer=[
            helper.make_tensor("w", TensorProto.FLOAT, [32, 5], [0.0] * 160),
            helper.make_tensor("bias", TensorProto.FLOAT, [5], [0.0] * 5),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    ir = extract_onnx(model, "reshape")
    assert [n.type for n in ir.nodes] == ["Input", "Reshape", "Dense", "ReLU"]
    reshape = ir.node("Reshape")
    assert set(reshape.folded) == {
        "Shape",
        "Constant#1",
        "Gather",
        "Constant#3",
        "Concat",
        "Reshape",
    }
    assert ir.node("MatMul").folded == ("Cast", "MatMul", "Add")
    assert ir.node("MatMul").output_shapes == ((5,),)  # from shape inference
    every_operator_once(ir, model)
    _, _, texts = facts(render(ir).svg)  # the tooltip lists the operators behind a glyph
    assert any("operators: Cast, MatMul, Add" in t for t in texts)


def test_ten_thousand_operators_are_read_and_drawn() -> None:
    """Shape only; the time is measured in tests/benchmarks/bench_formats.py."""
    model = zoo.residual_chain(2000, names="flat", stem=False)
    assert len(model.graph.node) >= 10_000
    graph = extract_onnx(model, "big")
    assert len(graph.nodes) == len(model.graph.node) + 1
    glyphs, counts, _ = facts(render(graph).svg)
    assert counts == ["2000"] and len(glyphs) <= 8


# -- specs, factories, the worker ---------------------------------------------------------------
def test_an_onnx_file_is_a_spec_relative_to_the_docs_source(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    onnx.save(zoo.residual_chain(3), str(tmp_path / "models" / "net.onnx"))
    spec = parse_spec("models/net.onnx", tmp_path)
    assert spec.kind == "file" and spec.path == tmp_path / "models" / "net.onnx"
    graph = extract_spec(spec)
    assert graph.meta["extractor"] == "onnx" and graph.name == "chain"  # the graph's name


def test_a_factory_may_return_a_model_proto() -> None:
    graph = extract_spec(parse_spec("tests.zoo.onnx_models:tiny"))
    assert graph.meta["framework"] == "onnx"
    assert find_extractor(zoo.tiny()) is EXTRACTOR
    assert render(zoo.tiny()).glyphs > 0  # a live ModelProto renders too


@pytest.fixture(scope="module")
def worker() -> Iterator[WorkerClient]:
    with WorkerClient(sys_path=[str(ROOT)]) as client:
        yield client


def _bad(worker: WorkerClient, path: Path) -> str:
    with pytest.raises(ExtractionError) as info:
        worker.request(str(path))
    message = str(info.value)
    assert message.startswith(f"model spec {str(path)!r}: "), message
    assert "\n" not in message and "Traceback" not in message
    return message


def test_bad_files_get_one_line_naming_the_spec(worker: WorkerClient, tmp_path: Path) -> None:
    text = tmp_path / "notes.onnx"
    text.write_text("this is a text file, not a model\n" * 20)
    assert "not an ONNX model" in _bad(worker, text)
    whole = zoo.residual_chain(4).SerializeToString()
    cut = tmp_path / "cut.onnx"
    cut.write_bytes(whole[: len(whole) // 2])
    assert "truncated" in _bad(worker, cut)
    empty = tmp_path / "empty.onnx"
    empty.write_bytes(b"")
    assert "empty" in _bad(worker, empty)
    future = zoo.residual_chain(1)
    future.opset_import[0].version = 999
    newer = tmp_path / "future.onnx"
    onnx.save(future, str(newer))
    message = _bad(worker, newer)
    assert "opset 999" in message and "upgrade onnx" in message
    looped = zoo.residual_chain(2, names="flat")
    looped.graph.node[1].input[0] = looped.graph.node[3].output[0]  # Relu reads a later Add
    cycle = tmp_path / "cycle.onnx"
    onnx.save(looped, str(cycle))
    assert "cycle" in _bad(worker, cycle)
    assert "no such file" in _bad(worker, tmp_path / "absent.onnx")
    assert worker.starts == 1  # one worker served every bad file


def test_onnx_missing_names_the_extra(tmp_path: Path) -> None:
    from tests.core.test_missing_framework import _worker

    path = tmp_path / "net.onnx"
    onnx.save(zoo.residual_chain(2), str(path))
    with _worker(tmp_path, "onnx") as client:
        with pytest.raises(ExtractionError) as info:
            client.request(str(path))
    message = str(info.value)
    assert message.startswith(f"model spec {str(path)!r}: ")
    assert "needs onnx" in message and 'pip install "netviz[onnx]"' in message


def test_extracting_onnx_imports_neither_torch_nor_tensorflow(tmp_path: Path) -> None:
    path = tmp_path / "net.onnx"
    onnx.save(zoo.residual_chain(3), str(path))
    script = f"""
import json, sys
from sphinx_netviz.core import render
from sphinx_netviz.core.extract.factory import extract_spec
from sphinx_netviz.core.ir.spec import parse_spec
graph = extract_spec(parse_spec({str(path)!r}))
svg = render(graph).svg
heavy = ("torch", "tensorflow", "onnxruntime", "keras", "jax", "transformers")
loaded = sorted(m for m in heavy if m in sys.modules)
print(json.dumps({{"loaded": loaded, "nodes": len(graph.nodes)}}))
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["loaded"] == [] and result["nodes"] > 10
