"""`manage.py demo_totp <username>`: DEMO ONLY — the current authenticator code of a demo police account."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.demo_totp import demo_totp_code


class Command(BaseCommand):
    help = (
        "DEMO ONLY: print the current six-digit code of a demo account's authenticator app (the police accounts "
        "`manage.py seed_demo` made). Refuses any other account, and any server with DEBUG off."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_totp works only in the demo (DEBUG on); a real server never has demo codes.")
        user = get_user_model().objects.filter(username=options["username"]).first()
        code = demo_totp_code(user=user) if user is not None else None
        if code is None:
            raise CommandError(
                f"{options['username']} is not a demo account with the demo authenticator "
                "(only the police accounts seed_demo made have one)."
            )
        self.stdout.write(code)
