"""The header's agency switcher is kept per person between requests (agencies/active_agency.py): a page with it
cached reads no membership, and every change of a person's agencies, roles or agency names shows on their next page."""

import re

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.actors import SYSTEM
from agencies.models import Membership, Role
from agencies.services import agency_update, membership_add, membership_change_role, membership_remove
from tests.conftest import web_client

User = get_user_model()
PAGE = "/accounts/password_change/"


def switcher(client) -> list[str]:
    """The header's agencies as it lists them ("Name (Role)"); one agency is shown as "Name · Role"."""
    page = client.get(PAGE).content.decode()
    options = re.findall(r'<option value="\d+" (?:selected)?>([^<]+)</option>', page)
    if options:
        return options
    line = re.search(r'<span class="site-user__agency">([^<]+)</span>', page)
    return [line.group(1)] if line else []


def test_a_page_with_the_switcher_cached_reads_no_membership(county):
    client = web_client(User.objects.get(pk=county.partner_view_member.pk))
    assert switcher(client) == ["Ridgeford Police · Member"]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    assert not [q["sql"] for q in queries if q["sql"].startswith('SELECT "agencies_membership"')]


def test_joining_changing_role_renaming_and_leaving_show_on_the_next_page(county):
    officer = User.objects.get(pk=county.partner_view_member.pk)
    client = web_client(officer)
    assert switcher(client) == ["Ridgeford Police · Member"]
    membership_add(agency=county.fire, user=officer, role=Role.LIAISON, actor=SYSTEM)
    assert switcher(client) == ["Ridgeford Fire (Liaison)", "Ridgeford Police (Member)"]
    police = Membership.objects.get(agency=county.police, user=officer)
    membership_change_role(membership=police, role=Role.PLANNER, actor=SYSTEM)
    assert switcher(client) == ["Ridgeford Fire (Liaison)", "Ridgeford Police (Planner)"]
    agency_update(agency=county.fire, actor=SYSTEM, name="Ridgeford Fire & Rescue")
    assert switcher(client) == ["Ridgeford Fire &amp; Rescue (Liaison)", "Ridgeford Police (Planner)"]
    membership_remove(membership=Membership.objects.get(agency=county.fire, user=officer), actor=SYSTEM)
    assert switcher(client) == ["Ridgeford Police · Planner"]


def test_one_persons_agencies_never_show_to_another(county):
    membership_add(agency=county.fire, user=county.partner_view_member, role=Role.MEMBER, actor=SYSTEM)
    first = web_client(User.objects.get(pk=county.partner_view_member.pk))
    other = web_client(User.objects.get(pk=county.unrelated_admin.pk))
    assert len(switcher(first)) == 2
    assert switcher(other) == ["Far County Sheriff · Admin"]
