"""Which app may import which: read from the source with `ast`, so imports inside functions
and under TYPE_CHECKING count as much as those at the top of a module.

- privacy depends on none of posts, mentoring and moderation (they depend on it), neither
  directly nor through another module of the project;
- posts.services calls moderation.services, never the other way round: no circle between
  them, however indirect.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "community", "mentoring", "moderation", "notifications", "posts", "privacy"]
PRIVACY_MUST_NOT_USE = ("posts", "mentoring", "moderation")


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(source: str, *, module: str, is_package: bool = False) -> Iterator[str]:
    """Every module `source` imports, wherever the import statement is, relative ones
    resolved; `from a import b` yields both `a` and `a.b` (b may be a module). Also the
    constant names given to `importlib.import_module`."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            yield target
            for alias in node.names:
                yield f"{target}.{alias.name}"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    return {
        module_name(path, root): path for app in APPS for path in sorted((root / app).rglob("*.py"))
    }


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Each project module and the project modules it imports."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found = imported_names(
            path.read_text(encoding="utf-8"), module=name, is_package=path.name == "__init__.py"
        )
        graph[name] = {target for target in found if target in modules and target != name}
    return graph


def path_between(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """The shortest chain of imports from `start` to `goal`, or None."""
    queue = deque([[start]])
    seen = {start}
    while queue:
        chain = queue.popleft()
        for nxt in sorted(graph.get(chain[-1], ())):
            if nxt == goal:
                return [*chain, nxt]
            if nxt not in seen:
                seen.add(nxt)
                queue.append([*chain, nxt])
    return None


def _belongs_to(module: str, apps: tuple[str, ...]) -> bool:
    return any(module == app or module.startswith(f"{app}.") for app in apps)


def collapse(graph: dict[str, set[str]], packages: set[str]) -> dict[str, set[str]]:
    """The graph with each of `packages` one node: its modules' imports become its own
    (posts.services is a package whose modules are one layer)."""

    def node(name: str) -> str:
        return next((p for p in packages if name.startswith(f"{p}.")), name)

    collapsed: dict[str, set[str]] = {}
    for name, targets in graph.items():
        collapsed.setdefault(node(name), set()).update(node(t) for t in targets)
    for name, targets in collapsed.items():
        targets.discard(name)
    return collapsed


SERVICE_PACKAGES = {
    module_name(path.parent) for app in APPS for path in (ROOT / app).glob("services/__init__.py")
}
GRAPH = collapse(import_graph(project_modules()), SERVICE_PACKAGES)


# --- The checker sees every kind of import ------------------------------------------------


def test_the_checker_sees_imports_inside_functions_and_relative_ones() -> None:
    source = """
from typing import TYPE_CHECKING
from . import models
from ..posts.services import publish_post
import importlib
if TYPE_CHECKING:
    from mentoring.models import Message
def later():
    from moderation import services
    importlib.import_module("notifications.tasks")
"""
    found = set(imported_names(source, module="privacy.sub.thing"))
    assert {
        "privacy.sub.models",
        "privacy.posts.services.publish_post",
        "mentoring.models",
        "moderation.services",
        "notifications.tasks",
    } <= found
    assert "privacy.posts.services" in found


def test_the_checker_finds_a_circle_made_inside_a_function(tmp_path: Path) -> None:
    for app, text in {
        "posts": "from moderation.services import remove_content\n",
        "moderation": "def remove():\n    from posts import services\n",
    }.items():
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
        (tmp_path / app / "services.py").write_text(text)
    modules = {module_name(path, tmp_path): path for path in sorted(tmp_path.rglob("*.py"))}
    graph = import_graph(modules)
    assert path_between(graph, "posts.services", "moderation.services")
    assert path_between(graph, "moderation.services", "posts.services")


# --- The project's boundaries -------------------------------------------------------------


def test_service_packages_are_one_node() -> None:
    assert {"posts.services", "notifications.services"} <= SERVICE_PACKAGES
    graph = {"a.services.x": {"b.services.y", "a.services.z"}, "a.services.z": {"c.m"}}
    assert collapse(graph, {"a.services", "b.services"}) == {"a.services": {"b.services", "c.m"}}


def test_the_graph_covers_the_apps() -> None:
    assert {"privacy.guard", "privacy.services", "posts.services", "moderation.services"} <= set(
        GRAPH
    )
    assert "moderation.services" in GRAPH["posts.services"]
    assert "privacy.services" in GRAPH["posts.services"]


@pytest.mark.parametrize("module", sorted(name for name in GRAPH if name.startswith("privacy")))
def test_privacy_depends_on_none_of_posts_mentoring_and_moderation(module: str) -> None:
    direct = sorted(t for t in GRAPH[module] if _belongs_to(t, PRIVACY_MUST_NOT_USE))
    assert not direct, f"{module} imports {direct}"
    for target in GRAPH:
        if _belongs_to(target, PRIVACY_MUST_NOT_USE):
            chain = path_between(GRAPH, module, target)
            assert chain is None, " -> ".join(chain or [])


def test_posts_and_moderation_services_do_not_import_each_other() -> None:
    mutual = (
        "moderation.services" in GRAPH["posts.services"]
        and "posts.services" in GRAPH["moderation.services"]
    )
    assert not mutual, "posts.services and moderation.services import each other"
    chain = path_between(GRAPH, "moderation.services", "posts.services")
    assert chain is None, "a circle: " + " -> ".join(chain or [])


def _app(module: str) -> str:
    return module.split(".", 1)[0]


def test_no_import_circle_crosses_apps() -> None:
    """No file of one app imports (however indirectly) a file of another app that imports
    it back: between apps, imports go one way."""
    files = import_graph(project_modules())
    circles = []
    for module, targets in sorted(files.items()):
        for target in sorted(targets):
            if _app(target) != _app(module):
                back = path_between(files, target, module)
                if back is not None:
                    circles.append(" -> ".join([module, *back]))
    assert not circles, "\n".join(circles)
