"""The bad-input matrix and the machinery to build it with real Sphinx and MkDocs runs.

One table (:data:`CASES`) drives both tools: each case becomes one ``.. netviz::`` directive
in a reStructuredText page and one ``netviz`` fence in a Markdown page, preceded by a marker
paragraph, so a test can find each case's figure, its warning (by line) and check that the
page around it survived. The same table is rendered as the table of the reliability docs page.

Builds run as real command-line subprocesses (``python -m sphinx``, ``python -m mkdocs``), the
way CI runs them, so crashes, exit codes and stderr are the real ones. Nothing here imports
Keras: saved-model fixtures (the 10,000-layer model, corrupt files) are written as bytes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BAD = "tests.reliability.badmodels"
GOOD = "tests.zoo.models:mnist_convnet"
#: Marker in every path-traversal payload: a file whose name holds it must never appear.
TOKEN = "nvpwn7731"
#: How many layers the big saved model has.
DEEP_LAYERS = 10_000

HOSTILE_CAPTION = "<script>alert('caption')</script> & \"quoted\" 'single' <b>bold</b>"
HOSTILE_ALT = '" onload="alert(\'alt\')" data-x="'
HOSTILE_CLASS = "safe x\" onclick=\"alert('class')"
HOSTILE_NAME = "\"><img src=x onerror=alert('name')>"
#: Hostile layer names: markup, attribute breakers, quotes, entities, unicode, 500 chars.
#: Keras forbids only "/" in names, so none of these may contain it.
HOSTILE_NAMES: tuple[str, ...] = (
    "<script>alert(1)",
    '" onmouseover="alert(2)" x="',
    "' onfocus='alert(3)' y='",
    "<img src=x onerror=alert(4)>",
    "]]><!-- &amp; &lt;b&gt; &#x3c;",
    "свёрточный слой 卷积层 🧠 ⟨λ⟩",
    "N" * 500,
)
#: A string config value that tries to break out of a tooltip.
HOSTILE_CONFIG = "<script>alert('config')</script> & \"q\""


@dataclass(frozen=True)
class Case:
    """One row of the matrix: what a page asks for and what must happen.

    ``fragment`` is a piece of the one expected warning; an empty fragment means the diagram
    must render (no warning at all for its line).
    """

    id: str
    tried: str
    spec: str
    options: tuple[tuple[str, str], ...] = ()
    fragment: str = ""

    @property
    def fails(self) -> bool:
        return bool(self.fragment)


CASES: tuple[Case, ...] = (
    Case("good-first", "a good diagram before every bad one", GOOD),
    Case("empty-spec", "empty spec", "", fragment="empty"),
    Case(
        "malformed-spec",
        "malformed spec (with markup in it)",
        'not a <script>alert("spec")</script> spec!',
        fragment="expected 'package.module:factory'",
    ),
    Case(
        "missing-module",
        "module that does not exist",
        "tests.reliability.no_such_module:build",
        fragment="no module named",
    ),
    Case(
        "missing-attribute",
        "attribute that does not exist",
        f"{BAD}:no_such_factory",
        fragment="has no attribute 'no_such_factory'",
    ),
    Case(
        "not-callable",
        "attribute that is neither a model nor callable",
        f"{BAD}:NOT_A_MODEL",
        fragment="not a model or a factory",
    ),
    Case(
        "factory-raises",
        "factory raising an exception",
        f"{BAD}:raises",
        fragment="the factory raised ValueError: reliability: the factory gave up",
    ),
    Case(
        "returns-non-model",
        "factory returning a non-model (a dict)",
        f"{BAD}:returns_dict",
        fragment="not a keras.Model",
    ),
    Case(
        "needs-arguments",
        "factory needing arguments, called without",
        f"{BAD}:needs_arguments",
        fragment="cannot call",
    ),
    Case(
        "wrong-arguments",
        "wrong literal arguments (unknown keyword)",
        "tests.zoo.models:mlp(8, depth=2, colour='red')",
        fragment="unexpected keyword argument 'colour'",
    ),
    Case(
        "non-literal-argument",
        "code instead of a literal argument",
        "tests.zoo.models:mlp(__import__('os').getcwd())",
        fragment="is not a literal",
    ),
    Case(
        "hangs",
        "factory hanging past `timeout` (3 s)",
        f"{BAD}:hangs",
        (("timeout", "3"),),
        fragment="timed out after 3 s",
    ),
    Case(
        "aborts",
        "factory killing its process (os.abort)",
        f"{BAD}:aborts",
        fragment="SIGABRT",
    ),
    Case(
        "memory-cap",
        "factory allocating 8 GiB, past the default `memory-limit` (4 GiB)",
        f"{BAD}:allocates_8gib",
        fragment="exceeded the worker memory limit of 4 GiB",
    ),
    Case(
        "bad-memory-limit",
        "unreadable `memory-limit` (`lots`)",
        GOOD,
        (("memory-limit", "lots"),),
        fragment="option 'memory-limit'",
    ),
    Case(
        "missing-framework",
        "factory whose framework is not installed (its import fails)",
        f"{BAD}:framework_missing",
        fragment="needs keras, which is not installed",
    ),
    Case(
        "floods-output",
        "factory printing 4 MB to stdout and 4 MB to stderr",
        f"{BAD}:floods_output",
    ),
    Case(
        "unbuilt-sequential",
        "unbuilt Sequential without `input-shape`",
        "tests.zoo.models:unbuilt_sequential",
        fragment="input-shape",
    ),
    Case(
        "untraceable-subclass",
        "subclassed model whose tracing fails (value-dependent `call`)",
        f"{BAD}:untraceable",
        (("input-shape", "4"),),
        fragment="could not be traced",
    ),
    Case(
        "missing-file",
        "missing `.keras` file",
        "models/missing.keras",
        fragment="no such file",
    ),
    Case(
        "corrupt-file",
        "corrupt `.keras` file (garbage bytes)",
        "models/corrupt.keras",
        fragment="not a Keras model file",
    ),
    Case(
        "truncated-file",
        "truncated `.keras` file",
        "models/truncated.keras",
        fragment="corrupt .keras file",
    ),
    Case(
        "unknown-home",
        "`~user` path for a user that does not exist",
        "~netviz_no_such_user/model.keras",
        fragment="netviz_no_such_user",
    ),
    Case(
        "unknown-option",
        "unknown option",
        GOOD,
        (("bogus", "1"),),
        fragment="unknown option 'bogus'",
    ),
    Case(
        "bad-colour",
        "invalid colour (`colors: Conv2D=reddish`)",
        GOOD,
        (("colors", "Conv2D=reddish"),),
        fragment="is not a colour",
    ),
    Case(
        "negative-size",
        "negative size (`min-height: -5`)",
        GOOD,
        (("min-height", "-5"),),
        fragment="must be at least",
    ),
    Case(
        "unknown-palette",
        "unknown palette (`palette: rainbow`)",
        GOOD,
        (("palette", "rainbow"),),
        fragment="is not one of",
    ),
    Case(
        "bad-regex",
        "manual group with an impossible regex (`groups: A=a{99999999999}`)",
        GOOD,
        (("groups", "A=a{99999999999}"),),
        fragment="option 'groups'",
    ),
    Case(
        "css-width",
        "`width` smuggling CSS (`100px;background:red`)",
        GOOD,
        (("width", "100px;background:red"),),
        fragment="option 'width'",
    ),
    Case(
        "traversal-file",
        "path traversal to a missing `.keras` file",
        f"../../../../../../tmp/{TOKEN}/../{TOKEN}.keras",
        fragment="no such file",
    ),
    Case(
        "torch-no-inputs",
        "PyTorch module without `input-shape` or example inputs",
        f"{BAD}:torch_no_inputs",
        fragment="needs example inputs: give the option ",
    ),
    Case(
        "torch-wrong-dtype",
        "PyTorch module taking token ids, given float inputs (no `input-dtype: int64`)",
        f"{BAD}:torch_token_model",
        (("input-shape", "5"),),
        fragment="token ids need input-dtype: int64",
    ),
    Case(
        "torch-forward-raises",
        "PyTorch forward pass raising on the meta device and on the CPU",
        f"{BAD}:torch_raises",
        fragment="failed on the meta device (RuntimeError: reliability: the forward pass gave "
        "up) and on the CPU (RuntimeError: reliability: the forward pass gave up)",
    ),
    Case(
        "torch-data-dependent",
        "PyTorch data-dependent control flow: no meta run, and the CPU run fails",
        f"{BAD}:torch_data_dependent",
        fragment="cannot be called on meta tensors) and on the CPU (RuntimeError: reliability",
    ),
    Case(
        "torch-returns-none",
        "PyTorch module returning no tensor",
        f"{BAD}:torch_returns_none",
        fragment="with no tensor in it",
    ),
    Case(
        "torch-cpu-retry",
        "PyTorch data-dependent control flow that runs on the CPU (retried, drawn)",
        "tests.zoo.torch_models:gate",
    ),
    Case(
        "future-pt2",
        "`.pt2` saved by an incompatible torch version (export schema 99)",
        "models/future.pt2",
        fragment="export it again with this torch version",
    ),
    Case(
        "corrupt-pt2",
        "unreadable `.pt2` file (garbage bytes)",
        "models/corrupt.pt2",
        fragment="not a readable torch.export program",
    ),
    Case("good-middle", "a good diagram between bad ones", GOOD),
    Case(
        "deep-10000",
        "a 10,000-layer model (saved `.keras` file, read in the worker)",
        "models/deep.keras",
        (("group", "none"),),
    ),
    Case(
        "hostile-names",
        "layer names with markup, quotes, entities, unicode and 500 characters",
        f"{BAD}:hostile_names",
        (("names", "true"),),
    ),
    Case(
        "hostile-embed",
        "caption, alt, class and name with markup and quotes",
        GOOD,
        (
            ("caption", HOSTILE_CAPTION),
            ("alt", HOSTILE_ALT),
            ("class", HOSTILE_CLASS),
            ("name", HOSTILE_NAME),
        ),
    ),
    Case(
        "traversal-names",
        "path traversal in `name` and `class`",
        GOOD,
        (("name", f"../../../{TOKEN}-name"), ("class", f"../../{TOKEN}-class")),
    ),
    Case("good-last", "a good diagram after every bad one", GOOD),
)

BY_ID = {case.id: case for case in CASES}
LAST_PROSE = "END-OF-PAGE: the prose after the last diagram."


# -- pages -----------------------------------------------------------------------------------


def marker(case: Case) -> str:
    return f"CASE-{case.id}: {case.tried.replace('`', '')}."


def rst_page(cases: tuple[Case, ...] = CASES) -> tuple[str, dict[str, int]]:
    """The matrix as reStructuredText and the line of each case's directive."""
    lines = ["Reliability matrix", "==================", "", "Prose before the matrix.", ""]
    where: dict[str, int] = {}
    for case in cases:
        lines += [marker(case), ""]
        where[case.id] = len(lines) + 1
        lines.append(f".. netviz:: {case.spec}".rstrip())
        lines += [f"   :{name}: {value}" for name, value in case.options]
        lines.append("")
    lines += [LAST_PROSE, ""]
    return "\n".join(lines), where


