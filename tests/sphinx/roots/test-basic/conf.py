import os
import sys

# The usual way a project makes its own package importable; the worker must see it too.
sys.path.insert(0, os.path.abspath("."))

project = "netviz-basic"
extensions = ["sphinx_netviz"]
numfig = True
