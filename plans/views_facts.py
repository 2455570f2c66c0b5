"""Saving one facility's “Key facts” form from the draft editor (the facility page's fact-by-plan table is
built by consistency/fact_context.py).

The rules are the API's: a plan or version the user may not see is 404, a visible one with a forbidden action
is 403, a facility the plan does not cover is 404 here (the form is offered only for covered ones), and a
version that left draft is never edited (409).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from access.http import require, visible_plan, visible_version
from consistency.fact_forms import FacilityFactsForm
from consistency.fact_services import facility_facts_set
from plans.views_edit import conflict_page, editor_url, render_editor
from portal.api.request_info import client_ip
from portal.errors import ConflictError, InvalidInputError
from portal.types import AuthenticatedHttpRequest


@login_required
@require_POST
def draft_facts_save(request: AuthenticatedHttpRequest, plan_id: int, number: int, facility_id: int) -> HttpResponse:
    """Replace what the draft states about one covered facility; errors are shown beside their fields."""
    plan, access = visible_plan(request, plan_id)
    version = visible_version(access, number)
    require(access.can_edit, "Only admins and planners of the owner agency may set key facts.")
    if not version.is_draft:
        return conflict_page(
            request,
            plan,
            access,
            version,
            f"Version {version.number} is {version.get_state_display().lower()}; its key facts can never change. "
            "Start a new draft from the current version and edit the facts there.",
        )
    facility = get_object_or_404(plan.facilities.all(), pk=facility_id)
    form = FacilityFactsForm(request.POST, facility=facility)
    if form.is_valid():
        try:
            facility_facts_set(
                version=version,
                facility=facility,
                facts=form.facts,
                actor=request.user,
                ip_address=client_ip(request),
            )
        except ConflictError as exc:
            return conflict_page(request, plan, access, version, exc.message)
        except InvalidInputError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Saved the key facts for {facility.name}.")
            return redirect(editor_url(plan, version, f"facts-{facility.pk}"))
    # Shown again with the errors beside their fields, with 200 like the rest of the editor.
    return render_editor(request, plan, access, version, facts_form=form)