def md_page(cases: tuple[Case, ...] = CASES) -> tuple[str, dict[str, int]]:
    """The matrix as Markdown and the line of each case's opening fence."""
    lines = ["# Reliability matrix", "", "Prose before the matrix.", ""]
    where: dict[str, int] = {}
    for case in cases:
        lines += [marker(case), ""]
        where[case.id] = len(lines) + 1
        lines.append("```netviz")
        if case.spec:
            lines.append(case.spec)
        lines += [f"{name}: {value}" for name, value in case.options]
        lines += ["```", ""]
    lines += [LAST_PROSE, ""]
    return "\n".join(lines), where


# -- saved-model files (written as bytes: no Keras in the test process) ----------------------


def _activation(name: str, previous: str) -> dict[str, object]:
    tensor = {
        "class_name": "__keras_tensor__",
        "config": {"shape": [None, 4], "dtype": "float32", "keras_history": [previous, 0, 0]},
    }
    return {
        "module": "keras.layers",
        "class_name": "Activation",
        "config": {"name": name, "trainable": True, "dtype": "float32", "activation": "relu"},
        "registered_name": None,
        "name": name,
        "inbound_nodes": [{"args": [tensor], "kwargs": {}}],
    }


def chain_config(layers: int, name: str = "deep") -> dict[str, object]:
    """A Keras 3 functional config: an input and ``layers`` chained Activation layers."""
    entries: list[dict[str, object]] = [
        {
            "module": "keras.layers",
            "class_name": "InputLayer",
            "config": {"batch_shape": [None, 4], "dtype": "float32", "name": "x"},
            "registered_name": None,
            "name": "x",
            "inbound_nodes": [],
        }
    ]
    previous = "x"
    for i in range(layers):
        entries.append(_activation(f"act{i}", previous))
        previous = f"act{i}"
    return {
        "module": "keras.src.models.functional",
        "class_name": "Functional",
        "config": {
            "name": name,
            "trainable": True,
            "layers": entries,
            "input_layers": ["x", 0, 0],
            "output_layers": [previous, 0, 0],
        },
        "registered_name": "Functional",
        "build_config": {"input_shape": None},
    }


