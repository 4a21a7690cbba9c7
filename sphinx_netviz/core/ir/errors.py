"""The error types of the core.

Every error a user can cause is a :class:`NetvizError`; its message is one line that names
what was asked for (the spec, the option) and what is wrong, so that an adapter can show it
verbatim next to the page and line it knows about.
"""

from __future__ import annotations

__all__ = ["ExtractionError", "NetvizError", "OptionError", "RenderError", "SpecError"]


class NetvizError(Exception):
    """Base class of every error netviz reports to a user."""


class SpecError(NetvizError, ValueError):
    """A model spec (``pkg.mod:factory(...)`` or ``path.keras``) is malformed."""


class OptionError(NetvizError, ValueError):
    """An option name is unknown or its value is invalid."""


class ExtractionError(NetvizError):
    """The model named by a spec could not be imported, built or walked."""


class RenderError(NetvizError):
    """A graph could not be turned into a diagram."""
