"""The PyTorch route: real modules traced on the meta device, checked against plain CPU runs."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest

torch = pytest.importorskip("torch")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from sphinx_netviz.core import Graph, load_graph, render  # noqa: E402
from sphinx_netviz.core.extract.base import EXTRACTORS, find_extractor  # noqa: E402
from sphinx_netviz.core.extract.factory import extract_spec  # noqa: E402
from sphinx_netviz.core.extract.torch.trace import is_leaf  # noqa: E402
from sphinx_netviz.core.ir.errors import ExtractionError, OptionError  # noqa: E402
from sphinx_netviz.core.ir.spec import parse_spec  # noqa: E402
from sphinx_netviz.core.options.schema import resolve_options  # noqa: E402
from tests.zoo import torch_models as zoo  # noqa: E402

Z = "tests.zoo.torch_models"

#: (factory name, input-shape option, input-dtype option): at least 8 models.
MODELS: list[tuple[str, str | None, str | None]] = [
    ("resnet_like", "3,64,64", None),
    ("unet", None, None),
    ("mlp", "28,28", None),
    ("tiny_encoder", None, None),
    ("siamese", "16;16", None),
    ("two_heads", None, None),
    ("residual_mlp", None, None),
    ("tagger", "10", "int64"),
    ("gate", None, None),
    ("hf_bert", None, None),
    ("hf_gpt2", None, None),
]


def extract(name: str, shape: str | None = None, dtype: str | None = None) -> Graph:
    """The IR of a zoo factory, through the worker's own entry (meta device, CPU retry)."""
    options = resolve_options({"input-shape": shape, "input-dtype": dtype or "float32"})
    return extract_spec(
        parse_spec(f"{Z}:{name}"), options.input_shape, input_dtype=options.input_dtype
    )


def cpu_leaf_calls(name: str, shape: str | None, dtype: str | None) -> list[tuple[str, int]]:
    """(qualified name, call number) of every leaf-module call in a plain CPU forward pass,
    seen by ordinary forward hooks."""
    built = getattr(zoo, name)()
    model, example = built if isinstance(built, tuple) else (built, None)
    if example is None:
        options = resolve_options({"input-shape": shape})
        shapes = options.input_shape
        assert shapes is not None
        shapes = shapes if isinstance(shapes[0], tuple) else (shapes,)
        make: Callable[..., Any] = torch.zeros if dtype else torch.randn
        kw = {"dtype": getattr(torch, dtype)} if dtype else {}
        args: tuple[Any, ...] = tuple(make(1, *s, **kw) for s in shapes)
        kwargs: dict[str, Any] = {}
    elif isinstance(example, dict):
        args, kwargs = (), example
    else:
        args, kwargs = (example if isinstance(example, tuple) else (example,)), {}
    seen: list[tuple[str, int]] = []
    counts: dict[str, int] = {}
    handles = []
    for qual, module in model.named_modules():
        if module is model or not is_leaf(module):
            continue
        if any(qual.startswith(p + ".") for p, m in model.named_modules() if p and is_leaf(m)):
            continue  # inside an atomic module such as nn.MultiheadAttention

        def hook(_m: Any, _i: Any, _o: Any, qual: str = qual) -> None:
            seen.append((qual, counts.get(qual, 0)))
            counts[qual] = counts.get(qual, 0) + 1

        handles.append(module.register_forward_hook(hook))
    model.eval()
    with torch.no_grad():
        model(*args, **kwargs)
    for h in handles:
        h.remove()
    return seen


def ir_leaf_calls(graph: Graph) -> list[tuple[str, int]]:
    out = []
    for n in graph.nodes:
        if n.kind == "layer":
            qual = n.id.split("@")[0]
            out.append((qual, n.call_index))
    return out


@pytest.mark.parametrize(("name", "shape", "dtype"), MODELS, ids=[m[0] for m in MODELS])
def test_leaf_calls_equal_plain_cpu_hooks(name: str, shape: str | None, dtype: str | None) -> None:
    graph = extract(name, shape, dtype)
    assert ir_leaf_calls(graph) == cpu_leaf_calls(name, shape, dtype)


