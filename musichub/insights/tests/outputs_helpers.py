"""Hand-counted records for the outputs' tests (the annual return, contributions, the report, /impact/), and a
reader for the headings a PDF carries as bookmarks."""

import re
import zlib
from datetime import date, datetime, time

from django.utils import timezone

from musichub.offer.models import Attendance, Enrolment, Opportunity, Session, WholeClassProgramme
from musichub.offer.tests.factories import OpportunityFactory, SessionFactory
from musichub.partners.tests.factories import ActivityKindFactory, PartnerFactory
from musichub.people.tests.factories import SchoolFactory, YoungPersonFactory

from ..filters import current_year
from ..models import PartnerContribution

# The academic year before last (1 September to 31 August): in the past, so its sessions count as delivered,
# and recent enough to be offered by the pages' year choosers.
YEAR = current_year() - 2
NEXT = YEAR + 1


def aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def young_person(**fields):
    defaults = {"fsm": "no", "sex": "female", "ethnicity": "white_british"}
    return YoungPersonFactory(**{**defaults, **fields})


def enrol(person, opportunity, *, status=Enrolment.Status.ENROLLED, on=date(YEAR, 9, 4)):
    enrolment = Enrolment.objects.create(young_person=person, opportunity=opportunity, status=status)
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=aware(on))
    return enrolment


def mark(person, session, mark=Attendance.Mark.PRESENT):
    return Attendance.objects.create(
        session=session, young_person=person, mark=mark, marked_at=aware(session.date)
    )


