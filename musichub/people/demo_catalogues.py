"""The demo hub's catalogues of barriers and of the support it offers. Idempotent (found by slug)."""

from django.db import transaction

from .models import Barrier, SupportKind

BARRIERS = [
    ("cost", "Cost"),
    ("transport", "Transport"),
    ("needs-an-instrument", "Needs an instrument"),
    ("access-needs", "Access needs"),
    ("confidence", "Confidence"),
    ("caring-responsibilities", "Caring responsibilities"),
    ("time-and-clashes", "Time and clashes"),
    ("not-knowing-what-is-on", "Not knowing what is on"),
    ("language", "Language"),
]

SUPPORT_KINDS = [
    ("bursary", "Bursary or fee remission"),
    ("instrument-loan", "Instrument loan"),
    ("transport-help", "Help with transport"),
    ("access-adjustment", "Access adjustment"),
    ("buddy-or-mentor", "A buddy or mentor"),
    ("free-place-fsm", "Free place for free school meals"),
]


@transaction.atomic
def load_demo_catalogues() -> None:
    for slug, name in BARRIERS:
        Barrier.objects.update_or_create(slug=slug, defaults={"name": name})
    for slug, name in SUPPORT_KINDS:
        SupportKind.objects.update_or_create(slug=slug, defaults={"name": name})
