"""Load the demo hub: identity, inclusion aims, catalogues, partners, news and one login per role.

Lives in `pages`, the app at the top of the dependency order, because it calls every app's demo loader.
Later issues add their own loader to DEMO_LOADERS below.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from musichub.core.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo_hub, load_demo_logins
from musichub.core.models import HubIdentity
from musichub.core.roles import Role
from musichub.insights.demo import load_demo_insights
from musichub.insights.demo_outputs import load_demo_outputs
from musichub.instruments.demo import load_demo_instruments
from musichub.offer.demo import load_demo_offer
from musichub.offer.demo_allocation import load_demo_allocation
from musichub.offer.demo_history import load_demo_history
from musichub.offer.demo_joining import link_demo_login_places, load_demo_enrolments
from musichub.offer.demo_registers import link_demo_family_attendance, link_demo_leader, load_demo_registers
from musichub.offer.demo_wholeclass import load_demo_wholeclass
from musichub.pages.demo import load_demo_content
from musichub.partners.demo import demo_partner_for_login, load_demo_partners
from musichub.partners.services import add_partner_member
from musichub.people.demo import link_demo_logins, load_demo_people
from musichub.people.demo_catalogues import load_demo_catalogues
from musichub.people.demo_imports import load_demo_areas_and_schools
from musichub.people.models import School, SchoolContact
from musichub.voice.demo import load_demo_voice

DEMO_LOADERS = [
    load_demo_hub,
    load_demo_partners,
    load_demo_content,
    load_demo_areas_and_schools,
    load_demo_catalogues,
    load_demo_people,
    load_demo_offer,
    load_demo_enrolments,
    load_demo_allocation,
    load_demo_registers,
    load_demo_history,
    load_demo_wholeclass,
    load_demo_instruments,
    load_demo_voice,
    load_demo_outputs,
    load_demo_insights,
]


class Command(BaseCommand):
    help = "Load the demo hub (idempotent) and print its demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load nothing if the hub is already set up; still print logins.",
        )
        parser.add_argument(
            "--i-know-this-is-public",
            action="store_true",
            help="Create the well-known demo logins even though DEBUG is off.",
        )
        parser.add_argument(
            "--no-logins", action="store_true", help="Load the demo data without demo logins."
        )

    def handle(self, *args, if_empty=False, i_know_this_is_public=False, no_logins=False, **options):
        with_logins = not no_logins
        if with_logins and not settings.DEBUG and not i_know_this_is_public:
            raise CommandError(
                "DEBUG is off, so this may be a public site: the demo logins have well-known passwords. "
                "Use --no-logins, or --i-know-this-is-public if you really want them."
            )
        if if_empty and HubIdentity.objects.exists():
            self.stdout.write("The hub is already set up; no demo data loaded.")
        else:
            with transaction.atomic():
                for loader in DEMO_LOADERS:
                    loader()
                if with_logins:
                    users = load_demo_logins()
                    add_partner_member(user=users[Role.PARTNER_MEMBER], partner=demo_partner_for_login())
                    link_demo_logins()
                    link_demo_login_places()
                    link_demo_leader()
                    link_demo_family_attendance()
                    school = (
                        School.objects.filter(is_open=True, young_people__isnull=False)
                        .order_by("name")
                        .first()
                    )
                    SchoolContact.objects.update_or_create(
                        user=users[Role.SCHOOL_CONTACT], defaults={"school": school}
                    )
            self.stdout.write(self.style.SUCCESS("Demo hub loaded."))
        if with_logins:
            self._print_logins()

    def _print_logins(self):
        self.stdout.write(
            f"\nDemo logins at {settings.SITE_URL}/accounts/login/ (password for all: {DEMO_PASSWORD})"
        )
        for username, role, first_name, last_name in DEMO_LOGINS:
            width = max(len(login[0]) for login in DEMO_LOGINS)
            self.stdout.write(f"  {username:<{width}}  {Role(role).label} ({first_name} {last_name})")
        self.stdout.write("")