def write_keras_file(path: Path, layers: int) -> Path:
    """A ``.keras`` archive holding only config and metadata (all the config route reads)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("metadata.json", json.dumps({"keras_version": "3.15.1"}))
        archive.writestr("config.json", json.dumps(chain_config(layers)))
    return path


def write_model_files(folder: Path) -> None:
    """``deep.keras`` (10,000 layers), ``corrupt.keras`` (garbage), ``truncated.keras``."""
    write_keras_file(folder / "deep.keras", DEEP_LAYERS)
    (folder / "corrupt.keras").write_bytes(b"this is not a keras file\x00\xff\x01" * 64)
    (folder / "corrupt.pt2").write_bytes(b"this is not a torch program\x00\xff\x01" * 64)
    write_future_pt2(folder / "future.pt2")
    small = write_keras_file(folder / "small.keras", 50).read_bytes()
    (folder / "truncated.keras").write_bytes(small[: len(small) // 2])
    (folder / "small.keras").unlink()


_FUTURE_PT2 = """
import json, sys, zipfile, torch
path = sys.argv[1]
torch.export.save(torch.export.export(torch.nn.Linear(4, 2), (torch.zeros(1, 4),)), path)
with zipfile.ZipFile(path) as z:
    files = {n: z.read(n) for n in z.namelist()}
