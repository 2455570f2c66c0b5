"""The layering, read from the source: portal/ is the kernel and imports no domain app, and no app imports
another app's views (its web pages or API views); apps share selectors, services and context builders."""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KERNEL = "portal"
NOT_APPS = {KERNEL, "tests", "bench", "scripts", "docs"}
# Every top-level package of the project but the kernel is a domain app (a new one is covered by itself).
APPS = sorted(p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name not in NOT_APPS)
# A module that answers HTTP: views.py, views_*.py, *_views.py, *_pages.py (web pages and api/ alike).
VIEW_MODULE = re.compile(r"^(views|views_\w+|\w+_views|\w+_pages)$")


def _python_files(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


def _imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    """Every module the file imports, at any depth (lazy imports in functions count), with its line."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:  # `from plans import views_edit` imports the module plans.views_edit
                yield node.lineno, f"{node.module}.{alias.name}"
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


def test_the_apps_are_found():
    assert {"access", "agencies", "dashboard", "notifications", "plans", "reviews"} <= set(APPS)
    assert KERNEL not in APPS


def test_the_kernel_imports_no_domain_app():
    offending = [
        f"{_where(path, line)} imports {module}"
        for path in _python_files(KERNEL)
        for line, module in _imported_modules(path)
        if module.split(".")[0] in APPS
    ]
    assert not offending, "portal/ is the kernel; move the code that needs a domain app into that app:\n" + "\n".join(
        offending
    )


def test_no_app_imports_another_apps_views():
    offending = []
    for app in [*APPS, KERNEL]:
        for path in _python_files(app):
            for line, module in _imported_modules(path):
                parts = module.split(".")
                if parts[0] != app and parts[0] in APPS and VIEW_MODULE.match(parts[-1]):
                    offending.append(f"{_where(path, line)} imports {module}")
    assert not offending, (
        "Share a selector, service or context builder of the other app instead of its views:\n" + "\n".join(offending)
    )


def test_the_view_module_pattern_matches_what_it_should():
    names = ["views", "views_edit", "fact_views", "concurrence_pages", "webhook_views"]
    assert all(VIEW_MODULE.match(name) for name in names)
    assert not any(VIEW_MODULE.match(name) for name in ["selectors", "fact_context", "preview", "reviews"])
