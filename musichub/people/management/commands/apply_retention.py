"""Apply the retention rule: erase (anonymise) young people's records with no activity for RETENTION_YEARS years.

Prints how many records are due and how many were erased, never who. Run it daily or weekly from cron; see
docs/data.md, "Retention and erasure".
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from musichub.people import privacy


class Command(BaseCommand):
    help = "Erase records of young people with no activity for the retention period (RETENTION_YEARS, default 6)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the records due; change nothing."
        )
        parser.add_argument("--today", help="Apply the rule as if today were this day (YYYY-MM-DD).")

    def handle(self, *args, dry_run=False, today=None, **options):
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today must be a date like 2025-03-03, not {today!r}.") from None
        else:
            day = timezone.localdate()
        years = privacy.RETENTION_YEARS
        cutoff = privacy.retention_cutoff(day)
        due = privacy.apply_retention(today=day, dry_run=True)
        self.stdout.write(
            f"{due} record(s) with no activity since before {cutoff:%Y-%m-%d} "
            f"(retention rule: {years} years) are due for erasure."
        )
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
            return
        erased = privacy.apply_retention(today=day)
        self.stdout.write(self.style.SUCCESS(f"{erased} record(s) erased."))
