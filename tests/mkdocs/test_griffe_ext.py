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
