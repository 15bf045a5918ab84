"""A hand-made attendance fixture, counted by hand, shared by the attendance selector and page tests.

The band meets weekly; four sessions have happened (registers taken at the first three), one was cancelled,
one is next week. Marks (P present, L late, A absent, R absent with reason, walk-in W):

                 4 weeks ago  3 weeks ago  2 weeks ago  1 week ago (no register)   came/marked  rate
    Amara            P            L            A                                   2/3          67%
    Ben              R            A            P                                   1/3          33%
    Chloe (enrolled, never marked)                                                 0/0          none
    Dev (walk-in)                 P (W)                                            1/1          100%

Amara also came to another opportunity once (it must not count here); Erin is enrolled elsewhere only.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.utils import timezone

from musichub.core.roles import Role
from musichub.offer.models import Attendance, Enrolment, Opportunity, Register, Session
from musichub.offer.tests.factories import OpportunityFactory, SessionFactory
from musichub.partners.tests.factories import PartnerMembershipFactory
from musichub.people.tests.factories import FamilyFactory, YoungPersonFactory

M = Attendance.Mark


@dataclass
class Band:
    opportunity: Opportunity
    other: Opportunity
    sessions: dict  # "w4", "w3", "w2", "w1" (weeks ago), "cancelled", "next"
    people: dict  # "amara", "ben", "chloe", "dev", "erin"
    guardian: object  # Amara's guardian
    member: object  # a member of the band's partner
    leader: object  # the band's leader
    today: date


def _session(opportunity, day, **fields):
    return SessionFactory(
        opportunity=opportunity, date=day, starts_at=time(17, 0), ends_at=time(18, 30), **fields
    )


def mark(session, person, value, *, walk_in=False, reason=""):
    return Attendance.objects.create(
        session=session,
        young_person=person,
        mark=value,
        reason=reason,
        walk_in=walk_in,
        marked_at=timezone.now(),
    )


def build_band(make_user, *, today: date | None = None) -> Band:
    today = today or timezone.localdate()
    opportunity = OpportunityFactory(
        title="Harbour Samba Band",
        slug="harbour-samba-band",
        status=Opportunity.Status.PUBLISHED,
        first_date=today - timedelta(weeks=5),
        last_date=today + timedelta(weeks=5),
    )
    other = OpportunityFactory(
        title="Other Choir",
        slug="other-choir",
        status=Opportunity.Status.PUBLISHED,
        first_date=today - timedelta(weeks=5),
        last_date=today + timedelta(weeks=5),
    )
    sessions = {f"w{n}": _session(opportunity, today - timedelta(weeks=n)) for n in (4, 3, 2, 1)}
    sessions["cancelled"] = _session(opportunity, today - timedelta(days=3), is_cancelled=True)
    sessions["next"] = _session(opportunity, today + timedelta(weeks=1))
    other_session = _session(other, today - timedelta(weeks=2))

    guardian = make_user(Role.GUARDIAN)
    family = FamilyFactory(guardians=[guardian])
    people = {
        "amara": YoungPersonFactory(first_name="Amara", last_name="Osei", family=family),
        "ben": YoungPersonFactory(first_name="Ben", last_name="Price"),
        "chloe": YoungPersonFactory(first_name="Chloe", last_name="Quinn"),
        "dev": YoungPersonFactory(first_name="Dev", last_name="Rao"),
        "erin": YoungPersonFactory(first_name="Erin", last_name="Shaw"),
    }
    for name in ("amara", "ben", "chloe"):
        Enrolment.objects.create(
            young_person=people[name], opportunity=opportunity, status=Enrolment.Status.ENROLLED
        )
    for name in ("amara", "erin"):
        Enrolment.objects.create(
            young_person=people[name], opportunity=other, status=Enrolment.Status.ENROLLED
        )

    for key in ("w4", "w3", "w2"):
        Register.objects.create(session=sessions[key])
    Register.objects.create(session=other_session)
    amara, ben, dev = people["amara"], people["ben"], people["dev"]
    mark(sessions["w4"], amara, M.PRESENT)
    mark(sessions["w3"], amara, M.LATE)
    mark(sessions["w2"], amara, M.ABSENT)
    mark(sessions["w4"], ben, M.ABSENT_WITH_REASON, reason="Ill")
    mark(sessions["w3"], ben, M.ABSENT)
    mark(sessions["w2"], ben, M.PRESENT)
    mark(sessions["w3"], dev, M.PRESENT, walk_in=True)
    mark(other_session, amara, M.PRESENT)

    member = make_user(Role.PARTNER_MEMBER)
    PartnerMembershipFactory(user=member, partner=opportunity.partner)
    leader = make_user(Role.MUSIC_LEADER)
    opportunity.leaders.add(leader)
    return Band(opportunity, other, sessions, people, guardian, member, leader, today)


def add_enrolled(opportunity, n, *, session=None, value=M.PRESENT):
    """n more young people enrolled (and marked at `session`, if given): for query-count tests."""
    added = []
    for _n in range(n):
        person = YoungPersonFactory()
        Enrolment.objects.create(
            young_person=person, opportunity=opportunity, status=Enrolment.Status.ENROLLED
        )
        if session is not None:
            mark(session, person, value)
        added.append(person)
    return added


def past_session(opportunity, weeks_ago: int) -> Session:
    return _session(opportunity, timezone.localdate() - timedelta(weeks=weeks_ago))
