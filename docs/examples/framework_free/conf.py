# docs/conf.py of a project whose API reference documents PyTorch models; the same file
# builds with PyTorch installed (writing the snapshots) and without it (Read the Docs).
import importlib.util
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # mypkg/ lies beside docs/

extensions = ["sphinx.ext.autodoc", "sphinx_netviz"]
netviz_autodoc = True  # a diagram in the API entry of every model factory and class
netviz_autodoc_overrides = {"mypkg.models.mlp": {"input-shape": "784"}}
netviz_snapshot_dir = "netviz-snapshots"  # commit this folder

# Without torch, autodoc still imports the documented modules to read their docstrings:
# mock the framework. The diagrams come from the snapshots; no worker starts.
if importlib.util.find_spec("torch") is None:
    autodoc_mock_imports = ["torch"]
