"""The pages that show plans: list, plan, version, changes, print, downloads, acknowledging and sharing.

The rules are the API's: what a person may not see is 404 (drafts for partners too), a visible plan with a
forbidden action is 403 and nothing changes, and controls are shown only to those who may use them.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from playwright.sync_api import expect

from agencies.models import AgencyKind, Role
from audit.models import AuditAction, AuditEvent
from plans import services
from plans.models import Acknowledgement, AgencyAcknowledgement, Classification, PlanShare, ShareLevel
from tests.agencies.factories import AgencyFactory, FacilityFactory, member
from tests.conftest import web_client
from tests.permission_matrix import ACTORS, OWNERS, PARTNERS, covers, matrix, user_of
from tests.plans.factories import draft, make_plan, publish
from tests.web.conftest import DESKTOP, PHONE, screenshot, sign_in

User = get_user_model()
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def as_actor(county, actor: str) -> Client:
    return web_client(user_of(county, actor))


def plan_url(plan, tail: str = "") -> str:
    return f"/plans/{plan.pk}/{tail}"


def publish_draft(county):
    """Publish the county's draft v2 ("Evacuate to the stadium.")."""
    return services.plan_version_publish(version=county.draft, actor=county.owner_admin)


def acknowledge(user, plan, version):
    return services.plan_version_acknowledge(version=version, actor=user, agency=None)


def attach_and_publish(county):
    """v2 with a PDF attachment, published."""
    services.attachment_add(
        version=county.draft,
        actor=county.owner_planner,
        upload=SimpleUploadedFile("site-map.pdf", PDF, content_type="application/pdf"),
        max_bytes=10 * 1024 * 1024,
    )
    version = publish_draft(county)
    return version, version.attachments.get()


def html_of(response) -> str:
    return response.content.decode()


# --- who sees what: 404 for what you may not see -----------------------------------------------------------------

READ_MATRIX = matrix(
    anonymous=302,
    owner_admin=200,
    owner_planner=200,
    owner_liaison=200,
    owner_member=200,
    partner_view_liaison=200,
    partner_view_member=200,
    partner_comment_liaison=200,
    unrelated_admin=404,
    staff=404,
)


@pytest.mark.parametrize(("actor", "expected"), READ_MATRIX)
@pytest.mark.parametrize(
    "tail",
    [
        pytest.param("", marks=covers("plans:detail")),
        pytest.param("versions/1/", marks=covers("plans:version")),
        pytest.param("diff/", marks=covers("plans:diff")),
        pytest.param("print/", marks=covers("plans:print")),
    ],
    ids=["plan", "version", "diff", "print"],
)
def test_plan_pages_answer_404_to_whoever_may_not_see_the_plan(county, actor, expected, tail):
    response = as_actor(county, actor).get(plan_url(county.plan, tail))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")


@covers("plans:version", "plans:diff")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=302,
        owner_admin=200,
        owner_planner=200,
        owner_liaison=200,
        owner_member=404,
        partner_view_liaison=404,
        partner_view_member=404,
        partner_comment_liaison=404,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_a_draft_is_404_for_everyone_but_the_owners_editors_and_liaisons(county, actor, expected):
    client = as_actor(county, actor)
    assert client.get(plan_url(county.plan, "versions/2/")).status_code == expected
    diff = client.get(plan_url(county.plan, "diff/"), {"from": 1, "to": 2})
    assert diff.status_code == expected


def test_partners_see_no_draft_in_the_version_history(county):
    page = html_of(as_actor(county, "partner_view_liaison").get(plan_url(county.plan)))
    assert "Work in progress" not in page
    assert "/versions/2/" not in page
    owner_page = html_of(as_actor(county, "owner_planner").get(plan_url(county.plan)))
    assert "Draft — partners cannot see it" in owner_page


def test_a_version_number_that_does_not_exist_or_is_not_a_number_is_404(county):
    client = as_actor(county, "partner_view_liaison")
    assert client.get(plan_url(county.plan, "versions/9/")).status_code == 404
    assert client.get(plan_url(county.plan, "diff/"), {"from": "abc"}).status_code == 404
    assert client.get(plan_url(county.plan, "diff/"), {"to": 9}).status_code == 404


@covers("plans:attachment-download")
@pytest.mark.parametrize(("actor", "expected"), READ_MATRIX)
def test_attachments_download_only_for_who_may_see_the_plan(county, actor, expected):
    _version, attachment = attach_and_publish(county)
    response = as_actor(county, actor).get(plan_url(county.plan, f"versions/2/attachments/{attachment.pk}/download/"))
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert "site-map.pdf" in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"


