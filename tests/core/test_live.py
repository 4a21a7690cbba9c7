"""render(live_model): in-process extraction, same SVG as the spec route, notebook reprs, save.

The live route runs in a fresh interpreter (its Keras session is its own) that also builds
unrelated models first, as a notebook would; the spec route runs through the real worker.
"""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path
from xml.etree import ElementTree

import pytest

from sphinx_netviz.core import render
from sphinx_netviz.core.ir.errors import RenderError
from sphinx_netviz.core.ir.graph import Edge, Graph, Node
from sphinx_netviz.core.store.loader import load_graph
from tests.core import irgraphs
from tests.helpers import run_json_script

ROOT = Path(__file__).resolve().parents[2]

LIVE = textwrap.dedent(
    """
    import hashlib, json, sys
    import keras
    from sphinx_netviz.core import render
    from tests.zoo import models

    def sha(text):
        return hashlib.sha256(text.encode()).hexdigest()

    out = {}
    for name in sys.argv[1:]:
        # A notebook session: other models were built before, taking Keras's auto-names.
        models.mlp()
        models.raw_ops()
        keras.backend.clear_session()  # then the model is built fresh, as the worker does
        model = getattr(models, name)()
        first = render(model, input_shape=None)
        models.raw_ops()  # names taken between two renders of the same live model
        again = render(model, input_shape=None)
        out[name] = [sha(first.svg), sha(again.svg)]
    out["worker_module"] = "sphinx_netviz.core.worker" in sys.modules
    print(json.dumps(out))
    """
)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize("names", [["residual", "raw_ops", "nested", "subclassed"]])
def test_live_model_gives_the_spec_routes_svg(names: list[str], tmp_path: Path) -> None:
    live = run_json_script(LIVE, *names)
    assert live.pop("worker_module") is False  # extracted in the calling process
    for name in names:
        first, again = live[name]
        assert first == again, f"{name}: two renders of one live model differ"
        shape = None
        graph = load_graph(
            f"tests.zoo.models:{name}",
            input_shape=shape,
            cache_dir=tmp_path,
            sys_path=[str(ROOT)],
        )
        spec_svg = render(graph, input_shape=shape).svg
        assert sha(spec_svg) == first, f"{name}: live and spec routes differ"


def test_notebook_reprs_and_save(tmp_path: Path) -> None:
    below = render(irgraphs.residual_net())
    html = below._repr_html_()
    assert below._repr_svg_() == below.svg and html.count("<svg") == 1
    assert below.svg in html and 'class="nv-legend"' in html
    separate = render(irgraphs.residual_net(), legend="separate")
    html = separate._repr_html_()
    assert html.count("<svg") == 2 and separate.legend_svg in html
    assert "<script" not in html
    ElementTree.fromstring(separate._repr_svg_())

    assert below.save(tmp_path / "d.svg").read_text() == below.svg
    assert below.save(tmp_path / "l.svg", legend=True).read_text() == below.legend_svg
    assert (tmp_path / "d.svg").read_bytes() == (tmp_path / "d.svg").read_bytes()
    assert below.save(tmp_path / "d.pdf").read_bytes().startswith(b"%PDF")
    assert below.save(tmp_path / "d.PNG").read_bytes().startswith(b"\x89PNG")
    with pytest.raises(RenderError, match=r"'d.gif': use a .svg, .pdf or .png suffix"):
        below.save(tmp_path / "d.gif")


def test_unknown_objects_are_a_clear_error() -> None:
    with pytest.raises(RenderError, match=r"expects a Graph or a live model .* got builtins.dict"):
        render({"not": "a model"})


class ToyChain:
    """A stand-in "framework" model: a list of layer widths (not a Graph, not Keras)."""

    def __init__(self, *widths: int) -> None:
        self.widths = widths


class ToyExtractor:
    """A registered extraction route for :class:`ToyChain`, as a framework route would be."""

    name = "toy"
    distributions = ()
    extra = "toy"

    def accepts(self, obj: object) -> bool:
        return isinstance(obj, ToyChain)

    def extract(self, obj: ToyChain, request: object) -> Graph:
        nodes = [Node(id="in", name="in", type="InputLayer", kind="input", output_shapes=((4,),))]
        edges = []
        for i, width in enumerate(obj.widths):
            prev = nodes[-1]
            nodes.append(
                Node(
                    id=f"d{i}",
                    name=f"d{i}",
                    type="Dense",
                    input_shapes=prev.output_shapes,
                    output_shapes=((width,),),
                )
            )
            edges.append(Edge(prev.id, f"d{i}", prev.output_shapes[0]))
        return Graph("toy", tuple(nodes), tuple(edges), ("in",), (nodes[-1].id,))

    def version(self) -> str:
        return "toy-1"


TOY = ToyExtractor()


def test_any_registered_route_renders_live_objects(monkeypatch: pytest.MonkeyPatch) -> None:
    from sphinx_netviz.core.extract import base

    with pytest.raises(RenderError, match=r"got tests\.core\.test_live\.ToyChain"):
        render(ToyChain(8, 2))
    monkeypatch.setattr(base, "EXTRACTORS", [*base.EXTRACTORS, "tests.core.test_live:TOY"])
    diagram = render(ToyChain(8, 2), names=True)
    graph = TOY.extract(ToyChain(8, 2), None)
    assert diagram.svg == render(graph, names=True).svg
    assert 'data-name="d1"' in diagram.svg
