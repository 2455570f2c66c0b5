"""The plan list's owner and building choices are kept between requests (plans/list_choices.py) and are always
the computed ones: for every kind of reader, and at once after every change they depend on (a share, an unshare,
a classification, a plan's buildings, a name, a deletion); a reader never gets an option of a plan they may not
see, not even one of a change that was rolled back. Their `<option>`s are Django's Select markup.

The writes commit here (transactional tests): the token is replaced when a writing transaction commits.
"""

import re

import pytest
from django import forms
from django.db import connection, transaction
from django.test.html import parse_html

from access.actors import SYSTEM
from agencies.models import Role
from agencies.services import agency_update, facility_update
from plans import selectors, services
from plans.list_choices import choices_of_agencies, plan_list_choices
from plans.models import Classification, ShareLevel
from portal.widgets import LongSelect, RenderedChoices
from tests.agencies.factories import AgencyFactory, FacilityFactory, member
from tests.conftest import web_client
from tests.plans.factories import make_plan, publish

pytestmark = pytest.mark.django_db(transaction=True)

READERS = ["owner_admin", "owner_member", "partner_view_member", "partner_comment_liaison", "unrelated_admin"]


def kept(user) -> tuple[list, list]:
    """The choices as the list gets them (kept), without their "any" entries."""
    agency_ids = list(user.memberships.values_list("agency_id", flat=True))
    choices = plan_list_choices(user=user, agency_ids=agency_ids)
    return list(choices.owners)[1:], list(choices.facilities)[1:]


def assert_kept_is_computed(county) -> None:
    for reader in READERS:
        user = getattr(county, reader)
        assert kept(user) == selectors.plan_list_choices(user=user), reader
        assert kept(user) == selectors.plan_list_choices(user=user), reader  # second read: from what was kept


def token() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM plans_list_choices_token")
        return str(cursor.fetchone()[0])


@pytest.fixture
def sheriff_plan(county):
    """A partner plan of another owner, on a building of its own, shared with nobody yet."""
    sheriff = AgencyFactory(name="Ridgeford Sheriff", slug="ridgeford-so")
    annex = FacilityFactory(name="Courthouse annex", owner_agency=sheriff)
    county.sheriff_admin = admin = member(sheriff, Role.ADMIN, username="sheriff_admin")
    plan = make_plan(owner=sheriff, actor=admin, title="Courthouse lockdown", facilities=[annex])
    return sheriff, annex, plan


def test_the_kept_choices_are_the_computed_ones_for_every_reader(county):
    assert_kept_is_computed(county)
    police = county.partner_view_member
    owners, facilities = kept(police)
    assert (county.district.pk, county.district.name) in owners
    assert (county.school.pk, county.school.name) in facilities


def test_a_share_and_an_unshare_show_in_the_choices_at_once(county, sheriff_plan):
    sheriff, annex, plan = sheriff_plan
    assert_kept_is_computed(county)
    police = county.partner_view_member
    assert (sheriff.pk, sheriff.name) not in kept(police)[0]
    before = token()
    services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.sheriff_admin)
    assert token() != before  # replaced as the share committed
    assert (sheriff.pk, sheriff.name) in kept(police)[0]
    assert (annex.pk, annex.name) in kept(police)[1]
    assert (sheriff.pk, sheriff.name) not in kept(county.unrelated_admin)[0]
    assert_kept_is_computed(county)
    services.plan_unshare(plan=plan, agency=county.police, actor=county.sheriff_admin)
    assert (sheriff.pk, sheriff.name) not in kept(police)[0]
    assert (annex.pk, annex.name) not in kept(police)[1]
    assert_kept_is_computed(county)


def test_the_writers_own_reads_compute_the_choices_and_the_token_changes_at_commit(county, sheriff_plan):
    sheriff, _annex, plan = sheriff_plan
    police = county.partner_view_member
    assert (sheriff.pk, sheriff.name) not in kept(police)[0]
    before = token()
    with transaction.atomic():
        services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.sheriff_admin)
        assert token() == before  # nobody else sees the share yet, so the token stands until the commit
        assert (sheriff.pk, sheriff.name) in kept(police)[0]  # the writer's own read sees its share
    assert token() != before
    assert (sheriff.pk, sheriff.name) in kept(police)[0]
    assert_kept_is_computed(county)


def test_a_rolled_back_share_never_reaches_the_kept_choices(county, sheriff_plan):
    sheriff, annex, plan = sheriff_plan
    police = county.partner_view_member
    before = token()

    def share_then_fail() -> None:
        with transaction.atomic():
            services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.sheriff_admin)
            assert (sheriff.pk, sheriff.name) in kept(police)[0]  # computed in the transaction, never kept
            raise RuntimeError("the request failed after the share")

    with pytest.raises(RuntimeError):
        share_then_fail()
    assert token() == before
    assert (sheriff.pk, sheriff.name) not in kept(police)[0]
    assert (annex.pk, annex.name) not in kept(police)[1]
    assert_kept_is_computed(county)


