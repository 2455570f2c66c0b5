"""Importing a member roster (an agency's admins and platform staff): upload a CSV, check every row on the
preview, then confirm to send the invitations. The preview carries the file's text back signed by the server,
so the confirmation imports exactly what was shown (checked again against the agency at that moment)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from agencies.models import Agency
from onboarding import services
from onboarding.forms import RosterConfirmForm, RosterUploadForm
from onboarding.pages import agency_to_set_up, setup_url
from onboarding.roster import MEMBER, RosterPreview, roster_preview, roster_text_of
from portal.api.request_info import client_ip
from portal.errors import DomainError
from portal.types import AuthenticatedHttpRequest

SALT = "onboarding.roster"
# Long enough to read five hundred rows; a preview left open overnight is uploaded again.
PREVIEW_MAX_AGE_SECONDS = 2 * 60 * 60


def _sign(agency: Agency, text: str) -> str:
    return signing.dumps({"agency": agency.pk, "csv": text}, salt=SALT, compress=True)


def _unsign(agency: Agency, token: str) -> str | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=PREVIEW_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    return data["csv"] if isinstance(data, dict) and data.get("agency") == agency.pk else None


def _page(request: AuthenticatedHttpRequest, agency: Agency, **context: object) -> HttpResponse:
    return render(request, "onboarding/roster.html", {"nav": "agencies", "agency": agency, **context})


@login_required
def roster_upload(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """The upload form (GET); POST reads the file and shows the preview, writing nothing."""
    agency = agency_to_set_up(request, agency_id)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    preview: RosterPreview | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = roster_text_of(upload)
            preview = roster_preview(agency=agency, text=text)
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            confirm = RosterConfirmForm(initial={"roster": _sign(agency, text)})
            return _page(request, agency, preview=preview, confirm_form=confirm, upload_form=RosterUploadForm())
    return _page(request, agency, upload_form=form)


@login_required
@require_POST
def roster_confirm(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """Invite the new people and add those with an account; the page says what was done row by row."""
    agency = agency_to_set_up(request, agency_id)
    form = RosterConfirmForm(request.POST)
    text = _unsign(agency, form.data.get("roster", "")) if form.is_valid() else None
    if text is None:
        messages.error(request, "This preview is too old or was changed; upload the roster again.")
        return redirect("onboarding:roster", agency_id=agency.pk)
    try:
        result = services.roster_import(agency=agency, actor=request.user, text=text, ip_address=client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("onboarding:roster", agency_id=agency.pk)
    skipped = len(result.preview.rows) - result.invited - result.added
    messages.success(
        request,
        f"{result.invited} invited, {result.added} added with their account, {skipped} left out "
        f"({result.preview.count(MEMBER)} already members). Invitations go out by e-mail in a minute.",
    )
    if not result.preview.count("error") and result.invited + result.added:
        return redirect(setup_url(agency, "members"))
    return _page(request, agency, preview=result.preview, done=True, upload_form=RosterUploadForm())
