"""Non-HTML builders: LaTeX (PDF figure), EPUB (SVG file), text, man and Texinfo fallbacks."""

from __future__ import annotations

import re

import pytest

from ._shared import CACHED, netviz_warnings


@pytest.mark.sphinx("latex", testroot="basic", confoverrides=CACHED)
def test_latex_pdf_figure(app) -> None:
    app.build(force_all=True)
    assert netviz_warnings(app.warning.getvalue()) == []
    tex = next(app.outdir.glob("*.tex")).read_text(encoding="utf-8")
    names = re.findall(
        r"\\sphinxincludegraphics(?:\[[^\]]*\])?\{\{(netviz-[0-9a-f]{16}(?:-legend)?)\}\.pdf\}", tex
    )
    assert len(names) >= 4  # captioned, plain, second page + its separate legend
    for name in names:
        pdf = app.outdir / f"{name}.pdf"
        assert pdf.is_file(), name
        assert pdf.read_bytes().startswith(b"%PDF")
    # The captioned one is a real LaTeX figure with its caption and label.
    assert "\\begin{figure}" in tex and "tiny" in tex
    assert re.search(r"\\label\{\\detokenize\{index:fig-tiny\}\}", tex)


@pytest.mark.sphinx("epub", testroot="basic", confoverrides=CACHED)
def test_epub_svg_image(app) -> None:
    app.build(force_all=True)
    page = (app.outdir / "index.xhtml").read_text(encoding="utf-8")
    srcs = re.findall(r'<img src="(_images/netviz-[0-9a-f]{16}\.svg)" alt="([^"]*)"', page)
    assert srcs, "EPUB embeds the diagram as an SVG image file"
    for src, _alt in srcs:
        assert (app.outdir / src).is_file()
    assert ("_images/" + srcs[0][0].split("/")[-1], "Tiny dense network") in srcs
    assert "<svg" not in page  # not inlined


@pytest.mark.sphinx("text", testroot="basic", confoverrides=CACHED)
def test_text_alt_and_summary(app) -> None:
    app.build(force_all=True)
    text = (app.outdir / "index.txt").read_text(encoding="utf-8")
    assert "[diagram: Tiny dense network]" in text
    assert "Closing paragraph." in text
    assert "<svg" not in text


@pytest.mark.sphinx("man", testroot="basic", confoverrides=CACHED)
def test_man_fallback(app) -> None:
    app.build(force_all=True)
    out = next(app.outdir.rglob("*.1")).read_text(encoding="utf-8")
    assert "Tiny dense network" in out


@pytest.mark.sphinx("texinfo", testroot="basic", confoverrides=CACHED)
def test_texinfo_fallback(app) -> None:
    app.build(force_all=True)
    out = next(app.outdir.glob("*.texi")).read_text(encoding="utf-8")
    assert "Tiny dense network" in out


@pytest.mark.sphinx("pseudoxml", testroot="basic", confoverrides=CACHED)
def test_other_builders_get_text(app) -> None:
    app.build(force_all=True)
    out = (app.outdir / "index.pseudoxml").read_text(encoding="utf-8")
    assert "[diagram: Tiny dense network]" in out
    assert "netviz_diagram" not in out
