"""The dashboard as a person sees it once htmx has loaded its panels: the page with each placeholder replaced by
the fragment it loads (dashboard/panels.py), for tests that read the panels without a browser."""

import re

from django.test import Client

# A placeholder: its container's opening tag (with the fragment's URL) up to its closing </div>.
PLACEHOLDER = re.compile(
    r'(<div class="dashboard-panels" id="dashboard-[\w-]+" hx-get="(?P<url>/dashboard/\d+/panels/[\w-]+/)"[^>]*>)'
    r".*?(</div>)",
    re.S,
)


def fragment_urls(html: str) -> list[str]:
    """The fragment URLs the page's placeholders load."""
    return [match.group("url") for match in PLACEHOLDER.finditer(html)]


def dashboard_html(client: Client, url: str = "/") -> str:
    """The page at `url` with every panel loaded as htmx loads it (each fragment must answer 200)."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    html = response.content.decode()

    def loaded(match: re.Match[str]) -> str:
        fragment = client.get(match.group("url"), headers={"HX-Request": "true", "X-Concord-Background": "1"})
        assert fragment.status_code == 200, (match.group("url"), fragment.status_code)
        return match.group(1) + fragment.content.decode() + match.group(3)

    return PLACEHOLDER.sub(loaded, html)


def dashboard_query_counts(client: Client, url: str = "/") -> dict[str, int]:
    """The queries of the page and of each fragment it loads, by name ("page", "attention", "own-plans", …)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200, page.status_code
    counts = {"page": len(queries)}
    for fragment in fragment_urls(page.content.decode()):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(fragment).status_code == 200, fragment
        counts[fragment.rstrip("/").rsplit("/", 1)[1]] = len(queries)
    return counts
