"""Recompute the finder's sort keys of every opportunity (after loading data straight into the database)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from musichub.offer.finder_keys import refresh_finder_keys
from musichub.offer.models import Opportunity


class Command(BaseCommand):
    help = "Recompute each opportunity's next session and genre/instrument keys, which the finder sorts by."

    def handle(self, *args, **options):
        updated = refresh_finder_keys(Opportunity.objects.all(), today=timezone.localdate())
        self.stdout.write(f"{updated} opportunit{'y' if updated == 1 else 'ies'} refreshed.")
