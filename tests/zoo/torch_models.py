"""Hand-written PyTorch models for the torch route's tests (torchvision is not used).

Factories return a module (shapes then come from ``input-shape``) or ``(module,
example_inputs)``. Hugging Face models are built from small configs; nothing is downloaded.
"""

from __future__ import annotations

import os
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

os.environ.setdefault("HF_HUB_OFFLINE", "1")

#: Where the factories' parameters were allocated, for the meta-device test.
SEEN_DEVICES: list[str] = []


# -- ResNet with Bottleneck blocks -----------------------------------------------------------
class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1) -> None:
        super().__init__()
        width = planes
        self.conv1 = nn.Conv2d(inplanes, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)  # called three times, as in torchvision
        self.downsample: nn.Module | None = None
        if stride != 1 or inplanes != planes * 4:
            self.downsample = nn.Sequential(
                nn.Conv2d(inplanes, planes * 4, 1, stride=stride, bias=False),
                nn.BatchNorm2d(planes * 4),
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class ResNetLike(nn.Module):
    def __init__(self, layers: tuple[int, ...] = (2, 2), num_classes: int = 10) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        inplanes = 16
        stages = []
        for i, blocks in enumerate(layers):
            planes = 16 * 2**i
            seq = []
            for b in range(blocks):
                seq.append(Bottleneck(inplanes, planes, stride=2 if (b == 0 and i > 0) else 1))
                inplanes = planes * 4
            stages.append(nn.Sequential(*seq))
        self.layer1 = stages[0]
        self.layer2 = stages[1]
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(inplanes, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer2(self.layer1(x))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


def resnet_like() -> nn.Module:
    """Needs ``input-shape: 3,64,64``."""
    model = ResNetLike()
    SEEN_DEVICES.append(next(model.parameters()).device.type)
    return model


# -- U-Net -------------------------------------------------------------------------------
class DoubleConv(nn.Module):
    def __init__(self, cin: int, cout: int) -> None:
        super().__init__()
        self.block = nn.Sequential(
            nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(), nn.Conv2d(cout, cout, 3, padding=1),
            nn.ReLU(),
        )  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.block(x)


class UNet(nn.Module):
    def __init__(self, base: int = 8) -> None:
        super().__init__()
        self.down1 = DoubleConv(1, base)
        self.down2 = DoubleConv(base, base * 2)
        self.pool = nn.MaxPool2d(2)
        self.bottom = DoubleConv(base * 2, base * 4)
        self.up2 = nn.ConvTranspose2d(base * 4, base * 2, 2, stride=2)
        self.dec2 = DoubleConv(base * 4, base * 2)
        self.up1 = nn.ConvTranspose2d(base * 2, base, 2, stride=2)
        self.dec1 = DoubleConv(base * 2, base)
        self.head = nn.Conv2d(base, 2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        d1 = self.down1(x)
        d2 = self.down2(self.pool(d1))
        b = self.bottom(self.pool(d2))
        u2 = self.dec2(torch.cat([self.up2(b), d2], dim=1))
        u1 = self.dec1(torch.cat([self.up1(u2), d1], dim=1))
        return self.head(u1)


def unet() -> tuple[nn.Module, torch.Tensor]:
    return UNet(), torch.randn(1, 1, 32, 32)


# -- MLP ---------------------------------------------------------------------------------
def mlp() -> nn.Module:
    return nn.Sequential(
        nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, 10)
    )


# -- transformer encoder with a mask side input --------------------------------------------
class TinyEncoder(nn.Module):
    def __init__(self, d: int = 32, layers: int = 3) -> None:
        super().__init__()
        self.embed = nn.Embedding(100, d)
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(d, 4, dim_feedforward=64, batch_first=True)
            for _ in range(layers)
        )
        self.norm = nn.LayerNorm(d)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = self.embed(ids)
        for layer in self.layers:
            x = layer(x, src_key_padding_mask=mask)
        return self.norm(x)


def tiny_encoder() -> tuple[nn.Module, tuple[torch.Tensor, torch.Tensor]]:
    ids = torch.zeros(1, 8, dtype=torch.long)
    mask = torch.zeros(1, 8, dtype=torch.bool)
    return TinyEncoder(), (ids, mask)


def named_encoder() -> tuple[nn.Module, tuple[torch.Tensor, torch.Tensor], dict[str, Any]]:
    """TinyEncoder with its sequence axis named the torch.export way: ``Dim("tokens")``
    on both inputs. The example length is 32, the model width too: only a second trace tells
    them apart."""
    from torch.export import Dim

    tokens = Dim("tokens")
    ids = torch.zeros(1, 32, dtype=torch.long)
    mask = torch.zeros(1, 32, dtype=torch.bool)
    return TinyEncoder(), (ids, mask), {"ids": {1: tokens}, "mask": {1: tokens}}


def named_twice() -> tuple[nn.Module, tuple[torch.Tensor, torch.Tensor], tuple[Any, ...]]:
    """Bad input: two names for two sequence axes the diagram would both call ``seq``
    (positional form of dynamic_shapes)."""
    return (
        Siamese2(),
        (torch.zeros(1, 5, 16), torch.zeros(1, 7, 16)),
        ({1: "source_len"}, {1: "target_len"}),
    )


class Siamese2(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Linear(16, 8)
        self.b = nn.Linear(16, 8)

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.a(a), self.b(b)], dim=1)


