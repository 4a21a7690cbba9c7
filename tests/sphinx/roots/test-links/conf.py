import os
import sys

sys.path.insert(0, os.path.abspath("."))

project = "netviz-links"
extensions = ["sphinx.ext.autodoc", "sphinx.ext.intersphinx", "sphinx_netviz"]
# A local inventory standing in for keras.io's (tests never download anything).
intersphinx_mapping = {"keras": ("https://keras.io/", os.path.abspath("keras-objects.inv"))}
netviz_type_links = {"InputLayer": "https://example.test/input?a=1&b=2"}
