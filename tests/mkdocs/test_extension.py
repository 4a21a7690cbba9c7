"""The ``netviz`` Markdown extension on its own (no plugin), through Python-Markdown."""

from __future__ import annotations

import json
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup

GRAPH = {
    "schema": 1,
    "name": "saved_ir",
    "nodes": [
        {
            "id": "in",
            "name": "in",
            "type": "InputLayer",
            "input_shapes": [[None, 8]],
            "output_shapes": [[None, 8]],
            "params": 0,
            "parent": None,
        },
        {
            "id": "d1",
            "name": "d1",
            "type": "Dense",
            "input_shapes": [[None, 8]],
            "output_shapes": [[None, 4]],
            "params": 36,
            "parent": None,
        },
        {
            "id": "d2",
            "name": "d2",
            "type": "Dense",
            "input_shapes": [[None, 4]],
            "output_shapes": [[None, 2]],
            "params": 10,
            "parent": None,
        },
    ],
    "edges": [
        {"source": "in", "target": "d1", "shape": [None, 8]},
        {"source": "d1", "target": "d2", "shape": [None, 4]},
    ],
    "inputs": ["in"],
    "outputs": ["d2"],
}


@pytest.fixture
def ir_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "graph.json").write_text(json.dumps(GRAPH), encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the standalone extension resolves paths from here
    return "graph.json"


@pytest.mark.parametrize("extensions", [["netviz", "fenced_code"], ["mkdocs_netviz.fence"]])
def test_registered_entry_point_renders_without_plugin(ir_file: str, extensions: list) -> None:
    text = f"Intro\n\n```netviz\n{ir_file}\ncaption: Saved IR\n```\n\n```python\nx = 1\n```\n"
    html = markdown.markdown(text, extensions=extensions)
    soup = BeautifulSoup(html, "html.parser")
    fig = soup.select_one("figure.netviz")
    assert fig is not None and "Saved IR" in fig.figcaption.get_text()
    assert fig.select_one(".netviz-svg > svg") is not None
    assert len(fig.select("g.nv-layer")) >= 2
    assert soup.find("p").get_text() == "Intro"


def test_superfences_without_the_plugin_leaves_netviz_to_the_extension(ir_file: str) -> None:
    text = f"```netviz\n{ir_file}\n```\n"
    html = markdown.markdown(text, extensions=["pymdownx.superfences", "netviz"])
    assert BeautifulSoup(html, "html.parser").select_one("figure.netviz svg") is not None


def test_bad_fence_becomes_a_placeholder_and_a_warning(
    ir_file: str, caplog: pytest.LogCaptureFixture
) -> None:
    html = markdown.markdown("```netviz\nmissing.json\n```\n", extensions=["netviz"])
    fig = BeautifulSoup(html, "html.parser").select_one("figure.netviz.netviz-failed")
    assert fig is not None and "missing.json" in fig.get_text()
    assert any(
        r.name.startswith("mkdocs.plugins.") and "missing.json" in r.getMessage()
        for r in caplog.records
    )
