"""PyTorch halves of the twins: the same small architectures as :mod:`tests.zoo.twins_keras`.

Each is written the way PyTorch code usually is (stages as ``nn.Sequential`` of block
modules, ``torch.cat`` for merges, ``AdaptiveAvgPool`` then ``flatten``), with the same
layers, widths and attribute names as its Keras twin, so that the two diagrams can be
compared glyph for glyph. Factories return ``(module, example_inputs)``; inputs are
channels-first (``C, H, W`` and ``C, L``).
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["TWINS", "mlp", "resnet", "temporal_cnn", "two_input", "unet"]

#: The factory names shared by both twin modules.
TWINS: tuple[str, ...] = ("resnet", "unet", "mlp", "two_input", "temporal_cnn")


# -- ResNet: stages are nn.Sequential of residual blocks -------------------------------------
class ResidualBlock(nn.Module):
    """Two 3x3 convolutions with batch norm, a projection shortcut when the shape changes."""

    def __init__(self, cin: int, cout: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut: nn.Module | None = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout)
            )
        self.relu2 = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.shortcut is None else self.shortcut(x)
        out = self.relu1(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu2(out + identity)


class SmallResNet(nn.Module):
    def __init__(self, classes: int = 10) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU()
        )
        self.stage1 = nn.Sequential(ResidualBlock(16, 16), ResidualBlock(16, 16))
        self.stage2 = nn.Sequential(ResidualBlock(16, 32, stride=2), ResidualBlock(32, 32))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stage2(self.stage1(self.stem(x)))
        return self.fc(torch.flatten(self.pool(x), 1))


def resnet() -> tuple[nn.Module, torch.Tensor]:
    """A small ResNet on 3x32x32 images: stem, two stages of two residual blocks, head."""
    return SmallResNet(), torch.randn(1, 3, 32, 32)


# -- U-Net -----------------------------------------------------------------------------------
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
        self.pool1 = nn.MaxPool2d(2)
        self.down2 = DoubleConv(base, base * 2)
        self.pool2 = nn.MaxPool2d(2)
        self.bottom = DoubleConv(base * 2, base * 4)
        self.up2 = nn.ConvTranspose2d(base * 4, base * 2, 2, stride=2)
        self.dec2 = DoubleConv(base * 4, base * 2)
        self.up1 = nn.ConvTranspose2d(base * 2, base, 2, stride=2)
        self.dec1 = DoubleConv(base * 2, base)
        self.head = nn.Conv2d(base, 2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        d1 = self.down1(x)
        d2 = self.down2(self.pool1(d1))
        b = self.bottom(self.pool2(d2))
        u2 = self.dec2(torch.cat([self.up2(b), d2], dim=1))
        u1 = self.dec1(torch.cat([self.up1(u2), d1], dim=1))
        return self.head(u1)


def unet() -> tuple[nn.Module, torch.Tensor]:
    """A two-level U-Net on 1x32x32 images."""
    return UNet(), torch.randn(1, 1, 32, 32)


# -- MLP -------------------------------------------------------------------------------------
def mlp() -> tuple[nn.Module, torch.Tensor]:
    """Flatten 28x28, two hidden layers with ReLU and dropout, ten outputs."""
    model = nn.Sequential(
        nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, 32),
        nn.ReLU(), nn.Linear(32, 10),
    )  # fmt: skip
    return model, torch.randn(1, 28, 28)


# -- two inputs: an image and metadata, concatenated ----------------------------------------
class TwoInput(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.conv_relu = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.flatten = nn.Flatten()
        self.meta_fc = nn.Linear(5, 8)
        self.meta_relu = nn.ReLU()
        self.fc = nn.Linear(8 * 8 * 8 + 8, 16)
        self.fc_relu = nn.ReLU()
        self.out = nn.Linear(16, 2)

    def forward(self, image: torch.Tensor, metadata: torch.Tensor) -> torch.Tensor:
        a = self.flatten(self.pool(self.conv_relu(self.conv(image))))
        b = self.meta_relu(self.meta_fc(metadata))
        x = torch.cat([a, b], dim=1)
        return self.out(self.fc_relu(self.fc(x)))


def two_input() -> tuple[nn.Module, tuple[torch.Tensor, torch.Tensor]]:
    """An image branch (3x16x16) and a metadata branch (5), concatenated, then a head."""
    return TwoInput(), (torch.randn(1, 3, 16, 16), torch.randn(1, 5))


# -- 1-D temporal CNN --------------------------------------------------------------------------
def temporal_cnn() -> tuple[nn.Module, torch.Tensor]:
    """Conv1d over 4 channels x 64 steps, pooling, a second Conv1d, global pooling, head."""
    model = nn.Sequential(
        nn.Conv1d(4, 16, 5, padding=2), nn.ReLU(), nn.MaxPool1d(2),
        nn.Conv1d(16, 32, 5, padding=2), nn.ReLU(), nn.AdaptiveAvgPool1d(1), nn.Flatten(),
        nn.Linear(32, 3),
    )  # fmt: skip
    return model, torch.randn(1, 4, 64)
