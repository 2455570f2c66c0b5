"""Issue 12, item 7: every URL of the portal is in a tenant-isolation matrix, so a new endpoint cannot skip them.

The routes are read from Django's URL resolver (web pages, the API, DRF routers, every include and namespace).
A matrix test says which routes it requests with `@covers("namespace:name", ...)` (tests/permission_matrix.py):
it must be parametrized over every actor, and it fails unless each of its cases really requests each route it
names (tests/conftest.py), so the marks cannot drift from what the tests do. A route that carries no tenant data
(admin, sign-in, password reset, the schema) is on the allow-list below, with its reason.
"""

import importlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, include, path
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from portal.urls import urlpatterns as portal_urlpatterns
from tests.permission_matrix import ACTORS

TESTS = Path(__file__).resolve().parents[1]

# Routes that carry no tenant data, each with the reason. A name ending in ":" stands for its whole namespace.
NOT_TENANT_DATA: dict[str, str] = {
    "admin:": "Django's admin: platform operators only, everyone else to its sign-in (tests/test_admin.py)",
    "login": "signing in (tests/security/test_sign_in_lockout.py)",
    "logout": "signing out",
    "account_login": "signing in: allauth's name for the same page as login",
    "account_logout": "signing out: allauth's name for the same page as logout",
    "account_signup": "says sign-up is closed (accounts come from agency invitations)",
    "account_inactive": "says the account is inactive, to the person who just tried it",
    "account_reauthenticate": "the signed-in person confirms their own password; no id in the URL",
    "account_reset_password": "leads to password_reset",
    "account_change_password": "leads to password_change",
    # allauth.mfa: the signed-in person's own second factors (no id in the URL; keys by id: tests/accounts/).
    "mfa_index": "the person's own second factors",
    "mfa_authenticate": "the code step of signing in, for the person who just gave their password",
    "mfa_reauthenticate": "the signed-in person confirms their own second factor",
    "mfa_activate_totp": "the person sets up their own authenticator app",
    "mfa_deactivate_totp": "the person removes their own authenticator app",
    "mfa_view_recovery_codes": "the person's own recovery codes",
    "mfa_generate_recovery_codes": "the person replaces their own recovery codes",
    "mfa_download_recovery_codes": "the person's own recovery codes as a file",
    "mfa_list_webauthn": "the person's own passkeys",
    "mfa_add_webauthn": "the person registers a passkey of their own",
    "mfa_reauthenticate_webauthn": "the signed-in person confirms with their own passkey",
    "mfa_login_webauthn": "signing in with a passkey",
    "identity:sso-start": "asks for a work e-mail and sends the person to their agency's provider (tests/sso/)",
    "openid_connect_login": "starts an agency provider's sign-in; signs in only its own members (tests/sso/)",
    "openid_connect_callback": "the provider's answer: checked, then matched to one member or refused (tests/sso/)",
    "socialaccount_login_cancelled": "says the sign-in was cancelled at the provider; no data",
    "socialaccount_login_error": "says the sign-in through the provider failed; no data",
    "password_change": "the signed-in person's own password; no id in the URL (tests/web/test_accounts.py)",
    "password_change_done": "a confirmation page without data",
    "password_reset": "asks for an e-mail address; answers alike whether it exists (test_password_reset_rate.py)",
    "password_reset_done": "a confirmation page without data",
    "password_reset_confirm": "a one-time link signed for one person by Django's token generator",
    "password_reset_complete": "a confirmation page without data",
    "rest_framework:login": "the browsable API's sign-in page",
    "rest_framework:logout": "the browsable API's sign-out",
    "api-root": "links to the API's lists, the same for everyone",
    "schema": "the OpenAPI schema: the API's shape, no data (tests/security/test_api_schema.py)",
    "api-docs": "Swagger UI over the schema",
    "favicon": "redirects to the site's icon, the same for everyone (tests/test_favicon.py)",
    "offline:manifest": "the installable app's manifest, the same for everyone (tests/offline/)",
    "offline:service-worker": "the installable app's service worker script, the same for everyone (tests/offline/)",
    "operations:live": "liveness probe: the same answer for everyone, no data (tests/operations/test_health.py)",
    "operations:ready": "readiness probe: ok or unavailable per service, no data (tests/operations/test_health.py)",
    "operations:metrics": "Prometheus metrics: 404 without METRICS_TOKEN; counts only (tests/operations/)",
}


