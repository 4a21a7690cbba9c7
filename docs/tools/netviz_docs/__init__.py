"""Helpers that let the Sphinx and the MkDocs builds of netviz's docs share one source.

The gallery, the option demonstrations and the options reference are described once, as data,
in :mod:`netviz_docs.content`; :mod:`netviz_docs.sphinx_ext` turns them into reStructuredText
directives and :mod:`netviz_docs.mkdocs_hooks` into Markdown fences. Neither build copies the
list of options or examples by hand, so the two sites cannot drift apart.
"""
