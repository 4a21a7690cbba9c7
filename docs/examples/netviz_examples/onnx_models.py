"""An ONNX model for the formats example: a Hugging Face BERT exported by ``torch.onnx.export``.

The factory returns an ``onnx.ModelProto``; a spec may equally name a saved ``.onnx`` file.
ONNX has no modules, only ~200 operators for these four layers: netviz reads the module
scopes the exporter kept, folds the shape arithmetic into the operators it serves, and draws
the same story as the PyTorch module (embeddings, ``BertLayer x4``, pooler).

torch is imported inside the factory, which builds and exports on the CPU: an export needs
real tensors, not the meta device the worker offers PyTorch factories.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import warnings
from pathlib import Path
from typing import Any

__all__ = ["bert"]


def bert(layers: int = 4) -> Any:
    """A 4-layer BERT (hidden size 64) exported to ONNX with named axes."""
    import onnx
    import torch
    from transformers import BertConfig, BertModel

    with torch.device("cpu"):
        config = BertConfig(
            vocab_size=1000, hidden_size=64, num_hidden_layers=layers, num_attention_heads=4,
            intermediate_size=128, max_position_embeddings=128,
        )  # fmt: skip
        model = BertModel(config).eval()
        ids = torch.zeros(1, 16, dtype=torch.long)
        mask = torch.ones(1, 16, dtype=torch.long)
        batch, seq = torch.export.Dim("batch"), torch.export.Dim("sequence")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bert.onnx"
            with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.onnx.export(
                    model, (ids, mask), str(path), dynamo=True,
                    input_names=["input_ids", "attention_mask"],
                    dynamic_shapes=({0: batch, 1: seq}, {0: batch, 1: seq}),
                )  # fmt: skip
            return onnx.load(str(path), load_external_data=False)
