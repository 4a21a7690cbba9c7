"""``netviz inspect | render | bundle | snapshot``: outputs, flags from the schema, exit codes,
help texts and hints in the command line's own syntax."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from sphinx_netviz.core.cli import CLI_OPTIONS, build_parser, main

ROOT = Path(__file__).resolve().parents[2]


def netviz(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sphinx_netviz.core.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_every_schema_option_is_a_flag() -> None:
    help_text = build_parser()._subparsers._group_actions[0].choices["render"].format_help()  # type: ignore[union-attr]
    for opt in CLI_OPTIONS:
        assert f"--{opt.name}" in help_text
    assert "--caption" not in help_text  # page-embedding options are not CLI flags


def test_inspect_json_table_and_render(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    out = netviz("inspect", "tests.zoo.models:siamese", "--json", "--cache-dir", cache)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["schema"] == 1 and data["name"] == "siamese"
    assert {"id", "name", "type", "input_shapes", "output_shapes", "params", "parent"} <= set(
        data["nodes"][0]
    )
    assert {"source", "target", "shape"} <= set(data["edges"][0])
    assert data["inputs"] == ["left", "right"] and data["outputs"] == ["same"]

    table = netviz("inspect", "tests.zoo.models:siamese", "--cache-dir", cache)
    assert table.returncode == 0
    assert "proj@1 [shared]" in table.stdout and "Connected to" in table.stdout
    assert "Total params: 107" in table.stdout  # shared weights counted once, like Keras

    # A saved IR renders without any model import; flags and --option both apply.
    ir = tmp_path / "siamese.json"
    ir.write_text(out.stdout)
    svg = tmp_path / "out" / "d.svg"
    legend = tmp_path / "out" / "legend.svg"
    res = netviz(
        "render",
        str(ir),
        "-o",
        str(svg),
        "--legend-out",
        str(legend),
        "--names",
        "--group",
        "none",
        "--option",
        "palette=mono",
        "--no-cache",
    )
    assert res.returncode == 0, res.stderr
    root = ElementTree.fromstring(svg.read_text())
    assert root.tag.endswith("svg")
    ElementTree.fromstring(legend.read_text())

    pdf = tmp_path / "d.pdf"
    assert netviz("render", str(ir), "-o", str(pdf), "--no-cache").returncode == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    png = tmp_path / "d.bin"
    assert (
        netviz("render", str(ir), "-o", str(png), "--format", "png", "--no-cache").returncode == 0
    )
    assert png.read_bytes().startswith(b"\x89PNG")

    bundle = tmp_path / "b.zip"
    assert netviz("bundle", str(ir), "-o", str(bundle), "--no-cache").returncode == 0
    assert len(zipfile.ZipFile(bundle).namelist()) >= 4


@pytest.mark.parametrize(
    "argv",
    [
        ["render", "m:f"],  # missing -o
        ["render", "m:f", "-o", "x.svg", "--group", "sideways"],
        ["render", "m:f", "-o", "x.svg", "--names", "maybe"],
        ["render", "m:f", "-o", "x.svg", "--option", "nonsense=1"],
        ["render", "m:f", "-o", "x.svg", "--option", "novalue"],
        ["inspect", "m:f", "--bogus"],
        ["explode", "m:f"],
        [],
        # an output suffix the format cannot write
        ["render", "m:f", "-o", "t.jpg"],
        ["render", "m:f", "-o", "t.svg", "--format", "pdf"],
        ["render", "m:f", "-o", "t.png", "--legend-out", "legend.gif"],
        ["bundle", "m:f", "-o", "t.svg"],
        # the snapshot command's two forms
        ["snapshot", "a:f", "b:g", "--input-shape", "3,32,32", "-d", "snaps"],
        ["snapshot", "a:f", "b:g", "--option", "input-dtype=int64", "-d", "snaps"],
        ["snapshot", "a:f"],  # no -d
        ["snapshot", "-d", "snaps"],  # neither specs nor --project
        ["snapshot", "a:f", "--project", "."],
        ["snapshot", "--project", ".", "--input-shape", "3"],
    ],
)
def test_usage_errors_exit_2(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        code = main(argv)
        raise SystemExit(code)
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("netviz: usage error") or "usage:" in err
    assert len(err.splitlines()) == 1 or "usage:" in err
    assert list(tmp_path.iterdir()) == []  # found before anything was loaded or written


def test_several_specs_never_share_one_input_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["snapshot", "a:f", "b:g", "--input-shape", "3,32,32", "-d", "snaps"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--input-shape describes one model's inputs, but 2 specs were given" in err
    assert "--project DOCS_DIR" in err  # what to do instead
    # --timeout bounds the worker, whatever the model: it may apply to every spec.
    from sphinx_netviz.core.cli_checks import check_snapshot

    args = build_parser().parse_args(["snapshot", "a:f", "b:g", "--timeout", "9", "-d", "s"])
    check_snapshot(args, {"timeout"})


def test_version_and_plain_help() -> None:
    version = netviz("--version")
    assert version.returncode == 0 and version.stdout.strip() == "netviz 0.1.0"
    top = netviz("--help").stdout
    assert "Keras and PyTorch" in " ".join(top.split())
    help_text = " ".join(netviz("render", "--help").stdout.split())
    assert "``" not in help_text
    assert "(default: 4GiB)" in help_text and "4294967296" not in help_text
    assert "(default: auto)" in help_text and "(default: 'auto')" not in help_text
    assert "(0: no limit)" in help_text


def test_output_suffix_error_names_the_fix(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "m:f", "-o", "t.jpg"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "netviz: usage error: -o 't.jpg': netviz writes .svg, .pdf or .png, not .jpg "
        "(or give --format with a neutral suffix)\n"
    )


def test_hints_name_the_flag(tmp_path: Path) -> None:
    """A PyTorch module without example inputs: the hint names --input-shape, the CLI's own
    flag, not the directive's option syntax."""
    res = netviz("inspect", "tests.zoo.torch_models:mlp", "--cache-dir", str(tmp_path))
    assert res.returncode == 1
    (line,) = res.stderr.strip().splitlines()
    assert "needs example inputs: give the option --input-shape (no batch axis" in line
    assert "with --input-dtype int64 for token ids" in line
    assert "option input-shape" not in line and ":input-shape:" not in line