def test_a_draft_attachment_is_404_for_partners(county):
    attachment = services.attachment_add(
        version=county.draft,
        actor=county.owner_planner,
        upload=SimpleUploadedFile("site-map.pdf", PDF, content_type="application/pdf"),
        max_bytes=10 * 1024 * 1024,
    )
    url = plan_url(county.plan, f"versions/2/attachments/{attachment.pk}/download/")
    assert as_actor(county, "partner_view_liaison").get(url).status_code == 404
    assert as_actor(county, "owner_planner").get(url).status_code == 200


# --- controls per role ----------------------------------------------------------------------------------------


def controls_of(county, actor: str) -> dict[str, bool]:
    page = html_of(as_actor(county, actor).get(plan_url(county.plan)))
    plan = county.plan.pk
    return {
        "edit": f'href="/plans/{plan}/edit/"' in page,
        "new_draft": f'href="/plans/{plan}/drafts/new/"' in page,
        "edit_draft": f'href="/plans/{plan}/versions/2/edit/"' in page,
        "publish": f'href="/plans/{plan}/versions/2/publish/"' in page,
        "withdraw": f'href="/plans/{plan}/versions/1/withdraw/"' in page,
        "share": f'action="/plans/{plan}/share/' in page,
        "unshare": f'href="/plans/{plan}/unshare/?agency=' in page,  # the confirmation page, then its form
        "sharing_list": 'id="sharing"' in page,
        "ack_status": 'id="acknowledgements"' in page,
        "acknowledge": f'action="/plans/{plan}/acknowledge/"' in page,
    }


NONE = dict.fromkeys(
    ["edit", "new_draft", "edit_draft", "publish", "withdraw", "share", "unshare", "sharing_list", "ack_status"],
    False,
)


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        pytest.param("owner_admin", {k: True for k in NONE}, id="owner_admin"),
        pytest.param(
            "owner_planner",
            {**NONE, "edit": True, "new_draft": True, "edit_draft": True, "sharing_list": True, "ack_status": True},
            id="owner_planner",
        ),
        pytest.param("owner_liaison", {**NONE, "sharing_list": True, "ack_status": True}, id="owner_liaison"),
        pytest.param("owner_member", {**NONE, "sharing_list": True, "ack_status": True}, id="owner_member"),
        pytest.param("partner_view_liaison", NONE, id="partner_view_liaison"),
        pytest.param("partner_view_member", NONE, id="partner_view_member"),
        pytest.param("partner_comment_liaison", NONE, id="partner_comment_liaison"),
    ],
)
def test_each_role_sees_exactly_the_controls_it_may_use(county, actor, expected):
    controls = controls_of(county, actor)
    # Partners acknowledge; the owner's people only when their agency requires them to read its own plan.
    assert controls.pop("acknowledge") is actor.startswith("partner_")
    assert controls == expected


def test_the_plan_page_shows_content_facilities_and_a_table_of_contents(county):
    page = html_of(as_actor(county, "partner_view_member").get(plan_url(county.plan)))
    assert "<h1>Maple Valley High crisis plan</h1>" in page
    assert 'href="#section-section-1"' in page
    assert 'id="section-section-1"' in page
    assert "Evacuate to the north field." in page
    assert "Maple Valley High" in page
    assert "Maple Valley School District" in page
    assert page.count("<h1") == 1


def test_section_markdown_is_rendered_and_sanitized_with_headings_below_the_sections(county):
    body = "# Steps\n\n**Lock** the doors.<script>alert(1)</script>\n\n[call](javascript:alert(1))"
    services.plan_version_update_draft(
        version=county.draft,
        actor=county.owner_planner,
        sections=[{"key": "lockdown", "title": "Lockdown", "body": body}],
    )
    publish_draft(county)
    page = html_of(as_actor(county, "partner_view_member").get(plan_url(county.plan)))
    assert "<strong>Lock</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert "javascript:" not in page
    assert "<h3>Steps</h3>" in page
    assert page.count("<h1") == 1


def test_a_law_enforcement_sensitive_plan_is_clearly_marked(county):
    services.plan_update(
        plan=county.plan, actor=county.owner_admin, classification=Classification.LAW_ENFORCEMENT_SENSITIVE
    )
    page = html_of(as_actor(county, "partner_view_member").get(plan_url(county.plan)))
    assert "sensitive-banner" in page
    assert "Law-enforcement sensitive" in page


def test_a_plan_never_published_says_so_on_every_page(county):
    plan = make_plan(owner=county.district, actor=county.owner_admin, title="Bus evacuation plan")
    draft(plan, county.owner_planner, "Buses leave from the south loop.")
    client = as_actor(county, "owner_planner")
    page = html_of(client.get(plan_url(plan)))
    assert "This plan has not been published yet" in page
    assert f'action="/plans/{plan.pk}/acknowledge/"' not in page
    assert "There is nothing to compare yet" in html_of(client.get(plan_url(plan, "diff/")))
    assert "no published version to print" in html_of(client.get(plan_url(plan, "print/")))
    assert "This is a draft" in html_of(client.get(plan_url(plan, "versions/1/")))