@dataclass(frozen=True)
class Route:
    """One URL pattern as a request to it is routed: its name (as `resolve().view_name` gives it), its full
    pattern and its view (to point a reader at the code)."""

    name: str  # "namespace:name", or "" for an unnamed pattern
    pattern: str
    view: str
    namespace: str = ""  # "admin:", "plans:", or "" outside any namespace


@dataclass(frozen=True)
class MatrixTest:
    """A test marked `covers(...)`: where it is, the routes it names, and the actors it is parametrized over."""

    nodeid: str
    routes: tuple[str, ...]
    actors: frozenset[str] = field(default=frozenset(ACTORS))

    @property
    def module(self) -> str:
        return self.nodeid.split("::")[0]


def _view_of(callback: object) -> str:
    target = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
    return f"{target.__module__}.{getattr(target, '__qualname__', type(target).__name__)}"


def project_routes(patterns: Sequence | None = None) -> list[Route]:
    """Every route of the URL configuration (or of `patterns`), through every include, namespace and router."""

    def walk(entries: Iterable, namespace: str, prefix: str) -> Iterator[Route]:
        for entry in entries:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, inner, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                name = f"{namespace}{entry.name}" if entry.name else ""
                yield Route(name, prefix + str(entry.pattern), _view_of(entry.callback), namespace)

    return list(walk(get_resolver().url_patterns if patterns is None else patterns, "", ""))


_ParameterSet = type(pytest.param(None))


def _parametrized(marks: Iterable[pytest.Mark]) -> Iterator[tuple[list[str], tuple, tuple]]:
    """Each case of each `parametrize` mark: its argument names, its values and its own marks."""
    for mark in marks:
        if mark.name == "parametrize":
            names = mark.args[0]
            names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
            for value in mark.args[1]:
                if isinstance(value, _ParameterSet):
                    yield names, tuple(value.values), tuple(value.marks)
                else:
                    yield names, (value,) if len(names) == 1 else tuple(value), ()


def _actors_of(marks: Sequence[pytest.Mark]) -> frozenset[str]:
    """The actors a test is parametrized over (by `matrix(...)`, or by a plain list of actor names)."""
    return frozenset(values[names.index("actor")] for names, values, _ in _parametrized(marks) if "actor" in names)


def _covered_by(marks: Sequence[pytest.Mark]) -> tuple[str, ...]:
    """The routes of a test's `covers` marks, on the test itself or on its cases (`pytest.param(..., marks=)`);
    a mark on one actor's case does not count, since the other actors' cases never request that route."""
    case_marks = [mark for names, _, own in _parametrized(marks) if "actor" not in names for mark in own]
    return tuple(dict.fromkeys(arg for mark in [*marks, *case_marks] if mark.name == "covers" for arg in mark.args))


@cache
def matrix_tests() -> tuple[MatrixTest, ...]:
    """Every test under tests/ marked `covers(...)`, found by importing the modules that use the mark."""
    found = []
    for file in sorted(TESTS.rglob("test_*.py")):
        if file == Path(__file__).resolve() or "covers(" not in file.read_text():
            continue
        relative = file.relative_to(TESTS.parent)
        module = importlib.import_module(".".join(relative.with_suffix("").parts))
        for name, function in vars(module).items():
            marks = getattr(function, "pytestmark", []) if name.startswith("test_") else []
            routes = _covered_by(marks)
            if routes:
                found.append(MatrixTest(f"{relative.as_posix()}::{name}", routes, _actors_of(marks)))
    return tuple(found)


