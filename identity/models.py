"""An agency's own identity provider (OpenID Connect): its people sign in through it instead of a password."""

from django.db import models


class AgencySSO(models.Model):
    """Links an agency to its allauth SocialApp (issuer, client id, secret) and says who may use it and how."""

    agency = models.OneToOneField("agencies.Agency", on_delete=models.CASCADE, related_name="sso")
    # The SocialApp holds the provider's settings; its provider_id ("agency-<slug>") names the callback URL.
    app = models.OneToOneField("socialaccount.SocialApp", on_delete=models.PROTECT, related_name="agency_sso")
    # The agency's people may not sign in with a password, nor get API tokens with one.
    sso_only = models.BooleanField(default=False)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "agency single sign-on"
        verbose_name_plural = "agency single sign-on"

    def __str__(self) -> str:
        return f"Single sign-on of {self.agency}"

    @property
    def allowed_domains(self) -> list[str]:
        return sorted(row.domain for row in self.domains.all())

    @property
    def provider_id(self) -> str:
        return self.app.provider_id

    @property
    def enforced(self) -> bool:
        """SSO-only counts only while SSO is on: a switched-off provider must not lock anyone out."""
        return self.enabled and self.sso_only


class SSODomain(models.Model):
    """An e-mail domain the agency vouches for: the IdP's verified address must be exactly in one of them."""

    sso = models.ForeignKey(AgencySSO, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, db_index=True)  # lower-case, as domains_parse leaves it

    class Meta:
        ordering = ["domain"]
        constraints = [models.UniqueConstraint(fields=["sso", "domain"], name="unique_domain_per_agency_sso")]

    def __str__(self) -> str:
        return self.domain
