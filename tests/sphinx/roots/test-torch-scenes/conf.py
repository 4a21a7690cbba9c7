import os
import sys

sys.path.insert(0, os.path.abspath("."))

project = "netviz-torch-scenes"
extensions = ["sphinx_netviz"]
exclude_patterns = ["_build"]
