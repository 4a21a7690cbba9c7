"""The griffe extension that inserts diagrams into mkdocstrings API entries."""

from __future__ import annotations

import griffe

from mkdocs_netviz.griffe_ext import NetvizGriffeExtension, with_fence

MODULE = '''
from typing import Optional
import keras
import tensorflow as tf


def plain() -> keras.Model:
    """Build it.

    Args:
        none: nothing.
    """


def optional_arg(depth: int = 3, *, width: int = 2) -> Optional[keras.Model]:
    """Build a configurable model."""


def tf_path() -> tf.keras.Model:
    ...


def required(depth: int) -> keras.Model:
    """Needs an argument."""


def required_kwonly(*, depth: int) -> keras.Model:
    """Needs a keyword argument."""


def var_args(*layers: int, **kw: int) -> keras.Sequential:
    """Variadic only: callable without arguments."""


def not_a_model() -> dict:
    """A dict."""


def unannotated():
    """No annotation."""


class Zoo:
    def method(self) -> keras.Model:
        """Methods are not factories (they need an instance)."""
'''


def _load() -> griffe.Module:
    with griffe.temporary_visited_package(
        "zoopkg",
        modules={"__init__.py": "", "models.py": MODULE},
        extensions=griffe.load_extensions(NetvizGriffeExtension(group="none")),
    ) as package:
        return package["models"]


def _fenced(obj: griffe.Object) -> bool:
    return obj.docstring is not None and "```netviz" in obj.docstring.value


def test_only_argument_free_model_factories_get_a_diagram() -> None:
    models = _load()
    functions = {n: o for n, o in models.members.items() if isinstance(o, griffe.Function)}
    got = {name for name, obj in functions.items() if _fenced(obj)}
    assert got == {"plain", "optional_arg", "tf_path", "var_args"}
    assert not _fenced(models["Zoo"]["method"])


def test_fence_names_the_factory_and_carries_options() -> None:
    models = _load()
    value = models["plain"].docstring.value
    assert "```netviz\nzoopkg.models:plain\n# netviz-autodoc: zoopkg.models.plain " in value
    assert value.split("# netviz-autodoc: ")[1].split("\n")[0].endswith("/zoopkg/models.py:8")
    assert "\ngroup: none\n```" in value
    # inserted after the summary, before the Args section
    assert value.index("Build it.") < value.index("```netviz") < value.index("Args:")
    sections = [s.kind.value for s in models["plain"].docstring.parse("google")]
    assert sections[:2] == ["text", "parameters"]
    # a function without a docstring gets one holding just the fence
    assert models["tf_path"].docstring.value.startswith("```netviz\nzoopkg.models:tf_path")


def test_with_fence_keeps_an_existing_layout() -> None:
    assert with_fence("Summary.", "F") == "Summary.\n\nF"
    assert with_fence("Summary.\n\nMore.\n", "F") == "Summary.\n\nF\n\nMore."
    assert with_fence("", "F") == "F"


TORCH_MODULE = '''
from __future__ import annotations
from typing import Optional
from torch import nn
from .base import Base


class Net(nn.Module):
    """No-argument constructor, no inputs known: skipped."""


class Wide(Net):
    """Derives from Net; needs an argument."""

    def __init__(self, width: int) -> None:
        super().__init__()


class Other(Base):
    """A model through a base class in another module of the package."""


class NotAModel:
    """Plain class."""


def net() -> Net:
    """Annotated with a project subclass of nn.Module."""


def maybe() -> "Optional[Other]":
    """Optional, as a string, through another module."""


def plain() -> NotAModel:
    """Not a model."""
'''
BASE = '''
import torch.nn as tnn


class Base(tnn.Module):
    """A base model class."""
'''


def _load_torch(**ext: object) -> griffe.Module:
    with griffe.temporary_visited_package(
        "torchzoo",
        modules={"__init__.py": "", "models.py": TORCH_MODULE, "base.py": BASE},
        extensions=griffe.load_extensions(NetvizGriffeExtension(**ext)),
    ) as package:
        return package["models"]


def test_subclasses_count_as_models_and_classes_need_what_they_take() -> None:
    def fenced_in(models: griffe.Module) -> set[str]:
        return {n for n, o in models.members.items() if not o.is_alias and _fenced(o)}

    models = _load_torch()
    fenced = fenced_in(models)
    assert fenced == {"net", "maybe"}  # factories of project subclasses; no class is buildable

    # Site-wide inputs make argument-free classes buildable; an entry gives arguments.
    models = _load_torch(
        site={"input-shape": "8"},
        overrides={"torchzoo.models.Wide": {"arguments": "width=4"}},
    )
    fenced = fenced_in(models)
    assert fenced == {"net", "maybe", "Net", "Wide", "Other"}
    assert "```netviz\ntorchzoo.models:Wide(width=4)\n" in models["Wide"].docstring.value
    assert "input-shape" not in models["Net"].docstring.value  # site options: the plugin's
