"""The claims a real identity provider puts in its ID token: e-mail, whether it is verified, and the name."""

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

UNVERIFIED_GROUP = "unverified-email"


class EmailClaimsValidator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "email_verified": "email"}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        return {
            "email": user.email,
            # A member of this group stands for an account whose address the IdP never confirmed.
            "email_verified": not user.groups.filter(name=UNVERIFIED_GROUP).exists(),
            "name": user.get_full_name(),
            "given_name": user.first_name,
            "family_name": user.last_name,
        }
