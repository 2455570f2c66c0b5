"""The pages where an agency's admins and liaisons set its required reading: requirements and groups.

404 for anyone outside the agency, 403 for its other members (`reading_managed_agency`); every change goes
through `reading.services`, which asks the gate again.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from agencies.models import Agency, Role
from portal.api.request_info import client_ip
from portal.errors import DomainError
from portal.types import AuthenticatedHttpRequest
from reading import services
from reading.forms import (
    GroupMemberAddForm,
    ReadingGroupForm,
    RequirementChoices,
    RequirementForm,
    person_label,
    person_name,
)
from reading.models import Audience, ReadingGroup, ReadingRequirement
from reading.selectors_manage import (
    people_to_add_matching,
    reading_group_member_of,
    reading_group_members,
    reading_group_of,
    reading_groups_of,
    reading_managed_agency,
    reading_requirements_of,
    requirement_people_counts,
)


def _manage_url(agency: Agency, anchor: str = "") -> str:
    return reverse("reading-manage", kwargs={"agency_id": agency.pk}) + (f"#{anchor}" if anchor else "")


def _group_url(group: ReadingGroup) -> str:
    return reverse("reading-group", kwargs={"agency_id": group.agency_id, "group_id": group.pk})


def _who(requirement: ReadingRequirement) -> str:
    if requirement.audience == Audience.ROLE:
        return f"Every {Role(requirement.role).label.lower()}"
    if requirement.audience == Audience.GROUP and requirement.group is not None:
        return requirement.group.name
    return "Everyone"


def _edit_initial(requirement: ReadingRequirement) -> dict[str, Any]:
    return {
        "plan": requirement.plan_id,
        "audience": requirement.audience,
        "role": requirement.role,
        "group": requirement.group_id,
        "due_days": requirement.due_days,
    }


def _render_manage(
    request: AuthenticatedHttpRequest,
    agency: Agency,
    *,
    add_form: RequirementForm | None = None,
    group_form: ReadingGroupForm | None = None,
    edit: tuple[int, RequirementForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    choices = RequirementChoices.of(agency)
    requirements = list(reading_requirements_of(agency=agency))
    counts = requirement_people_counts(agency=agency, requirements=requirements)
    rows = []
    for requirement in requirements:
        if edit is not None and edit[0] == requirement.pk:
            form = edit[1]
        else:
            form = RequirementForm(initial=_edit_initial(requirement), choices=choices, prefix=f"r{requirement.pk}")
        rows.append(
            {"requirement": requirement, "who": _who(requirement), "people": counts[requirement.pk], "form": form}
        )
    context = {
        "nav": "agencies",
        "agency": agency,
        "rows": rows,
        "groups": list(reading_groups_of(agency=agency)),
        "add_form": add_form or RequirementForm(choices=choices),
        "group_form": group_form or ReadingGroupForm(),
        "editing": edit[0] if edit else None,
    }
    return render(request, "reading/manage.html", context, status=status)


@login_required
def reading_manage(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """The agency's requirements (plan, who, days, how many people) and its groups, with their forms."""
    return _render_manage(request, reading_managed_agency(user=request.user, agency_id=agency_id))


def _save_requirement(
    request: AuthenticatedHttpRequest, agency: Agency, form: RequirementForm, requirement: ReadingRequirement | None
) -> bool:
    """Call the service with the form's values; its refusals become the form's field errors."""
    data = form.cleaned_data
    values: dict[str, Any] = {
        "plan": form.plan_obj(),
        "audience": data["audience"],
        "role": data.get("role") or "",
        "group": form.group_obj(),
        "due_days": data["due_days"],
    }
    try:
        if requirement is None:
            services.reading_requirement_create(
                agency=agency, actor=request.user, ip_address=client_ip(request), **values
            )
        else:
            services.reading_requirement_update(
                requirement=requirement, actor=request.user, ip_address=client_ip(request), **values
            )
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return False
    return True


