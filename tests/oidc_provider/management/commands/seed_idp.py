"""Creates the provider's people and its registered clients (Concord's agencies) from a JSON file."""

import json
from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from oauth2_provider.models import Application

from tests.oidc_provider.validator import UNVERIFIED_GROUP


class Command(BaseCommand):
    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("config", type=Path)

    def handle(self, *args: Any, config: Path, **options: Any) -> None:
        spec = json.loads(config.read_text())
        unverified, _ = Group.objects.get_or_create(name=UNVERIFIED_GROUP)
        for person in spec["users"]:
            # People sign in with their e-mail address, as at Entra ID, Google Workspace or Okta.
            user = User.objects.create_user(
                username=person["email"],
                email=person["email"],
                password=spec["password"],
                first_name=person.get("first_name", ""),
                last_name=person.get("last_name", ""),
            )
            if not person.get("verified", True):
                user.groups.add(unverified)
        for client in spec["clients"]:
            Application.objects.create(
                name=client["client_id"],
                client_id=client["client_id"],
                client_secret=client["client_secret"],
                client_type=Application.CLIENT_CONFIDENTIAL,
                authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
                redirect_uris=" ".join(client["redirect_uris"]),
                algorithm=Application.RS256_ALGORITHM,
                skip_authorization=True,  # a workforce IdP asks no consent for an app the organisation registered
            )