def test_resnet_shapes_params_and_categories() -> None:
    graph = extract("resnet_like", "3,64,64")
    by_id = {n.id: n for n in graph.nodes}
    reference = zoo.ResNetLike()
    assert by_id["x"].kind == "input" and by_id["x"].output_shapes == ((3, 64, 64),)
    assert by_id["conv1"].output_shapes == ((16, 32, 32),)
    assert by_id["conv1"].config["kernel_size"] == [7, 7]
    assert by_id["conv1"].category == "conv"
    assert by_id["bn1"].category == "norm"
    assert by_id["maxpool"].output_shapes == ((16, 16, 16),)
    assert by_id["fc"].category == "dense" and by_id["fc"].output_shapes == ((10,),)
    assert by_id["flatten"].kind == "op" and by_id["flatten"].category == "reshape"
    assert by_id["flatten"].type == "Flatten" and by_id["flatten"].role == "plumbing"  # (C,1,1)
    assert by_id["layer1.0/add"].type == "Add" and by_id["layer1.0/add"].category == "merge"
    assert by_id["layer1.0/add"].op == "Tensor.add_"  # out += identity
    for qual, module in reference.named_modules():
        if qual in by_id:
            expected = sum(p.numel() for p in module.parameters())
            assert by_id[qual].params == expected, qual
    assert sum(n.params for n in graph.top_level().nodes) == sum(
        p.numel() for p in reference.parameters()
    )
    assert graph.meta["device"] == "meta" and graph.meta["framework"] == "torch"


def test_hierarchy_composites_parents_and_levels() -> None:
    graph = extract("resnet_like", "3,64,64")
    by_id = {n.id: n for n in graph.nodes}
    top = [n.id for n in graph.top_level().nodes]
    # The top level is exactly the outer module's direct children calls (plus its input).
    assert top == ["x", "conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "avgpool",
                   "flatten", "fc"]  # fmt: skip
    block = by_id["layer1.0"]
    assert block.kind == "composite" and block.type == "Bottleneck" and block.category == "block"
    assert block.parent == "layer1" and by_id["layer1"].type == "Sequential"
    assert [by_id[i].kind for i in block.model_inputs] == ["input"]
    assert by_id[block.model_inputs[0]].parent == "layer1.0"
    assert block.model_outputs == ("layer1.0.relu@2",)
    assert by_id["layer1.0.downsample.0"].parent == "layer1.0.downsample"
    # Edges never cross levels.
    for e in graph.edges:
        assert by_id[e.source].parent == by_id[e.target].parent, e
    # The residual add reads the block's input through the downsample branch and conv path.
    sources = sorted(e.source for e in graph.edges if e.target == "layer1.0/add")
    assert sources == ["layer1.0.bn3", "layer1.0.downsample"]


def test_shared_module_calls_are_marked() -> None:
    graph = extract("siamese", "16;16")
    by_id = {n.id: n for n in graph.nodes}
    assert graph.inputs == ("a", "b")
    assert by_id["tower"].shared and by_id["tower@1"].shared
    assert (by_id["tower"].call_index, by_id["tower@1"].call_index) == (0, 1)
    assert by_id["tower.0@1"].parent == "tower@1"
    assert not by_id["head"].shared
    assert {e.source for e in graph.edges if e.target == "cat"} == {"tower", "tower@1"}


def test_factory_runs_on_the_meta_device() -> None:
    zoo.SEEN_DEVICES.clear()
    graph = extract("resnet_like", "3,64,64")
    assert zoo.SEEN_DEVICES == ["meta"]
    assert graph.meta["device"] == "meta"


@pytest.mark.parametrize("name", ["gate", "nonzero"])
def test_cpu_retry_is_recorded(name: str) -> None:
    graph = extract(name)
    assert graph.meta["device"] == "cpu"
    assert any("meta device" in note for note in graph.meta["notes"])
    assert any(n.kind == "layer" for n in graph.nodes)


