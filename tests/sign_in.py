"""Signing in through the web sign-in page (django-allauth's form), as a browser posts it."""

SIGN_IN_URL = "/accounts/login/"


def sign_in_form(username: str, password: str, **extra: str) -> dict[str, str]:
    """The fields the sign-in page posts: allauth names the username field `login`."""
    return {"login": username, "password": password, **extra}
