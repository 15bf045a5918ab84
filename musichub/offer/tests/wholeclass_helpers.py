"""A hand-counted whole-class fixture, shared by the figures tests and the page tests.

This academic year (Y, 1 Sep Y – 31 Aug Y+1), at Oak Primary and Elm Primary:

    programme  school  year    class  pupils  listed           its own opportunity  starts
    P1         Oak     Year 4  4B     28      p1 … p6          O1 (in school)       10 Sep Y
    P2         Oak     Year 4  4C     30      p7, p8           none                 10 Jan Y+1
    P3         Oak     Year 5  5A     25      (no list)        none                 15 Sep Y
    P4         Elm     Year 3  3R     20      q1 … q5          none                 1 Oct Y
    P5         Oak     Year 4  4A     29      r1               none                 10 Sep Y-1 (last year)
    P6         Elm     Year 3  3S     22      (no list)        none                 1 Sep Y+1 (next year)

Later enrolments (created 1 March Y+1 unless said):
    p1  enrolled on the Band, twice over (Band and Choir)        continued (counted once)
    p2  enrolled on O1 only: P1's own sessions                    not
    p3  enrolled on the Choir, created 1 Aug Y (before P1 began)  not
    p4  withdrawn from the Band after being enrolled              continued
    p5  waiting for the Band                                      not
    p6  withdrawn from the Band while still waiting               not
    p7  enrolled on O1 (another programme's sessions: counts)     continued
    q1…q5 enrolled on the Choir                                   continued
    r1  enrolled on the Choir                                     continued (last year's figures)

This year by school and year group (rows in school order, then year group):
    Elm, Year 3:  1 programme,  20 pupils, 5 listed, 5 continued
    Oak, Year 4:  2 programmes, 58 pupils, 8 listed, 3 continued (p1, p4, p7)
    Oak, Year 5:  1 programme,  25 pupils, 0 listed, 0 continued
    Total:        4 programmes, 103 pupils, 13 listed, 8 continued (61.5%)
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from musichub.core.models import Setting
from musichub.offer.models import Enrolment, EnrolmentEvent, Opportunity, WholeClassProgramme
from musichub.offer.tests.factories import OpportunityFactory
from musichub.offer.wholeclass import academic_year_of
from musichub.partners.tests.factories import InstrumentFactory, PartnerFactory
from musichub.people.tests.factories import SchoolFactory, YoungPersonFactory

S = Enrolment.Status


@dataclass
class Fixture:
    year: int
    oak: object
    elm: object
    partner: object
    programmes: dict
    pupils: dict
    opportunities: dict


def _at(day: date):
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def _enrol(pupil, opportunity, status, *, created: date, was_enrolled: bool = False):
    enrolment = Enrolment.objects.create(
        young_person=pupil,
        opportunity=opportunity,
        status=status,
        offer_expires_at=None,
        queued_at=_at(created) if status == S.WAITING else None,
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=_at(created))
    EnrolmentEvent.objects.create(enrolment=enrolment, action="requested")
    if was_enrolled:
        EnrolmentEvent.objects.create(enrolment=enrolment, action="enrolled")
    else:
        EnrolmentEvent.objects.create(enrolment=enrolment, action="waiting")
    return enrolment


def _programme(school, partner, year_group, class_name, pupils, starts_on, *, opportunity=None, listed=()):
    programme = WholeClassProgramme.objects.create(
        school=school,
        partner=partner,
        opportunity=opportunity,
        year_group=year_group,
        class_name=class_name,
        pupils=pupils,
        starts_on=starts_on,
        ends_on=date(starts_on.year + (1 if starts_on.month >= 9 else 0), 7, 20),
        weeks_delivered=10,
    )
    programme.instruments.set([InstrumentFactory(name="Violin")])
    programme.pupil_list.set(listed)
    return programme


def build_schools(*, today: date | None = None) -> Fixture:
    today = today or timezone.localdate()
    y = academic_year_of(today)
    oak = SchoolFactory(name="Oak Primary", postcode="SO14 7LY")
    elm = SchoolFactory(name="Elm Primary")
    partner = PartnerFactory(name="City Music Service")
    o1 = OpportunityFactory(
        partner=partner,
        title="Whole-class violin at Oak",
        setting=Setting.IN_SCHOOL,
        venue=None,
        status=Opportunity.Status.PUBLISHED,
        first_date=date(y, 9, 10),
        last_date=date(y + 1, 7, 20),
    )
    o1.schools.add(oak)
    band = OpportunityFactory(partner=partner, title="Band", status=Opportunity.Status.PUBLISHED)
    choir = OpportunityFactory(partner=partner, title="Choir", status=Opportunity.Status.PUBLISHED)

    p = {f"p{n}": YoungPersonFactory(first_name=f"P{n}", school=oak, year_group="4") for n in range(1, 9)}
    q = {f"q{n}": YoungPersonFactory(first_name=f"Q{n}", school=elm, year_group="3") for n in range(1, 6)}
    r = {"r1": YoungPersonFactory(first_name="R1", school=oak, year_group="5")}
    pupils = p | q | r

    programmes = {
        "P1": _programme(oak, partner, "4", "4B", 28, date(y, 9, 10), opportunity=o1,
                         listed=[p[f"p{n}"] for n in range(1, 7)]),
        "P2": _programme(oak, partner, "4", "4C", 30, date(y + 1, 1, 10), listed=[p["p7"], p["p8"]]),
        "P3": _programme(oak, partner, "5", "5A", 25, date(y, 9, 15)),
        "P4": _programme(elm, partner, "3", "3R", 20, date(y, 10, 1), listed=list(q.values())),
        "P5": _programme(oak, partner, "4", "4A", 29, date(y - 1, 9, 10), listed=[r["r1"]]),
        "P6": _programme(elm, partner, "3", "3S", 22, date(y + 1, 9, 1)),
    }  # fmt: skip

    later = date(y + 1, 3, 1)
    _enrol(p["p1"], band, S.ENROLLED, created=later, was_enrolled=True)
    _enrol(p["p1"], choir, S.ENROLLED, created=later, was_enrolled=True)
    _enrol(p["p2"], o1, S.ENROLLED, created=later, was_enrolled=True)
    _enrol(p["p3"], choir, S.ENROLLED, created=date(y, 8, 1), was_enrolled=True)
    _enrol(p["p4"], band, S.WITHDRAWN, created=later, was_enrolled=True)
    _enrol(p["p5"], band, S.WAITING, created=later)
    _enrol(p["p6"], band, S.WITHDRAWN, created=later)
    _enrol(p["p7"], o1, S.ENROLLED, created=later, was_enrolled=True)
    for pupil in q.values():
        _enrol(pupil, choir, S.ENROLLED, created=later, was_enrolled=True)
    _enrol(r["r1"], choir, S.ENROLLED, created=later, was_enrolled=True)

    return Fixture(
        year=y,
        oak=oak,
        elm=elm,
        partner=partner,
        programmes=programmes,
        pupils=pupils,
        opportunities={"O1": o1, "band": band, "choir": choir},
    )
