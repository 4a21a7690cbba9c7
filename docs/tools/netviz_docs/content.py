"""What the gallery and the option pages show, written once for both documentation builds.

Everything here is plain data plus pure functions that format it. The option reference comes
straight from :data:`sphinx_netviz.core.options.schema.OPTIONS`, so a new option appears in both
builds without anyone editing a page.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sphinx_netviz.core.options.schema import OPTIONS, Option

__all__ = [
    "BENCHMARKS",
    "COMPARED",
    "DEMOS",
    "DOCS_DIR",
    "EXAMPLES_DIR",
    "GALLERY",
    "PLOT_MODEL_PNG",
    "REPO_ROOT",
    "SITE_BASES",
    "Diagram",
    "comparison_rows",
    "format_default",
    "option_rows",
    "site_spec",
]

DOCS_DIR = Path(__file__).resolve().parents[2]
REPO_ROOT = DOCS_DIR.parent
EXAMPLES_DIR = DOCS_DIR / "examples"
#: The disk cache both builds share (the MkDocs plugin's default, set in Sphinx's conf.py).
CACHE_DIR = REPO_ROOT / ".cache" / "plugin" / "netviz"
#: The model of the comparison page, and plot_model's drawing of it (committed once).
COMPARED = "netviz_examples:resnet_like"
PLOT_MODEL_PNG = DOCS_DIR / "images" / "plot_model-resnet_like.png"
#: Written by ``python -m tests.benchmarks`` (``make bench``); both builds include it.
BENCHMARKS = REPO_ROOT / "tests" / "benchmarks" / "results" / "latest.md"


@dataclass(frozen=True)
class Diagram:
    """One diagram on a page: a heading, the model, the options that differ from defaults."""

    title: str
    spec: str
    text: str = ""
    options: Mapping[str, str] = field(default_factory=dict)
    #: A Hugging Face model folder under ``docs/examples`` instead of a factory: its spec is
    #: a path relative to each site's base directory (:func:`site_spec`).
    folder: str = ""


#: Where each site resolves relative specs: Sphinx's source directory, MkDocs's config's.
SITE_BASES: dict[str, Path] = {"sphinx": DOCS_DIR / "sphinx", "mkdocs": REPO_ROOT}


def site_spec(diagram: Diagram, site: str) -> str:
    """The spec as ``site`` (``sphinx`` or ``mkdocs``) reads it."""
    if not diagram.folder:
        return diagram.spec
    return Path(os.path.relpath(EXAMPLES_DIR / diagram.folder, SITE_BASES[site])).as_posix()


def _ex(name: str) -> str:
    return f"netviz_examples:{name}"


#: The gallery: every example model once, each with the options that suit it.
GALLERY: tuple[Diagram, ...] = (
    Diagram(
        "MNIST ConvNet",
        _ex("mnist_convnet"),
        "The running example of the Net2Vis paper: a straight chain. Dropout carries no "
        "information about the architecture's shape, so it is hidden.",
        {"hide": "Dropout", "caption": "The MNIST ConvNet from the Net2Vis article."},
    ),
    Diagram(
        "VGG-style",
        _ex("vgg_like"),
        "Three conv-conv-pool blocks with doubling filters. Automatic grouping folds the "
        "repeated block into one glyph and explains it in the legend.",
        {"caption": "A VGG-style network; the repeated block is one group glyph."},
    ),
    Diagram(
        "ResNet-style",
        _ex("resnet_like"),
        "Residual blocks branch and re-join; netviz matches them structurally and folds the "
        "run of identical blocks into one glyph marked with its count.",
        {"caption": "A ResNet-style network with three residual blocks."},
    ),
    Diagram(
        "Inception-style",
        _ex("inception_like"),
        "Four parallel branches per module, drawn one above the other.",
        {"palette": "colorblind", "caption": "Inception-style modules (colour-blind palette)."},
    ),
    Diagram(
        "U-Net",
        _ex("unet"),
        "Long skip connections from the encoder to the decoder, like Net2Vis's own U-Net figure.",
        {"group": "none", "caption": "A U-Net with three levels."},
    ),
    Diagram(
        "LSTM sequence model",
        _ex("lstm_classifier"),
        "Embedding, two stacked LSTMs and a classifier, with layer names shown.",
        {"names": "true", "caption": "An LSTM sentiment classifier."},
    ),
    Diagram(
        "Transformer encoder",
        _ex("transformer_encoder"),
        "Self-attention with residual adds and layer normalisation, repeated twice.",
        {"caption": "A two-block Transformer encoder."},
    ),
    Diagram(
        "GPT-style decoder",
        _ex("gpt_decoder"),
        "Six decoder blocks, each a composite layer that also reads the padding mask. They "
        "fold into one glyph marked x6, the mask is drawn once, and the legend shows what a "
        "block is made of. The unknown sequence length is written seq.",
        {"caption": "A GPT-style decoder: embedding, DecoderBlock x6, LayerNorm, logits."},
    ),
    Diagram(
        "Encoder-decoder Transformer",
        _ex("encoder_decoder"),
        "Every decoder block also reads the encoder's output (cross-attention). Both stacks "
        "fold into one glyph each, the first decoder block included, and the encoder output "
        "reaches the decoder stack by one edge; the target tokens enter it from above.",
        {"caption": "An encoder-decoder: EncoderBlock x3, then CrossDecoderBlock x3."},
    ),
    Diagram(
        "Vision Transformer",
        _ex("vision_transformer"),
        "Patch embedding and four encoder blocks, all composite layers. With expand-nested "
        "their insides are drawn: the patch embedding's layers, and the encoder blocks folded "
        "into one glyph named after their class.",
        {"expand-nested": "true", "caption": "A ViT with its composite layers opened."},
    ),
    Diagram(
        "NASNet-style cells",
        _ex("nasnet_cells"),
        "Each cell reads the previous cell and the one before it, so the cells are not "
        "single-entry blocks; netviz still folds the four cells into one glyph.",
        {"caption": "NASNet-style cells reading the two previous cells, folded x4."},
    ),
    Diagram(
        "Multiple inputs and outputs",
        _ex("multi_io"),
        "An image and a metadata vector in, a class and a score out.",
        {"samples": "true", "caption": "Two inputs, two outputs, with sample boxes."},
    ),
    Diagram(
        "ONNX: BERT exported by torch.onnx.export",
        "netviz_examples.onnx_models:bert",
        "The factory returns an onnx.ModelProto (a spec may name an .onnx file too): about "
        "200 operators, drawn from the module scopes the exporter kept. Shape arithmetic is "
        "folded into the operators it serves, the four layers fold into one glyph, and the "
        "sequence axis keeps the name the export gave it. Only the onnx package is needed.",
        {"depth": "1", "caption": "An ONNX export: embeddings, BertLayer x4, pooler."},
    ),
    Diagram(
        "Hugging Face model folder",
        "",
        "A folder holding only the config.json that save_pretrained wrote (no weights): the "
        "model it configures, with its classification head, is built on the meta device and "
        "drawn with token ids as example inputs.",
        {"depth": "2", "caption": "docs/examples/hf/tiny-bert-classifier, from its config."},
        folder="hf/tiny-bert-classifier",
    ),
    Diagram(
        "Nested models",
        _ex("nested"),
        "An encoder model and a Sequential head used as layers, expanded into their insides.",
        {"expand-nested": "true", "caption": "A model built from two nested models."},
    ),
    Diagram(
        "Two versions of a model",
        _ex("resnet_like_v2"),
        "The next version of the ResNet-style network, drawn with its changes against the "
        "first (diff-against): the stem's BatchNormalization is gone and drawn ghosted where it "
        "was (-), the residual block runs x3 -> x5 (one changed group, ~), a Dropout is new "
        "(+) and the classifier went from 10 to 100 classes (~). Outlines and badges mark the "
        "changes, so they read in print and in the mono palette too; hover a mark for what "
        "changed. See Review architecture changes.",
        {
            "diff-against": _ex("resnet_like"),
            "caption": "resnet_like_v2 against resnet_like: removed, added and changed marks.",
        },
    ),
)

#: Option demonstrations: one list of diagrams per topic page, each varying one option.
DEMOS: dict[str, tuple[Diagram, ...]] = {
    "palette": (
        *(
            Diagram(
                f"palette: {value}",
                _ex("inception_like"),
                text,
                {"palette": value, "group": "none"},
            )
            for value, text in (
                ("net2vis", "Net2Vis's 17 Material Design colours, assigned by layer type."),
                (
                    "interpolate",
                    "Hues spaced as far apart as possible, for models with many types.",
                ),
                (
                    "colorblind",
                    "The Okabe-Ito palette, distinguishable with colour-vision deficiency.",
                ),
                ("mono", "No colour at all: layer types are told apart by fill patterns."),
            )
        ),
        Diagram(
            "colors: per-type overrides",
            _ex("inception_like"),
            "Any palette can be adjusted per layer type.",
            {"group": "none", "colors": "Conv2D=#1565c0, Concatenate=#ef6c00"},
        ),
    ),
    "group": (
        Diagram(
            "group: auto (default)",
            _ex("resnet_like"),
            "Repeated single-entry, single-exit blocks fold into one group glyph.",
        ),
        Diagram(
            "group: none",
            _ex("resnet_like"),
            "Every layer call drawn.",
            {"group": "none"},
        ),
        Diagram(
            "fold-repeats: false",
            _ex("resnet_like"),
            "Groups are still found, but each repetition gets its own glyph.",
            {"fold-repeats": "false"},
        ),
        Diagram(
            "groups: manual groups",
            _ex("vgg_like"),
            "Name patterns define groups by hand.",
            {"group": "none", "groups": "Classifier=^fc"},
        ),
        Diagram(
            "hide: Dropout",
            _ex("mnist_convnet"),
            "Hidden types disappear and their edges are bridged.",
            {"hide": "Dropout"},
        ),
        Diagram(
            "expand-nested: false (default)",
            _ex("nested"),
            "A nested model is one glyph.",
        ),
        Diagram(
            "expand-nested: true",
            _ex("nested"),
            "The nested models' layers are drawn instead.",
            {"expand-nested": "true"},
        ),
        Diagram(
            "depth: 1",
            _ex("vision_transformer"),
            "Composite layers (a layer whose call runs layers) open one level at a time; here "
            "the patch embedding and each encoder block. Blocks that repeat still fold, and "
            "blocks that also read a mask or earlier outputs fold too, the side input drawn "
            "once.",
            {"depth": "1"},
        ),
        Diagram(
            "split-layers: false",
            _ex("resnet_like"),
            "No Split glyph where one tensor feeds several layers.",
            {"group": "none", "split-layers": "false"},
        ),
    ),
    "labels": (
        Diagram(
            "defaults: dimensions and features",
            _ex("mnist_convnet"),
            "Spatial size beside each glyph, channel count below it.",
        ),
        Diagram(
            "dimensions: false",
            _ex("mnist_convnet"),
            "",
            {"dimensions": "false"},
        ),
        Diagram(
            "features: false",
            _ex("mnist_convnet"),
            "",
            {"features": "false"},
        ),
        Diagram(
            "dim-names: seq=tokens",
            _ex("gpt_decoder"),
            "An axis of unknown size is never written ?: a sequence length prints as seq, "
            "renamed here.",
            {"dim-names": "seq=tokens"},
        ),
        Diagram(
            "names: true",
            _ex("mnist_convnet"),
            "Each glyph labelled with its layer name.",
            {"names": "true"},
        ),
        Diagram(
            "samples: true",
            _ex("mnist_convnet"),
            "Dashed boxes stand for an input sample and the output.",
            {"samples": "true"},
        ),
    ),
    "spacing": (
        Diagram(
            "defaults",
            _ex("inception_like"),
            "Net2Vis's geometry: heights 30-100, widths 20-80, gaps 20 and 200.",
        ),
        Diagram(
            "h-spacing: 60",
            _ex("inception_like"),
            "Wider horizontal gaps between glyphs.",
            {"h-spacing": "60"},
        ),
        Diagram(
            "v-spacing: 60",
            _ex("inception_like"),
            "Parallel branches packed closer together.",
            {"v-spacing": "60"},
        ),
        Diagram(
            "min-height: 10, max-height: 60",
            _ex("vgg_like"),
            "A flatter diagram.",
            {"group": "none", "min-height": "10", "max-height": "60"},
        ),
        Diagram(
            "min-width: 10, max-width: 40",
            _ex("vgg_like"),
            "Slimmer glyphs.",
            {"group": "none", "min-width": "10", "max-width": "40"},
        ),
        Diagram(
            "wrap: 700",
            _ex("vgg_like"),
            "A long chain wrapped into rows.",
            {"group": "none", "wrap": "700"},
        ),
    ),
    "legend": (
        Diagram("legend: below (default)", _ex("resnet_like"), "The legend under the diagram."),
        Diagram(
            "legend: separate",
            _ex("resnet_like"),
            "The legend as its own SVG, placed after the diagram and downloadable on its own.",
            {"legend": "separate"},
        ),
        Diagram("legend: none", _ex("resnet_like"), "No legend.", {"legend": "none"}),
    ),
}


def format_default(opt: Option) -> str:
    """The default of ``opt`` as a reader would write it in a directive or fence."""
    return opt.default_text or "(none)"


def option_rows(scope: str | None = None) -> list[tuple[str, str, str, str]]:
    """``(name, values, default, description)`` for every option, optionally of one scope."""
    return [
        (opt.name, opt.metavar, format_default(opt), opt.doc)
        for opt in OPTIONS
        if scope is None or opt.scope == scope
    ]


def _kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"


def comparison_rows() -> list[tuple[str, str, str]]:
    """``(aspect, netviz, plot_model)`` rows for the comparison page, measured at build time.

    The netviz figures come from the diagram this very build embeds (through the shared cache,
    so measuring costs nothing once the page's diagram exists); plot_model's from its PNG.
    """
    import gzip
    import re

    from PIL import Image

    from sphinx_netviz.core.options.schema import resolve_options
    from sphinx_netviz.core.pipeline import DiagramBuilder

    builder = DiagramBuilder(cache_dir=CACHE_DIR, sys_path=[str(EXAMPLES_DIR)])
    try:
        built = builder.build(COMPARED, resolve_options({}))
    finally:
        builder.close()
    data = built.svg.encode("utf-8")
    glyphs = len(re.findall(r'class="nv-(?:layer|group)"', built.svg))
    groups = len(re.findall(r'class="nv-group"', built.svg))
    png = PLOT_MODEL_PNG.read_bytes()
    with Image.open(PLOT_MODEL_PNG) as image:
        png_w, png_h = image.size
    return [
        (
            "Output",
            f"inline SVG, {built.width:.0f} x {built.height:.0f} px with the legend; "
            f"{_kb(len(data))} ({_kb(len(gzip.compress(data, mtime=0)))} gzipped)",
            f"PNG, {png_w} x {png_h} px at 72 dpi; {_kb(len(png))}",
        ),
        (
            "Glyphs for 27 layers (input included)",
            f"{glyphs}, of which {groups} group glyphs standing for repeated blocks, "
            "explained in the legend",
            "27 boxes, one per layer",
        ),
        (
            "Shapes",
            "encoded in glyph height (spatial size) and width (channels), with labels",
            "printed as text in every box",
        ),
        (
            "Layer types",
            "one colour per type, the same on every diagram of the site",
            "named in every box",
        ),
        ("Dark mode", "text and edges follow the page theme", "fixed black on white"),
        (
            "Details",
            "a tooltip per glyph: name, type, shapes, parameters",
            "none beyond the box text",
        ),
        (
            "Needs",
            "nothing outside Python",
            "pydot and the Graphviz dot program installed on the system",
        ),
    ]
