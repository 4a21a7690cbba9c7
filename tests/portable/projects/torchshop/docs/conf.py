# The Sphinx project of the "first hour": the README's two lines, Furo, and the API reference.
import importlib.util
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

project = "torchshop"
extensions = ["sphinx.ext.autodoc", "sphinx_netviz"]
html_theme = "furo"
netviz_autodoc = True
netviz_autodoc_overrides = {
    "torchshop.mlp.mlp": {"input-shape": "1,28,28", "hide": "Dropout"},
    "torchshop.cnn.SmallCNN": {"input-shape": "3,32,32"},
}
netviz_snapshot_dir = "netviz-snapshots"
exclude_patterns = ["_build", "netviz-snapshots"]

# Where PyTorch is not installed (Read the Docs): autodoc mocks it, the diagrams come from
# the committed snapshots.
if importlib.util.find_spec("torch") is None:
    autodoc_mock_imports = ["torch"]
