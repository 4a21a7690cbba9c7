"""One vocabulary for functional routes: every route to an operation is the layer type it
matches, and shape plumbing is marked for the view to fold."""

from __future__ import annotations

import os

import pytest

from sphinx_netviz.core import Graph
from sphinx_netviz.core.ir.op_types import layer_type, op_role

torch = pytest.importorskip("torch")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402

from sphinx_netviz.core.extract.base import ExtractRequest  # noqa: E402
from sphinx_netviz.core.extract.torch.module import EXTRACTOR  # noqa: E402


@pytest.mark.parametrize(
    ("name", "shapes", "expected"),
    [
        ("relu", (), "ReLU"),
        ("relu_", (), "ReLU"),
        ("__iadd__", (), "Add"),
        ("add", (), "Add"),
        ("cat", (), "Concatenate"),
        ("concatenate", (), "Concatenate"),
        ("mul", (), "Multiply"),
        ("gelu", (), "GELU"),
        ("softmax", (), "Softmax"),
        ("log_softmax", (), "LogSoftmax"),
        ("silu", (), "SiLU"),
        ("layer_norm", (), "LayerNorm"),
        ("linear", (), "Linear"),
        ("max_pool2d", (), "MaxPool2d"),
        ("adaptive_avg_pool2d", (), "AdaptiveAvgPool2d"),
        ("scaled_dot_product_attention", (), "DotProductAttention"),
        ("matmul", (), "Matmul"),
        ("batch_norm", (((8, 4, 4),), ((8, 4, 4),)), "BatchNorm2d"),
        ("batch_norm", (((8, 10),), ((8, 10),)), "BatchNorm1d"),
        ("flatten", (((8, 4, 4),), ((128,),)), "Flatten"),
        ("view", (((8, 4, 4),), ((128,),)), "Flatten"),
        ("reshape", (((128,),), ((8, 4, 4),)), "Reshape"),
        ("view", (((16, 32),), ((16, 4, 8),)), "View"),
        ("new_zeros", (), "NewZeros"),
        ("cumsum", (), "Cumsum"),
    ],
)
def test_layer_type_of_a_route(name: str, shapes: tuple, expected: str) -> None:
    assert layer_type(name, *shapes) == expected


def test_one_spelling_whatever_the_case_or_route() -> None:
    routes = ["relu", "relu_", "ReLU", "__relu__", "torch.nn.functional.relu"]
    assert {layer_type(r) for r in routes} == {"ReLU"}
    assert {layer_type(r) for r in ["add", "add_", "__add__", "__radd__", "__iadd__"]} == {"Add"}


@pytest.mark.parametrize(
    ("name", "shapes", "numeric", "role"),
    [
        ("view", (((16, 32),), ((16, 4, 8),)), True, "plumbing"),
        ("transpose", (), True, "plumbing"),
        ("getitem", (), True, "plumbing"),
        ("new_zeros", (), True, "plumbing"),
        ("expand", (), True, "plumbing"),
        ("view", (((8, 4, 4),), ((128,),)), True, ""),  # a flatten: a glyph, as in Net2Vis
        ("flatten", (((32, 1, 1),), ((32,),)), True, "plumbing"),  # after a global pooling
        ("reshape", (((128,),), ((8, 4, 4),)), True, ""),
        ("add", (), True, ""),
        ("relu", (), True, ""),
        ("and", (), False, "plumbing"),  # mask arithmetic
        ("ne", (), False, "plumbing"),
    ],
)
def test_role(name: str, shapes: tuple, numeric: bool, role: str) -> None:
    assert op_role(name, *shapes, numeric=numeric) == role


def test_concatenation_with_an_empty_cache_is_plumbing() -> None:
    assert op_role("cat", empty_input=True) == "plumbing"
    assert op_role("cat") == ""


