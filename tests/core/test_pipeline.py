"""DiagramBuilder: load + render + SVG cache; the warm path imports no TensorFlow."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sphinx_netviz.core.ir.errors import ExtractionError, NetvizError, SpecError
from sphinx_netviz.core.options.schema import resolve_options
from sphinx_netviz.core.pipeline import DiagramBuilder
from tests.helpers import run_json_script

ROOT = Path(__file__).resolve().parents[2]

WARM = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from sphinx_netviz.core.options.schema import resolve_options
    from sphinx_netviz.core.pipeline import DiagramBuilder
    with DiagramBuilder(cache_dir=Path(sys.argv[1]), sys_path=[sys.argv[2]]) as builder:
        built = builder.build("tests.zoo.models:residual", resolve_options({"names": True}))
        print(json.dumps({
            "key": built.key,
            "svg": built.svg,
            "started": builder.loader.worker_started,
            "starts": builder.loader.worker_starts,
            "tf": "tensorflow" in sys.modules,
            "keras": "keras" in sys.modules,
            "sources": sorted(Path(p).name for p in built.sources),
        }))
    """
)


def run(cache: Path) -> dict[str, object]:
    result: dict[str, object] = run_json_script(WARM, str(cache), str(ROOT))
    return result


def test_warm_build_starts_no_worker_and_imports_no_tensorflow(tmp_path: Path) -> None:
    cold = run(tmp_path)
    assert cold["starts"] == 1
    assert str(cold["svg"]).lstrip().startswith(("<svg", "<?xml"))
    warm = run(tmp_path)
    assert warm["key"] == cold["key"] and warm["svg"] == cold["svg"]
    assert (warm["started"], warm["starts"], warm["tf"], warm["keras"]) == (False, 0, False, False)
    assert warm["sources"] == cold["sources"] == ["__init__.py", "__init__.py", "models.py"]
    svg_entries = list((tmp_path / "svg").glob("*.json"))
    assert [p.stem for p in svg_entries] == [cold["key"]]


def test_keys_follow_render_options_only(tmp_path: Path) -> None:
    with DiagramBuilder(cache_dir=tmp_path, sys_path=[str(ROOT)]) as builder:
        base = builder.build("tests.zoo.models:mlp", resolve_options({}))
        again = builder.build(" tests.zoo.models:mlp ", resolve_options({"caption": "Fig"}))
        other = builder.build("tests.zoo.models:mlp", resolve_options({"palette": "mono"}))
        assert again.key == base.key and again.svg == base.svg
        assert other.key != base.key
        assert len(base.key) == 64 and base.spec == "tests.zoo.models:mlp"
        assert base.width > 0 and base.height > 0 and base.title and base.summary
        assert builder.loader.worker_starts == 1


def test_errors_are_netviz_errors_naming_the_spec(tmp_path: Path) -> None:
    with DiagramBuilder(cache_dir=None, sys_path=[str(ROOT)], timeout=30) as builder:
        with pytest.raises(SpecError, match=r"'oops'"):
            builder.build("oops", resolve_options({}))
        with pytest.raises(ExtractionError, match=r"'tests.zoo.bad:raises'"):
            builder.build("tests.zoo.bad:raises", resolve_options({}))
        with pytest.raises(ExtractionError, match=r"'tests.zoo.bad:hangs': timed out"):
            builder.build("tests.zoo.bad:hangs", resolve_options({"timeout": 2}))
        # Still usable after a timeout.
        assert builder.build("tests.zoo.models:mlp", resolve_options({})).svg


def test_render_errors_name_the_spec(tmp_path: Path) -> None:
    (tmp_path / "g.json").write_text(
        '{"schema": 1, "name": "g", "nodes": [], "edges": [], "inputs": ["ghost"], "outputs": []}'
    )
    with DiagramBuilder(cache_dir=None, base_dir=tmp_path) as builder:
        with pytest.raises(NetvizError) as info:
            builder.build("g.json", resolve_options({}))
        assert str(info.value).startswith("model spec 'g.json': ")