@login_required
@require_POST
def reading_requirement_add(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    agency = reading_managed_agency(user=request.user, agency_id=agency_id)
    form = RequirementForm(request.POST, choices=RequirementChoices.of(agency))
    if form.is_valid() and _save_requirement(request, agency, form, None):
        messages.success(request, f"{form.plan_obj().title} is now required reading.")
        return redirect(_manage_url(agency, "requirements"))
    return _render_manage(request, agency, add_form=form, status=400)


@login_required
@require_POST
def reading_requirement_edit(request: AuthenticatedHttpRequest, agency_id: int, requirement_id: int) -> HttpResponse:
    agency = reading_managed_agency(user=request.user, agency_id=agency_id)
    requirement = get_object_or_404(reading_requirements_of(agency=agency), pk=requirement_id)
    form = RequirementForm(request.POST, choices=RequirementChoices.of(agency), prefix=f"r{requirement.pk}")
    if form.is_valid() and _save_requirement(request, agency, form, requirement):
        messages.success(request, f"Required reading of {requirement.plan.title} changed.")
        return redirect(_manage_url(agency, "requirements"))
    requirement.refresh_from_db()
    return _render_manage(request, agency, edit=(requirement.pk, form), status=400)


@login_required
@require_POST
def reading_requirement_remove(request: AuthenticatedHttpRequest, agency_id: int, requirement_id: int) -> HttpResponse:
    agency = reading_managed_agency(user=request.user, agency_id=agency_id)
    requirement = get_object_or_404(reading_requirements_of(agency=agency), pk=requirement_id)
    services.reading_requirement_delete(requirement=requirement, actor=request.user, ip_address=client_ip(request))
    messages.success(request, f"{requirement.plan.title} is no longer required of {_who(requirement).lower()}.")
    return redirect(_manage_url(agency, "requirements"))


@login_required
@require_POST
def reading_group_add(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    agency = reading_managed_agency(user=request.user, agency_id=agency_id)
    form = ReadingGroupForm(request.POST)
    if form.is_valid():
        try:
            group = services.reading_group_create(
                agency=agency,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                actor=request.user,
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"Group {group.name} created: add its people.")
            return redirect(_group_url(group))
    return _render_manage(request, agency, group_form=form, status=400)


def _render_group(
    request: AuthenticatedHttpRequest,
    group: ReadingGroup,
    *,
    form: ReadingGroupForm | None = None,
    add_form: GroupMemberAddForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "nav": "agencies",
        "agency": group.agency,
        "group": group,
        "members": [(member, person_name(member.user)) for member in reading_group_members(group=group)],
        "form": form or ReadingGroupForm(initial={"name": group.name, "description": group.description}),
        "add_form": add_form or GroupMemberAddForm(group=group),
        "requirements": list(group.requirements.select_related("plan").order_by("plan__title")),
    }
    return render(request, "reading/group.html", context, status=status)


@login_required
def reading_group(request: AuthenticatedHttpRequest, agency_id: int, group_id: int) -> HttpResponse:
    """A group's people (supervisors marked), with forms to add and remove them; POST renames the group."""
    agency = reading_managed_agency(user=request.user, agency_id=agency_id)
    group = reading_group_of(agency=agency, group_id=group_id)
    if request.method != "POST":
        return _render_group(request, group)
    form = ReadingGroupForm(request.POST)
    if form.is_valid():
        try:
            services.reading_group_update(
                group=group,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                actor=request.user,
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Group saved.")
            return redirect(_group_url(group))
    group = reading_group_of(agency=agency, group_id=group_id)
    return _render_group(request, group, form=form, status=400)


@login_required
@require_POST
def reading_group_remove(request: AuthenticatedHttpRequest, agency_id: int, group_id: int) -> HttpResponse:
    agency = reading_managed_agency(user=request.user, agency_id=agency_id)
    group = reading_group_of(agency=agency, group_id=group_id)
    services.reading_group_delete(group=group, actor=request.user, ip_address=client_ip(request))
    messages.success(request, f"Group {group.name} removed, with what it required of its people.")
    return redirect(_manage_url(agency, "groups"))


@login_required
@require_GET
def reading_group_people(request: AuthenticatedHttpRequest, agency_id: int, group_id: int) -> HttpResponse:
    """The "add a person" field's suggestions (htmx): a few of the agency's people matching `?username=`."""
    agency = reading_managed_agency(user=request.user, agency_id=agency_id)
    group = reading_group_of(agency=agency, group_id=group_id)
    people = people_to_add_matching(group=group, text=request.GET.get("username", ""))
    options = [(person.username, person_label(person)) for person in people]
    return render(request, "reading/_people_options.html", {"options": options})


@login_required
@require_POST
def reading_group_member_add(request: AuthenticatedHttpRequest, agency_id: int, group_id: int) -> HttpResponse:
    agency = reading_managed_agency(user=request.user, agency_id=agency_id)
    group = reading_group_of(agency=agency, group_id=group_id)
    form = GroupMemberAddForm(request.POST, group=group)
    if form.is_valid():
        person = form.person()
        try:
            services.reading_group_member_add(
                group=group,
                user=person,
                is_supervisor=form.cleaned_data["is_supervisor"],
                actor=request.user,
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"{person_name(person)} added to {group.name}.")
            return redirect(_group_url(group) + "#members")
    return _render_group(request, group, add_form=form, status=400)


@login_required
@require_POST
def reading_group_member_remove(
    request: AuthenticatedHttpRequest, agency_id: int, group_id: int, user_id: int
) -> HttpResponse:
    agency = reading_managed_agency(user=request.user, agency_id=agency_id)
    group = reading_group_of(agency=agency, group_id=group_id)
    member = reading_group_member_of(group=group, user_id=user_id)
    services.reading_group_member_remove(
        group=group, user=member.user, actor=request.user, ip_address=client_ip(request)
    )
    messages.success(request, f"{person_name(member.user)} taken out of {group.name}.")
    return redirect(_group_url(group) + "#members")


@login_required
@require_POST
def reading_group_member_supervisor(
    request: AuthenticatedHttpRequest, agency_id: int, group_id: int, user_id: int
) -> HttpResponse:
    """Make a member the group's supervisor (`is_supervisor=on`) or not (anything else)."""
    agency = reading_managed_agency(user=request.user, agency_id=agency_id)
    group = reading_group_of(agency=agency, group_id=group_id)
    member = reading_group_member_of(group=group, user_id=user_id)
    supervisor = request.POST.get("is_supervisor") == "on"
    services.reading_group_member_set_supervisor(
        group=group, user=member.user, is_supervisor=supervisor, actor=request.user, ip_address=client_ip(request)
    )
    name = person_name(member.user)
    messages.success(request, f"{name} {'now supervises' if supervisor else 'no longer supervises'} {group.name}.")
    return redirect(_group_url(group) + "#members")
