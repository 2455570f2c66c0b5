"""Reads behind the pages and API that set an agency's required reading: asked of the gate first, constant queries."""

from collections import Counter

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from access.audience import active_members
from access.reading import plans_agency_may_require, reading_manage_refusal
from agencies.models import Agency
from plans.models import Plan
from reading.models import Audience, ReadingGroup, ReadingGroupMember, ReadingRequirement

PEOPLE_ORDER = ("last_name", "first_name", "username")


def reading_managed_agency(*, user: User | AnonymousUser, agency_id: int) -> Agency:
    """The agency whose reading the person sets: 404 unless they belong to it, 403 unless its admin or liaison."""
    refusal = reading_manage_refusal(user, agency_id)
    if refusal == 404:
        raise Http404("No such agency.")
    if refusal == 403:
        raise PermissionDenied("Only this agency's admins and liaisons may set its required reading.")
    return get_object_or_404(Agency, pk=agency_id)


def reading_groups_of(*, agency: Agency) -> QuerySet[ReadingGroup]:
    """The agency's groups by name, each with how many people and supervisors are in it."""
    return (
        ReadingGroup.objects.filter(agency=agency)
        .annotate(
            member_count=Count("members", distinct=True),
            supervisor_count=Count("members", filter=Q(members__is_supervisor=True), distinct=True),
        )
        .order_by("name", "pk")
    )


def reading_group_of(*, agency: Agency, group_id: int) -> ReadingGroup:
    return get_object_or_404(reading_groups_of(agency=agency), pk=group_id)


def reading_group_members(*, group: ReadingGroup) -> QuerySet[ReadingGroupMember]:
    """The group's people by last name, first name, username."""
    return (
        ReadingGroupMember.objects.filter(group=group)
        .select_related("user")
        .order_by(*(f"user__{field}" for field in PEOPLE_ORDER), "pk")
    )


def reading_group_member_of(*, group: ReadingGroup, user_id: int) -> ReadingGroupMember:
    return get_object_or_404(reading_group_members(group=group), user_id=user_id)


def people_to_add(*, group: ReadingGroup) -> QuerySet[User]:
    """The agency's active people not yet in the group, by name."""
    ids = active_members(agency_ids=[group.agency_id]).values("user_id")
    return (
        User.objects.filter(pk__in=ids)
        .exclude(reading_groups__group=group)
        .order_by(*PEOPLE_ORDER, "pk")
        .only("pk", "username", "first_name", "last_name")
    )


PEOPLE_MATCHES_SHOWN = 20


def people_to_add_matching(*, group: ReadingGroup, text: str) -> list[User]:
    """At most PEOPLE_MATCHES_SHOWN of the agency's people not in the group whose username or name contains the
    text (the "add a person" field's suggestions; nothing for fewer than two characters)."""
    text = text.strip()
    if len(text) < 2:
        return []
    words = Q()
    for word in text.split()[:3]:
        words &= Q(username__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return list(people_to_add(group=group).filter(words)[:PEOPLE_MATCHES_SHOWN])


def person_to_add(*, group: ReadingGroup, username: str) -> User | None:
    """The agency's active person of that username (any case) who is not in the group yet, or None."""
    return people_to_add(group=group).filter(username__iexact=username.strip()).first()


def agency_person(*, agency: Agency, user_id: int) -> User | None:
    """One of the agency's active people, or None."""
    return User.objects.filter(pk=user_id, pk__in=active_members(agency_ids=[agency.pk]).values("user_id")).first()


def reading_requirements_of(*, agency: Agency) -> QuerySet[ReadingRequirement]:
    """The agency's requirements by plan title, with the plan, its owner and the group."""
    return (
        ReadingRequirement.objects.filter(agency=agency)
        .select_related("plan", "plan__owner_agency", "group")
        .order_by("plan__title", "audience", "role", "group__name", "pk")
    )


def requirable_plans(*, agency: Agency) -> QuerySet[Plan]:
    """The plans the agency may require (its own, those shared with it, public ones), by title."""
    return plans_agency_may_require(agency_id=agency.pk).select_related("owner_agency").order_by("title", "pk")


def requirement_people_counts(*, agency: Agency, requirements: list[ReadingRequirement]) -> dict[int, int]:
    """How many of the agency's active people each requirement covers (two queries, whatever the number)."""
    by_role = Counter(
        dict(active_members(agency_ids=[agency.pk]).order_by().values_list("role").annotate(n=Count("pk")))
    )
    group_ids = {r.group_id for r in requirements if r.group_id is not None}
    in_group: dict[int, int] = {}
    if group_ids:
        people = active_members(agency_ids=[agency.pk]).values("user_id")
        in_group = dict(
            ReadingGroupMember.objects.filter(group_id__in=group_ids, user_id__in=people)
            .order_by()
            .values_list("group_id")
            .annotate(n=Count("pk"))
        )
    counts: dict[int, int] = {}
    for r in requirements:
        if r.audience == Audience.EVERYONE:
            counts[r.pk] = sum(by_role.values())
        elif r.audience == Audience.ROLE:
            counts[r.pk] = by_role.get(r.role, 0)
        else:
            counts[r.pk] = in_group.get(r.group_id or 0, 0)
    return counts
