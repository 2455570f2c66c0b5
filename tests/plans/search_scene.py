"""A few plans and the queries whose results must be the same on PostgreSQL (full text) and on the embedded SQLite
default (words as substrings): tests/plans/test_search_sqlite.py builds them in both.

`write_results` does it all on the database Django is configured with (an empty SQLite file, in a process of
its own): migrate it the way `make run` does, build the plans through the services, write every query's
results to a file.
"""

import json

from django.core.management import call_command
from django.db import connection

from agencies.models import AgencyKind, Role
from plans.forms_filters import PlanFilterForm
from plans.management.demo.agency_text import reunification_sections
from plans.models import Plan
from plans.selectors import plans_search
from tests.agencies.factories import AgencyFactory, member
from tests.plans.factories import draft, make_plan, publish

# The search box's own example ("e.g. reunification fieldhouse"), as the page shows it.
PAGE_EXAMPLE = str(PlanFilterForm.base_fields["q"].help_text).rsplit("e.g. ", 1)[1].rstrip(".")

# Query -> the titles it finds, on either database.
EXPECTED: dict[str, list[str]] = {
    PAGE_EXAMPLE: ["District 58 family reunification plan"],
    # Both words, far apart in the text: found, whatever their order or case.
    "reunification stadium": ["Maple Valley High crisis plan"],
    "Stadium REUNIFICATION": ["Maple Valley High crisis plan"],
    # A word of the title and a word of a section.
    "crisis bleachers": ["Maple Valley High crisis plan"],
    # Words PostgreSQL ignores ("the", "at") do not have to appear.
    "reunification at the stadium": ["Maple Valley High crisis plan"],
    # A quoted phrase must appear as written; -word excludes; `or` gives alternatives.
    '"home bleachers"': ["Maple Valley High crisis plan"],
    '"bleachers home"': [],
    "stadium -reunification": ["Oak Elementary crisis plan"],
    "fieldhouse or bleachers": ["District 58 family reunification plan", "Maple Valley High crisis plan"],
    # Only the current version counts: the draft's words find nothing.
    "helicopter": [],
    "the": [],
}


def build_search_scene() -> None:
    """A school district with four plans: text apart, text together, one word only, and words only in a draft."""
    district = AgencyFactory(name="District 58", slug="district-58", kind=AgencyKind.SCHOOL_DISTRICT)
    admin = member(district, Role.ADMIN, username="search_admin")
    reunification = make_plan(owner=district, actor=admin, title="District 58 family reunification plan")
    publish(reunification, admin, *(section["body"] for section in reunification_sections()))
    high = make_plan(owner=district, actor=admin, title="Maple Valley High crisis plan")
    publish(
        high,
        admin,
        "Evacuation: classes leave by the nearest door and gather at the stadium home bleachers.",
        "Family reunification runs at the Park District Recreation Center, north entrance.",
    )
    elementary = make_plan(owner=district, actor=admin, title="Oak Elementary crisis plan")
    publish(elementary, admin, "Evacuate to the stadium across Oak Street.")
    draft(elementary, admin, "Evacuate to the stadium; the helicopter lands on the north field.")


def search_results() -> dict[str, list[str]]:
    """Every query's titles, in title order."""
    plans = Plan.objects.all()
    return {query: sorted(plans_search(plans=plans, text=query).values_list("title", flat=True)) for query in EXPECTED}


def write_results(out: str) -> None:
    """Migrate the (empty) database, build the scene, and write the database's vendor and every result to `out`."""
    call_command("migrate", verbosity=0, interactive=False)
    build_search_scene()
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({"vendor": connection.vendor, "results": search_results()}, handle)
