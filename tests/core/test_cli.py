"""``netviz inspect | render | bundle``: outputs, flags from the schema, exit codes."""

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
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        code = main(argv)
        raise SystemExit(code)
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("netviz: usage error") or "usage:" in err


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
    res = netviz(
        "snapshot",
        "tests.zoo.models:siamese",
        "tests.zoo.models:no_such_factory",
        "tests.zoo.models:unbuilt_sequential",
        "--input-shape",
        "7",
        "-d",
        str(folder),
        "--cache-dir",
        str(tmp_path / "cache"),
    )
    assert res.returncode == 1  # one spec failed; the others are still written
    (line,) = res.stderr.strip().splitlines()
    assert "tests.zoo.models:no_such_factory" in line and "no attribute" in line
    written = [Path(p) for p in res.stdout.split()]
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in written)
    assert len(written) == 2
    for path in written:
        data = json.loads(path.read_text())
        assert data["options"] == {"input-dtype": "float32", "input-shape": [7]}
        assert "tests/zoo/models.py" in [s["path"] for s in data["sources"]]
        assert str(ROOT) not in path.read_text()
    again = netviz("snapshot", "tests.zoo.models:siamese", "-d", str(folder), "--input-shape", "7")
    assert again.returncode == 0 and again.stdout.split() == [str(written[0])]

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
