"""Reads of agencies' single sign-on: the settings page and API, the sign-in page, and the SSO-only rule."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from agencies.models import Agency
from identity.domains import email_domain
from identity.models import AgencySSO


def agency_sso_of(*, agency: Agency) -> AgencySSO | None:
    """The agency's provider link with its SocialApp, or None (callers have checked who may see it)."""
    return AgencySSO.objects.select_related("app", "agency").prefetch_related("domains").filter(agency=agency).first()


def sso_for_provider_id(provider_id: str) -> AgencySSO | None:
    """The enabled provider behind an allauth provider_id ("agency-<slug>")."""
    return AgencySSO.objects.select_related("app", "agency").filter(app__provider_id=provider_id, enabled=True).first()


def sso_for_email(email: str) -> QuerySet[AgencySSO]:
    """The enabled providers of agencies that vouch for this address's domain (the sign-in page's step)."""
    domain = email_domain(email)
    if not domain:
        return AgencySSO.objects.none()
    return (
        AgencySSO.objects.select_related("app", "agency")
        .filter(enabled=True, domains__domain=domain)
        .order_by("agency__name")
    )


def sso_enforced_for(*, user: AbstractBaseUser | AnonymousUser) -> AgencySSO | None:
    """The first agency of this person that allows only single sign-on (None: a password is fine)."""
    if not user.is_authenticated:
        return None
    return (
        AgencySSO.objects.select_related("app", "agency")
        .filter(agency__memberships__user_id=user.pk, enabled=True, sso_only=True)
        .order_by("agency__name")
        .first()
    )
