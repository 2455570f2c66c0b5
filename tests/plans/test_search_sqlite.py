"""Issue 13, item 10: the plan search on the embedded SQLite default finds what PostgreSQL finds.

On SQLite the search box used to look for the whole query as one substring, so the page's own example found
nothing unless its words stood side by side. The SQLite side runs for real: a separate process with
DATABASE_URL pointing at a fresh SQLite file (as `make run` has it), migrated, the same plans built through the
services, the same selector the list page and the API call. The PostgreSQL side runs in the test database.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.plans.search_scene import EXPECTED, PAGE_EXAMPLE, build_search_scene, search_results

ROOT = Path(__file__).resolve().parents[2]
# The SQLite process decides its own database, broker and settings; everything else is inherited.
CONTROLLED = ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
SCRIPT = (
    "import sys, django; django.setup(); from tests.plans.search_scene import write_results; write_results(sys.argv[1])"
)


@pytest.fixture(scope="module")
def on_sqlite(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("sqlite-search")
    out = folder / "results.json"
    env = {key: value for key, value in os.environ.items() if key not in CONTROLLED}
    env |= {
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PRIVATE_MEDIA_ROOT": str(folder / "private"),
    }
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "-c", SCRIPT, str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(out.read_text())


def test_the_sqlite_side_really_runs_on_sqlite(on_sqlite):
    assert on_sqlite["vendor"] == "sqlite"


@pytest.mark.parametrize("query", list(EXPECTED))
def test_on_sqlite_every_word_must_appear_anywhere_not_as_one_phrase(on_sqlite, query):
    assert on_sqlite["results"][query] == EXPECTED[query]


def test_the_search_boxs_own_example_finds_the_reunification_plan_on_sqlite(on_sqlite):
    assert PAGE_EXAMPLE == "reunification fieldhouse"
    assert on_sqlite["results"][PAGE_EXAMPLE] == ["District 58 family reunification plan"]
    assert on_sqlite["results"]["reunification stadium"] == ["Maple Valley High crisis plan"]


@pytest.mark.django_db
def test_postgresql_finds_the_same_plans_for_every_query(on_sqlite):
    build_search_scene()
    on_postgresql = search_results()
    assert on_postgresql == EXPECTED
    assert on_postgresql == on_sqlite["results"]
