"""Required-reading reminders through the outbox: due in 3 days, overdue, and the weekly escalation.

Set-based, so a state's 100,000 people cost a few statements, not one per person (docs/benchmarks.md):

- **Reminders.** One statement per stage finds the open obligations owed a reminder, records one
  `reading.due_soon` or `reading.overdue` event per person listing their plans (`INSERT … SELECT … GROUP BY
  person ON CONFLICT (dedupe_key) DO NOTHING RETURNING`), and marks exactly the obligations of the people
  whose event was recorded (a `ReadingReminder` row per obligation: the version and the stage reached), all
  in one transaction. The mark makes each reminder go out once per version (a mark of an older version counts
  as none, so a new version restarts the clock); the dedupe key (person, stage, day) makes two runs at once
  record it once. A person whose event of the day exists already keeps their new items unmarked for the next
  day's event. The marks are narrow rows of their own: marking a state's worst day writes ~700,000 of them,
  which as updates of the obligations (six indexes, the summary's triggers) cost most of the run.
- **Escalation.** Once per ISO week, each group's supervisors receive the list of their people who are
  overdue; people in no group with a supervisor (other than themselves) go to the agency's admins. Nobody
  receives their own name. Dedupe key: (route, recipient, agency, week).

Catching up after missed days needs nothing special: the stages are chosen from the obligations' state, not
from the day, so an item that became overdue while the job was down gets its overdue reminder (and no stale
"due soon") at the next run. PostgreSQL only (production and the tests); the SQLite demo runs no beat.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from agencies.models import Agency, Membership, Role
from notifications.dispatch import FAN_OUT_EVENTS, enqueue_on_commit
from notifications.models import EventType, OutboxEvent
from plans.models import Plan, PlanVersion
from reading.models import ReadingGroup, ReadingGroupMember, ReadingObligation, ReadingReminder, ReminderStage

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 3
# Events handed to one fan-out task (a message per batch, not per person).
HANDOFF_BATCH = 200
# The most people one escalation lists (it counts them all); the compliance page has the rest.
ESCALATION_LISTED = 200


@dataclass(frozen=True)
class ReminderResult:
    """What one stage recorded: events (people reminded, or escalations) and the obligations they cover."""

    events: int
    obligations: int


def _tables() -> dict[str, str]:
    return {
        "obligation": ReadingObligation._meta.db_table,
        "reminder": ReadingReminder._meta.db_table,
        "outbox": OutboxEvent._meta.db_table,
        "user": User._meta.db_table,
        "plan": Plan._meta.db_table,
        "version": PlanVersion._meta.db_table,
        "group": ReadingGroup._meta.db_table,
        "group_member": ReadingGroupMember._meta.db_table,
        "membership": Membership._meta.db_table,
        "agency": Agency._meta.db_table,
    }


# Which open obligations a stage takes: those with no mark of that stage (or a later one) for the version
# owed, and the stage it marks. Overdue stands for "due soon" too, so a run after missed days never sends a
# stale "due in 3 days" for an item already overdue.
_STAGES: dict[str, tuple[str, str, ReminderStage]] = {
    "overdue": (EventType.READING_OVERDUE, "o.due_at <= %(now)s", ReminderStage.OVERDUE),
    "due_soon": (EventType.READING_DUE_SOON, "o.due_at > %(now)s AND o.due_at <= %(soon)s", ReminderStage.DUE_SOON),
}

_REMINDER_SQL = """
WITH candidates AS (
    SELECT o.id, o.user_id, o.agency_id, o.plan_id, o.version_id, o.due_at, p.title, v.number
    FROM {obligation} o
    JOIN {user} u ON u.id = o.user_id AND u.is_active
    JOIN {plan} p ON p.id = o.plan_id
    JOIN {version} v ON v.id = o.version_id
    WHERE o.acknowledged_at IS NULL AND {where} AND NOT EXISTS (
        SELECT 1 FROM {reminder} m
        WHERE m.obligation_id = o.id AND m.version_id = o.version_id AND m.stage >= %(stage_level)s
    )
),
recorded AS (
    INSERT INTO {outbox} (event_type, plan_id, payload, dedupe_key, created_at, next_attempt_at, attempts, last_error)
    SELECT %(event_type)s, NULL,
        jsonb_build_object(
            'user', c.user_id, 'stage', %(stage)s, 'day', %(day)s, 'count', count(*),
            'agencies', jsonb_agg(DISTINCT c.agency_id),
            'items', jsonb_agg(jsonb_build_object(
                'plan', c.plan_id, 'plan_title', c.title, 'version', c.number, 'agency', c.agency_id, 'due', c.due_at
            ) ORDER BY c.due_at, c.title, c.plan_id)
        ),
        %(key)s || c.user_id || ':' || %(day)s, %(now)s, %(next_attempt)s, 0, ''
    FROM candidates c
    GROUP BY c.user_id
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id, (payload ->> 'user')::integer AS user_id
),
marked AS (
    INSERT INTO {reminder} AS m (obligation_id, version_id, stage, reminded_at)
    SELECT c.id, c.version_id, %(stage_level)s, %(now)s
    FROM candidates c JOIN recorded r ON r.user_id = c.user_id
    ON CONFLICT (obligation_id) DO UPDATE
        SET version_id = EXCLUDED.version_id, stage = EXCLUDED.stage, reminded_at = EXCLUDED.reminded_at
    RETURNING 1
)
SELECT (SELECT array_agg(id ORDER BY id) FROM recorded), (SELECT count(*) FROM marked)
"""

_ESCALATION_SQL = """
WITH overdue AS (
    SELECT o.agency_id, o.user_id, count(*) AS items, min(o.due_at) AS oldest
    FROM {obligation} o
    JOIN {user} u ON u.id = o.user_id AND u.is_active
    WHERE o.acknowledged_at IS NULL AND o.due_at <= %(now)s
    GROUP BY o.agency_id, o.user_id
),
supervised AS (
    SELECT DISTINCT ov.agency_id, ov.user_id, s.user_id AS recipient
    FROM overdue ov
    JOIN {group_member} m ON m.user_id = ov.user_id
    JOIN {group} g ON g.id = m.group_id AND g.agency_id = ov.agency_id
    JOIN {group_member} s ON s.group_id = g.id AND s.is_supervisor AND s.user_id <> ov.user_id
    JOIN {user} su ON su.id = s.user_id AND su.is_active
),
routes AS (
    SELECT agency_id, user_id, recipient, 'supervisor' AS route FROM supervised
    UNION ALL
    SELECT ov.agency_id, ov.user_id, a.user_id, 'admin'
    FROM overdue ov
    JOIN {membership} a ON a.agency_id = ov.agency_id AND a.role = %(admin)s AND a.user_id <> ov.user_id
    JOIN {user} au ON au.id = a.user_id AND au.is_active
    WHERE NOT EXISTS (SELECT 1 FROM supervised s WHERE s.agency_id = ov.agency_id AND s.user_id = ov.user_id)
),
listed AS (
    SELECT r.recipient, r.agency_id, r.route, ov.user_id, ov.items, ov.oldest,
        COALESCE(NULLIF(btrim(pu.first_name || ' ' || pu.last_name), ''), pu.username) AS name,
        row_number() OVER (
            PARTITION BY r.recipient, r.agency_id, r.route ORDER BY pu.last_name, pu.first_name, pu.username
        ) AS position
    FROM routes r
    JOIN overdue ov ON ov.agency_id = r.agency_id AND ov.user_id = r.user_id
    JOIN {user} pu ON pu.id = ov.user_id
),
recorded AS (
    INSERT INTO {outbox} (event_type, plan_id, payload, dedupe_key, created_at, next_attempt_at, attempts, last_error)
    SELECT %(event_type)s, NULL,
        jsonb_build_object(
            'recipient', l.recipient, 'agency', l.agency_id, 'agency_name', ag.name, 'route', l.route,
            'week', %(week)s, 'people_count', count(*), 'overdue_count', sum(l.items),
            'people', COALESCE(jsonb_agg(jsonb_build_object(
                'user', l.user_id, 'name', l.name, 'overdue', l.items, 'oldest_due', l.oldest
            ) ORDER BY l.position) FILTER (WHERE l.position <= %(listed)s), '[]'::jsonb)
        ),
        'reading:escalation:' || l.route || ':' || l.recipient || ':' || l.agency_id || ':' || %(week)s,
        %(now)s, %(next_attempt)s, 0, ''
    FROM listed l
    JOIN {agency} ag ON ag.id = l.agency_id
    GROUP BY l.recipient, l.agency_id, l.route, ag.name
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id
)
SELECT array_agg(id ORDER BY id) FROM recorded
"""


def _hand_off(event_ids: Iterable[int]) -> None:
    """After the commit, one fan-out task per batch of events (the sweep covers a lost hand-off)."""
    ids = list(event_ids)
    for start in range(0, len(ids), HANDOFF_BATCH):
        enqueue_on_commit(FAN_OUT_EVENTS, ids[start : start + HANDOFF_BATCH])


def _common(now: datetime) -> dict[str, Any]:
    return {"now": now, "next_attempt": now + timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS)}


def _postgresql() -> bool:
    if connection.vendor == "postgresql":
        return True
    logger.warning("Required-reading reminders need PostgreSQL; nothing recorded on %s.", connection.vendor)
    return False


@transaction.atomic
def reading_reminders_record_stage(*, stage: str, now: datetime | None = None) -> ReminderResult:
    """Record the `stage` ("overdue" or "due_soon") reminders owed now: one event per person, their items marked."""
    if not _postgresql():
        return ReminderResult(0, 0)
    now = now or timezone.now()
    event_type, where, level = _STAGES[stage]
    day = timezone.localtime(now).date().isoformat()
    params = {
        **_common(now),
        "soon": now + timedelta(days=DUE_SOON_DAYS),
        "event_type": event_type,
        "stage": stage,
        "stage_level": int(level),
        "day": day,
        "key": f"reading:{stage}:",
    }
    sql = _REMINDER_SQL.format(where=where, **_tables())
    with connection.cursor() as cursor:
        # Fresh statistics of the marks (a narrow table; sampled in ~0.1 s): the previous stage may have
        # added 300,000 of them, and a plan that thinks the table empty joins the people one by one.
        cursor.execute(f"ANALYZE {ReadingReminder._meta.db_table}")
        cursor.execute(sql, params)
        event_ids, marked = cursor.fetchone()
    _hand_off(event_ids or [])
    return ReminderResult(events=len(event_ids or []), obligations=marked)


def reading_reminders_record(*, now: datetime | None = None) -> dict[str, ReminderResult]:
    """Both stages, overdue first (each its own transaction)."""
    now = now or timezone.now()
    return {stage: reading_reminders_record_stage(stage=stage, now=now) for stage in ("overdue", "due_soon")}


def iso_week(now: datetime) -> str:
    """The ISO week of `now` in the site's time zone, e.g. 2026-W49: an escalation goes out once in each."""
    year, week, _ = timezone.localtime(now).isocalendar()
    return f"{year}-W{week:02d}"


@transaction.atomic
def reading_escalations_record(*, now: datetime | None = None) -> ReminderResult:
    """This week's escalations not yet recorded: to supervisors (else admins), each their people's overdue list."""
    if not _postgresql():
        return ReminderResult(0, 0)
    now = now or timezone.now()
    params = {
        **_common(now),
        "event_type": EventType.READING_ESCALATION,
        "week": iso_week(now),
        "admin": Role.ADMIN,
        "listed": ESCALATION_LISTED,
    }
    with connection.cursor() as cursor:
        cursor.execute(_ESCALATION_SQL.format(**_tables()), params)
        (event_ids,) = cursor.fetchone()
    _hand_off(event_ids or [])
    return ReminderResult(events=len(event_ids or []), obligations=0)
