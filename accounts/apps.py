from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """A person's own account: API tokens, and what revokes them when credentials or access change."""

    name = "accounts"

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_save

        from accounts import schema  # noqa: F401 - registers the token scheme with drf-spectacular
        from accounts.mfa_enrolment import flag_enrolment_at_sign_in
        from accounts.receivers import (
            record_mfa_added,
            record_mfa_removed,
            record_mfa_reset,
            revoke_api_tokens_when_credentials_change,
        )
        from accounts.sessions import track_signed_in_session

        post_save.connect(
            revoke_api_tokens_when_credentials_change,
            sender=get_user_model(),
            dispatch_uid="accounts-revoke-api-tokens",
        )
        user_logged_in.connect(flag_enrolment_at_sign_in, dispatch_uid="accounts-mfa-enrolment-due")
        authenticator_added.connect(record_mfa_added, dispatch_uid="accounts-audit-mfa-added")
        authenticator_removed.connect(record_mfa_removed, dispatch_uid="accounts-audit-mfa-removed")
        authenticator_reset.connect(record_mfa_reset, dispatch_uid="accounts-audit-mfa-reset")
        user_logged_in.connect(track_signed_in_session, dispatch_uid="accounts-track-signed-in-session")