def _ir_with_dropout(path: Path) -> Path:
    from sphinx_netviz.core import Edge, Graph, Node

    graph = Graph(
        name="tiny",
        nodes=(
            Node(id="x", name="x", type="InputLayer", kind="input", output_shapes=((None, 8),)),
            Node(id="d", name="d", type="Dense", output_shapes=((None, 8),)),
            Node(id="o", name="o", type="Dropout", output_shapes=((None, 8),)),
        ),
        edges=(Edge("x", "d", (None, 8)), Edge("d", "o", (None, 8))),
        inputs=("x",),
        outputs=("o",),
    )
    path.write_text(graph.to_json())
    return path


def test_unknown_hidden_type_is_one_warning(tmp_path: Path) -> None:
    ir = _ir_with_dropout(tmp_path / "tiny.json")
    res = netviz(
        "render", str(ir), "-o", str(tmp_path / "t.svg"), "--hide", "Dropuot",
        "--colors", "Dense=#123456, Conv2D=#654321", "--no-cache",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    (line,) = res.stderr.strip().splitlines()
    assert line.startswith("netviz: warning: option --hide names a type model 'tiny' does not ")
    assert "'Dropuot' (did you mean 'Dropout'?)" in line
    assert "option --colors names a type model 'tiny' does not have: 'Conv2D'" in line
    assert "(its types: Dense, Dropout, InputLayer)" in line  # nothing close to Conv2D
    # Known types: no warning at all.
    ok = netviz("render", str(ir), "-o", str(tmp_path / "u.svg"), "--hide", "Dropout")
    assert ok.returncode == 0 and ok.stderr == ""


@pytest.mark.parametrize(
    ("spec", "why"),
    [
        ("tests.zoo.bad:raises", "ValueError: boom from the factory"),
        ("tests.zoo.nope:f", "no module named"),
        ("not a spec", "expected 'package.module:factory'"),
        ("missing.keras", "no such file"),
    ],
)
def test_load_failures_exit_1_with_one_line(spec: str, why: str, tmp_path: Path) -> None:
    res = netviz("inspect", spec, "--no-cache")
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert repr(spec) in lines[0] and why in lines[0]


def test_unwritable_output_exit_1(tmp_path: Path) -> None:
    ir = tmp_path / "g.json"
    from sphinx_netviz.core.ir.graph import Graph, Node

    ir.write_text(
        Graph(name="g", nodes=(Node(id="a", name="a", type="Dense"),), edges=()).to_json()
    )
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = netviz("render", str(ir), "-o", str(blocker / "out.svg"), "--no-cache")
    assert res.returncode == 1 and "cannot write" in res.stderr


def test_snapshot_command_writes_one_file_per_spec(tmp_path: Path) -> None:
    folder = tmp_path / "snaps"
    cache = ["--cache-dir", str(tmp_path / "cache")]
    res = netviz(
        "snapshot",
        "tests.zoo.models:siamese",
        "tests.zoo.models:no_such_factory",
        "tests.zoo.models:mnist_convnet",
        "-d",
        str(folder),
        *cache,
    )
    assert res.returncode == 1  # one spec failed; the others are still written
    (line,) = res.stderr.strip().splitlines()
    assert "tests.zoo.models:no_such_factory" in line and "no attribute" in line
    # Per-model options go with one spec at a time.
    one = netviz(
        "snapshot", "tests.zoo.models:unbuilt_sequential", "--input-shape", "7",
        "-d", str(folder), *cache,
    )  # fmt: skip
    assert one.returncode == 0, one.stderr
    written = [Path(p) for p in res.stdout.split() + one.stdout.split()]
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in written)
    assert len(written) == 3
    for path in written:
        data = json.loads(path.read_text())
        shape = {"input-shape": [7]} if "unbuilt" in path.name else {}
        assert data["options"] == {"input-dtype": "float32", **shape}
        assert "tests/zoo/models.py" in [s["path"] for s in data["sources"]]
        assert str(ROOT) not in path.read_text()
    again = netviz("snapshot", "tests.zoo.models:siamese", "-d", str(folder), "--input-shape", "7")
    assert again.returncode == 0 and len(again.stdout.split()) == 1
    assert again.stdout.split() != [str(written[0])]  # another key: another file

    # Offline, from the snapshot alone (no cache): the same picture as an extraction gives.
    common = ["--input-shape", "7", "--no-cache", "-o"]
    online = netviz("render", "tests.zoo.models:siamese", *common, str(tmp_path / "a.svg"))
    offline = netviz(
        "render",
        "tests.zoo.models:siamese",
        "--snapshot-dir",
        str(folder),
        "--offline",
        *common,
        str(tmp_path / "b.svg"),
    )
    assert online.returncode == 0 and offline.returncode == 0, offline.stderr
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    missing = netviz("inspect", "tests.zoo.models:mlp", "--snapshot-dir", str(folder), "--offline")
    assert missing.returncode == 1
    assert missing.stderr.startswith("netviz: model spec 'tests.zoo.models:mlp': extraction is off")


def test_snapshot_project_needs_a_docs_project(tmp_path: Path) -> None:
    res = netviz("snapshot", "--project", str(tmp_path))
    assert res.returncode == 2
    assert res.stderr == (
        f"netviz: usage error: --project {str(tmp_path)!r} is neither a Sphinx project (no "
        "conf.py) nor a MkDocs project (no mkdocs.yml)\n"
    )
    # A Sphinx project without a snapshot folder (and no -d): said so, exit 2, nothing built.
    (tmp_path / "conf.py").write_text('extensions = ["sphinx_netviz"]\n')
    (tmp_path / "index.rst").write_text("Home\n====\n")
    res = netviz("snapshot", "--project", str(tmp_path))
    assert res.returncode == 2, res.stderr
    assert "no snapshot folder: set netviz_snapshot_dir in conf.py or pass -d DIR" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["conf.py", "index.rst"]
