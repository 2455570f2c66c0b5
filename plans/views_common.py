"""Links the plan pages share: the plan's URL and where to go after a POST."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def plan_url(plan_id: int, anchor: str = "") -> str:
    return reverse("plans:detail", kwargs={"plan_id": plan_id}) + (f"#{anchor}" if anchor else "")


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go after a POST: the `next` field when it points back into this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback
