"""Generator part two: plans, versions, sections, shares, guardian grants (direct and generic), search text."""

import hashlib
import json
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.content import body_pool, section_outline
from bench.generate_agencies import AGENCY_KINDS, GeneratedAgency, weighted
from bench.loader import Loader, ts
from bench.scales import (
    COLD_PLAN_TITLE,
    DETAIL_PLAN_TITLE,
    HOT_AGENCY_MEMBERS,
    HOT_PLAN_TITLE,
    WEBHOOK_PLAN_AGENCIES,
    WEBHOOK_PLAN_TITLE,
    Scale,
)

PLAN_KINDS = {
    "school_district": [("school_eop", 0.8), ("reunification", 0.2)],
    "police": [("agency_response", 0.8), ("mutual_aid", 0.2)],
    "fire": [("agency_response", 0.7), ("mutual_aid", 0.3)],
    "ems": [("agency_response", 0.7), ("mutual_aid", 0.3)],
    "emergency_management": [("agency_response", 0.6), ("reunification", 0.2), ("other", 0.2)],
    "hospital": [("agency_response", 0.8), ("other", 0.2)],
    "other": [("other", 1.0)],
}
RESPONSE_TITLES = ["active threat response plan", "severe weather plan", "hazmat response plan", "evacuation plan"]
VERSION_COUNT_WEIGHTS = [(1, 0.35), (2, 0.30), (3, 0.18), (4, 0.10), (5, 0.07)]


@dataclass
class _PlanSpec:
    title: str
    kind: str
    owner: GeneratedAgency
    partners: list[GeneratedAgency]
    classification: str = "partner"
    versions: int = 1
    sections: int | None = None
    facility: int | None = None


