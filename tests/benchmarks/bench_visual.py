"""Visual lint over the test zoos (issue 19): violations per rule, and the CNN zoo's glyphs.

Every model of the zoos (the hand-built IR graphs of ``tests/core/irgraphs.py``, the Keras
zoo ``tests/zoo/models.py`` and ``papers.py``, the PyTorch zoo ``tests/zoo/torch_models.py``,
keras_hub's tiny BERT and GPT-2 backbones, and keras.applications ResNet50, InceptionV3,
DenseNet121 and NASNetMobile with ``weights=None``) is extracted once and rendered:

- with the default options in every palette: every single-diagram rule of the visual lint
  (``tests/visual_lint.py``); a finding that every palette repeats (geometry) counts once;
- with ``hide: Dropout``, ``group: none`` and (for models with nested parts) ``expand-nested``
  against the default render: glyphs resized (rule 4); the merge spikes and unbalanced rows of
  those renders are counted in their own rows;
- with ``wrap: 700`` (the issue's ResNet50 example): unbalanced rows.

Targets: 0 for every rule; the CNN zoo keeps its glyph counts (ResNet50 13, InceptionV3 20,
DenseNet121 16, NASNetMobile 11) and 0 crossings. The worst examples of each rule are
printed and written to ``results/visual_lint.md`` (every finding:
``results/visual_lint.json``).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from sphinx_netviz.core import Graph, render
from tests.core import irgraphs
from tests.visual_lint import RULES, Finding, lint_by_rule, resized_glyphs
from tests.visual_lint_doc import parse_svg

from .common import Row

RESULTS = Path(__file__).resolve().parent / "results"
PALETTES = ("net2vis", "interpolate", "colorblind", "mono")
#: Rules whose findings depend on the palette (counted per palette, not once).
COLOUR_RULES = frozenset({"legend collisions", "near legend colours", "legend shows another look"})
APPS = ("ResNet50", "InceptionV3", "DenseNet121", "NASNetMobile")
#: The CNN zoo's top-level glyphs with the default options (issues 10 and 19: unchanged).
ZOO_GLYPHS = {"ResNet50": 13, "InceptionV3": 20, "DenseNet121": 16, "NASNetMobile": 11}
KERAS_ZOO = (
    "mnist_convnet", "residual", "inception", "unet", "multi_io", "nested", "siamese", "lstm",
    "raw_ops", "custom_layer", "image_metadata",
)  # fmt: skip
PAPERS = ("gpt_like", "encoder_decoder", "vit_like", "nasnet_like")
#: (factory, input-shape, input-dtype), as tests/core/test_extract_torch.py runs them.
TORCH_ZOO: tuple[tuple[str, str | None, str | None], ...] = (
    ("resnet_like", "3,64,64", None), ("unet", None, None), ("mlp", "28,28", None),
    ("tiny_encoder", None, None), ("siamese", "16;16", None), ("two_heads", None, None),
    ("residual_mlp", None, None), ("tagger", "10", "int64"), ("gate", None, None),
    ("hf_bert", None, None), ("hf_gpt2", None, None),
)  # fmt: skip
WORST = 6


def _spec_graph(spec: str, shape: str | None = None, dtype: str | None = None) -> Graph:
    from sphinx_netviz.core.extract.factory import extract_spec
    from sphinx_netviz.core.ir.spec import parse_spec
    from sphinx_netviz.core.options import resolve_options

    options = resolve_options({"input-shape": shape, "input-dtype": dtype or "float32"})
    return extract_spec(parse_spec(spec), options.input_shape, input_dtype=options.input_dtype)


def _app(name: str) -> Callable[[], Graph]:
    def build() -> Graph:
        import keras

        from sphinx_netviz.core.extract.keras.model import extract_model

        keras.backend.clear_session()
        return extract_model(getattr(keras.applications, name)(weights=None))

    return build


def _backbone(name: str) -> Callable[[], Graph]:
    def build() -> Graph:
        import keras_hub

        from sphinx_netviz.core.extract.keras.model import extract_model

        small = {"vocabulary_size": 100, "num_layers": 2, "hidden_dim": 32}
        cls = getattr(keras_hub.models, name)
        model = cls(num_heads=2, max_sequence_length=32, intermediate_dim=64, **small)
        return extract_model(model)

    return build


def zoo(quick: bool) -> Iterator[tuple[str, Callable[[], Graph]]]:
    """(label, graph builder) of every model linted; ``quick``: no PyTorch, keras_hub, and
    of the applications only ResNet50."""
    extra = {"masked_chain": irgraphs.masked_chain, "long_skips": irgraphs.long_skips}
    for name, make in {**irgraphs.ALL, **extra, "cell_chain": irgraphs.cell_chain}.items():
        yield f"ir:{name}", make
    for name in KERAS_ZOO:
        yield f"keras:{name}", partial(_spec_graph, f"tests.zoo.models:{name}")
    for name in PAPERS:
        yield f"keras:{name}", partial(_spec_graph, f"tests.zoo.papers:{name}")
    if not quick:
        for name, shape, dtype in TORCH_ZOO:
            spec = f"tests.zoo.torch_models:{name}"
            yield f"torch:{name}", partial(_spec_graph, spec, shape, dtype)
        for name in ("BertBackbone", "GPT2Backbone"):
            yield f"keras_hub:{name}", _backbone(name)
    for name in APPS[:1] if quick else APPS:
        yield f"app:{name}", _app(name)


class Tally:
    """Findings per count name, each (model, finding) once."""

    def __init__(self) -> None:
        self.found: dict[str, dict[str, Finding]] = defaultdict(dict)
        self.diagrams: dict[str, int] = defaultdict(int)

    def add(self, key: str, model: str, findings: list[Finding], tag: str = "") -> None:
        for f in findings:
            text = f"{model}{f' [{tag}]' if tag else ''}: {f}"
            self.found[key].setdefault(text, Finding(text, f.score))

    def count(self, key: str) -> int:
        return len(self.found.get(key, {}))


def _variants(graph: Graph) -> dict[str, dict[str, object]]:
    """The option changes that must not resize glyphs that stay (rule 4)."""
    out: dict[str, dict[str, object]] = {"group: none": {"group": "none"}}
    if any(n.type == "Dropout" for n in graph.nodes):
        out["hide: Dropout"] = {"hide": ["Dropout"]}
    if any(n.parent is not None for n in graph.nodes):
        out["expand-nested"] = {"expand_nested": True}
    return out


def lint_model(label: str, graph: Graph, tally: Tally) -> dict[str, object]:
    """Render ``graph`` every way the rules need and add the findings to ``tally``."""
    base_svg = ""
    info: dict[str, object] = {}
    for palette in PALETTES:
        diagram = render(graph, palette=palette)
        doc = parse_svg(diagram.svg)
        tally.diagrams["default"] += 1
        for rule, findings in lint_by_rule(doc).items():
            tag = palette if rule in COLOUR_RULES else ""
            tally.add(rule, label, findings, tag)
        if palette == "net2vis":
            base_svg = diagram.svg
            stats = diagram.stats
            info = {"glyphs": diagram.glyphs, "crossings": stats.crossings if stats else None}
    for what, options in _variants(graph).items():
        variant = render(graph, **options)  # type: ignore[arg-type]
        tally.diagrams[what] += 1
        tally.add("resized", label, resized_glyphs(base_svg, variant.svg, what=what))
        doc = parse_svg(variant.svg)
        tally.add(
            f"merge spikes ({what})", label, lint_by_rule(doc, ["merge spikes"])["merge spikes"]
        )
    wrapped = parse_svg(render(graph, wrap=700).svg)
    tally.diagrams["wrap: 700"] += 1
    tally.add(
        "unbalanced rows (wrap: 700)",
        label,
        lint_by_rule(wrapped, ["unbalanced rows"])["unbalanced rows"],
    )
    return info


def _row(case: str, value: float, target: str = "0", unit: str = "") -> Row:
    passed = None if not target else value == 0
    return Row("visual lint", case, float(value), unit, target=target, passed=passed)


def run(quick: bool = False) -> list[Row]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    tally = Tally()
    infos: dict[str, dict[str, object]] = {}
    failed: list[str] = []
    models = 0
    for label, build in zoo(quick):
        try:
            graph = build()
            infos[label] = lint_model(label, graph, tally)
            models += 1
        except Exception as exc:
            traceback.print_exc()
            failed.append(f"{label} ({type(exc).__name__})")
    n = tally.diagrams["default"]
    rows = [
        _row(f"merge spikes: {models} models x {len(PALETTES)} palettes ({n} diagrams)",
             tally.count("merge spikes")),
        _row("legend collisions, same fill and pattern (every palette)",
             tally.count("legend collisions")),
        *(
            _row(f"legend collisions, palette {p}",
                 sum(1 for t in tally.found["legend collisions"] if f"[{p}]" in t))
            for p in PALETTES
        ),
        _row("group glyphs whose label row lacks their name", tally.count("nameless groups")),
        _row("glyphs resized by hide / group / expand-nested", tally.count("resized")),
        _row("diagrams with labels under 9 px at 800 px, default options",
             tally.count("labels under 9 px")),
        _row("unbalanced wrapped rows, default options", tally.count("unbalanced rows")),
        _row("unbalanced wrapped rows, wrap: 700", tally.count("unbalanced rows (wrap: 700)")),
    ]  # fmt: skip
    for what in ("group: none", "hide: Dropout", "expand-nested"):
        rows.append(_row(f"merge spikes ({what})", tally.count(f"merge spikes ({what})"), ""))
    rows.append(_row("weak group names (extra rule)", tally.count("weak group names"), ""))
    rows.append(_row("near legend colours, CIE76 < 10 (extra rule)",
                     tally.count("near legend colours"), ""))  # fmt: skip
    rows.append(_row("group glyphs named apart from the legend (extra rule)",
                     tally.count("groups missing from the legend"), ""))  # fmt: skip
    rows.append(_row("legend taller than diagram + 2 rows, or too wide (extra rule)",
                     tally.count("oversized legend"), ""))  # fmt: skip
    rows.append(_row("glyphs drawn in another look than their legend entry (extra rule)",
                     tally.count("legend shows another look"), ""))  # fmt: skip
    for name in APPS:
        info = infos.get(f"app:{name}")
        if info is None:
            continue
        glyphs = int(info["glyphs"])  # type: ignore[call-overload]
        limit = ZOO_GLYPHS.get(name)
        rows.append(
            Row("glyphs", f"{name}, default options", float(glyphs), "",
                target="" if limit is None else f"<= {limit}",
                passed=None if limit is None else glyphs <= limit)
        )  # fmt: skip
        crossings = info["crossings"]
        if isinstance(crossings, int):
            rows.append(Row("layout stats", f"{name}: edge crossings", float(crossings), "",
                            target="0", passed=crossings == 0))  # fmt: skip
    if failed:
        print(f"visual lint: could not lint {', '.join(failed)}", file=sys.stderr)
    _write_examples(tally, models, failed)
    return rows


def _write_examples(tally: Tally, models: int, failed: list[str]) -> None:
    lines = [f"# Visual lint: worst examples ({models} models)", ""]
    keys = [*RULES, *sorted(k for k in tally.found if k not in RULES)]
    for key in keys:
        found = sorted(tally.found.get(key, {}).values(), key=lambda f: -f.score)
        lines.append(f"## {key}: {len(found)}")
        lines += [f"- {f}" for f in found[:WORST]]
        lines.append("")
    if failed:
        lines.append(f"Not linted: {', '.join(failed)}")
    text = "\n".join(lines) + "\n"
    print(text, file=sys.stderr)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "visual_lint.md").write_text(text)
    every = {k: sorted(v, key=lambda t: -v[t].score) for k, v in sorted(tally.found.items())}
    (RESULTS / "visual_lint.json").write_text(
        json.dumps(every, indent=1, ensure_ascii=False) + "\n"
    )
