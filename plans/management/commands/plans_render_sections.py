"""`manage.py plans_render_sections`: store the HTML of every released section that has none from this renderer.

Run once after deploying the release that added stored HTML (plans.0008), and again after a change of the
Markdown renderer or sanitizer (pages render and store what is missing meanwhile, so it is never urgent). Each
batch of section ids is its own short transaction, so nothing is held for long; it may be stopped and run again.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Max

from plans.models import Section
from plans.section_html import RENDERER, sections_html_backfill

BATCH = 2_000


class Command(BaseCommand):
    help = "Render and store the HTML of released plan sections that have none from the running renderer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=BATCH, help="section ids per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        last = Section.objects.aggregate(last=Max("pk"))["last"] or 0
        started, rendered, after = time.perf_counter(), 0, 0
        while after < last:
            count, after = sections_html_backfill(after_id=after, batch=options["batch"])
            rendered += count
        elapsed = time.perf_counter() - started
        self.stdout.write(f"{rendered} section(s) rendered and stored in {elapsed:.1f} s (renderer {RENDERER}).")
