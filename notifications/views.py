"""Web pages for alerts: the list, marking read, the header badge, the dashboard's latest alerts, preferences.

The REST API lives in notifications/api/; these pages enforce the same rules (your own alerts only:
anyone else's answers 404).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.models import Role
from notifications import selectors, services
from notifications.alerts_context import latest_alerts_context
from notifications.forms import PreferencesForm
from notifications.models import Notification
from portal.redirects import safe_redirect_target
from portal.types import AuthenticatedHttpRequest, HtmxHttpRequest

PAGE_SIZE = 25


def _signed_in_fragment(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For polled fragments: a signed-out (or timed-out) page goes to the sign-in form instead of
    swapping the sign-in page into the header."""

    @wraps(view)
    def wrapper(request: HtmxHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if getattr(request, "htmx", False):
            page = request.htmx.current_url_abs_path or "/"
            return HttpResponse(headers={"HX-Redirect": f"{settings.LOGIN_URL}?next={quote(page)}"})
        return redirect_to_login(request.get_full_path())

    return wrapper


def _next_url(request: HttpRequest, default: str) -> str:
    """Where to go back to after a POST: the page it came from, if it is on this site."""
    return safe_redirect_target(request, request.POST.get("next", ""), default)


@login_required
@require_GET
def alert_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Your alerts, newest first, all or only unread ones, a page at a time."""
    show = "unread" if request.GET.get("show") == "unread" else "all"
    alerts = selectors.notifications_of(user=request.user, unread_only=show == "unread")
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/alert_list.html",
        {"nav": "alerts", "page_obj": page, "alerts": page.object_list, "show": show},
    )


@login_required
@require_POST
def alert_read(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    """Mark one of your alerts read; from the alerts page (htmx) only its row is swapped."""
    notification: Notification = get_object_or_404(selectors.notifications_of(user=request.user), pk=notification_id)
    services.notification_mark_read(notification=notification)
    back = _next_url(request, default=reverse("notifications:list"))
    if getattr(request, "htmx", False):
        return render(
            request,
            "notifications/_alert_row_read.html",
            {"alert": notification, "next_url": back, "unread_alerts": selectors.unread_count(user=request.user)},
        )
    return redirect(back)


@login_required
@require_POST
def alert_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark every one of your unread alerts read."""
    changed = services.notifications_mark_all_read(user=request.user)
    if changed:
        messages.success(request, f"Marked {changed} alert{'s' if changed != 1 else ''} read.")
    else:
        messages.info(request, "You had no unread alerts.")
    return redirect(_next_url(request, default=reverse("notifications:list")))


@_signed_in_fragment
@require_GET
def alert_badge(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The unread count in the header, polled by htmx; 204 (nothing to swap) while it is unchanged."""
    count = selectors.unread_count(user=request.user)
    if request.GET.get("n") == str(count):
        return HttpResponse(status=204)
    context = {"unread_alerts": count, "alert_poll_seconds": settings.ALERT_POLL_SECONDS}
    return HttpResponse(render_to_string("notifications/_badge.html", context))


# Fired (HX-Trigger) when the poll brings an alert newer than the page had: the dashboard reads its panels again.
NEW_ALERT_EVENT = "concord-new-alert"


@_signed_in_fragment
@require_GET
def alert_latest(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The dashboard's latest alerts, polled by htmx; 204 (nothing to swap) while they are unchanged.

    When the newest is an unread alert newer than `since` (the newest the page had), the response also fills
    the notice at the top of the dashboard (out of band) and fires NEW_ALERT_EVENT. No query more than before.
    """
    context = latest_alerts_context(user=request.user)
    if request.GET.get("v") == context["latest_alerts_key"]:
        return HttpResponse(status=204)
    since = request.GET.get("since", "")
    alerts = context["latest_alerts"]
    newest = alerts[0] if alerts else None
    fresh = since.isdigit() and newest is not None and newest.read_at is None and newest.pk > int(since)
    html = render_to_string("notifications/_latest_alerts.html", context)
    if not fresh:
        return HttpResponse(html)
    others = sum(1 for alert in alerts if alert.read_at is None and alert.pk > int(since)) - 1
    html += render_to_string("notifications/_live_alert_notice.html", {"alert": newest, "others": others})
    return HttpResponse(html, headers={"HX-Trigger": NEW_ALERT_EVENT})


@login_required
@require_http_methods(["GET", "POST"])
def alert_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Per event type: in-app alerts on or off, and e-mail off, immediately or as a daily digest."""
    current = selectors.preferences_of(user=request.user)
    defaults = selectors.preference_defaults_of(user=request.user)
    form = PreferencesForm(request.POST or None, current=current, defaults=defaults["defaults"])
    if request.method == "POST" and form.is_valid():
        changes = form.changed_choices()
        if changes:
            services.preferences_update(user=request.user, choices=changes)
            messages.success(request, "Your alert preferences are saved.")
        else:
            messages.info(request, "Nothing changed: your preferences are as they were.")
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"nav": "alerts", "form": form, "rows": form.rows(), "default_role": Role(defaults["role"]).label},
    )
