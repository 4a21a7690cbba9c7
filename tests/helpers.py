"""Small helpers shared by test modules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def run_json_script(script: str, *args: str, timeout: float = 300) -> Any:
    """Run ``script`` in a fresh interpreter (so its imports are its own) and return the JSON
    object it printed on its last line."""
    out = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


#: A ``sitecustomize`` that makes frameworks look uninstalled: ``find_spec`` answers None and
#: ``import`` raises ModuleNotFoundError, as in a fresh venv without them. Put on PYTHONPATH
#: (it is imported at start-up, before anything else), it stands for the Read the Docs venv
#: in tests that cannot afford building one (tests/portable builds real ones).
_BLOCKER = """\
import importlib.machinery

_BLOCKED = frozenset({names!r})
_find_spec = importlib.machinery.PathFinder.find_spec.__func__


def _blocked_find_spec(cls, fullname, path=None, target=None):
    if fullname.split(".", 1)[0] in _BLOCKED:
        return None
    return _find_spec(cls, fullname, path, target)


importlib.machinery.PathFinder.find_spec = classmethod(_blocked_find_spec)
"""


def without_frameworks(where: Path, *names: str) -> dict[str, str]:
    """The environment of a process (and its children) in which ``names`` (default: every
    framework netviz reads) cannot be imported; this checkout stays importable."""
    import os

    blocked = names or ("torch", "tensorflow", "keras", "jax", "jaxlib", "keras_hub", "onnx")
    folder = where / "no-frameworks"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(_BLOCKER.format(names=sorted(blocked)))
    path = os.pathsep.join(p for p in (str(folder), os.environ.get("PYTHONPATH", "")) if p)
    env = {k: v for k, v in os.environ.items() if k != "NETVIZ_OFFLINE"}
    return {**env, "PYTHONPATH": path}


#: A small PyTorch project for staleness tests: ``shop.models:mlp`` uses ``layers.py`` (a lazy
#: import in its body) and a class of ``blocks.py`` it imports by a computed name (reached
#: only through the graph); ``shop.hf:tiny`` uses neither; nothing imports ``unused.py``.
SHOP = {
    "shop/__init__.py": "from . import layers  # the package imports a module hf never uses\n",
    "shop/layers.py": "WIDTH = 8\n",
    "shop/unused.py": "X = 1\n",
    "shop/blocks.py": (
        "from torch import nn\n\n\n"
        "class Block(nn.Module):\n"
        "    def __init__(self, width: int) -> None:\n"
        "        super().__init__()\n"
        "        self.fc = nn.Linear(width, width)\n"
        "        self.act = nn.ReLU()\n\n"
        "    def forward(self, x):\n"
        "        return self.act(self.fc(x))\n"
    ),
    "shop/models.py": (
        "import importlib\n\nimport torch\nfrom torch import nn\n\n\n"
        "def mlp():\n"
        "    from shop import layers\n\n"
        '    blocks = importlib.import_module("shop." + "blocks")\n'
        "    model = nn.Sequential(nn.Linear(4, layers.WIDTH), blocks.Block(layers.WIDTH))\n"
        "    return model, torch.zeros(1, 4)\n"
    ),
    "shop/hf.py": (
        "import torch\nfrom torch import nn\n\n\n"
        "def tiny():\n"
        "    return nn.Sequential(nn.Linear(4, 2), nn.ReLU()), torch.zeros(1, 4)\n"
    ),
}


def write_shop(root: Path) -> Path:
    """The :data:`SHOP` project under ``root`` (returned: the folder to put on sys.path)."""
    for name, text in SHOP.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