def test_a_withdrawn_version_is_marked_and_cannot_be_acknowledged(county):
    services.plan_version_withdraw(version=county.published, actor=county.owner_admin)
    client = as_actor(county, "partner_view_member")
    page = html_of(client.get(plan_url(county.plan)))
    assert "withdrew v1 on" in page
    assert f'action="/plans/{county.plan.pk}/acknowledge/"' not in page
    response = client.post(plan_url(county.plan, "acknowledge/"), {"version": 1}, follow=True)
    assert "only the current published version can be acknowledged" in html_of(response)
    assert not Acknowledgement.objects.exists()
    assert "do not rely on it" in html_of(client.get(plan_url(county.plan, "versions/1/")))


# --- acknowledging through the page -------------------------------------------------------------------------------


def test_a_partner_member_acknowledges_the_current_version_and_the_page_says_so(county):
    client = as_actor(county, "partner_view_member")
    response = client.post(plan_url(county.plan, "acknowledge/"), {"version": 1}, follow=True)
    assert response.status_code == 200
    assert Acknowledgement.objects.filter(user=county.partner_view_member, version=county.published).exists()
    assert not AgencyAcknowledgement.objects.filter(version=county.published).exists()  # a member: personal only
    page = html_of(client.get(plan_url(county.plan)))
    assert "You acknowledged v1 on" in page
    assert f'action="/plans/{county.plan.pk}/acknowledge/"' not in page  # nothing left to acknowledge


def test_a_partner_liaison_acknowledges_for_the_agency_too(county):
    client = as_actor(county, "partner_view_liaison")
    client.post(plan_url(county.plan, "acknowledge/"), {"version": 1})
    assert AgencyAcknowledgement.objects.filter(agency=county.police, version=county.published).exists()
    officer_page = html_of(as_actor(county, "partner_view_member").get(plan_url(county.plan)))
    assert "Your agency, Ridgeford Police, acknowledged v1 on" in officer_page
    assert f'action="/plans/{county.plan.pk}/acknowledge/"' in officer_page  # the officer may still acknowledge


def test_acknowledging_a_version_replaced_meanwhile_acknowledges_nothing(county):
    publish_draft(county)
    client = as_actor(county, "partner_view_member")
    response = client.post(plan_url(county.plan, "acknowledge/"), {"version": 1}, follow=True)
    assert "was published while you were reading v1" in html_of(response)
    assert not Acknowledgement.objects.filter(user=county.partner_view_member).exists()


@pytest.mark.parametrize(
    ("actor", "expected"),
    [("unrelated_admin", 404), ("staff", 404), ("anonymous", 302)],
)
def test_who_may_not_see_the_plan_cannot_acknowledge_it(county, actor, expected):
    response = as_actor(county, actor).post(plan_url(county.plan, "acknowledge/"), {"version": 1})
    assert response.status_code == expected
    assert not Acknowledgement.objects.exists()


def test_acknowledging_a_draft_is_404_for_a_partner(county):
    response = as_actor(county, "partner_view_member").post(plan_url(county.plan, "acknowledge/"), {"version": 2})
    assert response.status_code == 404


def name_police_people(county) -> list[str]:
    """Give the police people full names; every username and name of theirs, for asserting none shows."""
    names = []
    for user, (first, last) in [
        (county.partner_view_liaison, ("Dana", "Whitfield")),
        (county.partner_view_member, ("Casey", "Moreno")),
    ]:
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
        names += [user.username, first, last]
    return names


@pytest.mark.parametrize("actor", ["owner_member", "owner_admin"])
def test_the_owner_sees_each_partner_agency_acknowledgement_and_none_of_its_people(county, actor):
    names = name_police_people(county)
    acknowledge(county.partner_view_liaison, county.plan, county.published)
    acknowledge(county.partner_view_member, county.plan, county.published)
    page = html_of(as_actor(county, actor).get(plan_url(county.plan)))
    status = page.split('id="acknowledgements"', 1)[1].split('id="sharing"', 1)[0]
    assert "1 of 2 partner agencies acknowledged v1" in status
    police_row = status.split("Ridgeford Police", 1)[1].split("</tr>", 1)[0]
    assert "v1" in police_row
    assert "Not yet" not in police_row
    assert "Ridgeford Fire" in status
    assert "Not yet" in status.split("Ridgeford Fire", 1)[1].split("</tr>", 1)[0]
    assert "shown only to that agency's own admins" in status
    # Nowhere on the owner's page: no partner person's username or name, no count of its people who read it.
    assert [name for name in names if name in page] == []
    assert "People of" not in page
    assert "ack-people" not in page


def test_a_partner_sees_nothing_of_another_partners_acknowledgements(county):
    names = name_police_people(county)
    acknowledge(county.partner_view_liaison, county.plan, county.published)
    acknowledge(county.partner_view_member, county.plan, county.published)
    page = html_of(as_actor(county, "partner_comment_liaison").get(plan_url(county.plan)))
    assert 'id="acknowledgements"' not in page
    assert [name for name in names if name in page] == []


# --- sharing through the page -----------------------------------------------------------------------------------


def test_an_owner_admin_shares_changes_and_revokes_and_a_revoked_partner_gets_404_at_once(county):
    admin = as_actor(county, "owner_admin")
    outsider = as_actor(county, "unrelated_admin")
    assert outsider.get(plan_url(county.plan)).status_code == 404

    response = admin.post(plan_url(county.plan, "share/"), {"agency": county.unrelated.pk, "level": "view"})
    assert response.status_code == 302
    assert PlanShare.objects.get(plan=county.plan, agency=county.unrelated).level == ShareLevel.VIEW
    assert outsider.get(plan_url(county.plan)).status_code == 200
    page = html_of(admin.get(plan_url(county.plan)))
    assert "Shared with Far County Sheriff (view)" in page

    admin.post(plan_url(county.plan, "share/"), {"agency": county.unrelated.pk, "level": "comment"})
    assert PlanShare.objects.get(plan=county.plan, agency=county.unrelated).level == ShareLevel.COMMENT

    response = admin.post(plan_url(county.plan, "unshare/"), {"agency": county.unrelated.pk}, follow=True)
    assert "Revoked Far County Sheriff" in html_of(response)
    assert not PlanShare.objects.filter(plan=county.plan, agency=county.unrelated).exists()
    assert outsider.get(plan_url(county.plan)).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_UNSHARE).count() == 1


def test_a_share_form_error_is_shown_next_to_the_field_and_nothing_changes(county):
    before = set(PlanShare.objects.values_list("agency_id", "level"))
    admin = as_actor(county, "owner_admin")
    response = admin.post(plan_url(county.plan, "share/"), {"agency": "", "level": "view"})
    assert response.status_code == 400
    assert "Choose the agency to share with." in html_of(response)
    response = admin.post(plan_url(county.plan, "share/"), {"agency": county.district.pk, "level": "view"})
    assert response.status_code == 400
    assert "Choose an agency from the list." in html_of(response)
    response = admin.post(plan_url(county.plan, "share/"), {"agency": county.unrelated.pk, "level": "admin"})
    assert response.status_code == 400
    assert set(PlanShare.objects.values_list("agency_id", "level")) == before


def test_revoking_an_agency_the_plan_is_not_shared_with_is_404(county):
    response = as_actor(county, "owner_admin").post(plan_url(county.plan, "unshare/"), {"agency": county.unrelated.pk})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=302,
        owner_admin=302,
        owner_planner=403,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=404,
        staff=404,
    ),
)
@pytest.mark.parametrize(
    "action",
    [
        pytest.param("share", marks=covers("plans:share")),
        pytest.param("change", marks=covers("plans:share")),
        pytest.param("unshare", marks=covers("plans:unshare")),
    ],
)
def test_only_owner_admins_may_share_change_or_revoke(county, actor, expected, action):
    before = set(PlanShare.objects.values_list("agency_id", "level"))
    url, data = {
        "share": ("share/", {"agency": county.unrelated.pk, "level": "view"}),
        "change": ("share/", {"agency": county.police.pk, "level": "comment"}),
        "unshare": ("unshare/", {"agency": county.police.pk}),
    }[action]
    response = as_actor(county, actor).post(plan_url(county.plan, url), data)
    assert response.status_code == expected
    if expected != 302 or actor == "anonymous":
        assert set(PlanShare.objects.values_list("agency_id", "level")) == before
        if expected == 302:
            assert response["Location"].startswith("/accounts/login/")


def test_pages_that_change_nothing_refuse_post_and_actions_refuse_get(county):
    client = as_actor(county, "owner_admin")
    assert client.post(plan_url(county.plan)).status_code == 405
    assert client.get(plan_url(county.plan, "share/")).status_code == 405
    assert client.get(plan_url(county.plan, "acknowledge/")).status_code == 405


# --- what changed ---------------------------------------------------------------------------------------------


def test_the_diff_defaults_to_changes_since_the_version_you_last_acknowledged(county):
    acknowledge(county.partner_view_liaison, county.plan, county.published)
    publish_draft(county)  # v2
    v3 = draft(county.plan, county.owner_planner, "Evacuate to the gym.", "Lockdown: lock doors, lights off.")
    services.plan_version_publish(version=v3, actor=county.owner_admin)
    page = html_of(as_actor(county, "partner_view_liaison").get(plan_url(county.plan, "diff/")))
    assert "Changes since v1, the version you last acknowledged, to v3, the current version." in page
    assert "1 changed · 0 added · 0 removed · 1 unchanged" in page
    changed = page.split('id="change-section-1"', 1)[1].split("</section>", 1)[0]
    # The section's text as it reads now, the words that changed marked (old first).
    assert "<p>Evacuate to the <del>north field.</del> <ins>gym.</ins> </p>" in changed
    # An officer who never acknowledged: since the version their agency (the liaison) acknowledged.
    officer = html_of(as_actor(county, "partner_view_member").get(plan_url(county.plan, "diff/")))
    assert "Changes since v1, the version your agency last acknowledged, to v3, the current version." in officer
    # Neither the person nor the agency acknowledged: since the previous version.
    fresh = html_of(as_actor(county, "partner_comment_liaison").get(plan_url(county.plan, "diff/")))
    assert "Changes since v2, the previous version, to v3, the current version." in fresh
    # Any two visible versions on request.
    chosen = html_of(as_actor(county, "partner_view_member").get(plan_url(county.plan, "diff/"), {"from": 1, "to": 2}))
    assert "Changes from v1 to v2." in chosen


def test_after_acknowledging_the_current_version_the_diff_shows_the_previous_change(county):
    publish_draft(county)
    acknowledge(county.partner_view_member, county.plan, county.plan.versions.get(number=2))
    page = html_of(as_actor(county, "partner_view_member").get(plan_url(county.plan, "diff/")))
    assert "You acknowledged v2, the current version. Changes since the previous version, v1." in page


def test_sections_added_and_removed_are_marked(county):
    v2 = services.plan_version_create_draft(
        plan=county.plan,
        actor=county.owner_planner,
        sections=[
            {"key": "section-1", "title": "Section 1", "body": "Evacuate to the north field."},
            {"key": "reunification", "title": "Reunification", "body": "At the stadium."},
        ],
    )
    county.draft.delete()
    services.plan_version_publish(version=v2, actor=county.owner_admin)
    page = html_of(as_actor(county, "partner_view_member").get(plan_url(county.plan, "diff/")))
    assert "0 changed · 1 added · 1 removed · 1 unchanged" in page
    assert 'tag--ok">Added</span>\n    Reunification' in page
    assert 'tag--bad">Removed</span>\n    Section 2' in page


def test_the_diff_page_offers_the_acknowledge_button_and_comes_back_to_the_same_comparison(county):
    acknowledge(county.partner_view_member, county.plan, county.published)
    publish_draft(county)
    client = as_actor(county, "partner_view_member")
    page = html_of(client.get(plan_url(county.plan, "diff/")))
    assert "Acknowledge v2" in page
    response = client.post(
        plan_url(county.plan, "acknowledge/"),
        {"version": 2, "next": f"/plans/{county.plan.pk}/diff/?from=1&to=2#acknowledge"},
    )
    assert response["Location"] == f"/plans/{county.plan.pk}/diff/?from=1&to=2#acknowledge"
    assert Acknowledgement.objects.filter(user=county.partner_view_member, version__number=2).exists()


def test_acknowledge_never_redirects_to_another_site(county):
    response = as_actor(county, "partner_view_member").post(
        plan_url(county.plan, "acknowledge/"), {"version": 1, "next": "https://evil.example.org/"}
    )
    assert response["Location"] == f"/plans/{county.plan.pk}/#acknowledge"


# --- print -----------------------------------------------------------------------------------------------------


def test_the_print_copy_has_no_navigation_and_names_version_date_hash_and_attachments(county):
    version, _attachment = attach_and_publish(county)
    page = html_of(as_actor(county, "partner_view_member").get(plan_url(county.plan, "print/")))
    assert "site-nav" not in page
    assert "site-header" not in page
    assert "v2" in page
    assert version.content_sha256 in page
    assert version.published_at.strftime("%-d %b %Y") in page
    assert "site-map.pdf" in page
    assert "Evacuate to the stadium." in page
    assert "<script" not in page.replace('<script src="/static/plans/print.js" defer></script>', "")


# --- the audit of sensitive reads --------------------------------------------------------------------------------


def test_reads_of_a_sensitive_plan_are_audited_like_the_api(county):
    services.plan_update(
        plan=county.plan, actor=county.owner_admin, classification=Classification.LAW_ENFORCEMENT_SENSITIVE
    )
    _version, attachment = attach_and_publish(county)
    client = as_actor(county, "partner_view_member")
    for tail in ["", "versions/1/", "diff/", "print/", f"versions/2/attachments/{attachment.pk}/download/"]:
        assert client.get(plan_url(county.plan, tail)).status_code == 200
    events = AuditEvent.objects.filter(actor=county.partner_view_member)
    reads = sorted(e.details["what"] for e in events.filter(action=AuditAction.PLAN_READ))
    assert reads == ["diff", "plan", "print", "version"]
    download = events.get(action=AuditAction.ATTACHMENT_DOWNLOAD)
    assert download.details == {"plan": county.plan.pk, "what": "download"}
    assert download.ip_address == "127.0.0.1"