def test_every_change_the_choices_depend_on_shows_at_once(county, sheriff_plan):
    sheriff, annex, plan = sheriff_plan
    depot = FacilityFactory(name="Sheriff depot", owner_agency=sheriff)
    drill = make_plan(
        owner=sheriff,
        actor=county.sheriff_admin,
        title="Depot drill",
        classification=Classification.PUBLIC,
        facilities=[depot],
    )
    steps = [
        lambda: services.plan_update(plan=plan, actor=county.sheriff_admin, classification=Classification.PUBLIC),
        lambda: publish(plan, county.sheriff_admin, "Lock the doors."),
        lambda: services.plan_update(plan=plan, actor=county.sheriff_admin, facilities=[annex, county.school]),
        lambda: agency_update(agency=sheriff, actor=SYSTEM, name="Ridgeford County Sheriff"),
        lambda: facility_update(facility=annex, actor=SYSTEM, name="Old courthouse annex"),
        lambda: services.plan_version_withdraw(version=plan.versions.get(number=1), actor=county.sheriff_admin),
        lambda: services.plan_update(plan=plan, actor=county.sheriff_admin, classification=Classification.PARTNER),
        lambda: services.plan_update(plan=plan, actor=county.sheriff_admin, facilities=[]),
        lambda: services.plan_share(plan=plan, agency=county.fire, level=ShareLevel.VIEW, actor=county.sheriff_admin),
        lambda: services.plan_delete(plan=drill, actor=county.sheriff_admin),
    ]
    assert_kept_is_computed(county)
    for step in steps:
        step()
        assert_kept_is_computed(county)


def test_the_choices_are_of_the_agencies_read_in_the_request_not_anyone_elses(county, sheriff_plan):
    sheriff, _annex, plan = sheriff_plan
    services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.sheriff_admin)
    assert (sheriff.pk, sheriff.name) in choices_of_agencies(agency_ids=[county.police.pk])[0]
    assert (sheriff.pk, sheriff.name) not in choices_of_agencies(agency_ids=[county.fire.pk])[0]
    assert (sheriff.pk, sheriff.name) not in choices_of_agencies(agency_ids=[])[0]


def _options(html: str, name: str) -> list[str]:
    select = html.split(f'name="{name}"')[1].split("</select>")[0]
    return re.findall(r'<option value="(\d+)"', select)


def test_the_list_page_offers_a_newly_shared_owner_at_once_and_drops_it_on_unshare(county, sheriff_plan):
    sheriff, annex, plan = sheriff_plan
    client = web_client(county.partner_view_liaison)
    page = client.get("/plans/").content.decode()
    assert str(sheriff.pk) not in _options(page, "owner")
    services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.sheriff_admin)
    page = client.get("/plans/").content.decode()
    assert str(sheriff.pk) in _options(page, "owner")
    assert str(annex.pk) in _options(page, "facility")
    assert str(sheriff.pk) not in _options(web_client(county.unrelated_admin).get("/plans/").content.decode(), "owner")
    by_owner = client.get("/plans/", {"owner": sheriff.pk}).content.decode()
    assert "Courthouse lockdown" in by_owner
    assert f'<option value="{sheriff.pk}" selected>' in by_owner
    services.plan_unshare(plan=plan, agency=county.police, actor=county.sheriff_admin)
    page = client.get("/plans/").content.decode()
    assert str(sheriff.pk) not in _options(page, "owner")
    assert str(annex.pk) not in _options(page, "facility")
    assert "Select a valid choice" in client.get("/plans/", {"owner": sheriff.pk}).content.decode()


def test_rendered_choices_write_the_markup_of_djangos_select():
    choices = [("", "Any facility"), (1, "Gym & <annex>"), (22, 'The "old" school'), (3, "O'Neill Hall")]
    attrs = {"id": "id_facility", "aria-describedby": "id_facility_error", "aria-invalid": "true"}
    rendered = RenderedChoices(choices)
    for value in (None, "", 22, "22", "999", 1):
        for extra in (None, attrs):
            ours = LongSelect(choices=rendered).render("facility", value, extra)
            assert parse_html(ours) == parse_html(forms.Select(choices=choices).render("facility", value, extra))
            assert ours == LongSelect(choices=choices).render("facility", value, extra)
    with pytest.raises(ValueError, match="distinct"):
        RenderedChoices([(1, "a"), ("1", "b")])
