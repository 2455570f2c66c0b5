"""Generator part one: agencies with their groups, people, memberships (and group membership), buildings."""

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bench.loader import Loader, ts
from bench.scales import (
    HOT_AGENCY_MEMBERS,
    HOT_OWNER_SLUG,
    PUBLISHER_USERNAME,
    READER_AGENCY_SLUG,
    READER_USERNAME,
    Scale,
)

UNUSABLE_PASSWORD = "!bench-generated-account-without-password"  # noqa: S105 - an unusable hash
# Kind, weight when choosing plan owners, name pattern.
AGENCY_KINDS = [
    ("school_district", 3.0, "{town} School District {n}"),
    ("police", 1.5, "{town} Police Department"),
    ("fire", 1.0, "{town} Fire Protection District"),
    ("ems", 0.7, "{town} Ambulance District"),
    ("emergency_management", 1.5, "{town} Emergency Management Agency"),
    ("hospital", 0.7, "{town} Memorial Hospital"),
    ("other", 0.3, "{town} Public Works"),
]
SCHOOL_KINDS = ["elementary_school", "middle_school", "high_school", "private_school"]
SYLLABLES = ["ash", "bel", "brook", "cedar", "dale", "elm", "fair", "glen", "haw", "lake", "maple", "mill", "oak"]
SUFFIXES = ["ford", "field", "ton", "wood", "ville", "ridge", "port", "view", "mont", "side", "haven", "burg"]


@dataclass
class GeneratedAgency:
    id: int
    group_id: int
    kind: str
    name: str
    members: list[int] = field(default_factory=list)
    facilities: list[int] = field(default_factory=list)

    @property
    def admin(self) -> int:
        return self.members[0]


def _town(rng: random.Random) -> str:
    return (rng.choice(SYLLABLES) + rng.choice(SUFFIXES)).capitalize()


def weighted(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([value for value, _ in pairs], weights=[weight for _, weight in pairs])[0]


def load_agencies(scale: Scale, rng: random.Random, loader: Loader) -> tuple[list[GeneratedAgency], dict[str, int]]:
    """Agencies with their groups, people, memberships and buildings; returns them and the special users."""
    now = datetime.now(UTC)
    group_id, agency_id = loader.next_id("auth_group"), loader.next_id("agencies_agency")
    user_id, membership_id = loader.next_id("auth_user"), loader.next_id("agencies_membership")
    facility_id = loader.next_id("agencies_facility")
    pool = scale.hot_pool_agencies
    regular = scale.agencies - 2 - pool
    if regular < 5:
        raise ValueError(f"Scale {scale.name}: too few agencies for {pool} hot-plan agencies.")
    kinds: list[tuple[str, str]] = [("school_district", "Bench Hot School District"), ("police", "Bench Reader PD")]
    for index in range(pool + regular):
        kind, _, pattern = AGENCY_KINDS[index % len(AGENCY_KINDS)] if index < pool else _weighted_kind(rng)
        kinds.append((kind, pattern.format(town=_town(rng), n=index)))
    agencies = [
        GeneratedAgency(id=agency_id + i, group_id=group_id + i, kind=kind, name=name)
        for i, (kind, name) in enumerate(kinds)
    ]
    slugs = [HOT_OWNER_SLUG, READER_AGENCY_SLUG] + [f"{a.kind.replace('_', '-')}-{a.id}" for a in agencies[2:]]
    # People: 3 in the hot owner, 20 in the reader's agency, exactly HOT_AGENCY_MEMBERS in each pool agency.
    sizes = [3, 20] + [HOT_AGENCY_MEMBERS] * pool
    rest = scale.users - sum(sizes)
    if rest < regular:
        raise ValueError(f"Scale {scale.name}: {scale.users} users cannot fill {scale.agencies} agencies.")
    weights = [rng.lognormvariate(0, 0.8) for _ in range(regular)]
    extra = [0] * regular
    for index in rng.choices(range(regular), weights=weights, k=rest - regular):
        extra[index] += 1
    sizes += [1 + e for e in extra]
    next_user = user_id
    for agency, size in zip(agencies, sizes, strict=True):
        agency.members = list(range(next_user, next_user + size))
        next_user += size
    specials = {PUBLISHER_USERNAME: agencies[0].members[0], READER_USERNAME: agencies[1].members[4]}
    names = {uid: name for name, uid in specials.items()}
    loader.copy(
        "auth_group", ["id", "name"], ((a.group_id, f"agency:{s}") for a, s in zip(agencies, slugs, strict=True))
    )
    loader.copy(
        "agencies_agency",
        ["id", "name", "slug", "kind", "jurisdiction", "phone", "email", "created_at", "group_id"],
        (
            (
                a.id,
                a.name,
                s,
                a.kind,
                f"{a.name.split()[0]} County",
                "555-0100",
                f"office@{s}.example.org",
                ts(now),
                a.group_id,
            )
            for a, s in zip(agencies, slugs, strict=True)
        ),
    )
    loader.copy(
        "auth_user",
        [
            "id",
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
        ],
        (
            (
                uid,
                UNUSABLE_PASSWORD,
                False,
                names.get(uid, f"user{uid}"),
                "",
                "",
                f"user{uid}@bench.example.org",
                False,
                True,
                ts(now),
            )
            for uid in range(user_id, next_user)
        ),
    )
    memberships: list[tuple[Any, ...]] = []
    for agency in agencies:
        for position, uid in enumerate(agency.members):
            role = (
                "admin"
                if position == 0
                else "planner"
                if position == 1
                else "liaison"
                if position in (2, 3)
                else "member"
            )
            memberships.append((uid, agency.id, role))
    # A few people belong to a second (regular) agency too, as plain members.
    regulars = agencies[2 + pool :]
    for agency in regulars:
        for uid in agency.members[1:]:
            if rng.random() < 0.02:
                other = rng.choice(regulars)
                if other is not agency:
                    memberships.append((uid, other.id, "member"))
    loader.copy(
        "agencies_membership",
        ["id", "role", "created_at", "agency_id", "user_id"],
        ((membership_id + i, role, ts(now), aid, uid) for i, (uid, aid, role) in enumerate(memberships)),
    )
    # The product never reads or writes user.groups (people reach their agency's grants through their
    # memberships, access/plans.py). The naive peer does: guardian's generic path finds group grants through
    # auth_user_groups, and it must return the same page as the product (bench/views.py).
    loader.sql(
        "auth_user_groups (agency groups, naive peer only)",
        "INSERT INTO auth_user_groups (user_id, group_id) SELECT m.user_id, a.group_id FROM agencies_membership m "
        "JOIN agencies_agency a ON a.id = m.agency_id WHERE m.id >= %s ON CONFLICT DO NOTHING",
        [membership_id],
    )
    facilities = []
    for agency in agencies:
        count = rng.randint(3, 12) if agency.kind == "school_district" else 1
        for _ in range(count):
            kind = rng.choice(SCHOOL_KINDS) if agency.kind == "school_district" else "public_safety"
            name = f"{_town(rng)} {kind.replace('_', ' ').title()}"
            agency.facilities.append(facility_id)
            facilities.append((facility_id, name, kind, f"{rng.randint(1, 9999)} Main St", ts(now), agency.id))
            facility_id += 1
    loader.copy("agencies_facility", ["id", "name", "kind", "address", "created_at", "owner_agency_id"], facilities)
    return agencies, specials


def _weighted_kind(rng: random.Random) -> tuple[str, float, str]:
    return rng.choices(AGENCY_KINDS, weights=[w for _, w, _ in AGENCY_KINDS])[0]
