from __future__ import annotations

import pytest

from sphinx_netviz.core.factories import is_model_annotation


@pytest.mark.parametrize(
    "text",
    ["keras.Model", "tf.keras.Model", "keras.models.Sequential", "'Model'", "Model",
     "Optional[keras.Model]", "keras.Model | None", "keras.src.models.functional.Functional"],
)
def test_model_annotations(text: str) -> None:
    assert is_model_annotation(text)


@pytest.mark.parametrize(
    "text", ["int", "keras.layers.Layer", "torch.nn.Module", "Model | int", "mypkg.Model", ""]
)
def test_other_annotations(text: str) -> None:
    assert not is_model_annotation(text)
