"""The demo hub's outputs: the default return lines for last year and this year, and partners' yearly figures
(accepted, waiting for review, returned), so the return, the report and the review queue have something in them.

Idempotent: lines are added only where their code is missing; contributions are found by partner, year and
description. Seeded (random.Random(2707)); years relative to today.
"""

import random

from django.db import transaction
from django.utils import timezone

from musichub.partners.demo import demo_partner_for_login
from musichub.partners.models import Partner
from musichub.people.models import School

from .filters import current_year
from .models import PartnerContribution, ReturnSection
from .returns import load_default_return_lines

SEED = 2707
# (section, what the work was, in one school?, status, note from the hub)
WORK = [
    (ReturnSection.SINGING, "Singing assemblies with a visiting choir leader", False, "accepted", ""),
    (ReturnSection.ENSEMBLES, "Saturday steel pan band at the community centre", False, "accepted", ""),
    (ReturnSection.WHOLE_CLASS, "Whole-class ukulele in one school, before registers moved online", True, "accepted", ""),
    (ReturnSection.LEARNING, "Drop-in DJ and production sessions at the youth club", False, "submitted", ""),
    (
        ReturnSection.SCHOOLS,
        "Concert visits for schools",
        False,
        "returned",
        "The number of schools looks high next to the 12 sessions: was each school counted once?",
    ),
]  # fmt: skip


@transaction.atomic
def load_demo_outputs() -> None:
    this = current_year()
    for year in (this - 1, this):
        load_default_return_lines(year)
    rng = random.Random(SEED)  # noqa: S311 -- invented demo figures, not security
    login_partner = demo_partner_for_login()
    others = list(Partner.objects.filter(is_published=True).exclude(pk=login_partner.pk).order_by("slug")[:4])
    partners = [login_partner, *others]
    schools = list(School.objects.filter(is_open=True, number_of_pupils__gte=150).order_by("urn")[:5])
    now = timezone.now()
    for year in (this - 1, this):
        for n, (section, description, in_school, status, note) in enumerate(WORK):
            if year == this - 1 and status != "accepted":
                continue  # last year's figures were all settled
            school = schools[n % len(schools)] if in_school and schools else None
            young = (
                rng.randint(20, 60) if school is None else min(rng.randint(20, 30), school.number_of_pupils)
            )
            figures = {
                "young_people": young,
                "young_people_fsm": rng.randint(5, young // 2),
                "young_people_send": rng.randint(0, young // 4),
                "schools": 1 if school else rng.randint(2, 9),
                "groups": rng.randint(1, 3),
                "sessions": rng.randint(6, 30),
            }
            PartnerContribution.objects.get_or_create(
                partner=partners[n % len(partners)],
                year=year,
                description=description,
                defaults={
                    "section": section,
                    "school": school,
                    "status": status,
                    "review_note": note,
                    "reviewed_at": now if status != "submitted" else None,
                    **figures,
                },
            )
