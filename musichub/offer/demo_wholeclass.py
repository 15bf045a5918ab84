"""Demo whole-class teaching and keeping-in: programmes in ~30 demo schools, the drop-out reasons catalogue,
and follow-ups for some of the young people who stopped coming.

- Programmes: this academic year and last, in 30 of the demo schools (primary and all-through first), most
  taught by the lead partner; where a demo "whole-class" in-school opportunity runs at the school, one
  programme takes its sessions. About four in ten have a pupil list of demo young people at that school
  and year group (last year's class is this year's year group above), so continuation comes from their
  demo enrolments.
- The catalogue of reasons young people stop (staff extend it in the back office).
- Follow-ups: about a third of the young people on the drop-out list (from the demo registers) have been
  followed up, so the list and the reasons summary both have something to show.

Idempotent: the catalogue is found by slug; programmes and follow-ups are added only when there are none.
Dates follow today (academic years from 1 September). Everything is bulk-created. Call after
load_demo_registers (the follow-ups need the registers' drop-outs) and load_demo_enrolments.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from musichub.core.models import Instrument, Setting
from musichub.partners.demo import LEAD
from musichub.partners.models import Partner
from musichub.people.models import School, YoungPerson

from .dropouts import with_streaks
from .models import DropOutReason, Enrolment, FollowUp, Opportunity, WholeClassProgramme
from .wholeclass import AGE_AT_START, academic_year_of

SEED = 31
SCHOOLS = 30
LIST_SHARE = 0.4
FOLLOW_UP_SHARE = 0.35
REASONS = [
    "Cost",
    "Transport",
    "Time clash",
    "Lost interest",
    "Moved away",
    "Health",
    "Caring responsibilities",
    "Did not feel welcome",
    "Other",
]
# How often each reason is heard (weights, not counts).
REASON_WEIGHTS = [14, 12, 16, 10, 4, 5, 3, 2, 4]
WHOLE_CLASS_INSTRUMENTS = [
    "Violin", "Ukulele", "Clarinet", "Trumpet", "Drums and percussion", "Steel pans", "Voice", "Recorder",
    "Guitar", "Piano and keyboards",
]  # fmt: skip
NEXT_STEPS = [
    "Carry on with the {instrument}: the hub's Saturday music centre has free places for beginners, and the "
    "Music Service lends instruments.",
    "Pupils who loved the {instrument} can join the after-school club here on Thursdays. Ask the office for a "
    "form.",
    "The **Junior Band** welcomes everyone from this class: no audition, no cost for the first term.",
    "Small-group {instrument} lessons continue next term for pupils who want them; help with the cost is "
    "available.",
]
FOLLOW_UP_NOTES = [
    "Spoke to mum: football moved to the same evening.",
    "Left a voicemail and sent a text.",
    "Family can't afford the bus this term: passed to the support team.",
    "Says the group is too loud; offered the quieter Tuesday group.",
    "Moved to Portsmouth over half term.",
    "Back next week after a bad cold.",
    "",
]

OUTCOMES_FOR = {
    "Cost": FollowUp.Outcome.SUPPORT_OFFERED,
    "Transport": FollowUp.Outcome.SUPPORT_OFFERED,
    "Moved away": FollowUp.Outcome.LEFT,
    "Lost interest": FollowUp.Outcome.LEFT,
    "Health": FollowUp.Outcome.COMING_BACK,
}


def load_demo_dropout_reasons() -> None:
    """The reasons catalogue (found by slug: a second call adds nothing)."""
    existing = set(DropOutReason.objects.values_list("slug", flat=True))
    DropOutReason.objects.bulk_create(
        [DropOutReason(name=name, slug=slugify(name)) for name in REASONS if slugify(name) not in existing]
    )


def _aware(day: date, hour: int = 16) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _weeks_taught(starts_on: date, ends_on: date, today: date) -> int:
    if today < starts_on:
        return 0
    return ((min(today, ends_on) - starts_on).days // 7) + 1


def _year_groups(school) -> list[str]:
    """Year groups whole-class teaching suits at this school: Years 3–5 where it teaches them, else the
    years it does teach (Year 1–2 at an infant school), Year 7 at a secondary school."""
    low, high = school["statutory_low_age"], school["statutory_high_age"]
    if "secondary" in (school["phase"] or "").lower():
        return ["7"]
    if low is None or high is None:
        return ["3", "4", "5"]
    taught = [
        g for g in ("1", "2", "3", "4", "5", "6", "7") if low <= AGE_AT_START[g] and AGE_AT_START[g] < high
    ]
    return [g for g in taught if g in ("3", "4", "5")] or taught[-2:]  # none at a nursery


def _older(year_group: str) -> str:
    return str(int(year_group) + 1)


class _Programmes:
    def __init__(self, rng: random.Random, today: date):
        self.rng = rng
        self.today = today
        self.year = academic_year_of(today)
        self.lead = (
            Partner.objects.filter(slug=LEAD["slug"]).first() or Partner.objects.order_by("pk").first()
        )
        names = dict(Instrument.objects.values_list("name", "pk"))
        self.instruments = [(name, names[name]) for name in WHOLE_CLASS_INSTRUMENTS if name in names]
        # Whole-class in-school opportunities and the schools they run at: a programme can take their sessions.
        self.sessions_at = {}
        through = Opportunity.schools.through.objects.filter(
            opportunity__setting=Setting.IN_SCHOOL,
            opportunity__kind__name="Whole-class teaching in school",
            opportunity__whole_class_programme__isnull=True,
        ).order_by("opportunity_id", "school_id")
        for opportunity_id, school_id, partner_id, first, last in through.values_list(
            "opportunity_id",
            "school_id",
            "opportunity__partner_id",
            "opportunity__first_date",
            "opportunity__last_date",
        ):
            self.sessions_at.setdefault(school_id, (opportunity_id, partner_id, first, last))
        self.used_opportunities: set[int] = set()
        # Demo young people by (school, year group): candidates for pupil lists.
        self.pupils: dict[tuple[int, str], list[int]] = {}
        for pk, school_id, year_group in (
            YoungPerson.objects.filter(school__isnull=False, anonymised_at__isnull=True)
            .exclude(year_group="")
            .order_by("pk")
            .values_list("pk", "school_id", "year_group")
        ):
            self.pupils.setdefault((school_id, year_group), []).append(pk)

    def schools(self) -> list[dict]:
        """SCHOOLS schools: those where a whole-class opportunity runs and the demo school contact's school
        (seed_demo links the "school" login to the first open school by name with pupils) first, then primary
        schools, with three secondary schools among them."""
        schools = list(
            School.objects.filter(is_open=True)
            .order_by("urn")
            .values("pk", "name", "phase", "statutory_low_age", "statutory_high_age")
        )
        schools = [s for s in schools if _year_groups(s)]
        contact_school = (
            School.objects.filter(is_open=True, young_people__isnull=False)
            .order_by("name")
            .values_list("pk", flat=True)
            .first()
        )
        wanted = set(self.sessions_at) | {contact_school}
        picked = [s for s in schools if s["pk"] in wanted]
        secondary = [s for s in schools if "secondary" in (s["phase"] or "").lower() and s not in picked]
        primary = [s for s in schools if s not in picked and s not in secondary]
        picked += secondary[: max(0, 3 - sum("secondary" in (s["phase"] or "").lower() for s in picked))]
        return picked + primary[: max(0, SCHOOLS - len(picked))]

    def plan(self, school: dict) -> list[dict]:
        rng, year = self.rng, self.year
        rows = []
        groups = _year_groups(school)
        linked = self.sessions_at.get(school["pk"])
        this_year = rng.sample(groups, k=min(len(groups), rng.choice([1, 1, 2])))
        for n, year_group in enumerate(this_year):
            if linked and n == 0 and linked[0] not in self.used_opportunities:
                opportunity_id, partner_id, starts_on, ends_on = linked
                self.used_opportunities.add(opportunity_id)
            else:
                opportunity_id, partner_id = None, self.lead.pk
                autumn = rng.random() < 0.6
                starts_on = (
                    date(year, 9, rng.randint(8, 19)) if autumn else date(year + 1, 1, rng.randint(6, 14))
                )
                ends_on = starts_on + timedelta(weeks=rng.choice([10, 12, 20, 30]))
                ends_on = min(ends_on, date(year + 1, 7, 18))
            rows.append(
                self._row(school, year_group, starts_on, ends_on, opportunity_id, partner_id, last=False)
            )
        # Last year's class, now a year older.
        year_group = rng.choice(groups)
        starts_on = date(year - 1, 9, rng.randint(8, 19))
        ends_on = date(year, rng.choice([3, 7]), 15)
        rows.append(self._row(school, year_group, starts_on, ends_on, None, self.lead.pk, last=True))
        return rows

    def _row(self, school, year_group, starts_on, ends_on, opportunity_id, partner_id, *, last: bool) -> dict:
        rng = self.rng
        instrument = rng.choice(self.instruments) if self.instruments else None
        pupils = rng.randint(20, 31)
        listed = []
        if rng.random() < LIST_SHARE:
            now_in = _older(year_group) if last else year_group
            candidates = self.pupils.get((school["pk"], now_in), [])
            listed = rng.sample(candidates, k=min(len(candidates), pupils))
        return {
            "programme": WholeClassProgramme(
                school_id=school["pk"],
                partner_id=partner_id,
                opportunity_id=opportunity_id,
                year_group=year_group,
                class_name=f"{year_group}{rng.choice('ABCHKLMRSW')}",
                pupils=pupils,
                starts_on=starts_on,
                ends_on=max(ends_on, starts_on),
                weeks_delivered=_weeks_taught(starts_on, max(ends_on, starts_on), self.today),
                next_steps=rng.choice(NEXT_STEPS).format(
                    instrument=(instrument[0] if instrument else "music").lower()
                )
                if rng.random() < 0.7
                else "",
            ),
            "instruments": [instrument[1]] if instrument else [],
            "listed": listed,
        }


def _load_programmes(rng: random.Random, today: date) -> None:
    if WholeClassProgramme.objects.exists():
        return
    planner = _Programmes(rng, today)
    if planner.lead is None:
        return
    rows = [row for school in planner.schools() for row in planner.plan(school)]
    made = WholeClassProgramme.objects.bulk_create([row["programme"] for row in rows], batch_size=500)
    WholeClassProgramme.instruments.through.objects.bulk_create(
        [
            WholeClassProgramme.instruments.through(wholeclassprogramme_id=programme.pk, instrument_id=pk)
            for programme, row in zip(made, rows, strict=True)
            for pk in row["instruments"]
        ],
        batch_size=1000,
    )
    WholeClassProgramme.pupil_list.through.objects.bulk_create(
        [
            WholeClassProgramme.pupil_list.through(wholeclassprogramme_id=programme.pk, youngperson_id=pk)
            for programme, row in zip(made, rows, strict=True)
            for pk in row["listed"]
        ],
        batch_size=1000,
    )


def _load_follow_ups(rng: random.Random, today: date) -> None:
    if FollowUp.objects.exists():
        return
    stopped = list(
        with_streaks(Enrolment.objects.filter(status=Enrolment.Status.ENROLLED))
        .filter(missed_in_a_row__gte=3)
        .order_by("pk")
        .values_list("pk", "opportunity_id")
    )
    if not stopped:
        return
    leaders = {}
    for opportunity_id, user_id in Opportunity.leaders.through.objects.order_by("pk").values_list(
        "opportunity_id", "user_id"
    ):
        leaders.setdefault(opportunity_id, user_id)
    reasons = dict(DropOutReason.objects.values_list("name", "pk"))
    picked = rng.sample(stopped, k=max(1, round(len(stopped) * FOLLOW_UP_SHARE)))
    follow_ups = []
    for enrolment_id, opportunity_id in picked:
        name = rng.choices(REASONS, weights=REASON_WEIGHTS)[0]
        reached = rng.random() < 0.8
        at = _aware(today - timedelta(days=rng.randint(0, 2)), hour=rng.randint(9, 19))
        follow_ups.append(
            FollowUp(
                enrolment_id=enrolment_id,
                contacted=reached,
                reason_id=reasons.get(name) if reached else None,
                outcome=OUTCOMES_FOR.get(name, rng.choice(list(FollowUp.Outcome.values)))
                if reached
                else FollowUp.Outcome.NO_REPLY,
                note=rng.choice(FOLLOW_UP_NOTES) if reached else "Left a voicemail.",
                recorded_by_id=leaders.get(opportunity_id),
                created_at=at,
                updated_at=at,
            )
        )
    # bulk_create would stamp created_at with now; these are the days the calls were made.
    created_field = FollowUp._meta.get_field("created_at")
    saved = created_field.auto_now_add
    created_field.auto_now_add = False
    try:
        FollowUp.objects.bulk_create(follow_ups, batch_size=500)
    finally:
        created_field.auto_now_add = saved


@transaction.atomic
def load_demo_wholeclass() -> None:
    """Whole-class programmes in ~30 demo schools, the drop-out reasons and some follow-ups (idempotent)."""
    rng = random.Random(SEED)  # noqa: S311 -- invented data, seeded so every run makes the same choices
    today = timezone.localdate()
    load_demo_dropout_reasons()
    _load_programmes(rng, today)
    _load_follow_ups(random.Random(SEED + 1), today)  # noqa: S311 -- as above
