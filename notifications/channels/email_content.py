"""What the e-mail channel says: subjects, the text and HTML bodies of one event, and daily digests.

Mails name the plan, the version and the change summary and link to the plan's web pages (a new version: straight
to "What changed"); they never carry section bodies, key facts' values or attachments. The mail about a new version
names what changed (key facts, section titles, attachment names) from the summary the fan-out keeps on the event
(plans.changes, computed once per version); for a law-enforcement-sensitive plan it names key facts and section
titles only (titles were always allowed, e.g. a comment's section) and counts the files. The mail about a source's
change names the source and what it changed since the version the plan was written against only if the recipient
may still read the source when the mail is rendered (access/sources.py); otherwise it keeps the neutral wording.
Templates live in notifications/templates/notifications/email/.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dateformat import format as format_date

from access.sources import sources_visible
from accounts.invitations import invitation_path_kwargs
from agencies.models import Agency
from notifications.document_titles import document_change_title
from notifications.exercise_titles import (
    corrective_action_closed_title,
    corrective_action_overdue_title,
    exercise_scheduled_title,
    exercise_start_words,
    exercise_upcoming_title,
)
from notifications.models import PERSONAL_EVENT_TYPES, EventType, OutboxEvent
from notifications.reading_text import reading_email_extra, reading_title
from plans.models import classification_words

TEMPLATES = "notifications/email"
SHARE_LEVEL_WORDS = {"view": "read", "comment": "read and comment on"}
# At most this many names per line of a new version's "what changed"; the rest are counted.
NAMES_SHOWN = 8


def plan_url(plan_id: int) -> str:
    """The absolute link to a plan's web page in mails."""
    return settings.SITE_URL + reverse("plans:detail", kwargs={"plan_id": plan_id})


def changes_url(plan_id: int, version: int, against: int | None) -> str:
    """The "What changed" page of a new version: against the version the mail compared it with, if known (else
    the page's own default, the version the reader last acknowledged). A first version links to the plan."""
    query = f"?from={against}&to={version}" if against is not None else f"?to={version}"
    return settings.SITE_URL + reverse("plans:diff", kwargs={"plan_id": plan_id}) + query


def preferences_url() -> str:
    """Where a person changes what they receive: the alert preferences page."""
    return settings.SITE_URL + reverse("notifications:preferences")


def sign_in_url() -> str:
    return f"{settings.SITE_URL}/accounts/login/"


@dataclass(frozen=True)
class EmailItem:
    """What the templates may show of one event: names, numbers and the change summary, never plan content."""

    event_type: str
    headline: str
    plan_title: str
    owner_agency: str
    agency: str
    version: int | None
    change_summary: str
    url: str | None
    extra: dict[str, Any] = field(default_factory=dict)
    url_label: str = ""

    @property
    def text_template(self) -> str:
        return f"{TEMPLATES}/events/{self.event_type.replace('.', '_')}.txt"

    @property
    def html_template(self) -> str:
        return f"{TEMPLATES}/events/{self.event_type.replace('.', '_')}.html"


