"""The meta trace keeps to the meta device: standard HF inputs, stray CPU tensors, and one
submodule that cannot run there (traced on the CPU alone, with a note)."""

from __future__ import annotations

import os

import pytest

torch = pytest.importorskip("torch")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from sphinx_netviz.core import Graph, render  # noqa: E402
from sphinx_netviz.core.extract.base import ExtractRequest  # noqa: E402
from sphinx_netviz.core.extract.factory import extract_spec  # noqa: E402
from sphinx_netviz.core.extract.torch.module import EXTRACTOR  # noqa: E402
from sphinx_netviz.core.ir.errors import ExtractionError  # noqa: E402
from sphinx_netviz.core.ir.spec import parse_spec  # noqa: E402
from tests.zoo import torch_models as zoo  # noqa: E402

Z = "tests.zoo.torch_models"


def extract(spec: str) -> Graph:
    return extract_spec(parse_spec(spec), None)


def on_cpu(module: object, inputs: object) -> Graph:
    """The same module traced on the CPU (a live module), for comparison."""
    return EXTRACTOR.extract(module, ExtractRequest("live", example_inputs=inputs))


def test_stray_cpu_parameter_stays_on_meta_and_live_module_is_given_back() -> None:
    graph = extract(f"{Z}:stray_param")
    assert graph.meta["device"] == "meta"
    assert [n.type for n in graph.nodes] == ["Input", "Add", "Linear"]
    with torch.device("meta"):
        model, x = zoo.stray_param()
    assert model.stray.device.type == "cpu" and model.fc.weight.device.type == "meta"
    before = model.stray
    live = render((model, x))
    assert model.stray is before and model.stray.device.type == "cpu"
    assert "nv-layer" in live.svg


def test_hf_speech_model_with_masked_spec_embed_draws_on_meta() -> None:
    graph = extract("tests.zoo.hf_registry:build('hubert')")
    assert graph.meta["device"] == "meta"
    assert "notes" not in graph.meta
    assert graph.inputs == ("input_values",)
    top = {n.type for n in graph.top_level().nodes}
    assert {"HubertFeatureEncoder", "HubertEncoder"} <= top


@pytest.mark.parametrize(
    "spec",
    ["hf_bert(mask=True)", "hf_gpt2_inputs", "hf_t5_inputs"],
)
def test_standard_hf_inputs_are_traced_on_meta(spec: str) -> None:
    graph = extract(f"{Z}:{spec}")
    assert graph.meta["device"] == "meta", graph.meta.get("notes")
    assert "attention_mask" in graph.inputs
    # The mask is read by the model (an edge leaves it), not left dangling.
    assert any(e.source == "attention_mask" for e in graph.edges)


def test_submodule_that_reads_a_value_is_traced_on_the_cpu_alone() -> None:
    graph = extract(f"{Z}:with_counting")
    assert graph.meta["device"] == "meta"
    (note,) = graph.meta["notes"]
    assert note.startswith("counting (Counting) cannot run on the meta device (")
    assert "traced on the CPU with stand-in weights" in note
    model, x = zoo.with_counting()
    reference = on_cpu(model, x)
    assert reference.meta["device"] == "cpu"
    ids = [(n.id, n.type, n.parent, n.output_shapes) for n in graph.nodes]
    assert ids == [(n.id, n.type, n.parent, n.output_shapes) for n in reference.nodes]
    assert [(e.source, e.target) for e in graph.edges] == [
        (e.source, e.target) for e in reference.edges
    ]


def test_submodule_failing_everywhere_is_the_models_failure() -> None:
    with pytest.raises(ExtractionError) as info:
        extract(f"{Z}:broken_child")
    message = str(info.value)
    assert "failed on the meta device (RuntimeError: broken on purpose)" in message
    assert "on the CPU (RuntimeError: broken on purpose)" in message


def test_meta_trace_leaves_no_patched_forward_behind() -> None:
    with torch.device("meta"):
        model, x = zoo.with_counting()
    EXTRACTOR.extract(model, ExtractRequest("live", example_inputs=x))
    assert all("forward" not in vars(m) for m in model.modules())
    assert model.counting.fc.weight.device.type == "meta"