with zipfile.ZipFile(path, "w") as z:
    for name, data in files.items():
        if "/models/" in name and name.endswith(".json"):
            program = json.loads(data)
            program["schema_version"] = {"major": 99, "minor": 0}
            data = json.dumps(program).encode()
        z.writestr(name, data)
"""


def write_future_pt2(path: Path) -> None:
    """A ``.pt2`` claiming an export schema from a future torch (written in a subprocess, so
    this module never imports torch)."""
    subprocess.run([sys.executable, "-c", _FUTURE_PT2, str(path)], check=True, timeout=300)


# -- projects --------------------------------------------------------------------------------


def sphinx_project(root: Path, page: str, *, cache_dir: Path, extra_conf: str = "") -> Path:
    """A Sphinx project in ``root/src`` with one page; returns the source directory."""
    src = root / "src"
    src.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(
        "project = 'netviz reliability'\n"
        "extensions = ['sphinx_netviz']\n"
        f"netviz_cache_dir = {str(cache_dir)!r}\n"
        "html_theme = 'alabaster'\n" + extra_conf,
        encoding="utf-8",
    )
    (src / "index.rst").write_text(page, encoding="utf-8")
    return src


def mkdocs_project(root: Path, page: str, *, cache_dir: Path | None, extra: str = "") -> Path:
    """A MkDocs project in ``root/project`` with one page; returns the mkdocs.yml path."""
    project = root / "project"
    (project / "docs").mkdir(parents=True, exist_ok=True)
    settings = f"      cache_dir: {json.dumps(str(cache_dir))}\n" if cache_dir else ""
    if cache_dir is None:
        settings = "      cache: false\n"
    (project / "mkdocs.yml").write_text(
        "site_name: netviz reliability\ntheme: mkdocs\nplugins:\n  - netviz:\n" + settings + extra,
        encoding="utf-8",
    )
    (project / "docs" / "index.md").write_text(page, encoding="utf-8")
    return project / "mkdocs.yml"


@dataclass
class BuildRun:
    """A finished command-line build."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    out: Path
    warnings: list[str] = field(default_factory=list)

    @property
    def log(self) -> str:
        return self.stdout + self.stderr


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("CUDA_VISIBLE_DEVICES", "")
    env["NO_COLOR"] = "1"
    env.update(extra or {})
    return env


