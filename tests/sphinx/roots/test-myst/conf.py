import os
import sys

sys.path.insert(0, os.path.abspath("."))

project = "netviz-myst"
extensions = ["myst_parser", "sphinx_netviz"]
numfig = True
