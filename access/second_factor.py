"""Law-enforcement-sensitive content that needs multi-factor sign-in, and whether this request may read it.

The plan's owner agency decides (`Agency.les_read_requires_mfa`), or the platform for every such plan
(`REQUIRE_MFA_FOR_SENSITIVE_READS`). Only content is gated: lists still show the plan's title. Every path
that shows content asks here through `access.sensitive_reads` (which already sees every read of sensitive
content, to audit it) or `access.http`; a session that passed a second factor, or a token issued after one,
may read it (`portal.second_factor`).
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User

from plans.models import Classification, Plan
from portal.errors import SecondFactorRequiredError
from portal.second_factor import second_factor_passed

MFA_REQUIRED_MESSAGE = (
    "This plan is law-enforcement sensitive and {owner} requires multi-factor sign-in to read it. "
    "In the web page, confirm your authenticator app's code (or passkey) under Sign-in security at "
    "/accounts/2fa/, setting one up there first if you have none. An API client needs a token issued after "
    "the second factor: POST /api/v1/auth/token/ with your one-time code as otp."
)


def content_needs_second_factor(plan: Plan) -> bool:
    """Whether reading this plan's content takes a second factor (reads the owner agency unless it is loaded)."""
    if plan.classification != Classification.LAW_ENFORCEMENT_SENSITIVE:
        return False
    return bool(settings.REQUIRE_MFA_FOR_SENSITIVE_READS or plan.owner_agency.les_read_requires_mfa)


def content_needs_second_factor_of(*, classification: str, owner_requires_mfa: bool) -> bool:
    """`content_needs_second_factor` from a row's values (a list that reads values, not plans)."""
    if classification != Classification.LAW_ENFORCEMENT_SENSITIVE:
        return False
    return bool(settings.REQUIRE_MFA_FOR_SENSITIVE_READS or owner_requires_mfa)


def may_read_content_of(*, classification: str, owner_requires_mfa: bool, user: User | AnonymousUser) -> bool:
    """`may_read_content` from a row's values: the plan's classification and its owner's MFA setting."""
    return second_factor_passed(user) or not content_needs_second_factor_of(
        classification=classification, owner_requires_mfa=owner_requires_mfa
    )


def may_read_content(*, plan: Plan, user: User | AnonymousUser) -> bool:
    """Whether this request's user may be shown the content of a plan they may see."""
    # The mark first: a request that passed a second factor costs no query.
    return second_factor_passed(user) or not content_needs_second_factor(plan)


def require_second_factor(*, plan: Plan, user: User | AnonymousUser) -> None:
    """Refuse (403, code `mfa_required`; the web page leads to setting one up) unless the content may be shown."""
    if not may_read_content(plan=plan, user=user):
        owner = "this platform" if settings.REQUIRE_MFA_FOR_SENSITIVE_READS else plan.owner_agency.name
        error = SecondFactorRequiredError(MFA_REQUIRED_MESSAGE.format(owner=owner))
        error.owner = owner
        raise error


def content_withheld(*, plan_ids: Iterable[int], user: User | AnonymousUser) -> set[int]:
    """Among these plans (pages that show facts of several), those whose content this request may not see."""
    plan_ids = set(plan_ids)
    if not plan_ids or second_factor_passed(user):
        return set()
    sensitive = Plan.objects.filter(pk__in=plan_ids, classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    if not settings.REQUIRE_MFA_FOR_SENSITIVE_READS:
        sensitive = sensitive.filter(owner_agency__les_read_requires_mfa=True)
    return set(sensitive.values_list("pk", flat=True))
