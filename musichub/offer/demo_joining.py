"""Demo enrolments: a realistic spread of places, waiting lists, live offers and applications.

Idempotent: when the demo opportunities already have enrolments nothing more is added. Call after
load_demo_offer (it uses the published demo opportunities and the demo young people). The demo parent's
children get a place and a waiting-list place from `link_demo_login_places`, which needs the demo logins:
call it after people.demo.link_demo_logins.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from musichub.core.models import User
from musichub.people.models import YoungPerson
from musichub.people.services import age_on

from .joining import OFFER_HOURS
from .models import Enrolment, EnrolmentEvent, Opportunity

SEED = 44
FULL_WITH_WAITING = 15
LIVE_OFFERS = 4
# The browser journey fills this one itself, so the demo leaves places free on it.
KEEP_FREE_SLUG = "northam-drum-crew"

S = Enrolment.Status


def _eligible(people, opportunity, today) -> list[int]:
    day = max(opportunity.first_date, today)
    return [pk for pk, born in people if opportunity.min_age <= age_on(born, day) <= opportunity.max_age]


def _open_opportunities():
    return list(
        Opportunity.objects.filter(status__in=[Opportunity.Status.PUBLISHED, Opportunity.Status.FULL])
        .exclude(how_to_join=Opportunity.HowToJoin.TURN_UP)
        .order_by("slug")
    )


@transaction.atomic
def load_demo_enrolments() -> None:
    """Enrolments for the published demo opportunities (most 40–90% full, some full with waiting lists)."""
    opportunities = _open_opportunities()
    if not opportunities or Enrolment.objects.filter(opportunity__in=opportunities).exists():
        return
    rng = random.Random(SEED)  # noqa: S311 -- invented data, seeded so every run makes the same choices
    today = timezone.localdate()
    now = timezone.now()
    people = list(
        YoungPerson.objects.filter(anonymised_at__isnull=True, family__isnull=False)
        .order_by("pk")
        .values_list("pk", "date_of_birth")
    )
    enrol_kind = [
        o
        for o in opportunities
        if o.how_to_join == Opportunity.HowToJoin.ENROL and o.capacity and o.slug != KEEP_FREE_SLUG
    ]
    full = {o.pk for o in rng.sample(enrol_kind, min(FULL_WITH_WAITING, len(enrol_kind)))}
    with_offers = set(rng.sample(sorted(full), min(LIVE_OFFERS, len(full))))

    rows: list[Enrolment] = []
    for opportunity in opportunities:
        pool = _eligible(people, opportunity, today)
        rng.shuffle(pool)
        capacity = opportunity.capacity
        if opportunity.how_to_join == Opportunity.HowToJoin.APPLY:
            plan = [S.APPLIED] * rng.randint(max(capacity or 10, 2) // 2, 2 * (capacity or 10))
        elif capacity is None:
            plan = [S.ENROLLED] * rng.randint(5, 25)
        elif opportunity.pk in full:
            plan = [S.ENROLLED] * capacity + [S.WAITING] * rng.randint(1, 12)
            if opportunity.pk in with_offers:
                plan[capacity - 1] = S.OFFERED
        else:
            plan = [S.ENROLLED] * round(capacity * rng.uniform(0.4, 0.9))
        for n, (status, young_person_id) in enumerate(zip(plan, pool, strict=False)):
            asked = now - timedelta(days=30) + timedelta(minutes=37 * n)
            rows.append(
                Enrolment(
                    young_person_id=young_person_id,
                    opportunity=opportunity,
                    status=status,
                    queued_at=asked if status in (S.WAITING, S.APPLIED, S.OFFERED) else None,
                    offer_expires_at=now + timedelta(hours=rng.randint(6, OFFER_HOURS))
                    if status == S.OFFERED
                    else None,
                )
            )
    created = Enrolment.objects.bulk_create(rows, batch_size=500)
    EnrolmentEvent.objects.bulk_create(
        [EnrolmentEvent(enrolment=e, action=action) for e in created for action in ("requested", e.status)],
        batch_size=1000,
    )
    link_demo_login_places()  # does nothing until the demo logins exist (a second seed_demo run links them)


@transaction.atomic
def link_demo_login_places() -> None:
    """Give the demo parent's children one place and one waiting-list place (once; never on the drum crew)."""
    parent = User.objects.filter(username="parent").first()
    if parent is None:
        return
    children = list(YoungPerson.objects.filter(family__guardians=parent).order_by("date_of_birth"))
    if not children or Enrolment.objects.filter(young_person__in=children).exists():
        return
    today = timezone.localdate()
    now = timezone.now()
    opportunities = [o for o in _open_opportunities() if o.slug != KEEP_FREE_SLUG and o.capacity]
    taken = {
        row["opportunity"]: row["n"]
        for row in Enrolment.objects.filter(status__in=Enrolment.HOLDS_A_PLACE)
        .values("opportunity")
        .annotate(n=Count("pk"))
    }

    def fits(child, opportunity):
        day = max(opportunity.first_date, today)
        return opportunity.min_age <= age_on(child.date_of_birth, day) <= opportunity.max_age

    made = []
    for child in children:
        free = next(
            (
                o
                for o in opportunities
                if o.how_to_join == Opportunity.HowToJoin.ENROL
                and taken.get(o.pk, 0) < o.capacity
                and fits(child, o)
            ),
            None,
        )
        if free is not None:
            made.append(
                Enrolment(young_person=child, opportunity=free, status=S.ENROLLED, requested_by=parent)
            )
            break
    for child in reversed(children):
        full = next(
            (
                o
                for o in opportunities
                if o.how_to_join == Opportunity.HowToJoin.ENROL
                and taken.get(o.pk, 0) >= o.capacity
                and fits(child, o)
                and all(m.opportunity_id != o.pk for m in made)
            ),
            None,
        )
        if full is not None:
            made.append(
                Enrolment(
                    young_person=child, opportunity=full, status=S.WAITING, requested_by=parent, queued_at=now
                )
            )
            break
    for enrolment in made:
        enrolment.save()
        EnrolmentEvent.objects.bulk_create(
            [
                EnrolmentEvent(enrolment=enrolment, action=a, by=parent)
                for a in ("requested", enrolment.status)
            ]
        )
