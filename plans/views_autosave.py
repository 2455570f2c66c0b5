"""The draft editor's autosave: a JSON endpoint for the editor's script (web session and CSRF token, as every
form of the editor). 200 with the new stamp; 400 with messages by field; 409 when someone else saved the draft
meanwhile or it is no longer a draft; 403/404 as the editor itself."""

import json

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_POST

from access.http import require, visible_plan, visible_version
from plans import services
from plans.forms_autosave import AutosaveRequest
from plans.services.draft_autosave import version_stamp
from portal.api.request_info import client_ip
from portal.errors import ConflictError, InvalidInputError
from portal.types import AuthenticatedHttpRequest


def _not_saved(reason: str, status: int, errors: dict[str, list[str]] | None = None) -> JsonResponse:
    return JsonResponse({"saved": False, "message": reason, "errors": errors or {}}, status=status)


@login_required
@require_POST
def draft_autosave(request: AuthenticatedHttpRequest, plan_id: int, number: int) -> JsonResponse:
    """Save the sections (and change summary) the writer is editing, a few seconds after they stop typing."""
    _plan, access = visible_plan(request, plan_id)
    version = visible_version(access, number)
    require(access.can_edit, "Only admins and planners of the owner agency may edit drafts.")
    try:
        payload = json.loads(request.body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _not_saved("The editor sent something that is not JSON; reload the editor.", 400)
    edit = AutosaveRequest(payload)
    if not edit.is_valid:
        field, messages = next(iter(edit.errors.items()))
        return _not_saved(f"{messages[0]} ({field})", 400, edit.errors)
    try:
        version = services.plan_draft_autosave(
            version=version,
            actor=request.user,
            loaded=edit.loaded,
            sections=edit.edits,
            change_summary=edit.change_summary,
            ip_address=client_ip(request),
        )
    except ConflictError as exc:
        return _not_saved(exc.message, 409)
    except InvalidInputError as exc:
        return _not_saved(exc.message, 400, {exc.field or "sections": [exc.message]})
    saved_at = timezone.localtime(version.updated_at)
    return JsonResponse(
        {
            "saved": True,
            "loaded": version_stamp(version),
            "saved_at": saved_at.isoformat(),
            "saved_at_text": date_format(saved_at, "H:i"),
        }
    )
