"""The generated reader's test clients: by API token (the API) or signed in with a session (web pages)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from accounts.services import api_token_create
from bench.scales import READER_USERNAME

# An allowed host, so the product answers rather than refusing the test client's default.
HOST = "127.0.0.1"


def reader_client(*, session: bool = False) -> Client:
    """A client for the reader: an API token by default, a browser session with `session`."""
    reader = get_user_model().objects.get(username=READER_USERNAME)
    if session:
        client = Client(HTTP_HOST=HOST)
        client.force_login(reader)
        return client
    return token_client(reader)


def token_client(user: AbstractBaseUser) -> Client:
    """A client that sends a new API token of `user` (only a digest is stored, so each run issues its own)."""
    _, token = api_token_create(user=user, name="bench")
    return Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST=HOST)
