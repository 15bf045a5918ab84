"""manage.py import_population FILE.csv --as-of YYYY-MM-DD: pupils on roll by school, year and characteristic."""

from datetime import date

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from musichub.people.models import ImportRun

from ._import_command import ImportCommand


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("--as-of must be a date written YYYY-MM-DD, like 2025-01-16.")) from None


class Command(ImportCommand):
    help = _(
        "Import pupils on roll by school (URN), year group and characteristic, as of a date "
        "(the layout is in docs/imports.md). Import the schools first."
    )
    kind = ImportRun.Kind.POPULATION

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--as-of",
            required=True,
            metavar="YYYY-MM-DD",
            help=_("The date the figures describe (e.g. the January school census day)."),
        )

    def import_options(self, options):
        return {"as_of": _date(options["as_of"])}
