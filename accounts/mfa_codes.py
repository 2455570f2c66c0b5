"""Checking a one-time code (authenticator app or recovery code) outside allauth's sign-in pages."""

from allauth.mfa.base.forms import BaseAuthenticateForm
from django.contrib.auth.models import AbstractBaseUser


def one_time_code_valid(*, user: AbstractBaseUser, code: str) -> bool:
    """Whether `code` is the person's current authenticator-app code or one of their unused recovery codes.

    allauth's own check, so a recovery code is used up and a code is not accepted twice, as on the web page.
    """
    return BaseAuthenticateForm(user=user, data={"code": code}).is_valid()
