from __future__ import annotations

import pytest

from sphinx_netviz.core.extract.annotations import is_model_annotation


@pytest.mark.parametrize(
    "text",
    [
        "keras.Model",
        "tf.keras.Model",
        "keras.models.Sequential",
        "'Model'",
        "Model",
        "Optional[keras.Model]",
        "keras.Model | None",
        "keras.src.models.functional.Functional",
        "torch.nn.Module",
        "nn.Module",
        "torch.nn.modules.module.Module",
        "nn.Module | None",
        "tuple[nn.Module, torch.Tensor]",
        "Tuple[torch.nn.Module, dict[str, torch.Tensor]]",
    ],
)
def test_model_annotations(text: str) -> None:
    assert is_model_annotation(text)


@pytest.mark.parametrize(
    "text",
    [
        "int",
        "keras.layers.Layer",
        "torch.Tensor",
        "Module",
        "mypkg.Module",
        "nn.Linear",
        "Model | int",
        "mypkg.Model",
        "",
        "tuple[int, nn.Module]",
        "list[nn.Module]",
    ],
)
def test_other_annotations(text: str) -> None:
    assert not is_model_annotation(text)


def test_routes_declare_their_model_types(monkeypatch: pytest.MonkeyPatch) -> None:
    """A route's ``return_types`` count as model annotations without touching the table."""
    from sphinx_netviz.core.extract import base
    from sphinx_netviz.core.extract.keras import model as keras3

    assert "keras.Model" in keras3.EXTRACTOR.return_types
    assert not is_model_annotation("mylib.graphs.Network")

    class Route:
        name = "mylib"
        extra = "mylib"
        distributions = ("mylib",)
        return_types = ("mylib.graphs.Network",)

    monkeypatch.setattr(base, "registered", lambda: [Route()])
    assert is_model_annotation("mylib.graphs.Network")
    assert is_model_annotation("Optional[mylib.graphs.Network]")
