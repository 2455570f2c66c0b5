"""Every change to an agency's single sign-on, and the audit row of each SSO sign-in; one transaction each.

The acting person is asked through the access layer (an agency's admins and platform staff manage it).
The client secret is write-only: no service returns it, no page or API response shows it."""

from typing import Any

from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.auth.models import User
from django.db import transaction

from access.actors import SystemActor, actor_allowed
from access.agencies import Actor, can_manage_agency
from agencies.models import Agency
from audit.models import AuditAction
from audit.services import audit_event_record
from identity.domains import domains_parse
from identity.issuers import issuer_parse
from identity.models import AgencySSO, SSODomain
from portal.errors import InvalidInputError, NotAllowedError
from portal.unset import UNSET, Unset

PROVIDER = "openid_connect"
APP_NAME_MAX = 40  # allauth's SocialApp.name; agency names run longer ("… Office of Emergency Management")


def provider_id_for(agency: Agency) -> str:
    """The id in the callback URL the agency registers at its IdP; fixed once created (a slug may change)."""
    return f"agency-{agency.slug}"


def _refuse_unless_admin(actor: Actor | SystemActor, agency: Agency) -> None:
    if not actor_allowed(actor, lambda person: can_manage_agency(person, agency.pk)):
        raise NotAllowedError("Only this agency's admins may configure its single sign-on.")


def _snapshot(sso: AgencySSO) -> dict[str, Any]:
    """What the audit trail keeps of a configuration: everything but the secret."""
    return {
        "issuer": sso.app.settings.get("server_url", ""),
        "client_id": sso.app.client_id,
        "domains": sso.allowed_domains,
        "sso_only": sso.sso_only,
        "enabled": sso.enabled,
    }


@transaction.atomic
def agency_sso_configure(
    *,
    agency: Agency,
    actor: Actor | SystemActor,
    issuer: str,
    client_id: str,
    client_secret: str | Unset = UNSET,
    domains: str | list[str],
    sso_only: bool,
    enabled: bool,
    ip_address: str | None = None,
) -> AgencySSO:
    """Set up or change the agency's identity provider; a secret left out keeps the stored one. Audited."""
    _refuse_unless_admin(actor, agency)
    issuer = issuer_parse(issuer)
    client_id = client_id.strip()
    if not client_id:
        raise InvalidInputError("Enter the client id your identity provider gave Concord.", field="client_id")
    parsed_domains = domains_parse(domains)
    sso = AgencySSO.objects.select_for_update().select_related("app").filter(agency=agency).first()
    if sso is None:
        if not client_secret:
            raise InvalidInputError(
                "Enter the client secret your identity provider gave Concord.", field="client_secret"
            )
        app = SocialApp.objects.create(
            provider=PROVIDER, provider_id=provider_id_for(agency), name=agency.name[:APP_NAME_MAX], client_id=client_id
        )
        sso = AgencySSO.objects.create(agency=agency, app=app, sso_only=sso_only, enabled=enabled)
        before: dict[str, Any] | None = None
    else:
        before = _snapshot(sso)
    app = sso.app
    app.name = agency.name[:APP_NAME_MAX]
    app.client_id = client_id
    if client_secret:
        app.secret = client_secret
    # PKCE on: the IdPs named in the README all support it, and it binds the code to this browser's sign-in.
    app.settings = {**app.settings, "server_url": issuer, "oauth_pkce_enabled": True}
    app.save()
    sso.sso_only = sso_only
    sso.enabled = enabled
    sso.save()
    sso.domains.exclude(domain__in=parsed_domains).delete()
    SSODomain.objects.bulk_create(
        [SSODomain(sso=sso, domain=domain) for domain in parsed_domains], ignore_conflicts=True
    )
    sso = AgencySSO.objects.select_related("app", "agency").prefetch_related("domains").get(pk=sso.pk)
    after = _snapshot(sso)
    secret_changed = bool(client_secret) and before is not None
    if before is None:
        audit_event_record(
            actor=actor,
            action=AuditAction.SSO_CONFIGURE,
            obj=sso,
            agency=agency,
            ip_address=ip_address,
            details=after,
        )
    elif before != after or secret_changed:
        changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
        if secret_changed:
            changes["client_secret"] = ["(hidden)", "(replaced)"]
        audit_event_record(
            actor=actor,
            action=AuditAction.SSO_CHANGE,
            obj=sso,
            agency=agency,
            ip_address=ip_address,
            details={"changes": changes},
        )
    return sso


@transaction.atomic
def agency_sso_remove(*, agency: Agency, actor: Actor | SystemActor, ip_address: str | None = None) -> None:
    """Remove the agency's provider and the accounts connected through it; people sign in with passwords again."""
    _refuse_unless_admin(actor, agency)
    sso = AgencySSO.objects.select_for_update().select_related("app").filter(agency=agency).first()
    if sso is None:
        return
    details = _snapshot(sso)
    audit_event_record(
        actor=actor, action=AuditAction.SSO_REMOVE, obj=sso, agency=agency, ip_address=ip_address, details=details
    )
    app = sso.app
    # The connections made through it go too: set up again, people are matched afresh by verified e-mail.
    SocialAccount.objects.filter(provider=app.provider_id).delete()
    sso.delete()
    app.delete()


def sso_sign_in_record(*, user: User, sso: AgencySSO, email: str, ip_address: str | None) -> None:
    """The audit row of a person signed in through their agency's provider (who, which agency, which address)."""
    audit_event_record(
        actor=user,
        action=AuditAction.SSO_SIGN_IN,
        obj=sso,
        agency=sso.agency,
        ip_address=ip_address,
        details={"email": email, "provider": sso.provider_id},
    )