def programme(school, partner, *, year_group, pupils, starts_on=date(YEAR, 9, 11), ends_on=date(NEXT, 7, 19)):
    return WholeClassProgramme.objects.create(
        school=school,
        partner=partner,
        year_group=year_group,
        class_name=f"Class {year_group}",
        pupils=pupils,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def return_records() -> dict:
    """Records for academic year YEAR, counted by hand:

    - schools: Anchor (primary, roll 200) and Beacon (secondary) have whole-class teaching in the year; Cedar
      (primary) has nothing. Schools engaged 2 (1 primary, 1 secondary).
    - whole-class: Anchor Year 3 (30 pupils) and Year 4 (28), Beacon Year 7 (25); a programme starting in the
      next year (20) does not count. Pupils 83, schools 2, programmes 3.
    - a choir (out of school) with six young people enrolled (three on free school meals; four female, two
      male), three sessions of which one was cancelled.
    - a band: one of the choir's young people and Kai (not on free school meals, male) came to a session;
      Lou was marked absent only; Max's enrolment was withdrawn; Noor enrolled after the year had ended.
    - taking part: 6 + Kai = 7 (each counted once); in ensembles, bands and choirs 7; in the choir 6; on free
      school meals 3.
    - partners: an accepted singing contribution (10 young people, 4 on free school meals, 2 groups, 12
      sessions, 3 schools) and one waiting for review (not counted).
    """
    choir_kind = ActivityKindFactory(name="Choir", slug="choir")
    band_kind = ActivityKindFactory(name="Band", slug="band")
    ActivityKindFactory(name="Ensemble", slug="ensemble")
    ActivityKindFactory(name="Small-group lessons", slug="small-group-lessons")
    ActivityKindFactory(name="Individual lessons", slug="individual-lessons")
    partner = PartnerFactory()
    anchor = SchoolFactory(name="Anchor Primary", phase="Primary", number_of_pupils=200)
    beacon = SchoolFactory(name="Beacon Secondary", phase="Secondary", number_of_pupils=900)
    SchoolFactory(name="Cedar Primary", phase="Primary", number_of_pupils=150)
    programme(anchor, partner, year_group="3", pupils=30)
    programme(anchor, partner, year_group="4", pupils=28)
    programme(beacon, partner, year_group="7", pupils=25, starts_on=date(NEXT, 1, 8))
    programme(
        anchor, partner, year_group="5", pupils=20, starts_on=date(NEXT, 9, 9), ends_on=date(NEXT + 1, 7, 18)
    )

    running = {"first_date": date(YEAR, 9, 4), "last_date": date(NEXT, 7, 15), "status": "published"}
    choir = OpportunityFactory(partner=partner, kind=choir_kind, title="City youth choir", **running)
    band = OpportunityFactory(partner=partner, kind=band_kind, title="Harbour band", **running)
    choir_sessions = [
        SessionFactory(opportunity=choir, date=date(YEAR, 9, 11)),
        SessionFactory(opportunity=choir, date=date(YEAR, 9, 18)),
        SessionFactory(opportunity=choir, date=date(YEAR, 9, 25), is_cancelled=True),
    ]
    band_session = SessionFactory(opportunity=band, date=date(NEXT, 1, 15))

    singers = [
        young_person(fsm="yes", sex="female"),
        young_person(fsm="yes", sex="female"),
        young_person(fsm="yes", sex="male", ethnicity="asian_indian"),
        young_person(fsm="no", sex="female"),
        young_person(fsm="no", sex="female"),
        young_person(fsm="no", sex="male"),
    ]
    for person in singers:
        enrol(person, choir)
    kai = young_person(fsm="no", sex="male")
    lou = young_person()
    max_ = young_person()
    noor = young_person()
    mark(singers[0], band_session)
    mark(kai, band_session, Attendance.Mark.LATE)
    mark(lou, band_session, Attendance.Mark.ABSENT)
    enrol(max_, band, status=Enrolment.Status.WITHDRAWN)
    enrol(noor, band, on=date(NEXT, 9, 2))

    singing_partner = PartnerFactory()
    PartnerContribution.objects.create(
        partner=singing_partner,
        year=YEAR,
        section="singing",
        description="Singing assemblies",
        young_people=10,
        young_people_fsm=4,
        schools=3,
        groups=2,
        sessions=12,
        status=PartnerContribution.Status.ACCEPTED,
    )
    PartnerContribution.objects.create(
        partner=singing_partner,
        year=YEAR,
        section="singing",
        description="Not yet reviewed",
        young_people=40,
        status=PartnerContribution.Status.SUBMITTED,
    )
    return {
        "partner": partner,
        "anchor": anchor,
        "beacon": beacon,
        "choir": choir,
        "band": band,
        "choir_sessions": choir_sessions,
        "singers": singers,
        "kai": kai,
        "singing_partner": singing_partner,
    }


def more_records(n: int) -> None:
    """More of the same (for showing a query count does not grow): n young people in another choir."""
    kind = ActivityKindFactory(name="Choir", slug="choir")
    opportunity = OpportunityFactory(
        kind=kind,
        first_date=date(YEAR, 9, 4),
        last_date=date(NEXT, 7, 15),
        status=Opportunity.Status.PUBLISHED,
    )
    session = Session.objects.create(
        opportunity=opportunity, date=date(YEAR, 10, 2), starts_at=time(17, 0), ends_at=time(18, 0)
    )
    for _n in range(n):
        person = young_person(fsm="yes")
        enrol(person, opportunity)
        mark(person, session)


# ---- Reading a PDF's bookmarks ------------------------------------------------------------------------------

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
_TITLE = re.compile(rb"/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)")
_ESCAPES = {
    b"n": b"\n",
    b"r": b"\r",
    b"t": b"\t",
    b"b": b"\b",
    b"f": b"\f",
    b"(": b"(",
    b")": b")",
    b"\\": b"\\",
}


def _pdf_string(raw: bytes) -> str:
    if raw.startswith(b"<"):
        data = bytes.fromhex(raw[1:-1].decode().replace(" ", ""))
    else:
        body, data, i = raw[1:-1], bytearray(), 0
        while i < len(body):
            if body[i : i + 1] == b"\\" and i + 1 < len(body):
                nxt = body[i + 1 : i + 2]
                if nxt.isdigit():
                    digits = re.match(rb"[0-7]{1,3}", body[i + 1 :]).group(0)
                    data.append(int(digits, 8))
                    i += 1 + len(digits)
                    continue
                data += _ESCAPES.get(nxt, nxt)
                i += 2
                continue
            data += body[i : i + 1]
            i += 1
        data = bytes(data)
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be")
    return data.decode("latin-1")


def pdf_titles(pdf: bytes) -> list[str]:
    """The /Title strings of a PDF (its bookmarks, one per heading, and the document title), read from its
    object streams and its plain objects alike."""
    chunks = [pdf]
    for match in _STREAM.finditer(pdf):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return [_pdf_string(raw) for chunk in chunks for raw in _TITLE.findall(chunk)]