def start_sphinx(
    src: Path, out: Path, *, doctrees: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """Start ``python -m sphinx -b html`` (no colour, no parallelism)."""
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-N", str(src), str(out)]
    cmd += ["-d", str(doctrees or out.parent / (out.name + "-doctrees"))]
    return _popen(cmd, src.parent, env)


def start_mkdocs(
    config: Path, site: Path, *, env: dict[str, str] | None = None, strict: bool = False
) -> subprocess.Popen[str]:
    """Start ``python -m mkdocs build`` for ``config`` into ``site``."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site)]
    if strict:
        cmd.append("--strict")
    return _popen(cmd, config.parent, env)


def _popen(cmd: list[str], cwd: Path, env: dict[str, str] | None) -> subprocess.Popen[str]:
    """A build subprocess with captured text output and the test environment."""
    return subprocess.Popen(
        cmd, cwd=str(cwd), env=_env(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(
    proc: subprocess.Popen[str], out: Path, started: float, timeout: float = 400
) -> BuildRun:
    """Wait for a build started with :func:`start_sphinx` / :func:`start_mkdocs`."""
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
        raise AssertionError(f"build did not finish in {timeout} s:\n{stderr[-3000:]}") from None
    run = BuildRun(proc.returncode, stdout, stderr, time.monotonic() - started, out)
    run.warnings = [ln for ln in (stdout + stderr).splitlines() if "WARNING" in ln]
    return run


def build_sphinx(src: Path, out: Path, **kwargs: object) -> BuildRun:
    started = time.monotonic()
    return finish(start_sphinx(src, out, **kwargs), out, started)  # type: ignore[arg-type]


def build_mkdocs(config: Path, site: Path, **kwargs: object) -> BuildRun:
    started = time.monotonic()
    return finish(start_mkdocs(config, site, **kwargs), site, started)  # type: ignore[arg-type]


def warnings_at(run: BuildRun, page: str, line: int) -> list[str]:
    """The warnings of ``run`` located at ``page:line`` (Sphinx and MkDocs formats)."""
    pattern = re.compile(rf"(?:^|[\s/]){re.escape(page)}:{line}(?::|\s|$)")
    return [w for w in run.warnings if pattern.search(w)]


def snapshot(root: Path, *, skip: tuple[Path, ...] = ()) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` (outside ``skip``) with its size and mtime."""
    found: dict[str, tuple[int, int]] = {}
    skipped = tuple(str(p) for p in skip)
    for dirpath, dirnames, filenames in os.walk(root):
        if dirpath.startswith(skipped):
            dirnames[:] = []
            continue
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in filenames:
            path = Path(dirpath) / name
            try:
                st = path.stat()
            except OSError:
                continue
            found[str(path)] = (st.st_size, st.st_mtime_ns)
    return found


def token_files(*roots: Path) -> list[str]:
    """Files or folders whose name holds :data:`TOKEN` under ``roots`` (traversal victims)."""
    hits: list[str] = []
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root, onerror=lambda _: None):
            dirnames[:] = [d for d in dirnames if d not in {".venv", ".git", "proc", "sys"}]
            hits += [str(Path(dirpath) / n) for n in dirnames + filenames if TOKEN in n]
    return hits


#: A small all-good page for the fault and reproducibility builds.
SMALL: tuple[Case, ...] = (
    Case("mnist", "a Sequential ConvNet", GOOD),
    Case("residual", "repeated residual blocks (grouped)", "tests.zoo.models:residual"),
    Case(
        "mnist-colorblind",
        "the same model, other options",
        GOOD,
        (("palette", "colorblind"), ("names", "true"), ("legend", "separate")),
    ),
)
SLOW: Case = Case("slow", "a factory whose worker is killed", f"{BAD}:slow_then_fine")


def leftovers(*roots: Path) -> list[str]:
    """Temporary files a build may have left behind (``*.tmp``, ``.name.XXXX`` files)."""
    found: list[str] = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and (
                path.name.endswith((".tmp", ".part"))
                or re.match(r"\.netviz-|\.[0-9a-f]{16}\.", path.name)
            ):
                found.append(str(path))
    return found
