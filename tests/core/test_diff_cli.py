"""``netviz diff`` and ``--diff-against`` on the command line, and diff-against in the docs
pipeline (issue 21): the ``--stat`` lines, exit codes, git repositories made in a temporary
folder with two committed snapshot versions, and every bad input of the issue (one line on
stderr naming the spec, exit 1; usage errors exit 2).

The models are IR graphs and snapshot files, so no framework is imported: the CLI runs as a
subprocess (``python -m sphinx_netviz.core.cli``), as a user runs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from sphinx_netviz.core.ir.errors import NetvizError
from sphinx_netviz.core.ir.graph import Graph
from sphinx_netviz.core.options.schema import resolve_options
from sphinx_netviz.core.pipeline import DiagramBuilder
from sphinx_netviz.core.store.snapshot import Snapshot, snapshot_filename, write_snapshot

from .irgraphs import Builder

ROOT = Path(__file__).resolve().parents[2]
SPEC = "nets.models:mlp"
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def mlp(hidden: int = 128, *, dropout: bool = False, spare: bool = False) -> Graph:
    """x -> dense_0 -> dense_1 (``hidden`` units) [-> dropout] -> dense_2 -> out."""
    b = Builder("mlp")
    x = b.input((16,), name="x")
    for i, width in enumerate((64, hidden, 64)):
        x = b.layer("Dense", x, (width,), name=f"dense_{i}", config={"units": width})
        if i == 1 and dropout:
            x = b.layer("Dropout", x, name="dropout", config={"rate": 0.25})
    if spare:
        x = b.layer("Dense", x, (32,), name="spare", config={"units": 32})
    b.output(b.layer("Dense", x, (10,), name="out", config={"units": 10}))
    return b.build()


def netviz(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-m", "sphinx_netviz.core.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        env=env,
    )


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=netviz",
            "-c",
            "user.email=netviz@example.org",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def snapshot(folder: Path, graph: Graph, spec: str = SPEC) -> Path:
    """The snapshot a docs build of ``spec`` (default options) looks up."""
    options = {**resolve_options({}).extract_values(), "input-shape": None}
    return write_snapshot(folder, Snapshot(spec=spec, graph=graph, sources=(), options=options))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with two committed versions of one model's snapshot (and its IR)."""
    root = tmp_path / "repo"
    (root / "snaps").mkdir(parents=True)
    git(root, "init", "-q")
    snapshot(root / "snaps", mlp(128))
    (root / "model.json").write_text(mlp(128).to_json())
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "v1")
    snapshot(root / "snaps", mlp(256, dropout=True))
    (root / "model.json").write_text(mlp(256, dropout=True).to_json())
    git(root, "commit", "-q", "-am", "v2: dense_1 widened, a Dropout inserted")
    return root


STAT_V1_V2 = ["added: 1", "removed: 0", "changed: 1", "dense_1: units 128 -> 256"]


def test_stat_and_exit_codes_between_two_committed_snapshots(repo: Path) -> None:
    name = snapshot_filename(SPEC, {**resolve_options({}).extract_values(), "input-shape": None})
    path = f"snaps/{name}"
    out = repo / "out" / "diff.svg"
    res = netviz(
        "diff",
        f"git:HEAD~1:{path}",
        f"git:HEAD:{path}",
        "-o",
        str(out),
        "--stat",
        "--exit-code",
        cwd=repo,
    )
    assert res.returncode == 1, res.stderr
    assert res.stdout.splitlines() == STAT_V1_V2
    root = ElementTree.fromstring(out.read_text())
    marks = {
        g.get("data-id"): g.get("data-diff")
        for g in root.iter()
        if g.get("data-diff") and g.get("class") in ("nv-layer", "nv-group")
    }
    assert marks == {"dense_1": "changed", "dropout": "added"}
    # without --exit-code, a difference is success
    assert netviz("diff", f"git:HEAD~1:{path}", path, "--stat", cwd=repo).returncode == 0
    # the same version twice: nothing differs, exit 0 even with --exit-code
    same = netviz("diff", f"git:HEAD:{path}", path, "--stat", "--exit-code", cwd=repo)
    assert same.returncode == 0, same.stderr
    assert same.stdout.splitlines() == ["added: 0", "removed: 0", "changed: 0"]
    # git:REV alone: NEW's own file at REV (NEW a snapshot or IR file), or NEW's snapshot
    # in --snapshot-dir (NEW a spec; --offline: drawn from the snapshot, no framework)
    for new in ("model.json", path):
        res = netviz("diff", "git:HEAD~1", new, "--stat", "--exit-code", cwd=repo)
        assert (res.returncode, res.stdout.splitlines()) == (1, STAT_V1_V2), res.stderr
    res = netviz(
        "diff",
        "git:HEAD~1",
        SPEC,
        "--snapshot-dir",
        "snaps",
        "--offline",
        "--stat",
        "--no-cache",
        cwd=repo,
    )
    assert (res.returncode, res.stdout.splitlines()) == (0, STAT_V1_V2), res.stderr


