"""The compile-once kernel (portal/compiled_sql.py): each call's ids and moment land where the ORM put its
stand-ins, so the rows are the ORM's for those values, and a query it cannot bind safely is refused."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from portal.compiled_sql import compile_sql
from reading.models import ReadingObligation
from tests.reading.queue_scene import shared_plans


def _overdue(user_id: int, now):
    return (
        ReadingObligation.objects.filter(user_id=user_id, due_at__lt=now, acknowledged_at__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)
    )


def _rows(sql: str, params: list) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def test_each_call_binds_its_own_person_and_moment(county):
    for n, plan in enumerate(shared_plans(county, 4)):
        ReadingObligation.objects.filter(plan=plan).update(due_at=timezone.now() + timedelta(days=10 * n - 15))
    compiled = compile_sql(_overdue, ids=("user_id",), moments=("now",))
    owing = ReadingObligation.objects.values_list("user_id", flat=True).distinct()
    assert len(owing) >= 2
    now, seen = timezone.now(), set()
    for user_id in owing:
        for moment in (now - timedelta(days=30), now, now + timedelta(days=30)):
            expected = list(_overdue(user_id, moment))
            assert _rows(compiled.sql, compiled.bind(user_id=user_id, now=moment)) == expected
            seen.add(len(expected))
    assert len(seen) >= 3, "the moments chosen tell the obligations apart"
    assert _rows(compiled.sql, compiled.bind(user_id=0, now=now + timedelta(days=30))) == []


def test_a_query_that_does_not_name_its_values_or_freezes_a_moment_is_refused():
    with pytest.raises(RuntimeError, match="does not name"):
        compile_sql(lambda user_id, now: _overdue(1, now), ids=("user_id",), moments=("now",))
    frozen = timezone.now()
    with pytest.raises(RuntimeError, match="not a constant"):
        compile_sql(lambda user_id: _overdue(user_id, frozen), ids=("user_id",))
    # A moment derived from the named one would be frozen at its first value.
    with pytest.raises(RuntimeError, match="not a constant"):
        compile_sql(
            lambda user_id, now: _overdue(user_id, now).filter(due_at__gte=now - timedelta(days=3)),
            ids=("user_id",),
            moments=("now",),
        )
