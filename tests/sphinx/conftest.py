"""Sphinx build tests: sphinx.testing fixtures, test roots in ``tests/sphinx/roots``.

``pytest_plugins = ["sphinx.testing.fixtures"]`` is only allowed in the top-level conftest
(pytest refuses it in a conftest found during collection), so the fixtures and the hook that
registers the ``sphinx`` marker are imported here instead, which pytest treats the same way.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sphinx.testing.fixtures import (  # noqa: F401 - fixtures and hook, used by pytest
    _shared_result_cache,
    app,
    app_params,
    make_app,
    pytest_configure,
    rollback_sysmodules,
    shared_result,
    sphinx_test_tempdir,
    status,
    test_params,
    warning,
)

collect_ignore = ["roots"]


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return Path(__file__).resolve().parent / "roots"