class Routes(nn.Module):
    """The same two operations reached by every route torch offers."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a = self.act(self.fc(x))
        b = F.relu(x)
        c = torch.relu(x)
        d = x.relu()
        e = x.clone().relu_()
        s = a + b
        s = torch.add(s, c)
        s += d
        s = s * e
        flat = torch.cat([s, x], dim=-1).view(2, -1)
        return flat.transpose(0, 1)


def test_traced_routes_share_one_type_and_keep_their_route() -> None:
    graph = EXTRACTOR.extract(Routes(), ExtractRequest("live", example_inputs=torch.randn(1, 8)))
    ops = [n for n in graph.nodes if n.kind == "op"]
    relus = [n for n in ops if n.type == "ReLU"]
    assert sorted(n.op for n in relus) == sorted(
        ["F.relu", "torch.relu", "Tensor.relu", "Tensor.relu_"]
    )
    assert {n.type for n in graph.nodes if n.kind == "layer"} == {"Linear", "ReLU"}
    adds = [n for n in ops if n.type == "Add"]
    assert sorted(n.op for n in adds) == ["Tensor.add", "Tensor.add_", "torch.add"]
    assert [n.type for n in ops if n.category == "merge"].count("Multiply") == 1
    cat = next(n for n in ops if n.type == "Concatenate")
    assert cat.op == "torch.cat" and cat.role == ""
    plumbing = {n.type for n in ops if n.role == "plumbing"}
    assert plumbing == {"View", "Transpose"}
    assert all(n.role == "" for n in ops if n.type in ("ReLU", "Add", "Multiply"))


def test_op_and_role_round_trip_and_are_absent_when_unset() -> None:
    graph = EXTRACTOR.extract(Routes(), ExtractRequest("live", example_inputs=torch.randn(1, 8)))
    again = Graph.from_json(graph.to_json())
    assert again == graph
    assert [(n.op, n.role) for n in again.nodes] == [(n.op, n.role) for n in graph.nodes]
    data = graph.to_dict()
    layer = next(n for n in data["nodes"] if n["type"] == "Linear")
    assert "op" not in layer and "role" not in layer


def test_items_of_torch_containers_name_their_container() -> None:
    """``Node.container``: the stack a module call belongs to, for the view's folds."""
    from tests.zoo import twins_torch
    from tests.zoo.torch_models import hf_bert

    model, x = twins_torch.resnet()
    graph = EXTRACTOR.extract(model, ExtractRequest("live", example_inputs=x))
    by_id = {n.id: n for n in graph.nodes}
    assert [by_id[f"stage1.{i}"].container for i in (0, 1)] == ["stage1", "stage1"]
    assert by_id["stage2.0.shortcut.0"].container == "stage2.0.shortcut"
    assert by_id["stage1"].container == "" and by_id["fc"].container == ""
    bert, inputs = hf_bert(layers=2)
    graph = EXTRACTOR.extract(bert, ExtractRequest("live", example_inputs=inputs))
    stack = [n.id for n in graph.nodes if n.container == "encoder.layer"]
    assert stack == ["encoder.layer.0", "encoder.layer.1"]
    assert all(n.parent == "encoder" for n in graph.nodes if n.id in stack)


def test_layers_with_fixed_axes_record_their_data_format() -> None:
    """``config["data_format"]``: which axis is the channel axis, for the view's one rule
    (Conv1d's ``(C, L)`` is channels-first, a Linear's ``(L, D)`` channels-last)."""
    from tests.zoo import twins_torch

    model, x = twins_torch.temporal_cnn()
    graph = EXTRACTOR.extract(model, ExtractRequest("live", example_inputs=x))
    formats = {n.type: n.config.get("data_format") for n in graph.nodes}
    assert formats == {
        "Input": None,
        "Conv1d": "channels_first",
        "ReLU": None,
        "MaxPool1d": "channels_first",
        "AdaptiveAvgPool1d": "channels_first",
        "Flatten": None,
        "Linear": "channels_last",
    }
    ops = EXTRACTOR.extract(Routes(), ExtractRequest("live", example_inputs=torch.randn(1, 8)))
    assert {n.config.get("data_format") for n in ops.nodes if n.type == "ReLU"} == {None}


def test_flatten_module_after_global_pooling_is_plumbing() -> None:
    from sphinx_netviz.core.ir.op_types import module_role

    assert module_role("Flatten", ((32, 1),), ((32,),)) == "plumbing"
    assert module_role("Flatten", ((8, 4, 4),), ((128,),)) == ""
    assert module_role("Linear", ((32, 1),), ((32,),)) == ""


def test_legend_has_one_entry_per_type_whatever_the_route() -> None:
    """``nn.ReLU`` and ``F.relu``/``torch.relu``/``x.relu()`` share one legend entry."""
    import xml.etree.ElementTree as ET

    from sphinx_netviz.core import render

    root = ET.fromstring(render((Routes(), torch.randn(1, 8))).svg)
    types = [
        g.get("data-type") or ""
        for g in root.iter("{http://www.w3.org/2000/svg}g")
        if g.get("class") == "nv-legend-item"
    ]
    folded = [t.casefold() for t in types]
    assert len(folded) == len(set(folded)), types
    assert "ReLU" in types and "Add" in types
