"""manage.py import_postcodes FILE.csv: postcode to LSOA and ward, from the ONS Postcode Directory."""

from django.utils.translation import gettext as _

from musichub.people.models import ImportRun

from ._import_command import ImportCommand


class Command(ImportCommand):
    help = _(
        "Import postcodes with their LSOA and electoral ward from the ONS Postcode Directory (ONSPD) CSV "
        "(columns pcds, lsoa21cd or lsoa11cd, osward; see docs/imports.md)."
    )
    kind = ImportRun.Kind.POSTCODES

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--lsoa-year",
            type=int,
            choices=[2011, 2021],
            default=2021,
            help=_(
                "Which LSOAs to read when the file has both: 2021 (lsoa21cd, for IoD 2025, the default) or "
                "2011 (lsoa11cd, for IoD 2019)."
            ),
        )

    def import_options(self, options):
        return {"lsoa_year": options["lsoa_year"]} if options["lsoa_year"] != 2021 else {}
