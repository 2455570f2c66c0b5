"""Browsers ask for /favicon.ico on an image or PDF opened on its own; it leads to the site's icon for everyone."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_sites_icon_without_signing_in():
    client = Client()
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("portal/favicon.svg")
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    content = b"".join(icon.streaming_content) if icon.streaming else icon.content
    assert b"<svg" in content


def test_favicon_ico_refuses_writes():
    assert Client().post("/favicon.ico").status_code == 405
