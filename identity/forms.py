"""The forms of single sign-on: the sign-in step by work e-mail, and an agency admin's provider settings."""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm

from identity.selectors import sso_enforced_for


class SSOStartForm(forms.Form):
    email = forms.EmailField(
        label="Work e-mail",
        help_text="The address your agency gave you; Concord sends you to your agency's sign-on page.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class AgencySSOForm(forms.Form):
    issuer = forms.CharField(
        label="Issuer URL",
        max_length=500,
        help_text="Entra ID: https://login.microsoftonline.com/<tenant id>/v2.0 · Google Workspace: "
        "https://accounts.google.com · Okta: https://<your org>.okta.com",
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
    )
    client_id = forms.CharField(
        label="Client id", max_length=191, widget=forms.TextInput(attrs={"spellcheck": "false"})
    )
    client_secret = forms.CharField(
        label="Client secret",
        max_length=191,
        required=False,
        help_text="Never shown again once saved. Leave empty to keep the stored secret.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    domains = forms.CharField(
        label="Your people's e-mail domains",
        help_text="Separated by commas or spaces, e.g. ridgeford.gov. Only verified addresses in these domains "
        "sign in, and only as existing members of this agency.",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    enabled = forms.BooleanField(label="Single sign-on is on", required=False, initial=True)
    sso_only = forms.BooleanField(
        label="Single sign-on is the only way in for our people",
        required=False,
        help_text="Our members can then neither sign in nor get API tokens with a password, nor reset one.",
    )


class SSOAwarePasswordResetForm(PasswordResetForm):
    """Django's reset form, sending no link to people whose agency allows only single sign-on (the page reads
    the same either way, so it tells nobody who they are)."""

    def get_users(self, email: str) -> Iterator[Any]:
        return (user for user in super().get_users(email) if sso_enforced_for(user=user) is None)
