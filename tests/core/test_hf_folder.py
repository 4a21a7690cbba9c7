"""Hugging Face model folders: a ``config.json`` written by ``save_pretrained`` into a
temporary folder, built on the meta device in the worker and drawn. Nothing is downloaded
(``HF_HUB_OFFLINE=1``; the folders hold no weights)."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
transformers = pytest.importorskip("transformers")
pytest.importorskip("torch")

from sphinx_netviz.core import Graph, load_graph, render  # noqa: E402
from sphinx_netviz.core.diagram import prepare  # noqa: E402
from sphinx_netviz.core.extract.base import find_extractor  # noqa: E402
from sphinx_netviz.core.extract.factory import extract_spec  # noqa: E402
from sphinx_netviz.core.extract.hf import DEFAULT_TOKENS, EXTRACTOR  # noqa: E402
from sphinx_netviz.core.ir.errors import ExtractionError  # noqa: E402
from sphinx_netviz.core.ir.spec import parse_spec  # noqa: E402
from sphinx_netviz.core.options import resolve_options  # noqa: E402
from sphinx_netviz.core.worker import WorkerClient  # noqa: E402

from .irgraphs import conservation  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def bert_config(**extra: object) -> object:
    return transformers.BertConfig(
        vocab_size=500, hidden_size=32, num_hidden_layers=4, num_attention_heads=4,
        intermediate_size=64, max_position_embeddings=64, **extra,
    )  # fmt: skip


def folder(tmp_path: Path, name: str, config: object) -> Path:
    path = tmp_path / name
    config.save_pretrained(path)  # type: ignore[attr-defined]
    return path


def extract(spec: str, base: Path, **options: object) -> Graph:
    resolved = resolve_options(options)
    return extract_spec(
        parse_spec(spec, base), resolved.input_shape, input_dtype=resolved.input_dtype
    )


def counts(svg: str) -> tuple[int, list[str]]:
    root = ET.fromstring(svg)
    legend = {id(e) for g in root.iter() if g.get("class") == "nv-legend" for e in g.iter()}
    glyphs = [
        e
        for e in root.iter()
        if e.get("class") in ("nv-layer", "nv-group")
        and id(e) not in legend
        and e.get("data-synthetic") != "true"
    ]
    return len(glyphs), [e.get("data-count") or "" for e in glyphs if e.get("class") == "nv-group"]


def test_folder_and_config_json_specs(tmp_path: Path) -> None:
    folder(tmp_path, "tiny-bert", bert_config())
    for text in ("tiny-bert", "./tiny-bert/", "tiny-bert/config.json"):
        spec = parse_spec(text, tmp_path)
        assert spec.kind == "file" and spec.path == tmp_path / "tiny-bert" / "config.json"
    assert find_extractor(tmp_path / "tiny-bert" / "config.json") is EXTRACTOR
    assert parse_spec("graph.json", tmp_path).kind == "ir"  # other JSON files stay IR files


def test_bert_folder_is_built_on_meta_and_folds_its_layers(tmp_path: Path) -> None:
    folder(tmp_path, "tiny-bert", bert_config())
    graph = extract("tiny-bert", tmp_path)
    assert graph.meta["device"] == "meta" and graph.meta["extractor"] == "hf"
    assert graph.meta["model_type"] == "bert" and graph.name == "BertModel"
    ids = graph.node("input_ids")
    assert ids.output_shapes == ((None,),) and ids.dtype == "int64"  # the token axis is named
    glyphs, groups = counts(render(graph, depth=1).svg)
    assert groups == ["4"] and glyphs <= 14
    prep = prepare(graph, resolve_options({"depth": 1}))
    done, total = conservation(prep)
    assert done == total


def test_input_options_override_the_config_inputs(tmp_path: Path) -> None:
    folder(tmp_path, "tiny-bert", bert_config())
    graph = extract("tiny-bert", tmp_path, input_shape="10")
    assert graph.node("input_ids").output_shapes == ((10,),)
    assert graph.node("input_ids").dtype == "int64"  # token ids by default
    assert DEFAULT_TOKENS == 32


def test_vision_folder_gets_pixel_values_of_its_image_size(tmp_path: Path) -> None:
    config = transformers.ViTConfig(
        image_size=32, patch_size=8, hidden_size=32, num_hidden_layers=2,
        num_attention_heads=4, intermediate_size=64,
    )  # fmt: skip
    folder(tmp_path, "tiny-vit", config)
    graph = extract("tiny-vit", tmp_path)
    assert graph.node("pixel_values").output_shapes == ((3, 32, 32),)
    assert render(graph, depth=1).glyphs > 0


def test_encoder_decoder_folder_gets_decoder_inputs(tmp_path: Path) -> None:
    config = transformers.BartConfig(
        vocab_size=100, d_model=32, encoder_layers=2, decoder_layers=2,
        encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=64,
        decoder_ffn_dim=64, max_position_embeddings=64,
    )  # fmt: skip
    folder(tmp_path, "tiny-bart", config)
    graph = extract("tiny-bart", tmp_path)
    inputs = {n.name for n in graph.top_level().nodes if n.kind == "input"}
    assert {"input_ids", "decoder_input_ids"} <= inputs


def test_architectures_name_the_fine_tuned_head(tmp_path: Path) -> None:
    folder(tmp_path, "classifier", bert_config(architectures=["BertForSequenceClassification"]))
    graph = extract("classifier", tmp_path)
    assert graph.name == "BertForSequenceClassification"
    assert any(n.id == "classifier" and n.type == "Linear" for n in graph.nodes)


@pytest.fixture(scope="module")
def worker() -> Iterator[WorkerClient]:
    with WorkerClient(sys_path=[str(ROOT)]) as client:
        yield client


def test_drawn_through_the_worker_and_the_cache(tmp_path: Path) -> None:
    path = folder(tmp_path, "tiny-bert", bert_config())
    graph = load_graph(str(path), cache_dir=tmp_path / "cache")
    assert graph.meta["extractor"] == "hf"
    again = load_graph(str(path / "config.json"), cache_dir=tmp_path / "cache")
    assert again.content_hash() == graph.content_hash()


def _bad(worker: WorkerClient, spec: str) -> str:
    with pytest.raises(ExtractionError) as info:
        worker.request(spec)
    message = str(info.value)
    assert message.startswith(f"model spec {spec!r}: "), message
    assert "\n" not in message and "Traceback" not in message
    return message


def test_bad_folders_get_one_line_naming_the_spec(worker: WorkerClient, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert "has no config.json" in _bad(worker, str(tmp_path / "empty"))
    assert "no such folder" in _bad(worker, str(tmp_path / "absent"))
    untyped = tmp_path / "untyped"
    untyped.mkdir()
    (untyped / "config.json").write_text(json.dumps({"hidden_size": 32}))
    assert "has no model_type" in _bad(worker, str(untyped))
    unknown = tmp_path / "unknown"
    unknown.mkdir()
    (unknown / "config.json").write_text(json.dumps({"model_type": "no-such-model"}))
    message = _bad(worker, str(unknown / "config.json"))
    assert "model_type 'no-such-model' is not known" in message
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{not json")
    assert "cannot read config.json as JSON" in _bad(worker, str(broken))
    assert worker.starts == 1


def test_transformers_missing_names_the_extra(tmp_path: Path) -> None:
    from tests.core.test_missing_framework import _worker

    path = folder(tmp_path, "tiny-bert", bert_config())
    with _worker(tmp_path, "transformers") as client:
        with pytest.raises(ExtractionError) as info:
            client.request(str(path))
    message = str(info.value)
    assert message.startswith(f"model spec {str(path)!r}: ")
    assert "transformers" in message and 'pip install "netviz[hf]"' in message
