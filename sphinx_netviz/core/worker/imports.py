"""A diagram's sources: the project files its graph was made from, found by reading code.

The worker is one process reused for a whole build, and a module executes only once in it, so
"what the import of this spec loaded" depends on which specs came before: the first spec of a
package gets the package's files, a later one gets only what is still new, and a module
imported lazily inside a factory is missed when an earlier spec imported it. Such a list is
too broad in one order and too narrow in another, and it decides when a cache entry, a
committed snapshot and a page are stale.

So the sources of one spec are computed from two things that do not depend on the worker's
history:

- **Roots**: the factory's module and the module of every class drawn in its graph
  (``Node.module``), when that module is a project file (:func:`project_file`). The graph
  catches a class the factory never names (a block built by a helper elsewhere).
- **Closure**: each root's project-local imports, read statically with :mod:`ast`
  (:func:`imports_of`): ``import a.b``, ``from a import b`` (the module ``a.b`` when there is
  one, else ``a``), relative imports, and ``importlib.import_module("literal")``, anywhere in
  the file (imports inside a factory's body are the common case), followed transitively over
  project files only.
- **Parent packages**: the ``__init__.py`` of each package on the way to a listed module is
  listed, since it runs first, but its own imports are not followed (a package that
  re-exports everything would otherwise put every module into every spec, the leak this
  module exists to stop). A module that imports *from* the package itself (``from pkg
  import name``) does follow it: it uses what the package gives.

Not seen: imports with computed names (``import_module(f"pkg.{name}")``) and data files a
factory reads. Module files are found the way the import system would (``sys.modules``
first, then the path), but nothing is ever imported here.
"""

from __future__ import annotations

import ast
import functools
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from .files import is_project_file

__all__ = ["ModuleFinder", "imports_of", "project_file", "spec_sources"]

#: netviz's own source folders: an editable install of netviz is not the user's project.
_OWN_DIRS = tuple(
    str(Path(__file__).resolve().parents[3] / name) + os.sep
    for name in ("mkdocs_netviz", "sphinx_netviz")
)


def project_file(path: str | Path) -> bool:
    """True for a ``.py`` file of the user's project (not the standard library, not an
    installed package, not netviz itself)."""
    real = os.path.realpath(path)
    if not real.endswith(".py") or real.startswith(_OWN_DIRS):
        return False
    return Path(real).is_file() and is_project_file(real)


