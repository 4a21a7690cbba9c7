"""The one options schema, shared by the directive, the fence, the CLI and the docs.

- :mod:`.schema`: every option declared once (:class:`Options`, :data:`OPTIONS`), looked up by
  :func:`option` and resolved, validated and merged by :func:`resolve_options`;
- :mod:`.values`: one :class:`Option` and the parsers of its values (types, colours, shapes,
  memory sizes such as ``4GiB``).
"""

from __future__ import annotations

from .schema import OPTIONS, Options, option, resolve_options
from .values import Option

__all__ = ["OPTIONS", "Option", "Options", "option", "resolve_options"]