def _one_line(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _webhook_target(url: str) -> tuple[str, str]:
    """(host, url without credentials, query or fragment): receivers sometimes carry tokens there."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return host, f"{parts.scheme}://{host}{port}{parts.path}" if host else ""


def _review_extra(payload: Mapping[str, Any]) -> dict[str, Any]:
    try:
        due = date.fromisoformat(payload.get("due", ""))
    except (TypeError, ValueError):
        return {"due": None, "due_text": "", "overdue": False}
    overdue = str(payload.get("stage", "")).startswith("overdue")
    return {"due": due, "due_text": format_date(due, "j F Y"), "overdue": overdue}


def _names(names: Iterable[Any]) -> str:
    shown = [_one_line(name, 120) for name in names]
    if len(shown) > NAMES_SHOWN:
        return f"{', '.join(shown[:NAMES_SHOWN])} and {len(shown) - NAMES_SHOWN} more"
    return ", ".join(shown)


def _files(count: int) -> str:
    return f"{count} file{'s' if count != 1 else ''} (file names are not sent for a law-enforcement-sensitive plan)"


def change_lines(changes: Any, *, sensitive: bool) -> list[tuple[str, str]]:
    """What a new version changed as (heading, names) lines, key facts first: the summary the fan-out kept on the
    event (plans.changes.changes_summary). Names only, never values or text; no file names for a sensitive plan."""
    if not isinstance(changes, Mapping):
        return []
    lines: list[tuple[str, str]] = []
    facts = [fact for fact in changes.get("facts") or [] if isinstance(fact, Mapping)]
    sections = changes.get("sections") or {}
    files = changes.get("attachments") or {}
    for kind in ("changed", "added", "removed"):
        named = [f"{fact.get('label')} ({fact.get('facility')})" for fact in facts if fact.get("change") == kind]
        if named:
            lines.append((f"Key facts {kind}", _names(named)))
    for kind in ("changed", "added", "removed"):
        if sections.get(kind):
            lines.append((f"Sections {kind}", _names(sections[kind])))
    for kind in ("added", "removed"):
        names = files.get(kind) or []
        count = files.get(f"{kind}_count", len(names))
        if names and not sensitive:
            lines.append((f"Attachments {kind}", _names(names)))
        elif isinstance(count, int) and count > 0:
            lines.append((f"Attachments {kind}", _files(count)))
    return lines


def _published_extra(event: OutboxEvent) -> dict[str, Any]:
    changes = event.payload.get("changes")
    sensitive = event.plan is not None and event.plan.is_law_enforcement_sensitive
    return {
        "previous_version": event.payload.get("previous_version"),
        "against": changes.get("against") if isinstance(changes, Mapping) else None,
        "changes": change_lines(changes, sensitive=sensitive),
    }


def _source_extra(event: OutboxEvent, reader: User | None) -> dict[str, Any]:
    """The source and what it changed, for a recipient who may still read the source now (else nothing: the
    share may have been revoked since the alert was recorded)."""
    payload = event.payload
    source, change = payload.get("source_plan"), payload.get("change")
    withdrawn = payload.get("kind") == "withdrawn"
    if reader is None or not isinstance(source, int) or source not in sources_visible(user=reader, plan_ids=[source]):
        return {"withdrawn": withdrawn}
    groups = [
        {
            "for_sections": _names(entry.get("for_sections") or []),
            "against": entry["changes"].get("against"),
            "changes": change_lines(entry["changes"], sensitive=False),
        }
        for entry in payload.get("source_changes") or []
        if isinstance(entry, Mapping) and isinstance(entry.get("changes"), Mapping)
    ]
    review_url = None
    if event.plan_id is not None and isinstance(change, int):
        review_url = settings.SITE_URL + reverse(
            "sources:change", kwargs={"plan_id": event.plan_id, "change_id": change}
        )
    return {
        "withdrawn": withdrawn,
        "source_title": _one_line(payload.get("source_title") or "", 120),
        "source_version": payload.get("source_version"),
        "groups": groups,
        "review_url": review_url,
    }


EXERCISE_HEADLINES: dict[str, Callable[[dict[str, Any]], str]] = {
    EventType.EXERCISE_SCHEDULED: exercise_scheduled_title,
    EventType.EXERCISE_UPCOMING: exercise_upcoming_title,
    EventType.CORRECTIVE_ACTION_CLOSED: corrective_action_closed_title,
    EventType.CORRECTIVE_ACTION_OVERDUE: corrective_action_overdue_title,
}


def _exercise_extra(event_type: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """An exercise's alert: its headline, the words of the body and the link to its page."""
    exercise = payload.get("exercise")
    headline = EXERCISE_HEADLINES[event_type](dict(payload))
    return {
        "exercise_headline": _one_line(headline, 88),  # the subject line stays within 100 characters
        "exercise_title": _one_line(str(payload.get("exercise_title", "")), 200),
        "lead_agency_name": _one_line(str(payload.get("lead_agency_name", "")), 200),
        "kind": _one_line(str(payload.get("kind", "")), 100).lower(),
        "starts": exercise_start_words(payload.get("starts_at")),
        "how": _one_line(str(payload.get("how", "")), 100),
        "description": _one_line(str(payload.get("description", "")), 300),
        "due_on": _one_line(str(payload.get("due_on", "")), 20),
        "exercise_url": settings.SITE_URL + reverse("exercises:detail", kwargs={"exercise_id": exercise})
        if isinstance(exercise, int)
        else None,
    }


def _extra(event: OutboxEvent, reader: User | None = None) -> dict[str, Any]:
    """Wording details particular to one event type (some depend on what the recipient may read now)."""
    payload = event.payload
    if event.event_type == EventType.SOURCE_CHANGED:
        return _source_extra(event, reader)
    if event.event_type == EventType.PLAN_REVIEW_DUE:
        return _review_extra(payload)
    if event.event_type == EventType.PLAN_SHARED:
        return {"access": SHARE_LEVEL_WORDS.get(payload.get("level", ""), "read")}
    if event.event_type == EventType.VERSION_PUBLISHED:
        return _published_extra(event)
    if event.event_type == EventType.COMMENT_CREATED:
        return {
            "section": _one_line(payload.get("section_title", ""), 120),
            "change_request": bool(payload.get("is_change_request")),
            "reply": payload.get("thread") not in (None, payload.get("comment")),
        }
    if event.event_type == EventType.COMMENT_RESOLVED:
        return {
            "section": _one_line(payload.get("section_title", ""), 120),
            "change_request": bool(payload.get("is_change_request")),
        }
    if event.event_type == EventType.CONCURRENCE_RECORDED:
        changes = payload.get("outcome") == "changes_requested"
        return {"changes_requested": changes, "change_requests": payload.get("change_requests") or 0}
    if event.event_type == EventType.FACILITY_CONFLICT:
        return {
            key: _one_line(payload.get(key, ""), 200)
            for key in ("facility_name", "fact_label", "other_fact_label", "kind", "other_agency_name")
        }
    if event.event_type == EventType.PLAN_CLASSIFICATION_LOWERED:
        return {key: classification_words(payload.get(key)) for key in ("previous_classification", "classification")}
    if event.event_type == EventType.FACILITY_SRO_CHANGED:
        return {
            key: _one_line(str(payload.get(key, "")), 200)
            for key in ("facility_name", "officer_name", "agency_name", "change", "on")
        }
    if event.event_type == EventType.MEMBER_INVITED:
        return {
            "inviter": _one_line(payload.get("inviter_name", "An admin"), 150),
            "role": str(payload.get("role_label", "member")).lower(),
            "sign_in_url": sign_in_url(),
        }
    if event.event_type in EXERCISE_HEADLINES:
        return _exercise_extra(event.event_type, payload)
    if event.event_type == EventType.BUILDING_DOCUMENT_CHANGED:
        return {"document_change": _one_line(document_change_title(payload), 300)}
    if event.event_type == EventType.WEBHOOK_DISABLED:
        host, url = _webhook_target(payload.get("url", ""))
        return {"host": host, "webhook_url": url, "reason": _one_line(payload.get("reason", ""), 300)}
    return {}


def _headline(event_type: str, title: str, version: Any, agency: str, extra: Mapping[str, Any]) -> str:
    if event_type == EventType.PLAN_REVIEW_DUE:
        when = "overdue since" if extra.get("overdue") else "due"
        return f"{title}: review {when} {extra.get('due_text', '')}".strip()
    headlines: dict[str, str] = {
        EventType.VERSION_PUBLISHED: f"{title}: version {version} published",
        EventType.VERSION_WITHDRAWN: f"{title}: version {version} withdrawn",
        EventType.PLAN_SHARED: f"{title} shared with {agency}",
        EventType.PLAN_UNSHARED: f"{title} no longer shared with {agency}",
        EventType.ACKNOWLEDGEMENT_REMINDER: f"{title}: version {version} awaits your acknowledgement",
        EventType.COMMENT_CREATED: f"{title}: new comment on version {version}",
        EventType.COMMENT_RESOLVED: (
            f"{title}: change request resolved" if extra.get("change_request") else f"{title}: comment resolved"
        ),
        EventType.CONCURRENCE_RECORDED: (
            f"{title}: {agency} requested changes to version {version}"
            if extra.get("changes_requested")
            else f"{title}: {agency} concurs with version {version}"
        ),
        EventType.WEBHOOK_DISABLED: f"Webhook to {extra.get('host') or 'your receiver'} disabled",
        EventType.PLAN_CLASSIFICATION_LOWERED: f"{title}: classification lowered to {extra.get('classification')}",
        EventType.MEMBER_INVITED: f"{extra.get('inviter')} invited you to {agency}",
        EventType.SOURCE_CHANGED: _source_headline(title, extra),
        EventType.BUILDING_DOCUMENT_CHANGED: str(extra.get("document_change", title)),
        EventType.EXERCISE_SCHEDULED: str(extra.get("exercise_headline", title)),
        EventType.CORRECTIVE_ACTION_CLOSED: str(extra.get("exercise_headline", title)),
        EventType.EXERCISE_UPCOMING: str(extra.get("exercise_headline", title)),
        EventType.CORRECTIVE_ACTION_OVERDUE: str(extra.get("exercise_headline", title)),
        EventType.FACILITY_SRO_CHANGED: f"{extra.get('facility_name')}: School Resource Officer "
        f"{'assignment ended' if extra.get('change') == 'ended' else 'changed'}",
        EventType.FACILITY_CONFLICT: f"{title}: conflict with {extra.get('other_agency_name')} "
        f"at {extra.get('facility_name')}",
    }
    return headlines.get(event_type, title)


def _source_headline(title: str, extra: Mapping[str, Any]) -> str:
    source, number = extra.get("source_title"), extra.get("source_version")
    if not source:
        return f"{title}: a plan it builds on changed — review pending"
    if extra.get("withdrawn"):
        return f"{title}: source {source} v{number} was withdrawn — review pending"
    return f"{title}: source {source} is now at v{number} — review pending"


def mentioned_agency_names(events: Iterable[OutboxEvent]) -> dict[int, str]:
    """Names of the partner or webhook agencies the events mention (one query, none if there are none)."""
    ids = {event.payload.get(key) for event in events for key in ("partner", "agency")}
    ids = {agency_id for agency_id in ids if isinstance(agency_id, int)}
    return dict(Agency.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def _reading_item(event: OutboxEvent, agency_names: Mapping[int, str]) -> EmailItem:
    """A required-reading reminder or escalation: about several plans (or people), not one plan."""
    extra = reading_email_extra(event.event_type, event.payload)
    return EmailItem(
        event_type=event.event_type,
        headline=_one_line(reading_title(event.event_type, event.payload), 200),
        plan_title="",
        owner_agency="",
        agency=agency_names.get(event.payload.get("agency"), "your agency"),
        version=None,
        change_summary="",
        url=extra["url"],
        extra=extra,
        url_label=extra["url_label"],
    )


def email_item(event: OutboxEvent, agency_names: Mapping[int, str], reader: User | None = None) -> EmailItem:
    """The template context of one event for `reader` (None: nothing that depends on what they may read now);
    the link is left out when access has ended."""
    payload = event.payload
    if event.event_type in PERSONAL_EVENT_TYPES:
        return _reading_item(event, agency_names)
    plan = event.plan
    title = _one_line(payload.get("plan_title") or (plan.title if plan else "A plan"))
    agency = agency_names.get(payload.get("partner") or payload.get("agency"), "your agency")
    extra = _extra(event, reader)
    version = payload.get("version")
    linked_plan = event.plan_id if event.event_type != EventType.PLAN_UNSHARED else None
    url, url_label = None, ""
    compared = extra.get("against") is not None or extra.get("previous_version") is not None
    published = event.event_type == EventType.VERSION_PUBLISHED and isinstance(version, int)
    if linked_plan is not None and published and compared:
        url = changes_url(linked_plan, version, extra.get("against"))
        url_label = f"See what changed in version {version}"
    elif extra.get("exercise_url"):
        url, url_label = extra["exercise_url"], "Open the exercise in Concord"
    elif extra.get("review_url"):
        url, url_label = extra["review_url"], f"Review what {extra.get('source_title')} changed"
    elif linked_plan is not None:
        url, url_label = plan_url(linked_plan), f"Open {title} in Concord"
    return EmailItem(
        event_type=event.event_type,
        headline=_headline(event.event_type, title, version, agency, extra),
        plan_title=title,
        owner_agency=plan.owner_agency.name if plan else "The owner agency",
        agency=agency,
        version=version,
        change_summary=str(payload.get("change_summary") or "").strip(),
        url=url,
        extra=extra,
        url_label=url_label,
    )


def _tidy_text(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def _compose(
    *, subject: str, template: str, context: dict[str, Any], to: str, headers: dict[str, str]
) -> EmailMultiAlternatives:
    subject = _one_line(subject, 200)
    context = {**context, "subject": subject, "preferences_url": preferences_url()}
    message = EmailMultiAlternatives(
        subject=subject,
        body=_tidy_text(render_to_string(f"{TEMPLATES}/{template}.txt", context)),
        to=[to],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All", **headers},
    )
    message.attach_alternative(render_to_string(f"{TEMPLATES}/{template}.html", context), "text/html")
    return message


def _message_id(delivery_message_id: str) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "concord.invalid"
    return f"<{delivery_message_id}@{domain}>"


def event_email(
    *,
    event: OutboxEvent,
    to: str,
    agency_names: Mapping[int, str] | None = None,
    message_id: str | None = None,
    reader: User | None = None,
) -> EmailMultiAlternatives:
    """The immediate mail (text and HTML) for one event to `reader`; a stable Message-ID lets clients drop a
    resend."""
    names = mentioned_agency_names([event]) if agency_names is None else agency_names
    item = email_item(event, names, reader)
    headers = {"Message-ID": _message_id(message_id)} if message_id else {}
    return _compose(
        subject=f"[Concord] {item.headline}", template="message", context={"item": item}, to=to, headers=headers
    )


def digest_email(
    *,
    events: list[OutboxEvent],
    to: str,
    agency_names: Mapping[int, str] | None = None,
    message_id: str | None = None,
    reader: User | None = None,
) -> EmailMultiAlternatives:
    """One mail to `reader` listing several events, oldest first (a stable Message-ID, when given, folds a
    resend)."""
    names = mentioned_agency_names(events) if agency_names is None else agency_names
    items = [email_item(event, names, reader) for event in events]
    count = f"{len(items)} update{'s' if len(items) != 1 else ''}"
    return _compose(
        subject=f"[Concord] Daily digest: {count}",
        template="digest",
        context={"items": items},
        to=to,
        headers={"Message-ID": _message_id(message_id)} if message_id else {},
    )


def _password_url(user: User) -> str:
    """The invitation's link to choose a password, made now: a resend carries a fresh one, none is stored."""
    site = urlsplit(settings.SITE_URL)
    path = reverse("accounts:invitation", kwargs=invitation_path_kwargs(user))
    return f"{site.scheme}://{site.netloc}{path}"


def invitation_email(
    *,
    event: OutboxEvent,
    user: User,
    to: str,
    agency_names: Mapping[int, str] | None = None,
    message_id: str | None = None,
) -> EmailMultiAlternatives:
    """The invitation of a new account (`member.invited`): who added them where, their username, and the link
    to choose their password (it works once and expires after INVITATION_EXPIRY_DAYS)."""
    item = email_item(event, mentioned_agency_names([event]) if agency_names is None else agency_names)
    return _compose(
        subject=f"[Concord] {item.headline}",
        template="invitation",
        context={
            "item": item,
            "username": user.get_username(),
            "password_url": _password_url(user),
            "expiry_days": settings.INVITATION_EXPIRY_DAYS,
        },
        to=to,
        headers={"Message-ID": _message_id(message_id)} if message_id else {},
    )