class ModuleFinder:
    """Finds a dotted module's file without importing anything.

    A module already in ``sys.modules`` is taken from there (its real ``__file__``, and a
    package's real ``__path__``, which its ``__init__`` may have changed); anything else is
    looked up along ``path`` (default ``sys.path``) as the path finder would: ``x.py`` or
    ``x/__init__.py`` per folder, a folder without one being a namespace package.
    """

    def __init__(self, path: Sequence[str] | None = None) -> None:
        self._path = list(sys.path if path is None else path)
        self._dirs: dict[str, tuple[Path, ...]] = {}
        self._files: dict[str, str | None] = {}

    def dirs(self, package: str) -> tuple[Path, ...]:
        """The folders submodules of ``package`` are looked up in (``""``: the path)."""
        if not package:
            return tuple(Path(p or os.curdir).absolute() for p in self._path)
        if package in self._dirs:
            return self._dirs[package]
        module = sys.modules.get(package)
        found: tuple[Path, ...]
        if module is not None:
            found = tuple(Path(p) for p in getattr(module, "__path__", None) or ())
        else:
            parent, _, last = package.rpartition(".")
            found = tuple(d / last for d in self.dirs(parent) if (d / last).is_dir())
        self._dirs[package] = found
        return found

    def file(self, name: str) -> str | None:
        """The real path of ``name``'s source file (``__init__.py`` for a package), or None
        (no such module, a namespace package, or not a ``.py`` file)."""
        if name in self._files:
            return self._files[name]
        found: str | None = None
        module = sys.modules.get(name)
        if module is not None:
            origin = getattr(module, "__file__", None)
            found = os.path.realpath(origin) if origin else None
        elif all(part.isidentifier() for part in name.split(".")):
            parent, _, last = name.rpartition(".")
            for folder in self.dirs(parent):  # a package folder wins over a module file
                for candidate in (folder / last / "__init__.py", folder / f"{last}.py"):
                    if candidate.is_file():
                        found = os.path.realpath(candidate)
                        break
                if found is not None:
                    break
        if found is not None and not found.endswith(".py"):
            found = None
        self._files[name] = found
        return found


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _import_module_calls(tree: ast.AST) -> Iterator[tuple[str, bool]]:
    """``(name, relative)`` of ``importlib.import_module("...")`` / ``__import__("...")``."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if called not in {"import_module", "__import__"}:
            continue
        name = _literal(node.args[0])
        if name:
            yield name, name.startswith(".")


def _resolve_relative(module: str, is_package: bool, level: int, name: str) -> str | None:
    parts = module.split(".") if is_package else module.split(".")[:-1]
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    joined = ".".join([*base, *([name] if name else [])])
    return joined or None


@functools.lru_cache(maxsize=4096)
def _imports_cached(
    path: str, stamp: tuple[int, int], module: str, is_package: bool
) -> tuple[tuple[str, ...], ...]:
    try:
        tree = ast.parse(Path(path).read_bytes(), filename=path)
    except (OSError, SyntaxError, ValueError):
        return ()
    found: list[tuple[str, ...]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name,) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                prefix = _resolve_relative(module, is_package, node.level, node.module or "")
            else:
                prefix = node.module
            if not prefix:
                continue
            for alias in node.names:
                if alias.name == "*":
                    found.append((prefix,))
                else:  # the submodule if there is one, else the module holding the name
                    found.append((f"{prefix}.{alias.name}", prefix))
    for name, relative in _import_module_calls(tree):
        if relative:
            level = len(name) - len(name.lstrip("."))
            resolved = _resolve_relative(module, is_package, level, name.lstrip("."))
            if resolved:
                found.append((resolved,))
        else:
            found.append((name,))
    return tuple(dict.fromkeys(found))


def imports_of(
    path: str | Path, module: str, is_package: bool = False
) -> tuple[tuple[str, ...], ...]:
    """What the file of ``module`` imports, anywhere in it: per import, the candidate dotted
    names in order of preference (``from a import b`` gives ``("a.b", "a")``: the submodule
    ``a.b`` if it exists, else ``a``). Cached by the file's modification time and size."""
    try:
        st = Path(path).stat()
    except OSError:
        return ()
    return _imports_cached(str(path), (st.st_mtime_ns, st.st_size), module, is_package)


def _parents(name: str) -> Iterator[str]:
    parts = name.split(".")
    for i in range(1, len(parts)):
        yield ".".join(parts[:i])


def spec_sources(roots: Iterable[str], finder: ModuleFinder | None = None) -> set[str]:
    """The real paths of the project files behind dotted modules ``roots``: the roots that
    are project files, their project-local imports (transitively) and the ``__init__.py``
    of every package on the way (listed, not followed). See the module docstring."""
    finder = finder or ModuleFinder()
    files: set[str] = set()
    done: set[str] = set()
    todo = [r for r in roots if r]
    while todo:
        name = todo.pop()
        if name in done:
            continue
        done.add(name)
        path = finder.file(name)
        if path is None or not project_file(path):
            continue
        files.add(path)
        for parent in _parents(name):
            parent_path = finder.file(parent)
            if parent_path is not None and project_file(parent_path):
                files.add(parent_path)
        is_package = Path(path).name == "__init__.py"
        for candidates in imports_of(path, name, is_package):
            for candidate in candidates:
                if finder.file(candidate) is not None or candidate == candidates[-1]:
                    todo.append(candidate)
                    break
    return files