def test_dict_outputs_and_pruned_control_flow() -> None:
    graph = extract("two_heads")
    assert graph.outputs == ("cls", "sigmoid")
    gate = extract("gate")
    assert [n.id for n in gate.nodes] == ["x", "a"]  # x.sum() > 0 is not dataflow


def test_hf_bert_with_mask_is_traced_on_meta() -> None:
    """HF reads ``attention_mask.all()`` to skip the mask unless it sees a trace: on fake
    tensors it builds the mask, and the diagram shows it reaching the encoder."""
    options = resolve_options({})
    graph = extract_spec(parse_spec(f"{Z}:hf_bert(mask=True)"), options.input_shape)
    assert graph.meta["device"] == "meta"
    assert "notes" not in graph.meta
    assert graph.inputs == ("input_ids", "attention_mask")
    top = graph.top_level()
    reach = {"attention_mask"}
    for edge in top.edges:  # edges are recorded in call order
        if edge.source in reach:
            reach.add(edge.target)
    assert "encoder" in reach
    assert all(not isinstance(d, str) for n in graph.nodes for s in n.output_shapes for d in s)


def test_hf_gpt2_blocks_are_composites() -> None:
    graph = extract("hf_gpt2")
    top = graph.top_level().nodes
    blocks = [n for n in top if n.type == "GPT2Block"]
    assert [b.id for b in blocks] == ["h.0", "h.1", "h.2"]
    assert all(b.kind == "composite" for b in blocks)
    assert graph.meta["device"] == "meta"


def test_same_ir_twice() -> None:
    assert extract("unet").to_json() == extract("unet").to_json()


@pytest.mark.parametrize(
    ("spec", "shape", "dtype", "expected"),
    [
        ("tagger", None, None, "needs example inputs: give the option input-shape"),
        ("tagger", "10", None, "input-dtype: int64"),
        ("broken", None, None, "failed on the meta device (RuntimeError: broken on purpose) and "
         "on the CPU (RuntimeError: broken on purpose)"),
        ("returns_text", None, None, "returned str, with no tensor in it"),
        ("bad_example_inputs", None, None, "example_inputs returned by the factory is a int"),
        ("mlp", "None,28", None, "has an unknown dimension"),
    ],
)  # fmt: skip
def test_bad_inputs(spec: str, shape: str | None, dtype: str | None, expected: str) -> None:
    with pytest.raises(ExtractionError) as info:
        extract(spec, shape, dtype)
    message = str(info.value)
    assert message.startswith(f"model spec '{Z}:{spec}': ")
    assert expected in message
    assert "\n" not in message


def test_input_shape_and_dtype_options() -> None:
    assert resolve_options({"input-shape": "3,32,32; 10"}).input_shape == ((3, 32, 32), (10,))
    assert resolve_options({"input-shape": "28,28,1"}).input_shape == (28, 28, 1)
    assert resolve_options({"input-shape": [[4], [5, 6]]}).input_shape == ((4,), (5, 6))
    assert resolve_options({"input-dtype": "int64"}).input_dtype == "int64"
    with pytest.raises(OptionError, match="input-dtype"):
        resolve_options({"input-dtype": "int65"})
    with pytest.raises(OptionError, match="positive"):
        resolve_options({"input-shape": "3,0; 4"})


def test_accepts_by_type_only() -> None:
    routes = [r for r in EXTRACTORS if "torch.module" in r]  # the Keras route is the seam's
    extractor = find_extractor(torch.nn.Linear(2, 2), routes)
    assert extractor is not None and extractor.name == "torch"
    assert "torch" in extractor.version()
    assert find_extractor(object(), routes) is None
    assert not extractor.accepts(torch.zeros(1))