def test_reads_of_an_ordinary_plan_are_not_audited(county):
    client = as_actor(county, "partner_view_member")
    for tail in ["", "versions/1/", "diff/", "print/"]:
        client.get(plan_url(county.plan, tail))
    assert not AuditEvent.objects.filter(action=AuditAction.PLAN_READ).exists()


def test_a_404_for_a_sensitive_plan_writes_no_audit_event(county):
    services.plan_update(
        plan=county.plan, actor=county.owner_admin, classification=Classification.LAW_ENFORCEMENT_SENSITIVE
    )
    assert as_actor(county, "unrelated_admin").get(plan_url(county.plan)).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.PLAN_READ).exists()


# --- the plan list -------------------------------------------------------------------------------------------------


@covers("plans:list")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=302, **{a: 200 for a in ACTORS if a != "anonymous"}))
def test_the_list_shows_a_partner_plan_to_its_owner_and_partners_only(county, actor, expected):
    response = as_actor(county, actor).get("/plans/")
    assert response.status_code == expected
    assert ("Maple Valley High crisis plan" in html_of(response)) == (actor in OWNERS | PARTNERS)
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")


def test_the_list_shows_only_visible_plans_and_searches_and_filters(county):
    other = make_plan(owner=county.unrelated, actor=county.unrelated_admin, title="Far County jail plan")
    publish(other, county.unrelated_admin, "Secret.")
    police_plan = make_plan(owner=county.police, actor=member(county.police, Role.ADMIN), title="Stadium traffic plan")
    publish(police_plan, county.police.memberships.get(role=Role.ADMIN).user, "Close Elm Street.")
    client = as_actor(county, "partner_view_liaison")

    page = html_of(client.get("/plans/"))
    assert "Maple Valley High crisis plan" in page
    assert "Stadium traffic plan" in page
    assert "Far County jail plan" not in page

    by_text = html_of(client.get("/plans/", {"q": "north field"}))
    assert "Maple Valley High crisis plan" in by_text
    assert "Stadium traffic plan" not in by_text
    by_owner = html_of(client.get("/plans/", {"owner": county.police.pk}))
    assert "Stadium traffic plan" in by_owner
    assert "Maple Valley High crisis plan" not in by_owner
    by_facility = html_of(client.get("/plans/", {"facility": county.school.pk}))
    assert "Maple Valley High crisis plan" in by_facility
    assert "Stadium traffic plan" not in by_facility
    by_kind = html_of(client.get("/plans/", {"kind": "other"}))
    assert "No plan you may see matches this search" in by_kind
    due = html_of(client.get("/plans/", {"review_due": "on"}))
    assert "No plan you may see matches this search" in due


def test_the_list_pages_through_many_plans(county):
    for n in range(30):
        make_plan(owner=county.district, actor=county.owner_admin, title=f"Annex plan {n:02d}")
    client = as_actor(county, "owner_member")
    first = html_of(client.get("/plans/", {"q": ""}))
    assert "31 plans" in first
    assert "page 1 of 2" in first
    assert 'href="?q=&amp;page=2"' in first
    second = html_of(client.get("/plans/", {"q": "", "page": 2}))
    assert "Maple Valley High crisis plan" in second


def test_an_unknown_filter_value_is_shown_as_an_error_not_a_crash(county):
    response = as_actor(county, "partner_view_liaison").get("/plans/", {"owner": 999999, "kind": "nonsense"})
    assert response.status_code == 200
    assert "Select a valid choice" in html_of(response)


def test_the_new_plan_button_only_for_admins_and_planners(county):
    assert 'href="/plans/new/"' in html_of(as_actor(county, "owner_planner").get("/plans/"))
    assert 'href="/plans/new/"' not in html_of(as_actor(county, "owner_member").get("/plans/"))
    assert 'href="/plans/new/"' not in html_of(as_actor(county, "partner_view_liaison").get("/plans/"))


def test_an_empty_list_says_what_to_do_next(county):
    loner = member(AgencyFactory(name="Lone EMS", slug="lone-ems", kind=AgencyKind.EMS), Role.MEMBER)
    page = html_of(web_client(loner).get("/plans/"))
    assert "No plans yet" in page
    assert "ask a partner agency to share its plans" in page


# --- a fixed number of queries, however many rows -----------------------------------------------------------------


def grow_plan(county, count: int) -> None:
    """A plan with `count` sections, shared with `count` partner agencies of two people who acknowledged."""
    plan = county.plan
    body = [{"key": f"s{i}", "title": f"Section {i}", "body": f"Step {i}: **act**."} for i in range(count)]
    county.draft.delete()
    version = services.plan_version_create_draft(plan=plan, actor=county.owner_admin, sections=body)
    services.attachment_add(
        version=version,
        actor=county.owner_admin,
        upload=SimpleUploadedFile("map.pdf", PDF, content_type="application/pdf"),
        max_bytes=1024 * 1024,
    )
    services.plan_version_publish(version=version, actor=county.owner_admin)
    plan.refresh_from_db()
    for i in range(count):
        agency = AgencyFactory(name=f"Partner {count}-{i}", slug=f"partner-{count}-{i}")
        services.plan_share(plan=plan, agency=agency, level=ShareLevel.VIEW, actor=county.owner_admin)
        for role in (Role.LIAISON, Role.MEMBER):
            person = member(agency, role)
            acknowledge(person, plan, plan.current_version)


