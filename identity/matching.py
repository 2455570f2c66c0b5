"""Who an identity provider's answer signs in: an existing, active member of that provider's agency whose
e-mail the provider verified and the agency vouches for. Never anyone else, and never a new account."""

from dataclasses import dataclass

from django.contrib.auth.models import User

from agencies.models import Membership
from identity.domains import email_domain
from identity.models import AgencySSO


@dataclass(frozen=True)
class SSORefusal(Exception):
    """Why the provider's answer signs nobody in, in words for the person at the sign-in page."""

    title: str
    message: str


def sso_match(*, sso: AgencySSO, email: str, email_verified: bool, connected_user: User | None) -> User:
    """The Concord account this sign-in is for, or SSORefusal. `connected_user` is the account an earlier
    SSO sign-in through this provider linked to the IdP's subject (it must still pass every check)."""
    agency = sso.agency.name
    email = (email or "").strip()
    if not email:
        raise SSORefusal("No e-mail address", f"{agency}'s sign-on did not tell Concord your e-mail address.")
    if not email_verified:
        raise SSORefusal(
            "E-mail address not verified",
            f"{agency}'s sign-on has not verified {email}, so Concord cannot tell it is yours. "
            "Ask your IT department to verify it, or sign in another way.",
        )
    if email_domain(email) not in sso.allowed_domains:
        raise SSORefusal(
            "Not an address of this agency",
            f"{email} is not an address {agency} signs in with single sign-on. "
            "Sign in through your own agency's sign-on, or ask your agency's Concord admin.",
        )
    members = User.objects.filter(
        is_active=True,
        email__iexact=email,
        pk__in=Membership.objects.filter(agency_id=sso.agency_id).values("user_id"),
    )
    if connected_user is not None:
        members = members.filter(pk=connected_user.pk)
    matches = list(members[:2])
    if len(matches) != 1:
        # Two active accounts with one address in one agency cannot be told apart: refuse rather than guess.
        raise SSORefusal(
            "No Concord account",
            f"No Concord account for {email} in {agency} — ask your agency's Concord admin to invite you.",
        )
    return matches[0]