def test_live_module_on_cpu_is_left_as_it_was() -> None:
    from sphinx_netviz.core.extract.base import ExtractRequest
    from sphinx_netviz.core.extract.torch.module import EXTRACTOR

    model = zoo.ResidualMLP()
    model.train()
    graph = EXTRACTOR.extract(model, ExtractRequest("live", example_inputs=torch.randn(1, 16)))
    assert model.training
    assert graph.meta["device"] == "cpu"
    assert not model._forward_hooks and not model.blocks[0][0]._forward_pre_hooks


class _BiasAdd(torch.nn.Module):
    """An op that reads a parameter and a buffer directly (not through a leaf module)."""

    def __init__(self) -> None:
        super().__init__()
        self.proj = torch.nn.Linear(4, 8)
        self.bias = torch.nn.Parameter(torch.zeros(8))
        self.register_buffer("scale", torch.ones(3, 8))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (self.proj(x) + self.bias).unsqueeze(1) * self.scale


@pytest.mark.parametrize("device", ["cpu", "meta"])
def test_weights_read_by_ops_keep_every_axis(device: str) -> None:
    """Activations lose their batch axis in the IR; a parameter or buffer has none to lose."""
    from sphinx_netviz.core.extract.base import ExtractRequest
    from sphinx_netviz.core.extract.torch.module import EXTRACTOR

    with torch.device(device):
        model = _BiasAdd()
    graph = EXTRACTOR.extract(model, ExtractRequest("live", example_inputs=torch.zeros(2, 4)))
    by_type = {n.type: n for n in graph.nodes}
    assert by_type["Add"].input_shapes == ((8,), (8,))
    assert by_type["Multiply"].input_shapes == ((1, 8), (3, 8))
    assert by_type["Multiply"].output_shapes == ((3, 8),)


class _MaskedLookup(torch.nn.Module):
    """A boolean mask made additive with constants (mask plumbing), and a functional
    embedding lookup of integer ids in a weight (a layer, though its traced input is ints)."""

    def __init__(self) -> None:
        super().__init__()
        self.table = torch.nn.Parameter(torch.zeros(10, 8))
        self.proj = torch.nn.Linear(8, 8)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        bias = torch.where(mask.bool(), 0.0, float("-inf"))
        x = torch.nn.functional.embedding(ids, self.table)
        return self.proj(x) + bias.unsqueeze(-1)


def test_mask_arithmetic_with_constants_is_plumbing() -> None:
    from sphinx_netviz.core.extract.base import ExtractRequest
    from sphinx_netviz.core.extract.torch.module import EXTRACTOR

    inputs = (torch.zeros(1, 5, dtype=torch.long), torch.ones(1, 5, dtype=torch.long))
    graph = EXTRACTOR.extract(_MaskedLookup(), ExtractRequest("live", example_inputs=inputs))
    roles = {n.type: n.role for n in graph.nodes}
    assert roles["Where"] == "plumbing"
    assert roles["Embedding"] == "" and roles["Add"] == ""


