"""render(): the public entry point, its options, the Diagram, snapshots, and real models.

Snapshots: ``tests/core/snapshots/*.svg`` hold the exact SVG of small diagrams. After an
intended change of the picture, regenerate them with
``NETVIZ_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/core/test_render.py`` and look at the diff.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sphinx_netviz.core import render as api_render
from sphinx_netviz.core.diagram import RENDERER_VERSION, Diagram, prepare, render
from sphinx_netviz.core.ir.errors import OptionError, RenderError
from sphinx_netviz.core.ir.graph import Graph
from sphinx_netviz.core.options.schema import Options, resolve_options
from tests.zoo import GOOD_MODELS

from . import irgraphs
from .irgraphs import check_scene, conservation

SNAPSHOTS = Path(__file__).parent / "snapshots"
NS = {"s": "http://www.w3.org/2000/svg"}


def test_public_api_and_diagram_fields():
    d = api_render(irgraphs.residual_net())
    assert isinstance(d, Diagram)
    assert d.svg.startswith("<svg") and d.legend_svg.startswith("<svg")
    assert d._repr_svg_() == d.svg
    assert d.width > 0 and d.height > 0 and d.glyphs > 0
    assert "resnet_tiny" in d.title
    assert isinstance(RENDERER_VERSION, str) and RENDERER_VERSION


def test_repr_is_one_line():
    """A REPL shows a one-line summary, not the whole SVG (notebooks use _repr_svg_)."""
    d = api_render(irgraphs.residual_net())
    text = repr(d)
    assert text == f"<Diagram 'resnet_tiny': {d.glyphs} glyphs, {d.width:.0f}x{d.height:.0f} px>"
    assert "\n" not in text and "<svg" not in text


def test_kwargs_are_validated_through_the_schema():
    d1 = render(irgraphs.chain(), group="none", min_height=20)
    d2 = render(irgraphs.chain(), resolve_options({"group": "none", "min-height": "20"}))
    assert d1.svg == d2.svg
    with pytest.raises(OptionError, match="grup"):
        render(irgraphs.chain(), grup="none")
    with pytest.raises(OptionError, match="palette"):
        render(irgraphs.chain(), palette="rainbow")
    with pytest.raises(RenderError):
        render("not a graph")  # type: ignore[arg-type]


def test_options_object_plus_kwargs():
    base = Options(names=True)
    d = render(irgraphs.chain(), base, group="none")
    assert "conv2d_1" in d.svg


def test_legend_modes():
    g = irgraphs.residual_net()
    below = render(g)
    separate = render(g, legend="separate")
    none = render(g, legend="none")
    assert 'class="nv-legend"' in below.svg
    assert 'class="nv-legend"' not in separate.svg and 'class="nv-legend"' not in none.svg

    def strip(svg: str) -> str:
        return svg.replace(ET.fromstring(svg).get("id").removesuffix("-legend"), "P")

    assert strip(separate.legend_svg) == strip(below.legend_svg)
    assert separate.height < below.height
    legend = ET.fromstring(below.legend_svg)
    kinds = {
        i.get("data-kind")
        for i in legend.iter("{http://www.w3.org/2000/svg}g")
        if i.get("class") == "nv-legend-item"
    }
    assert kinds == {"type", "group"}


def test_summary_is_alt_text():
    d = render(irgraphs.residual_net())
    s = d.summary
    assert "resnet_tiny" in s and "layers" in s and "64\u00d764\u00d73" in s
    assert "Residual" in s
    assert "\n" not in s
    root = ET.fromstring(d.svg)
    assert root.find("s:desc", NS).text == s


def test_empty_graph_is_a_render_error():
    with pytest.raises(RenderError, match="no nodes"):
        render(Graph("empty", (), ()))


def test_hide_everything_is_a_render_error():
    with pytest.raises(RenderError, match="hide"):
        render(irgraphs.chain(), hide="InputLayer,Conv2D,MaxPooling2D,Flatten,Dropout,Dense")


SNAPSHOT_CASES = {
    "chain": (irgraphs.chain, {"group": "none"}),
    "chain_grouped_names": (irgraphs.chain, {"names": True, "samples": True}),
    "residual": (lambda: irgraphs.residual_net(2), {}),
    "unet": (lambda: irgraphs.unet(2), {"samples": True}),
    "multi_io_mono": (irgraphs.multi_io, {"palette": "mono"}),
    "inception_colorblind": (irgraphs.inception_net, {"palette": "colorblind"}),
    "masked_blocks": (lambda: irgraphs.masked_chain(4), {"group": "none"}),
    "long_skips": (irgraphs.long_skips, {}),
    "cell_chain": (lambda: irgraphs.cell_chain(5), {"group": "none"}),
}


@pytest.mark.parametrize("case", sorted(SNAPSHOT_CASES))
def test_snapshots(case):
    factory, opts = SNAPSHOT_CASES[case]
    svg = render(factory(), **opts).svg
    path = SNAPSHOTS / f"{case}.svg"
    if os.environ.get("NETVIZ_UPDATE_SNAPSHOTS") or not path.exists():
        if not os.environ.get("NETVIZ_UPDATE_SNAPSHOTS"):
            pytest.fail(f"missing snapshot {path.name}; run with NETVIZ_UPDATE_SNAPSHOTS=1")
        path.write_text(svg, encoding="utf-8")
    assert svg == path.read_text(encoding="utf-8"), (
        f"{path.name} changed; if intended, regenerate with NETVIZ_UPDATE_SNAPSHOTS=1"
    )


# -- real Keras models (one process, one extraction each) -------------------------------------
ZOO = list(GOOD_MODELS)
APPS = {  # model -> glyph target with group=auto
    "ResNet50": 30,
    "InceptionV3": 40,
    "DenseNet121": 40,
    "MobileNetV2": 30,
    "EfficientNetB0": 30,
}


@pytest.fixture(scope="module")
def keras_graphs() -> dict[str, Graph]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    keras = pytest.importorskip("keras")
    from sphinx_netviz.core.extract.keras.model import extract_model
    from tests.zoo import models as zoo

    graphs: dict[str, Graph] = {}
    for name in ZOO:
        factory = getattr(zoo, name, None)
        if factory is not None:
            graphs[name] = extract_model(factory())
    for name in APPS:
        model = getattr(keras.applications, name)(weights=None)
        graphs[name] = extract_model(model)
        keras.backend.clear_session()
    return graphs


@pytest.mark.slow
@pytest.mark.xdist_group("keras-render")
def test_real_models_geometry_conservation_and_targets(keras_graphs):
    failures = []
    for name, graph in keras_graphs.items():
        for opts in (
            {},
            {"group": "none"},
            {"expand_nested": True, "split_layers": False},
            {"wrap": 800},
        ):
            prep = prepare(graph, resolve_options(opts))
            problems = check_scene(prep.scene)
            if problems:
                failures.append(f"{name} {opts}: {problems[:3]}")
            accounted, total = conservation(prep)
            if accounted != total:
                failures.append(f"{name} {opts}: {accounted} accounted of {total} IR nodes")
        target = APPS.get(name)
        if target is not None:
            glyphs = render(graph).glyphs
            if glyphs > target:
                failures.append(f"{name}: {glyphs} glyphs > {target}")
    assert failures == []


@pytest.mark.slow
@pytest.mark.xdist_group("keras-render")
def test_real_models_markup(keras_graphs):
    from .test_svg import check_contract

    for name in ("residual", "nested", "ResNet50"):
        if name in keras_graphs:
            d = render(keras_graphs[name])
            check_contract(d.svg)
            check_contract(d.legend_svg)
            assert render(keras_graphs[name]).svg == d.svg


def test_colour_overrides_and_palettes_change_fills():
    default = render(irgraphs.chain(), group="none").svg
    assert 'fill="#8BC34A"' in default  # Conv2D, light green
    override = render(irgraphs.chain(), group="none", colors="Conv2D=#123456").svg
    assert 'fill="#123456"' in override and 'fill="#8BC34A"' not in override
    for palette in ("interpolate", "colorblind"):
        assert render(irgraphs.chain(), group="none", palette=palette).svg != default
