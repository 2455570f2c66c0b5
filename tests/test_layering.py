"""The layering, read from the source: portal/ is the kernel and imports no domain app, and no app imports
another app's views (its web pages or API views); apps share selectors, services and context builders."""

import ast
import os
import re
import subprocess
import sys
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


def test_notifications_enqueue_tasks_by_name_and_only_the_worker_imports_them():
    offending = [
        f"{_where(path, line)} imports {module}"
        for package in [*APPS, KERNEL]
        for path in _python_files(package)
        if path.relative_to(ROOT).as_posix() != "notifications/tasks.py"
        for line, module in _imported_modules(path)
        if module == "notifications.tasks" or module.startswith("notifications.tasks.")
    ]
    assert not offending, "Enqueue through notifications.dispatch by task name:\n" + "\n".join(offending)


def test_every_task_name_that_code_enqueues_is_a_registered_task():
    from notifications import dispatch

    for name in (dispatch.FAN_OUT_EVENT, dispatch.SEND_EVENT_EMAILS, dispatch.DELIVER_WEBHOOK):
        assert dispatch.task_named(name).name == name


def test_a_web_process_that_never_imported_the_tasks_finds_them_by_name_and_runs_them_eagerly():
    # Without Redis (`make run`) tasks run in-process, so a web process needs the task objects themselves.
    code = (
        "import sys, django; django.setup()\n"
        "assert 'notifications.tasks' not in sys.modules\n"
        "from celery import current_app\n"
        "from notifications import dispatch\n"
        "assert current_app.conf.task_always_eager\n"
        "print(dispatch.task_named(dispatch.FAN_OUT_EVENT).name)\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "notifications.fan_out_event"


def test_notifications_read_plans_and_reviews_through_their_selectors_and_the_access_layer():
    # Model classes may be named (types, foreign keys); their tables are queried by the owning app only.
    allowed = {"plans.models": {"Plan", "classification_words"}, "reviews.models": set()}
    offending = []
    for path in _python_files("notifications"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in allowed:
                extra = {alias.name for alias in node.names} - allowed[node.module]
                if extra:
                    offending.append(f"{_where(path, node.lineno)} imports {sorted(extra)} from {node.module}")
            if isinstance(node, ast.Attribute) and node.attr == "objects" and getattr(node.value, "id", "") == "Plan":
                offending.append(f"{_where(path, node.lineno)} queries Plan.objects")
    assert not offending, "Ask plans/selectors.py, reviews/selectors.py or access/:\n" + "\n".join(offending)