def count_queries(user, url: str) -> int:
    client = web_client(User.objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("actor", ["owner_admin", "partner_view_liaison"])
def test_the_plan_page_makes_as_many_queries_for_30_sections_and_partners_as_for_3(
    county, actor, django_assert_max_num_queries
):
    grow_plan(county, 3)
    user = user_of(county, actor)
    count_queries(user, plan_url(county.plan))  # warm-up: nothing cached per process is counted below
    few = count_queries(user, plan_url(county.plan))
    grow_plan_more(county, 30)
    client = web_client(User.objects.get(pk=user.pk))
    with django_assert_max_num_queries(few):
        response = client.get(plan_url(county.plan))
    assert response.status_code == 200
    assert response.content.decode().count('class="section"') >= 30


def grow_plan_more(county, count: int) -> None:
    """Grow the already grown plan to `count` sections (a new version) and `count` more partners."""
    plan = county.plan
    plan.refresh_from_db()
    body = [{"key": f"s{i}", "title": f"Section {i}", "body": f"Step {i}: **act**."} for i in range(count)]
    version = services.plan_version_create_draft(plan=plan, actor=county.owner_admin, sections=body)
    services.plan_version_publish(version=version, actor=county.owner_admin)
    plan.refresh_from_db()
    for i in range(count):
        agency = AgencyFactory(name=f"More partner {i}", slug=f"more-partner-{i}")
        services.plan_share(plan=plan, agency=agency, level=ShareLevel.VIEW, actor=county.owner_admin)
        for role in (Role.LIAISON, Role.MEMBER):
            acknowledge(member(agency, role), plan, plan.current_version)


@pytest.mark.parametrize("tail", ["diff/", "print/", "versions/1/"])
def test_the_other_plan_pages_make_as_many_queries_for_30_sections_as_for_3(
    county, tail, django_assert_max_num_queries
):
    grow_plan(county, 3)
    count_queries(county.partner_view_liaison, plan_url(county.plan, tail))
    few = count_queries(county.partner_view_liaison, plan_url(county.plan, tail))
    grow_plan_more(county, 30)
    client = web_client(User.objects.get(pk=county.partner_view_liaison.pk))
    with django_assert_max_num_queries(few):
        assert client.get(plan_url(county.plan, tail)).status_code == 200


def add_listed_plans(county, count: int) -> None:
    for n in range(count):
        school = FacilityFactory(owner_agency=county.district)
        plan = make_plan(owner=county.district, actor=county.owner_admin, title=f"Listed {n}", facilities=[school])
        publish(plan, county.owner_admin, "Evacuate.")
        services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=county.owner_admin)


# Transactional: the plans added commit, so the filters' choices are kept under the token their commit replaced
# (inside an uncommitted transaction that changed them, they are computed: plans/list_choices.py).
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("query", [{}, {"q": "evacuate", "owner": "district", "kind": "school_eop"}])
def test_the_list_makes_as_many_queries_for_50_plans_as_for_5(county, query, django_assert_max_num_queries):
    params = {k: (county.district.pk if v == "district" else v) for k, v in query.items()}
    add_listed_plans(county, 4)
    client = web_client(User.objects.get(pk=county.partner_view_liaison.pk))
    client.get("/plans/", params)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/plans/", params).status_code == 200
    few = len(queries)
    assert few <= 5  # the session, the person, their memberships, the choices' token, the page
    add_listed_plans(county, 45)
    client = web_client(User.objects.get(pk=county.partner_view_liaison.pk))
    # The new plans gave the filters' choices a new token: finding them again is one statement.
    with django_assert_max_num_queries(few + 1):
        assert client.get("/plans/", params).status_code == 200
    with django_assert_max_num_queries(few):
        response = client.get("/plans/", params)
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row">') == 25  # a full page


# --- in a real browser ------------------------------------------------------------------------------------------


