"""End offers of places that were not answered in time; production runs it every hour from cron."""

from django.core.management.base import BaseCommand

from musichub.offer.joining import expire_offers


class Command(BaseCommand):
    help = "End offers of places past their deadline and offer the places to the next on the waiting lists."

    def handle(self, *args, **options):
        ended = expire_offers()
        self.stdout.write(f"{ended} offer(s) ended.")
