"""Rebuild the summaries the inclusion dashboard counts from (run it from cron, e.g. nightly and after imports),
then work out the dashboard's unfiltered figures so that the first view does not wait for them."""

from django.core.management.base import BaseCommand, CommandError

from musichub.insights.filters import current_year
from musichub.insights.selectors import first_year_with_activity, warm_dashboard
from musichub.insights.summaries import refresh


class Command(BaseCommand):
    help = "Rebuild the inclusion dashboard's summaries: this academic year and the last, or the years given."

    def add_arguments(self, parser):
        parser.add_argument(
            "years", nargs="*", type=int, help="Academic years, by the year they start (2025)."
        )
        parser.add_argument("--all", action="store_true", help="Every year from the first with any activity.")

    def handle(self, *args, years=(), all=False, **options):
        this_year = current_year()
        if all:
            years = range(first_year_with_activity() or this_year, this_year + 1)
        years = list(years) or [this_year - 1, this_year]
        wrong = [year for year in years if not 2000 <= year <= this_year + 1]
        if wrong:
            raise CommandError(f"Give academic years from 2000 to {this_year + 1}, such as {this_year}.")
        for year, rows in refresh(years).items():
            self.stdout.write(f"{year}: {rows} rows")
        warm_dashboard()
        self.stdout.write("The dashboard's figures for this year and the last are worked out and kept.")