def coverage_of(tests: Iterable[MatrixTest]) -> dict[str, list[str]]:
    """Route name -> the matrix tests that request it."""
    covered: dict[str, list[str]] = {}
    for test in tests:
        for route in test.routes:
            covered.setdefault(route, []).append(test.nodeid)
    return covered


def _allowed(route: Route, allowed: Mapping[str, str]) -> bool:
    return route.name in allowed or any(entry.endswith(":") and route.namespace.startswith(entry) for entry in allowed)


def _segments(pattern: str) -> list[str]:
    """A pattern's path segments, DRF's regular expressions written like route parameters."""
    plain = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", pattern).replace("^", "").replace("$", "")
    return [segment for segment in plain.split("/") if segment]


def _nearest_matrix(route: Route, routes: Sequence[Route], tests: Sequence[MatrixTest]) -> str:
    """Where the new route's test belongs: the matrix module of the covered route whose URL shares the longest
    start with it (on the same side, API or web)."""
    covered = coverage_of(tests)
    api = route.pattern.startswith("api/")
    best, best_length = None, -1
    for other in routes:
        if other.name not in covered or other.pattern.startswith("api/") != api:
            continue
        length = 0
        for mine, theirs in zip(_segments(route.pattern), _segments(other.pattern), strict=False):
            if mine != theirs:
                break
            length += 1
        if length > best_length:
            best, best_length = other, length
    if best is None:
        return "a matrix test in the app's tests"
    modules = sorted({nodeid.split("::")[0] for nodeid in covered[best.name]})
    return f"{' or '.join(modules)} (beside {best.name})"


def uncovered_routes(
    routes: Sequence[Route], tests: Sequence[MatrixTest], allowed: Mapping[str, str] = NOT_TENANT_DATA
) -> list[str]:
    """One line per route that no matrix test requests and the allow-list does not name, saying where to add it."""
    covered = coverage_of(tests)
    problems = []
    for route in routes:
        if _allowed(route, allowed) or route.name in covered:
            continue
        if not route.name:
            problems.append(f"/{route.pattern} ({route.view}) has no name: name it, then cover it in a matrix")
            continue
        problems.append(
            f"{route.name} /{route.pattern} ({route.view}) is in no tenant-isolation matrix: add a test parametrized "
            f"with matrix(...) and marked @covers({route.name!r}) to {_nearest_matrix(route, routes, tests)}"
        )
    return problems


def allow_list_problems(
    routes: Sequence[Route], tests: Sequence[MatrixTest], allowed: Mapping[str, str] = NOT_TENANT_DATA
) -> list[str]:
    """Allow-list entries that name no route any more, or a route a matrix already covers (so the list cannot rot)."""
    covered = coverage_of(tests)
    problems = []
    for entry in allowed:
        matched = [r for r in routes if _allowed(r, {entry: ""})]
        if not matched:
            problems.append(f"{entry!r} is allow-listed but no such route exists: remove it from NOT_TENANT_DATA")
        for route in matched:
            if route.name in covered:
                problems.append(f"{route.name} is allow-listed and covered by {covered[route.name][0]}: unlist it")
    return problems


def mark_problems(routes: Sequence[Route], tests: Sequence[MatrixTest]) -> list[str]:
    """`covers` marks that name no route, or sit on a test that is not parametrized over every actor."""
    names = {route.name for route in routes}
    problems = []
    for test in tests:
        problems += [f"{test.nodeid} covers {name!r}, which is no route" for name in test.routes if name not in names]
        if test.actors != set(ACTORS):
            missing = sorted(set(ACTORS) - test.actors)
            problems.append(f"{test.nodeid} is marked covers(...) but not parametrized over the actors {missing}")
    return problems


# --- The guard ------------------------------------------------------------------------------------------------------


def test_every_route_is_in_a_tenant_isolation_matrix_or_allow_listed():
    problems = uncovered_routes(project_routes(), matrix_tests())
    assert not problems, "\n".join(problems)


