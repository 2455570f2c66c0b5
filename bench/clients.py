"""The generated reader's test clients: by API token (the API) or signed in with a session (web pages)."""

from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.authtoken.models import Token

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
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=reader).key}", HTTP_HOST=HOST)
