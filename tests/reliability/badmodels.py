"""Model factories that misbehave in every way a half-written model can (worker side only).

Imported by the netviz worker when a test page names them; never imported by the test
process itself (the factories need Keras). Each one is named for the failure it stages.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import keras
from keras import layers

from .matrix import HOSTILE_CONFIG, HOSTILE_NAMES

#: Neither a model nor callable.
NOT_A_MODEL = 42


def raises() -> keras.Model:
    """The factory raises an ordinary exception."""
    raise ValueError("reliability: the factory gave up")


def returns_dict() -> dict[str, int]:
    """The factory returns something that is not a model."""
    return {"layers": 3}


def needs_arguments(depth: int, width: int) -> keras.Model:
    """Cannot be called without arguments (and the spec gives none)."""
    raise AssertionError("never called: the arguments do not bind")


def hangs() -> keras.Model:
    """Never returns: only the timeout can stop it."""
    while True:
        time.sleep(0.05)


def aborts() -> keras.Model:
    """Kills its own process (SIGABRT), as a native crash would."""
    os.abort()


def _small(name: str) -> keras.Model:
    inputs = keras.Input((8,), name="x")
    hidden = layers.Dense(4, activation="relu", name="hidden")(inputs)
    return keras.Model(inputs, layers.Dense(2, name="out")(hidden), name=name)


def floods_output() -> keras.Model:
    """Prints 4 MB to stdout and 4 MB to stderr, then returns a valid model.

    Decision under test: output is noise, not failure; the diagram renders normally.
    """
    line = "netviz reliability flood " + "x" * 999 + "\n"
    for _ in range(4 * 1024):
        sys.stdout.write(line)
        sys.stderr.write(line)
    sys.stdout.flush()
    sys.stderr.flush()
    return _small("flood")


def untraceable() -> keras.Model:
    """A subclassed model whose call needs concrete values, so symbolic tracing fails."""

    class Branchy(keras.Model):
        def __init__(self) -> None:
            super().__init__(name="branchy")
            self.dense = layers.Dense(2)

        def call(self, x: Any) -> Any:
            if float(keras.ops.sum(x)) > 0:  # needs a concrete tensor
                return self.dense(x)
            return x

    return Branchy()


class Tagged(layers.Layer):  # type: ignore[misc]
    """A pass-through layer whose config carries a user string (shown in tooltips)."""

    def __init__(self, tag: str = HOSTILE_CONFIG, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tag = tag

    def call(self, x: Any) -> Any:
        return x

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "tag": self.tag}


def hostile_names() -> keras.Model:
    """A chain whose layer (and model) names and config try to break out of SVG and HTML."""
    inputs = keras.Input((8,), name="in<put>")
    x = Tagged(name="tagged")(inputs)
    for i, name in enumerate(HOSTILE_NAMES):
        x = layers.Dense(4 + i, name=name)(x)
    return keras.Model(inputs, x, name='model "<b>bold<b>" & co')


def slow_then_fine() -> keras.Model:
    """Announces its worker pid in ``$NETVIZ_RELIABILITY_PIDFILE``, then sleeps.

    The fault test kills this worker from outside while it sleeps; the factory never
    finishes in that worker.
    """
    marker = os.environ.get("NETVIZ_RELIABILITY_PIDFILE")
    if marker:
        tmp = Path(marker + ".part")
        tmp.write_text(str(os.getpid()), encoding="utf-8")
        tmp.replace(marker)
    time.sleep(60)
    return _small("slow")


# -- PyTorch modules that misbehave ----------------------------------------------------------
# torch is imported at module level so that the worker calls these factories on the meta
# device, the way it calls any torch factory.
import torch  # noqa: E402
from torch import nn  # noqa: E402


def torch_no_inputs() -> nn.Module:
    """A module, and neither input-shape nor example inputs."""
    return nn.Linear(4, 4)


def torch_token_model() -> nn.Module:
    """Takes token ids; the matrix gives input-shape but leaves input-dtype at float32."""
    return nn.Sequential(nn.Embedding(10, 4), nn.Linear(4, 2))


class _Raises(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise RuntimeError("reliability: the forward pass gave up")


def torch_raises() -> tuple[nn.Module, torch.Tensor]:
    """The forward pass raises on the meta device and on the CPU."""
    return _Raises(), torch.zeros(1, 4)


class _DataDependent(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.fc(x).sum() > 1e9:  # a value: cannot be decided on meta
            return x
        raise RuntimeError("reliability: the data said no")


def torch_data_dependent() -> tuple[nn.Module, torch.Tensor]:
    """Value-dependent control flow: no meta run, and the CPU run fails too."""
    return _DataDependent(), torch.zeros(1, 4)


class _ReturnsNothing(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x: torch.Tensor) -> None:
        self.fc(x)


def torch_returns_none() -> tuple[nn.Module, torch.Tensor]:
    """The module returns no tensor."""
    return _ReturnsNothing(), torch.zeros(1, 4)
def allocates_8gib() -> object:
    """Asks for 8 GiB at once: the worker's memory cap must stop it. ``zeros`` maps the
    memory without touching it, so even a missing cap would cost address space, not RAM."""
    import numpy as np

    return np.zeros(8 * 1024**3, dtype=np.uint8)


def framework_missing() -> keras.Model:
    """What a factory raises on a machine without its framework: the same error Python's
    import raises for ``import keras`` there (the test machine has Keras, so it is staged)."""
    raise ModuleNotFoundError("No module named 'keras'", name="keras")