def test_worker_end_to_end_and_render() -> None:
    graph = load_graph(f"{Z}:resnet_like", input_shape="3,64,64", cache_dir=None)
    assert graph.meta["device"] == "meta"
    diagram = render(graph, group="auto")
    root = ET.fromstring(diagram.svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    layers = root.findall(".//s:g[@class='nv-layer']", ns)
    shown = {g.get("data-id") for g in layers} | {
        g.get("data-id") for g in root.findall(".//s:g[@class='nv-group']", ns)
    }
    assert "conv1" in shown and "fc" in shown
    # The ResNet stages (Sequential composites) may fold into groups; the leaves stay.
    assert {g.get("data-type") for g in layers} >= {"Conv2d", "Linear"}


def test_worker_passes_input_dtype() -> None:
    graph = load_graph(f"{Z}:tagger", input_shape="10", input_dtype="int64", cache_dir=None)
    assert graph.node("embed").output_shapes == ((10, 12),)


LAYERS = 6
NS = {"s": "http://www.w3.org/2000/svg"}


def _glyphs(svg: str) -> tuple[list[ET.Element], list[ET.Element]]:
    root = ET.fromstring(svg)
    return root.findall(".//s:g[@class='nv-layer']", NS), root.findall(
        ".//s:g[@class='nv-group']", NS
    )


def test_hf_bert_expanded_folds_its_layers() -> None:
    """expand-nested opens the composites (embeddings, encoder, each BertLayer); the grouping
    folds the six layers: at most 12 glyphs, one of them the layers x6."""
    graph = extract_spec(parse_spec(f"{Z}:hf_bert(layers={LAYERS})"), None)
    assert sum(n.type == "BertLayer" for n in graph.nodes) == LAYERS
    layers, groups = _glyphs(render(graph, group="auto", expand_nested=True).svg)
    assert len(layers) + len(groups) <= 12
    assert [g.get("data-count") for g in groups] == [str(LAYERS)]


@pytest.mark.parametrize(
    ("spec", "block", "expand"),
    [
        (f"hf_gpt2(layers={LAYERS})", "GPT2Block", False),
        (f"hf_bert(layers={LAYERS})", "BertLayer", True),
    ],
)
def test_hf_layers_fold_into_one_group_named_after_the_class(
    spec: str, block: str, expand: bool
) -> None:
    graph = extract_spec(parse_spec(f"{Z}:{spec}"), None)
    assert sum(n.type == block for n in graph.nodes) == LAYERS
    layers, groups = _glyphs(render(graph, group="auto", expand_nested=expand).svg)
    assert len(layers) + len(groups) <= 12
    folds = [(g.get("data-type"), g.get("data-count")) for g in groups]
    assert [f for f in folds if f[0] != "Embeddings"] == [(block, str(LAYERS))]


# -- saved programs (.pt2) ---------------------------------------------------------------------


def _calls(graph: Graph) -> list[tuple[Any, ...]]:
    return [
        (n.id, n.name, n.type, n.kind, n.category, n.parent, n.output_shapes, n.params, n.shared)
        for n in graph.nodes
        if n.kind in ("layer", "composite", "op")
    ]


@pytest.mark.parametrize(
    ("name", "shape"), [("resnet_like", (3, 64, 64)), ("unet", None), ("siamese", None)]
)
def test_pt2_draws_like_the_live_module(tmp_path: Any, name: str, shape: Any) -> None:
    built = getattr(zoo, name)()
    model, example = built if isinstance(built, tuple) else (built, None)
    if example is None:
        example = (torch.randn(1, *shape),) if shape else (torch.randn(1, 16), torch.randn(1, 16))
    example = example if isinstance(example, tuple) else (example,)
    path = tmp_path / f"{name}.pt2"
    torch.export.save(torch.export.export(model.eval(), example), str(path))
    program = extract_spec(parse_spec(str(path)))
    live_shape = shape if shape else ((16,), (16,)) if name == "siamese" else None
    live = extract_spec(parse_spec(f"{Z}:{name}"), live_shape)
    assert [n.id for n in program.top_level().nodes] == [n.id for n in live.top_level().nodes]
    assert _calls(program) == _calls(live)

    # Same wiring, up to the names of composites' internal inputs (a program keeps no
    # forward signatures).
    def wiring(g: Graph) -> list[tuple[str, str]]:
        rename = {n.id: f"{n.parent}/<in>" for n in g.nodes if n.kind == "input" and n.parent}
        return sorted({(rename.get(e.source, e.source), e.target) for e in g.edges})

    assert wiring(program) == wiring(live)
    by_id = {n.id: n for n in program.nodes}
    for n in program.nodes:
        for child in n.model_inputs + n.model_outputs:
            assert by_id[child].parent == n.id


def test_pt2_unreadable(tmp_path: Any) -> None:
    path = tmp_path / "bad.pt2"
    path.write_bytes(b"not a program\x00" * 50)
    with pytest.raises(ExtractionError, match=r"not a readable torch\.export program") as info:
        extract_spec(parse_spec(str(path)))
    assert str(info.value).startswith(f"model spec {str(path)!r}: ")


def test_view_sizes_torch_glyphs_channels_last() -> None:
    from sphinx_netviz.core.view.build import build_view

    graph = extract("resnet_like", "3,64,64")
    assert graph.meta["layout"] == "channels_first"
    view = build_view(graph, resolve_options({}))
    assert graph.node("conv1").output_shapes == ((16, 32, 32),)  # the IR keeps torch's order
    assert view.nodes["conv1"].out_shape == (32, 32, 16)
    assert view.nodes["fc"].out_shape == (10,)
    assert view.shapes[("conv1", "bn1")] == (32, 32, 16)


_WRAPPER = """
import json, os
os.environ["KERAS_BACKEND"] = "torch"
import keras
from torch import nn
from sphinx_netviz.core.extract.keras.model import extract_model
inputs = keras.Input((8,), name="features")
x = keras.layers.Dense(16, name="dense")(inputs)
head = nn.Sequential(nn.Linear(16, 4), nn.ReLU())
x = keras.layers.TorchModuleWrapper(head, name="torch_head", output_shape=(None, 4))(x)
graph = extract_model(keras.Model(inputs, x, name="mixed"))
print(graph.to_json())
"""


def test_torch_module_wrapper_is_opened_with_the_torch_route() -> None:
    from tests.helpers import run_json_script

    graph = Graph.from_dict(run_json_script(_WRAPPER))
    by_id = {n.id: n for n in graph.nodes}
    wrapper = by_id["torch_head"]
    assert wrapper.kind == "composite" and wrapper.params == 16 * 4 + 4
    assert [n.id for n in graph.top_level().nodes] == ["features", "dense", "torch_head"]
    assert by_id["torch_head/0"].type == "Linear" and by_id["torch_head/0"].parent == "torch_head"
    assert by_id["torch_head/0"].output_shapes == ((4,),)
    assert wrapper.model_inputs == ("torch_head/input",)
    assert wrapper.model_outputs == ("torch_head/1",)
    assert {(e.source, e.target) for e in graph.edges} == {
        ("features", "dense"),
        ("dense", "torch_head"),
        ("torch_head/input", "torch_head/0"),
        ("torch_head/0", "torch_head/1"),
    }


def test_pt2_from_an_incompatible_torch(tmp_path: Any) -> None:
    from tests.reliability.matrix import write_future_pt2

    path = tmp_path / "future.pt2"
    write_future_pt2(path)
    with pytest.raises(ExtractionError) as info:
        extract_spec(parse_spec(str(path)))
    message = str(info.value)
    assert "(export schema 99)" in message and "export it again with this torch version" in message
    assert "\n" not in message


def test_categories_of_torch_and_hf_classes() -> None:
    from sphinx_netviz.core.extract.torch.kinds import module_category, op_category, op_name

    leaf = {
        "Conv2d": "conv", "ConvTranspose2d": "conv", "Linear": "dense", "Conv1D": "dense",
        "BatchNorm2d": "norm", "LayerNorm": "norm", "LlamaRMSNorm": "norm", "ReLU": "activation",
        "GELUActivation": "activation", "MaxPool2d": "pooling", "AdaptiveAvgPool2d": "pooling",
        "MultiheadAttention": "attention", "Embedding": "embedding", "LSTM": "recurrent",
        "Dropout": "dropout", "Flatten": "reshape", "Identity": "other",
    }  # fmt: skip
    assert {k: module_category(k, leaf=True) for k in leaf} == leaf
    assert module_category("BertSelfAttention", leaf=False) == "block"
    assert module_category("Bottleneck", leaf=False) == "block"
    names = ["__radd__", "add_", "add.Tensor", "bmm", "concat", "__getitem__", "softmax"]
    assert [op_name(n) for n in names] == [
        "add",
        "add",
        "add",
        "matmul",
        "cat",
        "getitem",
        "softmax",
    ]
    ops = ["add", "cat", "mul", "view", "permute", "relu", "scaled_dot_product_attention", "linear"]
    assert [op_category(o) for o in ops] == [
        "merge", "merge", "merge", "reshape", "reshape", "activation", "attention", "dense",
    ]  # fmt: skip


def test_factory_that_cannot_build_on_meta_is_built_on_cpu() -> None:
    graph = extract("value_in_init")
    assert graph.meta["device"] == "cpu"
    assert any("factory cannot run on the meta device" in n for n in graph.meta["notes"])
    assert graph.node("fc").params == 42


def test_pt2_through_the_worker(tmp_path: Any) -> None:
    model, example = zoo.two_heads()
    path = tmp_path / "heads.pt2"
    torch.export.save(torch.export.export(model.eval(), (example,)), str(path))
    graph = load_graph(str(path), cache_dir=None)
    assert [n.id for n in graph.top_level().nodes] == ["x", "body", "relu", "cls", "reg", "sigmoid"]
    assert graph.outputs == ("cls", "sigmoid")
    assert graph.meta["extractor"] == "torch-export"


def test_cache_key_tells_dtypes_and_input_lists_apart() -> None:
    from sphinx_netviz.core.store.cache import ir_key

    versions = {"torch": "2.13.0"}
    base = ir_key("m:f", input_shape=(10,), versions=versions, extract={"input-dtype": "float32"})
    assert ir_key(
        "m:f", input_shape=(10,), versions=versions, extract={"input-dtype": "int64"}
    ) != (base)
    two = ir_key("m:f", input_shape=((10,), (4,)), versions=versions)
    assert two != base and two != ir_key("m:f", input_shape=(10, 4), versions=versions)


# -- named axes (dynamic_shapes beside the example inputs) -----------------------------------
def _labels(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [t.text or "" for t in root.iter() if "nv-label" in (t.get("class") or "")]


def test_axis_names_from_dynamic_shapes_make_the_sequence_symbolic():
    """Length 32 equals the width 32: only the second trace at another length tells which
    dimensions are the sequence. They become unknown in the IR and print as the Dim's name."""
    graph = extract_spec(parse_spec(f"{Z}:named_encoder"))
    assert graph.dim_names == (("seq", "tokens"),)
    embed = next(n for n in graph.nodes if n.id == "embed")
    assert embed.output_shapes == ((None, 32),)
    assert all(e.shape is None or e.shape[0] is None for e in graph.edges if e.source == "embed")
    labels = _labels(render(graph).svg)
    assert "tokens" in labels and "32" in labels and "seq" not in labels
    # The user's dim-names still win, and the names survive the IR JSON.
    assert "T" in _labels(render(graph, dim_names="seq=T").svg)
    again = Graph.from_json(graph.to_json())
    assert again.dim_names == graph.dim_names and again.content_hash() == graph.content_hash()
    # Without names: the same network with concrete sizes, and no dim_names key in the JSON.
    plain_model, plain_inputs, _names = zoo.named_encoder()
    plain = render((plain_model, plain_inputs))
    assert "tokens" not in _labels(plain.svg)
    assert "dim_names" not in extract_spec(parse_spec(f"{Z}:tiny_encoder")).to_dict()


def test_axis_names_for_a_live_hf_model_on_meta():
    from torch.export import Dim

    model, inputs = zoo.hf_gpt2(2)
    d = render((model, inputs, {"input_ids": {1: Dim("tokens")}}))
    assert "tokens" in _labels(d.svg)
    assert not [t for t in _labels(d.svg) if "?" in t]


@pytest.mark.parametrize(
    ("factory", "note"), [("named_twice", "could not be told apart"), ("named_wrong", "")]
)
def test_axis_names_that_cannot_be_attributed_leave_the_sizes(factory, note):
    graph = extract_spec(parse_spec(f"{Z}:{factory}"))
    assert graph.dim_names == ()
    if note:
        assert any(note in n for n in graph.meta.get("notes", []))
    render(graph)  # never raises