def _plan_specs(scale: Scale, agencies: list[GeneratedAgency], rng: random.Random) -> list[_PlanSpec]:
    """Who owns each plan and whom it is shared with (the hot, cold and detail plans first)."""
    hot_owner, reader = agencies[0], agencies[1]
    pool = agencies[2 : 2 + scale.hot_pool_agencies]
    regulars = agencies[2 + scale.hot_pool_agencies :]
    partners = agencies[2:]  # anyone but the hot owner and the reader is chosen at random
    owner_weights = [dict((k, w) for k, w, _ in AGENCY_KINDS)[a.kind] for a in partners]
    specs = []
    for audience in scale.hot_audiences:
        shared = -(-(audience - (len(hot_owner.members) - 1)) // HOT_AGENCY_MEMBERS)
        specs.append(
            _PlanSpec(HOT_PLAN_TITLE.format(audience=audience), "school_eop", hot_owner, pool[:shared], sections=12)
        )
    cold = rng.sample(regulars, 3)
    specs.append(_PlanSpec(COLD_PLAN_TITLE, "school_eop", hot_owner, cold, sections=12))
    receivers = rng.sample([a for a in regulars if a not in cold], WEBHOOK_PLAN_AGENCIES)
    specs.append(_PlanSpec(WEBHOOK_PLAN_TITLE, "school_eop", hot_owner, receivers, sections=12))
    district = next(a for a in regulars if a.kind == "school_district")
    detail_partners = [reader, *rng.sample([a for a in partners if a is not district], 8)]
    specs.append(_PlanSpec(DETAIL_PLAN_TITLE, "school_eop", district, detail_partners, versions=3, sections=12))
    for _ in range(scale.plans - len(specs)):
        owner = rng.choices(partners, weights=owner_weights)[0]
        kind = weighted(rng, PLAN_KINDS[owner.kind])
        count = min(rng.randint(scale.min_partners, scale.max_partners), len(partners) - 1)
        chosen = [a for a in rng.sample(partners, count + 1) if a is not owner][:count]
        facility = (
            rng.choice(owner.facilities) if owner.facilities and kind in ("school_eop", "reunification") else None
        )
        label = {
            "school_eop": "crisis plan",
            "reunification": "reunification plan",
            "mutual_aid": "mutual aid agreement",
        }
        title = label.get(kind) or rng.choice(RESPONSE_TITLES)
        classification = (
            "public" if rng.random() < 0.002 else "law_enforcement_sensitive" if rng.random() < 0.1 else "partner"
        )
        specs.append(
            _PlanSpec(
                f"{owner.name.split()[0]} #{len(specs)} {title}",
                kind,
                owner,
                chosen,
                classification=classification,
                versions=weighted(rng, VERSION_COUNT_WEIGHTS),
                facility=facility,
            )
        )
    public = sum(1 for s in specs if s.classification == "public")
    ordinary = [s for s in specs[len(scale.hot_audiences) + 3 :] if s.owner is not reader]
    for spec in rng.sample(ordinary, min(len(ordinary), max(scale.reader_plans - public - 1, 0))):
        spec.partners.append(reader)
    return specs


def load_plans(scale: Scale, agencies: list[GeneratedAgency], rng: random.Random, loader: Loader) -> None:
    """Plans, versions, sections, shares and both kinds of guardian grant rows."""
    now = datetime.now(UTC)
    cursor = loader.cursor
    cursor.execute(
        "SELECT p.codename, p.id, ct.id FROM auth_permission p "
        "JOIN django_content_type ct ON ct.id = p.content_type_id WHERE ct.app_label = 'plans' AND ct.model = 'plan'"
    )
    perms = {codename: pid for codename, pid, _ in cursor.fetchall()}
    owner_perms = [perms[c] for c in ("view_plan", "change_plan", "delete_plan", "comment_plan")]
    partner_perms = {"view": [perms["view_plan"]], "comment": [perms["view_plan"], perms["comment_plan"]]}
    started = time.perf_counter()
    specs = _plan_specs(scale, agencies, rng)
    bodies = body_pool(rng)
    plan_id, version_id = loader.next_id("plans_plan"), loader.next_id("plans_planversion")
    section_id, share_id = loader.next_id("plans_section"), loader.next_id("plans_planshare")
    grant_id, link_id = loader.next_id("plans_plangroupobjectpermission"), loader.next_id("plans_plan_facilities")
    plans, versions, sections, shares, grants, links = [], [], [], [], [], []
    for spec in specs:
        created = now - timedelta(days=rng.uniform(30, 1500))
        step = (now - created) / (spec.versions + 1)
        actor = spec.owner.admin
        current = None
        outline_count = spec.sections or (rng.randint(8, 16) if spec.kind == "school_eop" else rng.randint(5, 9))
        outline = section_outline(school=spec.kind == "school_eop", count=outline_count)
        drafts = spec.versions + (1 if rng.random() < 0.05 else 0)
        for number in range(1, drafts + 1):
            draft = number > spec.versions
            published = created + step * number
            summary = "Annual review with police and fire" if number > 1 else "First version"
            rows = [(key, title, rng.choice(bodies)) for key, title in outline]
            content = {
                "plan": plan_id,
                "number": number,
                "change_summary": summary,
                "sections": rows,
                "attachments": [],
            }
            canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            state = "draft" if draft else "published" if number == spec.versions else "superseded"
            versions.append(
                (
                    version_id, number, state, summary, number - 1 if number > 1 else None, ts(published),
                    ts(published), None if draft else ts(published),
                    ts(published + step) if state == "superseded" else None,
                    "" if draft else hashlib.sha256(canonical.encode()).hexdigest(),
                    actor, plan_id, None if draft else actor,
                )
            )  # fmt: skip
            sections.extend(
                (section_id + i, i, key, title, body, version_id) for i, (key, title, body) in enumerate(rows)
            )
            section_id += len(rows)
            if state == "published":
                current = (version_id, published)
            version_id += 1
        due = (current[1] + timedelta(days=365)).date().isoformat() if current else None
        plans.append(
            (
                plan_id, spec.title, spec.kind, json.dumps(["fire", "active threat"]), spec.classification, 365,
                due, "", ts(created), ts(current[1] if current else created), actor, spec.owner.id,
                current[0] if current else None,
            )
        )  # fmt: skip
        if spec.facility is not None:
            links.append((link_id, plan_id, spec.facility))
            link_id += 1
        grants.extend((spec.owner.group_id, p) for p in owner_perms)
        for partner in spec.partners:
            level = "comment" if rng.random() < 0.3 else "view"
            shares.append((share_id, level, ts(created + step / 2), partner.id, plan_id, actor))
            share_id += 1
            grants.extend((partner.group_id, p) for p in partner_perms[level])
        grants.append([plan_id, spec.title])  # a list: marks the end of this plan's grants (expanded below)
        plan_id += 1
    loader.stage("build plans in memory", started, f"{len(plans):,} plans, {len(sections):,} sections")
    loader.copy(
        "plans_plan",
        ["id", "title", "kind", "hazards", "classification", "review_interval_days", "next_review_due",
         "search_document", "created_at", "updated_at", "created_by_id", "owner_agency_id", "current_version_id"],
        plans,
    )  # fmt: skip
    loader.copy(
        "plans_planversion",
        ["id", "number", "state", "change_summary", "based_on_number", "created_at", "updated_at", "published_at",
         "superseded_at", "content_sha256", "created_by_id", "plan_id", "published_by_id"],
        versions,
    )  # fmt: skip
    loader.copy("plans_section", ["id", "position", "key", "title", "body", "version_id"], sections)
    loader.copy("plans_plan_facilities", ["id", "plan_id", "facility_id"], links)
    loader.copy("plans_planshare", ["id", "level", "shared_at", "agency_id", "plan_id", "shared_by_id"], shares)
    loader.copy(
        "plans_plangroupobjectpermission",
        # plan_title as the trigger of plans.0004 writes it (triggers are off during the load).
        ["id", "content_object_id", "plan_title", "group_id", "permission_id"],
        _expand_grants(grants, grant_id),
    )
    loader.sql(
        "guardian_groupobjectpermission (generic mirror, naive peer only)",
        "INSERT INTO guardian_groupobjectpermission (object_pk, content_type_id, group_id, permission_id) "
        "SELECT g.content_object_id::text, p.content_type_id, g.group_id, g.permission_id "
        "FROM plans_plangroupobjectpermission g JOIN auth_permission p ON p.id = g.permission_id WHERE g.id >= %s",
        [grant_id],
    )
    loader.sql(
        "search document and vector (title and current sections, as plans.services.common.search_refresh writes them)",
        """
        UPDATE plans_plan p SET search_document = d.doc, search_vector = to_tsvector('english'::regconfig, d.doc)
        FROM (
            SELECT p2.id, concat_ws(E'\n', p2.title,
                string_agg(s.title || E'\n' || s.body, E'\n' ORDER BY s.position)) AS doc
            FROM plans_plan p2 LEFT JOIN plans_section s ON s.version_id = p2.current_version_id
            WHERE p2.id >= %s GROUP BY p2.id
        ) d WHERE d.id = p.id
        """,
        [plans[0][0]],
    )


def _expand_grants(grants: list[Any], first_id: int) -> Iterable[tuple[int, int, str, int, int]]:
    """Turn the flat list (group, permission)… [plan_id, title]… into grant rows with ids."""
    next_id, pending = first_id, []
    for item in grants:
        if isinstance(item, tuple):
            pending.append(item)
            continue
        plan_id, title = item
        for group, permission in pending:
            yield (next_id, plan_id, title, group, permission)
            next_id += 1
        pending = []
