"""Factories documented by autodoc (keras is imported only inside the functions, so
documenting this module does not import TensorFlow into the Sphinx process)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import keras


def _small(name: str) -> keras.Model:
    import keras

    inputs = keras.Input((4,))
    outputs = keras.layers.Dense(3, name=f"{name}_dense")(inputs)
    return keras.Model(inputs, outputs, name=name)


def build(width: int = 3) -> keras.Model:
    """A model factory callable without arguments: gets a diagram."""
    return _small("built")


def needs_arg(width: int) -> keras.Model:
    """Needs an argument: no diagram."""
    return _small("needs_arg")


def helper() -> int:
    """Not a model: no diagram."""
    return 1


def listed():
    """Listed in conf.py: gets a diagram."""
    return _small("listed")


class Zoo:
    """A class with model factories."""

    @staticmethod
    def small() -> keras.Model:
        """Static factory: gets a diagram."""
        return _small("zoo_small")

    def method(self) -> keras.Model:
        """Needs an instance: no diagram."""
        return _small("zoo_method")
