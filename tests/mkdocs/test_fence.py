"""The fence's parsing, the plugin config schema, the HTML and the griffe extension."""

from __future__ import annotations

import pytest

from mkdocs_netviz.fence import fence_key, find_fences, parse_fence, parse_header
from mkdocs_netviz.html import Embed, figure_html
from sphinx_netviz.core.ir.errors import OptionError, SpecError
from sphinx_netviz.core.options.schema import resolve_options

# -- parse_fence ------------------------------------------------------------------------------


def test_spec_then_option_lines() -> None:
    request = parse_fence(
        "mypkg.models:get_model(depth=18)\n  group: none\n# a comment\nhide: Dropout, ReLU\n"
        "caption: A: caption with colons\n"
    )
    assert request.spec == "mypkg.models:get_model(depth=18)"
    assert request.values == (
        ("group", "none"),
        ("hide", "Dropout, ReLU"),
        ("caption", "A: caption with colons"),
    )
    options = resolve_options(dict(request.values))
    assert options.group == "none"
    assert options.hide == ("Dropout", "ReLU")
    assert options.caption == "A: caption with colons"


def test_snake_case_names_are_normalised() -> None:
    assert parse_fence("m:f\nmin_height: 10").values == (("min-height", "10"),)


def test_unknown_option_suggests_the_right_name() -> None:
    with pytest.raises(OptionError, match=r"unknown option 'pallete'.*'palette'"):
        parse_fence("m:f\npallete: mono")


def test_line_without_colon_is_an_error_naming_the_spec() -> None:
    with pytest.raises(OptionError, match=r"'m:f'.*'group none'"):
        parse_fence("m:f\ngroup none")


def test_empty_fence() -> None:
    with pytest.raises(SpecError, match="first line must name a model"):
        parse_fence("\n  \n# only a comment\n")


# -- find_fences --------------------------------------------------------------------------------


def test_find_fences_top_level_indented_tilde_and_unclosed() -> None:
    text = """# Title

```netviz
a:b
```

- item

    ~~~~ netviz caption="In a list"
    c:d
    group: none
    ~~~~

```python
not: netviz
```

```{.netviz}
e:f
```

```netviz
never closed
"""
    blocks = list(find_fences(text.splitlines()))
    assert [b.source.splitlines()[0] for b in blocks] == ["a:b", "c:d", "e:f"]
    assert [b.start + 1 for b in blocks] == [3, 9, 18]
    assert blocks[1].indent == "    "
    assert blocks[1].source == "c:d\ngroup: none"
    assert blocks[1].header == (("caption", "In a list"),)


def test_netviz_prefix_of_another_language_is_not_a_fence() -> None:
    assert list(find_fences(["```netviz-raw", "x", "```"])) == []


def test_parse_header_and_fence_key() -> None:
    assert parse_header(' caption="A b" names width=50%') == (
        ("caption", "A b"),
        ("names", "true"),
        ("width", "50%"),
    )
    assert fence_key("  a:b\n\n  group: none  \n") == ("a:b", "group: none")


# -- html ---------------------------------------------------------------------------------------

SVG = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="p-title" '
    'viewBox="0 0 10 10"><title id="p-title">t</title></svg>'
)


def test_figure_html_escapes_and_links() -> None:
    embed = Embed.from_options(
        resolve_options(
            {"caption": "<b>x</b>", "align": "center", "class": "wide extra", "name": "fig-1"}
        )
    )
    html = figure_html(svg=SVG, legend_svg="", embed=embed, href="../assets/netviz/k.svg")
    assert html.startswith('<figure class="netviz align-center wide extra" id="fig-1">')
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    assert 'href="../assets/netviz/k.svg"' in html
    assert 'aria-labelledby="p-title"' in html  # without alt, the SVG's own title names it
