"""Registers one more redirect URI with a client (the live server's port is known only once it runs)."""

from typing import Any

from django.core.management.base import BaseCommand
from oauth2_provider.models import Application


class Command(BaseCommand):
    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("client_id")
        parser.add_argument("redirect_uri")

    def handle(self, *args: Any, client_id: str, redirect_uri: str, **options: Any) -> None:
        app = Application.objects.get(client_id=client_id)
        uris = app.redirect_uris.split()
        if redirect_uri not in uris:
            app.redirect_uris = " ".join([*uris, redirect_uri])
            app.save(update_fields=["redirect_uris"])
