"""The ``memory-limit`` option: sizes as users write them, validated by the one schema."""

from __future__ import annotations

import pytest

from sphinx_netviz.core import OptionError, resolve_options
from sphinx_netviz.core.worker.memory import format_size, looks_out_of_memory, parse_size


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("4GiB", 4 * 1024**3),
        ("4 GiB", 4 * 1024**3),
        ("512MiB", 512 * 1024**2),
        ("2G", 2 * 1024**3),
        ("1.5GiB", 3 * 1024**3 // 2),
        ("1GB", 10**9),
        ("1048576", 1024**2),
        ("0", 0),
        (2048, 2048),
    ],
)
def test_sizes_parse(text: object, size: int) -> None:
    assert parse_size(text) == size
    assert resolve_options({"memory-limit": text}).memory_limit == size


def test_default_is_4_gib() -> None:
    assert resolve_options().memory_limit == 4 * 1024**3
    assert format_size(resolve_options().memory_limit) == "4 GiB"


@pytest.mark.parametrize("bad", ["lots", "4 parsecs", "-1GiB", "GiB", True, -5])
def test_bad_sizes_name_the_option(bad: object) -> None:
    with pytest.raises(OptionError, match=r"option 'memory-limit': .* not a size"):
        resolve_options({"memory_limit": bad})


def test_format_and_markers() -> None:
    assert format_size(512 * 1024**2) == "512 MiB"
    assert format_size(3 * 1024**3 // 2) == "1.5 GiB"
    assert format_size(0) == "no limit"
    assert looks_out_of_memory("terminate called ... std::bad_alloc")
    assert not looks_out_of_memory("ValueError: boom")
