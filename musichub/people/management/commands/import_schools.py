"""manage.py import_schools FILE.csv [--la CODE] [--dry-run]: schools from a GIAS establishment fields file."""

from django.utils.translation import gettext as _

from musichub.people.models import ImportRun

from ._import_command import ImportCommand


class Command(ImportCommand):
    help = _(
        "Import schools from a Get Information About Schools (GIAS) 'establishment fields' CSV, as published "
        "(Windows-1252, all its columns). Updates schools by URN; see docs/imports.md."
    )
    kind = ImportRun.Kind.SCHOOLS

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--la", metavar="CODE", help=_("Keep only schools of this local authority code, e.g. 852.")
        )

    def import_options(self, options):
        return {"la": (options["la"] or "").strip() or None}
