"""``diff-against`` in a real MkDocs build (issue 21): a fence drawn against its own snapshot
at a git revision, and bad references as located warnings with a placeholder.

The project lives in a temporary git repository with two committed snapshot versions of its
model; the build is offline (drawn from the snapshots, no worker, no framework import).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.core.test_diff_cli import SPEC, git, mlp, snapshot

from .conftest import build_project

pytestmark = [pytest.mark.xdist_group("mkdocs"), pytest.mark.usefixtures("reset_plugin")]

CONFIG = """site_name: diff-against
nav:
  - Home: index.md
plugins:
  - netviz:
      snapshot_dir: snaps
      offline: true
"""

PAGE = f"""# Changes

```netviz
{SPEC}
diff-against: git:HEAD~1
```

```netviz
{SPEC}
diff-against: git:HEAD~1:nowhere.json
```

```netviz
{SPEC}
diff-against: notes.txt
```
"""


def test_diff_against_in_a_mkdocs_page(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / "docs").mkdir(parents=True)
    (project / "snaps").mkdir()
    (project / "mkdocs.yml").write_text(CONFIG)
    (project / "docs" / "index.md").write_text(PAGE)
    git(project, "init", "-q")
    snapshot(project / "snaps", mlp(128))
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "v1")
    snapshot(project / "snaps", mlp(256, dropout=True))
    git(project, "commit", "-q", "-am", "v2")

    result = build_project(project, tmp_path / "site", cache_dir=tmp_path / "cache")
    assert result.error is None
    assert len(result.warnings) == 2, result.warnings
    first, second = result.warnings
    assert "index.md:" in first and "diff-against 'git:HEAD~1:nowhere.json'" in first
    assert "'nowhere.json' does not exist at revision 'HEAD~1'" in first
    assert "index.md:" in second and "diff-against 'notes.txt': expected" in second
    html = result.page("index.html")
    assert html.count("netviz-placeholder") >= 2
    svgs = [
        (tmp_path / "site" / "assets" / "netviz" / name).read_text()
        for name in re.findall(r"assets/netviz/([0-9a-f]+\.svg)", html)
    ] or re.findall(r'<svg[^>]*class="netviz"[^>]*>.*?</svg>', html, re.S)
    marked = [s for s in svgs if 'data-diff="changed"' in s]
    assert marked and 'data-diff="added" data-id="dropout"' in marked[0]
