"""The plan list's owner and building choices, kept between requests under a token every change to them replaces.

A police department at state scale sees plans of ~900 owners and ~550 buildings; finding them took two
semi-joins over the ~1,000 visible plans on every view of the list, and writing out their `<option>`s as much
again. The choices depend only on the reader's agencies and on tables whose triggers replace the token of
`plans_list_choices_token` when the writing transaction commits (plans.0010, 0011): grants, plans (creation, deletion,
classification, owner), plans' buildings, and agency and building names. So they are kept, in this process and
in the cache, under (token, the reader's agency ids); the token is read in this request before the choices are
computed, and they are computed for exactly those agencies, so a value stored under a token is never older
than the token. Without the token (another database) they are computed on every request.
"""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection

from access.plan_list_sql import LIST_CHOICES as _CHOICES_SQL
from plans import selectors
from plans.models import Classification
from portal.process_cache import ProcessCache
from portal.widgets import RenderedChoices

CACHE_SECONDS = 3600
# Choices kept in this process (most recently used), each ~150 KB at state scale.
PROCESS_ENTRIES = 32


@dataclass(frozen=True)
class ListChoices:
    """The filters' choices, each list headed by its "any" entry."""

    owners: RenderedChoices
    facilities: RenderedChoices


def _choices(owners: list[tuple[int, str]], facilities: list[tuple[int, str]]) -> ListChoices:
    return ListChoices(
        owners=RenderedChoices([("", "Any agency"), *owners]),
        facilities=RenderedChoices([("", "Any facility"), *facilities]),
    )


_process: ProcessCache[str, ListChoices] = ProcessCache(PROCESS_ENTRIES)


# The token, and whether this transaction has changed what the choices depend on and not yet committed
# (plans.0011 replaces the token only at commit; until then the writer's own reads compute the choices).
_CURRENT_MARK_SQL = (
    "SELECT token, current_setting('concord.list_choices_dirty', true) = 'on'"
    " FROM plans_list_choices_token WHERE id = 1"
)


def _token() -> str | None:
    """The current token; None where nothing may be kept: another database, or a transaction with changes of
    its own to the choices' tables."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(_CURRENT_MARK_SQL)
        row = cursor.fetchone()
    return str(row[0]) if row and not row[1] else None


def choices_of_agencies(*, agency_ids: list[int]) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The owners and buildings among the plans these agencies' members may see, computed (one statement)."""
    with connection.cursor() as cursor:
        cursor.execute(_CHOICES_SQL, {"agencies": agency_ids, "public": Classification.PUBLIC})
        rows = cursor.fetchall()
    owners = [(pk, name) for which, pk, name in rows if which == 0]
    return owners, [(pk, name) for which, pk, name in rows if which == 1]


def plan_list_choices(*, user: User, agency_ids: list[int]) -> ListChoices:
    """The choices for a user whose agencies, read in this request, are `agency_ids`."""
    token = _token()
    if token is None:
        return _choices(*selectors.plan_list_choices(user=user))
    key = f"plans:list-choices:{token}:{','.join(str(pk) for pk in sorted(set(agency_ids)))}"
    kept = _process.get(key)
    if kept is not None:
        return kept
    stored = cache.get(key)
    if isinstance(stored, tuple) and len(stored) == 2:
        owners, facilities = stored
    else:
        owners, facilities = choices_of_agencies(agency_ids=sorted(set(agency_ids)))
        cache.set(key, (owners, facilities), CACHE_SECONDS)
    kept = _choices(owners, facilities)
    _process.put(key, kept)
    return kept
