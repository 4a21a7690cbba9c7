"""Glyph links to API documentation, resolved the Sphinx way. Wiring only.

A layer class drawn in a diagram (``mypkg.layers.MyBlock``, or ``keras.layers.Dense`` for a
class defined in ``keras.src.layers...``: the core's :func:`class_candidates`) is looked up
as a ``py:class`` cross-reference would be: first the Python domain (classes autodoc'd in
this project), then the ``missing-reference`` event, which is how ``sphinx.ext.intersphinx``
answers from its inventories (Keras, PyTorch). ``netviz_type_links`` maps types to URLs by
hand and wins. Nothing here warns: an unresolved class simply stays unlinked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes  # type: ignore[import-untyped]
from sphinx import addnodes

from sphinx_netviz.core.adapter import link_table

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx

__all__ = ["type_links"]


def _resolver(app: Sphinx, docname: str) -> Any:
    env = app.env
    builder = app.builder
    domain = env.get_domain("py")

    def resolve(name: str) -> str | None:
        ref = addnodes.pending_xref(
            "", refdomain="py", reftype="class", reftarget=name, refexplicit=False
        )
        ref["py:module"] = None
        ref["py:class"] = None
        contnode = nodes.literal(name, name)
        try:
            found = domain.resolve_xref(env, docname, builder, "class", name, ref, contnode)
            if found is None:
                found = app.emit_firstresult(
                    "missing-reference", env, ref, contnode, allowed_exceptions=()
                )
        except Exception:  # a link is a nicety: never let it break the build
            return None
        if found is None:
            return None
        uri = str(found.get("refuri", ""))
        if not uri and found.get("refid"):
            uri = "#" + str(found["refid"])
        if uri.startswith("#") and uri.count("#") > 1:
            # singlehtml: "#document-api#linkmodels.Scale" -> the anchor on the one page
            uri = uri[uri.index("#", 1) :]
        return uri or None

    return resolve


def type_links(app: Sphinx, docname: str, classes: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Layer type -> URL (relative to page ``docname``) for the classes of one diagram."""
    manual = app.config.netviz_type_links
    manual = {str(k): str(v) for k, v in manual.items()} if isinstance(manual, dict) else {}
    return link_table(classes, _resolver(app, docname), manual)
