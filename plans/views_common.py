"""Links the plan pages share: the plan's URL and where to go after a POST."""

from django.http import HttpRequest
from django.urls import reverse

from portal.redirects import safe_redirect_target


def plan_url(plan_id: int, anchor: str = "") -> str:
    return reverse("plans:detail", kwargs={"plan_id": plan_id}) + (f"#{anchor}" if anchor else "")


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go after a POST: the `next` field when it points back into this site."""
    return safe_redirect_target(request, request.POST.get("next", ""), fallback)
