"""manage.py import_deprivation FILE.csv: each LSOA's deprivation decile, from IoD 2019 or 2025 File 1."""

from django.utils.translation import gettext as _

from musichub.people.models import ImportRun

from ._import_command import ImportCommand


class Command(ImportCommand):
    help = _(
        "Import each LSOA's Index of Multiple Deprivation rank and decile from the English Indices of "
        "Deprivation File 1 (2019 or 2025; see docs/imports.md)."
    )
    kind = ImportRun.Kind.DEPRIVATION