def named_wrong() -> tuple[nn.Module, tuple[torch.Tensor, torch.Tensor], dict[str, Any]]:
    """Bad input: names for an argument that does not exist and an axis out of range."""
    ids = torch.zeros(1, 8, dtype=torch.long)
    mask = torch.zeros(1, 8, dtype=torch.bool)
    return TinyEncoder(), (ids, mask), {"nope": {1: "x"}, "ids": {5: "y"}}


# -- shared module -------------------------------------------------------------------------
class Siamese(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.tower = nn.Sequential(nn.Linear(16, 8), nn.ReLU())
        self.head = nn.Linear(16, 1)

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return self.head(torch.cat([self.tower(a), self.tower(b)], dim=-1))


def siamese() -> nn.Module:
    """Needs ``input-shape: 16;16``."""
    return Siamese()


# -- dict output -------------------------------------------------------------------------
class TwoHeads(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Linear(8, 8)
        self.cls = nn.Linear(8, 3)
        self.reg = nn.Linear(8, 1)

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        h = F.relu(self.body(x))
        return {"logits": self.cls(h), "value": torch.sigmoid(self.reg(h))}


def two_heads() -> tuple[nn.Module, torch.Tensor]:
    return TwoHeads(), torch.randn(1, 8)


# -- ModuleList of blocks ------------------------------------------------------------------
class ResidualMLP(nn.Module):
    def __init__(self, depth: int = 4) -> None:
        super().__init__()
        self.blocks = nn.ModuleList(
            nn.Sequential(nn.LayerNorm(16), nn.Linear(16, 16), nn.GELU()) for _ in range(depth)
        )
        self.out = nn.Linear(16, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.blocks:
            x = x + block(x)
        return self.out(x)


def residual_mlp() -> tuple[nn.Module, torch.Tensor]:
    return ResidualMLP(), torch.randn(1, 16)


# -- data-dependent control flow (cannot run on meta; fine on the CPU) ---------------------
class Gate(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Linear(4, 4)
        self.b = nn.Linear(4, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.sum() > 0:
            return self.a(x)
        return self.b(self.a(x))


def gate() -> tuple[nn.Module, torch.Tensor]:
    return Gate(), torch.ones(1, 4)


class NonZero(nn.Module):
    """``torch.nonzero`` has a data-dependent output size: no meta result."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(6, 6)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.fc(x)
        count = torch.nonzero(h > 0).shape[0]
        return h * float(count)


def nonzero() -> tuple[nn.Module, torch.Tensor]:
    return NonZero(), torch.randn(1, 6)


# -- LSTM (recurrent, tuple outputs) -------------------------------------------------------
class Tagger(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(50, 12)
        self.lstm = nn.LSTM(12, 16, batch_first=True)
        self.out = nn.Linear(16, 5)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        seq, _ = self.lstm(self.embed(ids))
        return self.out(seq)


def tagger() -> nn.Module:
    """Needs ``input-shape: 10`` and ``input-dtype: int64``."""
    return Tagger()


# -- Hugging Face --------------------------------------------------------------------------
def hf_bert(layers: int = 4, mask: bool = False) -> tuple[Any, dict[str, torch.Tensor]]:
    """With ``mask=True`` HF checks ``mask.all()``, a value: no meta run, traced on the CPU."""
    from transformers import BertConfig, BertModel

    config = BertConfig(
        vocab_size=100, hidden_size=32, num_hidden_layers=layers, num_attention_heads=4,
        intermediate_size=64, max_position_embeddings=64,
    )  # fmt: skip
    ids = torch.zeros(1, 16, dtype=torch.long)
    inputs = (
        {"input_ids": ids, "attention_mask": torch.ones_like(ids)} if mask else {"input_ids": ids}
    )
    return BertModel(config), inputs


def hf_gpt2(layers: int = 3) -> tuple[Any, dict[str, torch.Tensor]]:
    from transformers import GPT2Config, GPT2Model

    config = GPT2Config(
        vocab_size=100, n_embd=32, n_layer=layers, n_head=4, n_positions=64, bos_token_id=0,
        eos_token_id=0,
    )  # fmt: skip
    return GPT2Model(config), {"input_ids": torch.zeros(1, 16, dtype=torch.long)}


# -- bad models ----------------------------------------------------------------------------
class Broken(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise RuntimeError("broken on purpose")


def broken() -> tuple[nn.Module, torch.Tensor]:
    return Broken(), torch.randn(1, 4)


class ReturnsText(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x: torch.Tensor) -> str:
        self.fc(x)
        return "done"


def returns_text() -> tuple[nn.Module, torch.Tensor]:
    return ReturnsText(), torch.randn(1, 4)


def bad_example_inputs() -> tuple[nn.Module, int]:
    return nn.Linear(4, 4), 42


def hf_bert_base() -> tuple[Any, dict[str, torch.Tensor]]:
    """BERT-base size (110M parameters), for the meta-versus-CPU benchmark."""
    from transformers import BertConfig, BertModel

    ids = torch.zeros(1, 128, dtype=torch.long)
    return BertModel(BertConfig()), {"input_ids": ids}


def llama_7b() -> tuple[Any, dict[str, torch.Tensor]]:
    """A Llama-architecture config with about 7 billion parameters (never allocated)."""
    from transformers import LlamaConfig, LlamaModel

    config = LlamaConfig(
        hidden_size=4096, intermediate_size=11008, num_hidden_layers=32,
        num_attention_heads=32, vocab_size=32000,
    )  # fmt: skip
    return LlamaModel(config), {"input_ids": torch.zeros(1, 16, dtype=torch.long)}


class ValueInInit(nn.Module):
    """Reads a tensor's value while being built: no meta build."""

    def __init__(self) -> None:
        super().__init__()
        width = int(torch.tensor(6).item())
        self.fc = nn.Linear(width, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x)


def value_in_init() -> tuple[nn.Module, torch.Tensor]:
    return ValueInInit(), torch.zeros(1, 6)


# -- a submodule that reads a value (no meta run for it alone) ------------------------------
class Counting(nn.Module):
    """Scales by how many features are positive: ``.item()`` on a meta tensor fails."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.act(self.fc(x))
        count = int((h > 0).sum().item())
        return h * float(count + 1)


class WithCounting(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Linear(4, 8)
        self.counting = Counting()
        self.head = nn.Linear(8, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.counting(self.embed(x)))


def with_counting() -> tuple[nn.Module, torch.Tensor]:
    return WithCounting(), torch.randn(1, 4)


# -- a parameter made with the legacy constructor, which ignores the meta device ---------
class StrayParam(nn.Module):
    """Like HF's speech models' ``masked_spec_embed``: ``torch.Tensor(n)`` is always CPU."""

    def __init__(self) -> None:
        super().__init__()
        self.stray = nn.Parameter(torch.Tensor(8).uniform_())
        self.fc = nn.Linear(8, 8)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x + self.stray)


def stray_param() -> tuple[nn.Module, torch.Tensor]:
    return StrayParam(), torch.randn(1, 8)


class BrokenChild(nn.Module):
    """A child whose forward raises on every device."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.child = Broken()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.child(self.fc(x))


def broken_child() -> tuple[nn.Module, torch.Tensor]:
    return BrokenChild(), torch.randn(1, 4)


def hf_gpt2_inputs() -> tuple[Any, dict[str, torch.Tensor]]:
    """GPT-2 with the inputs a tokenizer returns (ids and an all-ones mask)."""
    model, inputs = hf_gpt2()
    ids = inputs["input_ids"]
    return model, {"input_ids": ids, "attention_mask": torch.ones_like(ids)}


def hf_t5_inputs() -> tuple[Any, dict[str, torch.Tensor]]:
    """A small T5 with encoder and decoder masks."""
    from transformers import T5Config, T5Model

    config = T5Config(
        vocab_size=100, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4,
        decoder_start_token_id=0,
    )  # fmt: skip
    ids = torch.ones(1, 12, dtype=torch.long)
    dec = torch.ones(1, 6, dtype=torch.long)
    inputs = {
        "input_ids": ids, "attention_mask": torch.ones_like(ids),
        "decoder_input_ids": dec, "decoder_attention_mask": torch.ones_like(dec),
    }  # fmt: skip
    return T5Model(config), inputs