def test_the_allow_list_names_only_routes_that_exist_and_no_matrix_covers():
    problems = allow_list_problems(project_routes(), matrix_tests())
    assert not problems, "\n".join(problems)


def test_every_covers_mark_names_real_routes_on_a_test_of_every_actor():
    assert matrix_tests(), "no test is marked covers(...)"
    problems = mark_problems(project_routes(), matrix_tests())
    assert not problems, "\n".join(problems)


# --- The guard catches what it should ------------------------------------------------------------------------------


def _hidden_view(request, **kwargs) -> HttpResponse:
    return HttpResponse("a plan's secrets")


class _HiddenViewSet(viewsets.ViewSet):
    def list(self, request) -> Response:
        return Response([])

    def retrieve(self, request, pk=None) -> Response:
        return Response({})


def test_a_new_page_api_route_and_router_route_outside_every_matrix_are_reported():
    router = SimpleRouter()
    router.register("plans/(?P<plan_id>[0-9]+)/secrets", _HiddenViewSet, basename="plan-secret")
    added = [
        path("", include(([path("plans/<int:plan_id>/export/", _hidden_view, name="export")], "plans"))),
        path("api/v1/", include([path("plans/<int:plan_id>/export/", _hidden_view, name="plan-export"), *router.urls])),
        path("plans/<int:plan_id>/raw/", _hidden_view),
    ]
    routes = project_routes([*portal_urlpatterns, *added])
    problems = uncovered_routes(routes, matrix_tests())
    assert len(problems) == 5, problems
    export, api_export, secrets, secret, raw = problems
    assert export.startswith(
        "plans:export /plans/<int:plan_id>/export/ (tests.security.test_url_coverage._hidden_view)"
    )
    assert "marked @covers('plans:export')" in export
    assert "tests/web/test_plan_pages.py" in export  # beside the other plan pages
    assert api_export.startswith("plan-export /api/v1/plans/<int:plan_id>/export/")
    assert "tests/plans/test_permission_matrix.py" in api_export
    assert secrets.startswith("plan-secret-list /api/v1/^plans/(?P<plan_id>[0-9]+)/secrets/$")
    assert secret.startswith("plan-secret-detail ")
    assert raw.startswith("/plans/<int:plan_id>/raw/ (tests.security.test_url_coverage._hidden_view) has no name")


def test_routes_are_reported_when_the_matrix_that_held_them_is_gone():
    routes, tests = project_routes(), matrix_tests()
    webhook_matrix = "tests/notifications/test_webhook_api.py"
    elsewhere = {name for t in tests if t.module != webhook_matrix for name in t.routes}
    only_there = {name for t in tests if t.module == webhook_matrix for name in t.routes} - elsewhere
    assert only_there, "the webhook API matrix covers routes of its own"
    problems = set(uncovered_routes(routes, [t for t in tests if t.module != webhook_matrix]))
    problems -= set(uncovered_routes(routes, tests))
    assert sorted(p.split(" ")[0] for p in problems) == sorted(only_there)


def test_a_stale_or_needless_allow_list_entry_is_reported():
    routes, tests = project_routes(), matrix_tests()
    allowed = {**NOT_TENANT_DATA, "plans:retired": "a page that was removed", "plans:": "every plan page"}
    problems = allow_list_problems(routes, tests, allowed)
    assert "'plans:retired' is allow-listed but no such route exists: remove it from NOT_TENANT_DATA" in problems
    assert any(p.startswith("plans:detail is allow-listed and covered by ") for p in problems)


def test_a_mark_on_a_test_of_some_actors_or_on_no_route_is_reported():
    tests = [MatrixTest("tests/x.py::test_owners_only", ("plans:detail", "plans:gone"), frozenset({"owner_admin"}))]
    problems = mark_problems(project_routes(), tests)
    assert problems[0] == "tests/x.py::test_owners_only covers 'plans:gone', which is no route"
    assert problems[1].startswith("tests/x.py::test_owners_only is marked covers(...) but not parametrized over")
    assert "'anonymous'" in problems[1]
