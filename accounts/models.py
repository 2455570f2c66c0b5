"""A person's API tokens: knox's hashed, expiring tokens with a name and the time of last use."""

from django.db import models
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS


class ApiToken(AbstractAuthToken):
    """One named API token; only knox's SHA-512 digest of it is stored, so the database cannot give it back."""

    # knox makes the digest the primary key; a plain id is what the API and the pages show and revoke by.
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField(max_length=100, blank=True)
    # Written together with the sliding expiry, so at most once per MIN_REFRESH_INTERVAL.
    last_used = models.DateTimeField(null=True, blank=True)
    # Issued after a second factor (the token endpoint's otp, or a session that used one): its requests count
    # as multi-factor for content that needs it (access.second_factor).
    second_factor = models.BooleanField("issued after a second factor", default=False, db_default=False)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "API token"
        indexes = [models.Index(fields=["user", "expiry"])]

    def __str__(self) -> str:
        return f"{self.name or 'unnamed token'} of {self.user}"
