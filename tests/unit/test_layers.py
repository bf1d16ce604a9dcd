"""Layer rules: Qt only through kiosk/ui/qt.py, the core importable without Qt, the
import-linter contracts, and no import cycle."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, cli_env

QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6")


def qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found += [n for n in names if n.split(".")[0] in QT_MODULES]
    return found


def test_core_imports_without_qt_available() -> None:
    # Import every core module with PySide6 made unimportable: the core must not need it.
    code = (
        "import sys, importlib, pkgutil\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6'):\n"
        "            raise ImportError('Qt blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import kiosk\n"
        "for pkg in ('kiosk.domain', 'kiosk.services', 'kiosk.storage', 'kiosk.sync',"
        " 'kiosk.central', 'kiosk.commands'):\n"
        "    mod = importlib.import_module(pkg)\n"
        "    for info in pkgutil.walk_packages(mod.__path__, pkg + '.'):\n"
        "        if '.migrations' in info.name: continue\n"
        "        importlib.import_module(info.name)\n"
        "import kiosk.cli, kiosk.config, kiosk.i18n, kiosk.crypto\n"
        "print('ok')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=cli_env(),
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_import_linter_contract() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is a dev dependency"
    out = subprocess.run(
        [lint], capture_output=True, text=True, env=cli_env(), cwd=REPO_ROOT, timeout=300
    )
    assert out.returncode == 0, out.stdout + out.stderr


def import_cycles() -> list[list[str]]:
    """The import cycles among kiosk's modules (every import counts, also one inside a
    function): the strongly connected components of the module graph with more than
    one module, by Tarjan's algorithm."""
    import grimp

    graph = grimp.build_graph("kiosk")
    modules = sorted(m for m in graph.modules if ".migrations" not in m)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(start: str) -> None:  # iterative, the graph is deep enough to matter
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if ".migrations" in child or child not in graph.modules:
                    continue
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        cycles.append(sorted(component))

    for module in modules:
        if module not in index:
            visit(module)
    return cycles


def test_import_graph_has_no_cycle() -> None:
    assert import_cycles() == []


def test_the_cycle_finder_sees_a_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The finder is not blind: two modules importing each other (one inside a function)
    are reported."""
    import grimp

    real = grimp.build_graph
    graph = real("kiosk")
    graph.add_import(importer="kiosk.ids", imported="kiosk.clock")
    graph.add_import(importer="kiosk.clock", imported="kiosk.ids")
    monkeypatch.setattr(grimp, "build_graph", lambda *a, **k: graph)
    assert ["kiosk.clock", "kiosk.ids"] in import_cycles()


def test_qt_is_imported_only_through_kiosk_ui_qt() -> None:
    offenders = {}
    for path in (REPO_ROOT / "kiosk").rglob("*.py"):
        rel = path.relative_to(REPO_ROOT).as_posix()
        if rel != "kiosk/ui/qt.py" and (found := qt_imports(path)):
            offenders[rel] = found
    assert offenders == {}


def test_the_qt_names_for_the_type_checker_are_the_names_at_run_time() -> None:
    from kiosk.ui import qt

    tree = ast.parse((REPO_ROOT / "kiosk" / "ui" / "qt.py").read_text(encoding="utf-8"))
    typed: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("PySide6"):
            typed.setdefault(node.module, set()).update(a.name for a in node.names)
    assert typed == {module: set(names) for module, names in qt._NAMES.items()}
