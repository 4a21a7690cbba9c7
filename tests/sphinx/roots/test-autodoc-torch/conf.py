import os
import sys

sys.path.insert(0, os.path.abspath("."))

project = "netviz-autodoc-torch"
extensions = ["sphinx.ext.autodoc", "sphinx_netviz"]
exclude_patterns = ["_build", "netviz-snapshots"]
netviz_autodoc = True
netviz_autodoc_overrides = {
    "torchpkg.models.mlp": {"input-shape": "784", "hide": "Dropout"},
    "torchpkg.models.small_cnn": {"input-shape": "3,32,32"},
    "torchpkg.models.SmallCNN": {"input-shape": "3,32,32", "caption": "SmallCNN()"},
    "torchpkg.models.Configurable": {"arguments": "width=16", "input-shape": "8"},
}