def test_a_partner_opens_the_diff_from_the_plan_page_sees_the_changes_and_acknowledges(
    page, live_server, web_county, console_errors
):
    county = web_county
    acknowledge(county.partner_view_liaison, county.plan, county.published)
    publish_draft(county)
    sign_in(page, live_server, "police_liaison")
    page.goto(f"{live_server.url}{plan_url(county.plan)}")
    expect(page.get_by_text("You acknowledged v1 on")).to_be_visible()
    page.get_by_role("link", name="See what changed since v1").click()
    expect(page.get_by_text("Changes since v1, the version you last acknowledged")).to_be_visible()
    changed = page.locator("#change-section-1")
    expect(changed.get_by_role("heading", name="Changed Section 1")).to_be_visible()
    expect(changed.locator("del")).to_have_text("north field.")
    expect(changed.locator("ins")).to_have_text("stadium.")
    expect(changed.locator("p")).to_have_text("Evacuate to the north field. stadium.")
    expect(page.get_by_text("Unchanged", exact=True)).to_be_visible()
    page.get_by_role("button", name="Acknowledge v2").click()
    expect(page.get_by_text("You acknowledged v2 on")).to_be_visible()
    expect(page.get_by_text("and your agency, Ridgeford Police, on")).to_be_visible()  # one line for both
    assert re.search(r"/diff/\?from=1&to=2", page.url)
    assert AgencyAcknowledgement.objects.filter(agency=county.police, version__number=2).exists()
    assert console_errors == []


def test_an_unrelated_agencys_user_gets_a_404_page(page, live_server, web_county, console_errors):
    sign_in(page, live_server, "far_admin")
    response = page.goto(f"{live_server.url}{plan_url(web_county.plan)}")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_text("Maple Valley High crisis plan")).to_have_count(0)
    page.goto(f"{live_server.url}/plans/")
    expect(page.get_by_text("Maple Valley High crisis plan")).to_have_count(0)


def test_an_officer_sees_the_plan_but_no_edit_controls(page, live_server, web_county, console_errors):
    sign_in(page, live_server, "police_officer")
    page.goto(f"{live_server.url}{plan_url(web_county.plan)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maple Valley High crisis plan")
    expect(page.get_by_role("heading", name="Section 1")).to_be_visible()
    for name in ["Edit plan details", "Start a new draft", "Edit draft", "Publish…", "Withdraw…"]:
        expect(page.get_by_role("link", name=name)).to_have_count(0)
    expect(page.get_by_role("button", name="Share")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Revoke"))).to_have_count(0)
    expect(page.locator("#sharing")).to_have_count(0)
    page.get_by_role("button", name="Acknowledge v1").click()
    expect(page.get_by_text("You acknowledged v1 on")).to_be_visible()
    assert console_errors == []


def test_the_plan_page_works_on_a_phone(page, live_server, web_county, console_errors):
    county = web_county
    publish_draft(county)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "district_admin")
    page.goto(f"{live_server.url}{plan_url(county.plan)}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Sharing")).to_be_visible()
    # Nothing wider than the screen: no sideways scrolling of the page itself.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("link", name="Section 2").first.click()
    expect(page.locator("#section-section-2")).to_be_in_viewport()
    screenshot(page, "plan-phone")
    page.goto(f"{live_server.url}/plans/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "plan-list-phone")
    assert console_errors == []


def test_an_owner_admin_shares_and_revokes_in_the_browser(page, live_server, web_county, console_errors):
    county = web_county
    sign_in(page, live_server, "district_admin")
    page.goto(f"{live_server.url}{plan_url(county.plan)}")
    sharing = page.locator("#sharing")
    sharing.get_by_label("Agency", exact=True).select_option(label="Far County Sheriff")
    sharing.get_by_label("Access", exact=True).select_option("comment")
    sharing.get_by_role("button", name="Share", exact=True).click()
    expect(page.get_by_text("Shared with Far County Sheriff (comment)")).to_be_visible()
    assert PlanShare.objects.get(plan=county.plan, agency=county.unrelated).level == ShareLevel.COMMENT
    page.get_by_role("link", name="Revoke… Far County Sheriff's access").click()  # a confirmation first
    assert PlanShare.objects.filter(plan=county.plan, agency=county.unrelated).exists()
    page.get_by_role("button", name="Revoke Far County Sheriff's access").click()
    expect(page.get_by_text("Revoked Far County Sheriff's access")).to_be_visible()
    assert not PlanShare.objects.filter(plan=county.plan, agency=county.unrelated).exists()
    assert console_errors == []


def test_screenshots_of_the_plan_pages(page, live_server, web_county, console_errors):
    county = web_county
    acknowledge(county.partner_view_liaison, county.plan, county.published)
    attach_and_publish(county)
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, "district_admin")
    page.goto(f"{live_server.url}{plan_url(county.plan)}")
    expect(page.get_by_role("heading", name="Partner acknowledgements of v2")).to_be_visible()
    screenshot(page, "plan-desktop")
    page.goto(f"{live_server.url}/plans/")
    expect(page.get_by_role("link", name="Maple Valley High crisis plan")).to_be_visible()
    screenshot(page, "plan-list-desktop")
    page.goto(f"{live_server.url}{plan_url(county.plan, 'print/')}")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.get_by_text("site-map.pdf")).to_be_visible()
    screenshot(page, "print-desktop")
    page.emulate_media(media="screen")
    assert console_errors == []
