"""`manage.py plans_verify`: proves, after a restore, that every released plan version and attachment is intact."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from plans.integrity import attachment_digest_problems, version_digest_problems
from plans.models import Attachment, PlanVersion


class Command(BaseCommand):
    help = (
        "Recompute every released plan version's content_sha256 from its stored content and every attachment's "
        "SHA-256 from its file; list each mismatch or missing file and exit with status 1 if there is any."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = [*version_digest_problems(), *attachment_digest_problems()]
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(
                f"{len(problems)} problem{pluralize(len(problems))}: the stored plans differ from what was published."
            )
        versions = PlanVersion.objects.exclude(content_sha256="").count()
        files = Attachment.objects.count()
        self.stdout.write(
            f"{versions} released plan version{pluralize(versions)} and {files} attachment{pluralize(files)} "
            "match their digests."
        )
