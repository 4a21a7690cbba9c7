"""The one options schema: parsing, validation, defaults."""

from __future__ import annotations

import pytest

from sphinx_netviz.core import OPTIONS, OptionError, Options, resolve_options


def test_defaults_follow_net2vis() -> None:
    o = Options()
    assert (o.min_height, o.max_height, o.min_width, o.max_width) == (30, 100, 20, 80)
    assert (o.h_spacing, o.v_spacing) == (20, 200)
    assert o.group == "auto" and o.palette == "net2vis" and o.legend == "below"
    assert o.dimensions and o.features and not o.names and not o.samples


def test_names_are_kebab_case_and_unique() -> None:
    names = [o.name for o in OPTIONS]
    assert len(names) == len(set(names))
    assert all(n == n.lower() and "_" not in n for n in names)
    assert {"group", "expand-nested", "hide", "palette", "colors", "input-shape", "timeout",
            "caption", "class"} <= set(names)


def test_text_and_typed_values_agree() -> None:
    a = resolve_options({"names": "true", "min-height": "40", "hide": "Dropout, Flatten",
                         "colors": "Conv2D=#ff0000", "input-shape": "28,28,1"})
    b = resolve_options({"names": True, "min_height": 40, "hide": ["Flatten", "Dropout"],
                         "colors": {"Conv2D": "#ff0000"}, "input_shape": [28, 28, 1]})
    assert a == b
    assert a.render_key() == b.render_key()
    assert a.input_shape == (28, 28, 1)


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"palete": "mono"}, "did you mean 'palette'"),
        ({"palette": "rainbow"}, "not one of net2vis"),
        ({"colors": "Conv2D=red;x"}, "not a colour"),
        ({"min-height": "-5"}, "at least 1"),
        ({"min-height": "120"}, "larger than 'max-height'"),
        ({"names": "maybe"}, "not a boolean"),
        ({"input-shape": "28,x"}, "input-shape"),
        ({"groups": "Block=("}, "regular expression"),
    ],
)
def test_invalid_values_name_the_option(values: dict[str, str], fragment: str) -> None:
    with pytest.raises(OptionError, match=r"option|unknown") as info:
        resolve_options(values)
    assert fragment in str(info.value)


def test_later_layers_win() -> None:
    o = resolve_options({"palette": "mono"}, {"palette": "colorblind"})
    assert o.palette == "colorblind"
    assert Options().with_values({"legend": "none"}).legend == "none"
