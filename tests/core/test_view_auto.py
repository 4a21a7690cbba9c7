"""The paper's level by default (issue 18): see-through containers, plumbing folded into the
glyph it serves, one layout rule per node, one legend vocabulary."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

import pytest

torch = pytest.importorskip("torch")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from torch import nn  # noqa: E402

from sphinx_netviz.core import render, resolve_options  # noqa: E402
from sphinx_netviz.core.extract.live import extract_live  # noqa: E402
from sphinx_netviz.core.ir.graph import Edge, Graph, Node  # noqa: E402
from sphinx_netviz.core.ir.layouts import channels_first_nodes  # noqa: E402
from sphinx_netviz.core.layout.prepare import prepare  # noqa: E402
from sphinx_netviz.core.options.unknown_types import unknown_types_message  # noqa: E402
from sphinx_netviz.core.view.see_through import see_through  # noqa: E402

NS = "{http://www.w3.org/2000/svg}"


class ConvBlock(nn.Module):
    """Only chains its children: see-through."""

    def __init__(self, cin: int, cout: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.bn = nn.BatchNorm2d(cout)
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.bn(self.conv(x)))


class Residual(nn.Module):
    """Does real work (an Add): stays one glyph."""

    def __init__(self, c: int) -> None:
        super().__init__()
        self.body = ConvBlock(c, c)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = ConvBlock(3, 8)
        self.stage = nn.Sequential(Residual(8), Residual(8), Residual(8))
        self.head = nn.Linear(8, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stage(self.stem(x))
        x = x.mean(dim=(2, 3))
        return self.head(x)


class Attention(nn.Module):
    """Heads split and merged by view/transpose: shape plumbing around the product."""

    def __init__(self) -> None:
        super().__init__()
        self.qkv = nn.Linear(16, 48)
        self.out = nn.Linear(16, 16)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        q = q.view(1, 10, 2, 8).transpose(1, 2)
        k = k.view(1, 10, 2, 8).transpose(1, 2)
        v = v.view(1, 10, 2, 8).transpose(1, 2)
        y = torch.nn.functional.scaled_dot_product_attention(q, k, v)
        return self.out(y.transpose(1, 2).reshape(1, 10, 16))


def _graph(module: nn.Module, shape: tuple[int, ...]) -> Graph:
    return extract_live(module, resolve_options({"input-shape": shape}))


def _glyphs(svg: str) -> list[tuple[str, str | None]]:
    root = ET.fromstring(svg)
    return [
        (g.get("data-type") or "", g.get("data-count"))
        for g in root.iter(f"{NS}g")
        if g.get("class") in ("nv-layer", "nv-group")
    ]


def test_containers_open_and_blocks_that_work_stay_closed() -> None:
    graph = _graph(Net(), (3, 16, 16))
    opened = see_through(graph)
    assert {"stem", "stage"} <= opened  # a chain of children, a torch.nn container
    assert not any(n.startswith("stage.") and n.count(".") == 1 for n in opened)  # Residual
    glyphs = _glyphs(render(graph).svg)
    assert ("Residual", "3") in glyphs  # the paper's level: the blocks folded x3
    assert {"Conv2d", "BatchNorm2d", "ReLU"} <= {t for t, _ in glyphs}  # the stem opened
    # depth 0 keeps the closed drawing
    closed = {t for t, _ in _glyphs(render(graph, depth=0).svg)}
    assert {"ConvBlock", "Sequential"} <= closed


class Layer(nn.Module):
    """Two parts and a residual, like a SqueezeBERT module."""

    def __init__(self) -> None:
        super().__init__()
        self.mix = nn.Linear(16, 16)
        self.ffn = nn.Linear(16, 16)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.ffn(torch.relu(self.mix(x)))


class DirectEncoder(nn.Module):
    """Runs ``layer.forward`` itself, as SqueezeBERT's encoder does: no item of the list is a
    module call, only their parts (``layers.0.mix``...)."""

    def __init__(self) -> None:
        super().__init__()
        self.layers = nn.ModuleList(Layer() for _ in range(3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer.forward(x)
        return x


class DirectModel(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = DirectEncoder()
        self.head = nn.Linear(16, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.encoder(x) * 2)


def test_an_encoder_calling_its_layers_forward_itself_is_seen_through() -> None:
    graph = _graph(DirectModel(), (10, 16))
    assert "encoder" in see_through(graph)
    glyphs = _glyphs(render(graph).svg)
    assert [c for _, c in glyphs if c] == ["3"]  # the three layers folded, found by wiring
    assert ("DirectEncoder", None) not in glyphs


def test_a_container_whose_output_is_made_outside_stays_closed() -> None:
    nodes = (
        Node("x", "x", "Input", kind="input", output_shapes=((4,),)),
        Node("box", "box", "Sequential", kind="composite", module="torch.nn.modules.container",
             input_shapes=((4,),), output_shapes=((4,),), model_inputs=("box.0",),
             model_outputs=()),
        Node("box.0", "box.0", "Linear", parent="box", input_shapes=((4,),),
             output_shapes=((4,),)),
    )  # fmt: skip
    graph = Graph("g", nodes, (Edge("x", "box", (4,)),), inputs=("x",), outputs=("box",))
    assert see_through(graph) == set()


def test_plumbing_folds_into_the_glyph_it_serves_and_members_are_kept() -> None:
    graph = _graph(Attention(), (10, 16))
    plumbing = [n for n in graph.nodes if n.role == "plumbing"]
    assert plumbing, "the tracer marks view/transpose/chunk as plumbing"
    prep = prepare(graph, resolve_options({}))
    drawn = {n.type for n in prep.view.nodes.values()}
    assert not drawn & {n.type for n in plumbing}
    members = [m for n in prep.view.nodes.values() for m in n.members]
    assert sorted(members) == sorted(n.id for n in graph.nodes if n.parent is None)
    hosts = [n for n in prep.view.nodes.values() if n.folded]
    assert hosts and all(len(n.members) == 1 + len(n.folded) for n in hosts)
    # show: keeps the named plumbing as glyphs; an unknown name gets a word
    shown = prepare(graph, resolve_options({"show": "transpose"}))
    assert any((n.node.op or "").endswith("transpose") for n in shown.view.nodes.values() if n.node)
    options = resolve_options({"show": "transpsoe"})
    message = unknown_types_message(graph, options)
    assert message is not None and "'transpose'" in message and "show" in message


def test_one_layout_rule_per_node() -> None:
    conv1d = nn.Sequential(nn.Conv1d(4, 8, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 62, 2))
    graph = _graph(conv1d, (4, 64))
    first = channels_first_nodes(graph)
    conv = next(n for n in graph.nodes if n.type == "Conv1d")
    relu = next(n for n in graph.nodes if n.type == "ReLU")
    linear = next(n for n in graph.nodes if n.type == "Linear")
    assert conv.id in first.first and relu.id in first.first  # the ReLU reads the conv's
    assert linear.id not in first.first
    assert first.drawn(conv.id, (8, 62)) == (62, 8)  # C, L drawn as L, C
    prep = prepare(graph, resolve_options({}))
    assert prep.view.nodes[conv.id].out_shape == (62, 8)


def test_one_legend_entry_per_type_whatever_the_route() -> None:
    class Mixed(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a = nn.Linear(8, 8)
            self.act = nn.ReLU()
            self.b = nn.Linear(8, 8)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.b(torch.relu(self.act(self.a(x))))

    svg = render(_graph(Mixed(), (8,))).svg
    items = [
        e.get("data-type")
        for e in ET.fromstring(svg).iter(f"{NS}g")
        if e.get("class") == "nv-legend-item"
    ]
    assert items.count("ReLU") == 1 and "relu" not in items
    assert "Dense" in items and "Linear" not in items  # one vocabulary with Keras
