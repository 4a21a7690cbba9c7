import os
import sys

sys.path.insert(0, os.path.abspath("."))

project = "netviz-autodoc"
extensions = ["sphinx.ext.autodoc", "sphinx_netviz"]
netviz_autodoc = True
netviz_autodoc_factories = ["factories.listed"]