def test_render_diff_against_git_rev(repo: Path) -> None:
    out = repo / "r.svg"
    res = netviz(
        "render",
        SPEC,
        "-o",
        str(out),
        "--snapshot-dir",
        "snaps",
        "--offline",
        "--no-cache",
        "--diff-against",
        "git:HEAD~1",
        "--palette",
        "mono",
        cwd=repo,
    )
    assert res.returncode == 0, res.stderr
    text = out.read_text()
    assert 'data-diff="changed"' in text and 'data-diff="added"' in text
    plain = netviz(
        "render",
        SPEC,
        "-o",
        str(repo / "p.svg"),
        "--snapshot-dir",
        "snaps",
        "--offline",
        "--no-cache",
        cwd=repo,
    )
    assert plain.returncode == 0 and "data-diff" not in (repo / "p.svg").read_text()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("missing.json", "model.json", "model spec 'missing.json': no such file"),
        ("git:nope:model.json", "model.json", "git revision 'nope' does not exist"),
        ("git:HEAD:gone.json", "model.json", "'gone.json' does not exist at revision 'HEAD'"),
        ("README.txt", "model.json", "model spec 'README.txt': expected 'package.module:factory'"),
        ("model.json", "notes.json", "model spec 'notes.json': not a netviz IR JSON file"),
    ],
)
def test_bad_inputs_are_one_line_naming_the_spec(
    repo: Path, old: str, new: str, message: str
) -> None:
    (repo / "notes.json").write_text('{"hello": "world"}')
    res = netviz("diff", old, new, "--stat", cwd=repo)
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("netviz: "), res.stderr
    assert message in lines[0], lines[0]
    assert "Traceback" not in res.stderr


def test_git_rev_of_a_spec_needs_the_snapshot_folder(repo: Path) -> None:
    from sphinx_netviz.core.store.loader import ModelLoader
    from sphinx_netviz.core.store.revision import load_reference

    with ModelLoader(cache_dir=None, base_dir=repo) as loader:
        with pytest.raises(NetvizError) as err:
            load_reference("git:HEAD", loader, spec=SPEC)
    assert str(err.value).startswith("model spec 'git:HEAD': the snapshot of 'nets.models:mlp'")
    assert "none is configured" in str(err.value)


def test_no_git_repository_and_a_snapshot_of_another_spec(repo: Path, tmp_path: Path) -> None:
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "model.json").write_text(mlp().to_json())
    res = netviz("diff", "git:HEAD:model.json", "model.json", "--stat", cwd=alone)
    assert res.returncode == 1
    assert "model spec 'git:HEAD:model.json': no git repository at" in res.stderr
    # a file under SPEC's snapshot name that holds another spec's snapshot
    other = snapshot(tmp_path / "elsewhere", mlp(), spec="nets.models:other")
    target = (
        repo
        / "snaps"
        / snapshot_filename(SPEC, {**resolve_options({}).extract_values(), "input-shape": None})
    )
    shutil.copy(other, target)
    git(repo, "commit", "-q", "-am", "v3: the wrong file")
    snapshot(repo / "snaps", mlp())
    res = netviz(
        "diff",
        "git:HEAD",
        SPEC,
        "--snapshot-dir",
        "snaps",
        "--offline",
        "--stat",
        "--no-cache",
        cwd=repo,
    )
    assert res.returncode == 1
    assert "is of another spec ('nets.models:other'" in res.stderr and "git:HEAD" in res.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["diff", "a.json"],  # NEW missing
        ["diff", "a.json", "b.json"],  # nothing to do
        ["diff", "a.json", "b.json", "--stat", "--diff-against", "c.json"],
        ["diff", "a.json", "b.json", "--stat", "--palette", "plaid"],
        ["diff", "a.json", "b.json", "--stat", "--format", "gif"],
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    res = netviz(*args, cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    assert "usage error" in res.stderr


def test_diff_against_in_the_docs_pipeline(repo: Path, tmp_path: Path) -> None:
    """What both adapters call: the reference resolved once, errors naming spec and reference."""
    cache = tmp_path / "cache"
    with DiagramBuilder(
        cache_dir=cache, base_dir=repo, snapshot_dir=repo / "snaps", offline=True
    ) as builder:
        plain = builder.build(SPEC, resolve_options({}))
        against = builder.build(SPEC, resolve_options({"diff-against": "git:HEAD~1"}))
        assert "data-diff" not in plain.svg and against.key != plain.key
        assert 'data-diff="changed"' in against.svg and 'data-diff="added"' in against.svg
        # another reference, another key; a model of another framework works (an IR file)
        other = repo / "other.json"
        other.write_text(mlp(128, spare=True).to_json())
        spare = builder.build(SPEC, resolve_options({"diff-against": "other.json"}))
        assert spare.key != against.key and 'data-diff="removed"' in spare.svg
        with pytest.raises(NetvizError) as bad:
            builder.build(SPEC, resolve_options({"diff-against": "git:nope"}))
        assert str(bad.value) == (
            f"model spec {SPEC!r}: diff-against 'git:nope': git revision 'nope' does not exist"
        )
        with pytest.raises(NetvizError, match=r"diff-against 'README\.md': expected"):
            builder.build(SPEC, resolve_options({"diff-against": "README.md"}))
