"""A small hand-counted city for the dashboard's tests (test_selectors.py, test_views_dashboard.py).

Academic year 2024 (1 September 2024 – 31 August 2025) is the year under test. Every figure the tests expect
is counted by hand from the table below; the comments say who counts where.

Schools (open A, B, C; D closed) and the census of 16 January 2025, pupils on roll:

    school  district  year group  all  fsm  sen  ehcp  eal  white asian black mixed  female male
    A       SO14      5            60   30    6     2   12     40    20     0     0      30   30
    B       SO15      5            40   10    4     2    8     30    10     0     0      20   20
    C       SO16      7           100   10   10     6   20     50    10    30    10      50   50
    city                          200   50   20    10   40    120   40    30    10     100  100
                                       25%  10%   5%  20%    60%  20%   15%    5%     50%  50%

A census of 2023 (A: 999 pupils) is older and one of 2026 (A: 5000) is after the year: neither is used.

Taking part in 2024 (8): y1–y4 hold places on O1 (P1, out of school, Rock); y5 (present) and y6 (late) came to
O2 (P2, in school at B, Classical); y7 and y8 are on the pupil list of whole-class programme W (P2, school B).
Not taking part in 2024: n1 (place asked for after the year), n2 (absent mark only), n3 (a 2022 place),
n4 (withdrawn without ever coming), n5 (waiting for a place on O1).

    person  fsm  send         eal  ethnicity         sex     care  imd  school  district  age (31 Aug 2024)
    y1      yes  sen_support  no   white_british     female  yes   1    A       SO14      10
    y2      yes  none         yes  asian_indian      female  no    2    A       SO14      10
    y3      no   none         no   white_british     male    no    5    A       SO14      10
    y4      no   ehcp         no   white_irish       male    ?     -    B       SO15      10
    y5      ?    ?            ?    ?                 ?       ?     -    B       SO15      10
    y6      no   none         yes  black_african     female  no    3    B       SO15      10
    y7      yes  none         no   mixed_white_asian male    no    1    B       SO15      10
    y8      no   none         no   white_british     female  no    8    B       SO15      14
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from musichub.core.models import Setting
from musichub.offer.models import (
    Attendance,
    DropOutReason,
    Enrolment,
    FollowUp,
    Opportunity,
    WholeClassProgramme,
)
from musichub.offer.tests.factories import OpportunityFactory, SessionFactory
from musichub.partners.tests.factories import ActivityKindFactory, GenreFactory, PartnerFactory
from musichub.people.models import NamedBarrier, PopulationFigure, SupportRequest, YoungPerson
from musichub.people.tests.factories import (
    BarrierFactory,
    SchoolFactory,
    SupportKindFactory,
    YoungPersonFactory,
)
from musichub.voice.models import Post

YEAR = 2024
TODAY = date(2026, 1, 15)  # long enough after the year for a term and a year of retention to be known
CENSUS = date(2025, 1, 16)


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


@dataclass
class World:
    schools: dict
    partners: dict
    kinds: dict
    genres: dict
    opportunities: dict
    programme: WholeClassProgramme
    people: dict
    barriers: dict


def _census(as_of, school, year_group, all_, fsm, sen, ehcp, eal, ethnic, female, male):
    rows = [
        ("all", "", all_),
        ("fsm", "", fsm),
        ("sen_support", "", sen),
        ("ehcp", "", ehcp),
        ("eal", "", eal),
    ]
    rows += [("ethnic_group", group, n) for group, n in ethnic.items()]
    rows += [("sex", "female", female), ("sex", "male", male)]
    PopulationFigure.objects.bulk_create(
        PopulationFigure(
            as_of=as_of, school=school, year_group=year_group, characteristic=c, value=v, pupils=n
        )
        for c, v, n in rows
    )


def enrol(person, opportunity, status, created: date) -> Enrolment:
    enrolment = Enrolment.objects.create(young_person=person, opportunity=opportunity, status=status)
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=at(created))
    enrolment.refresh_from_db()
    return enrolment


def _mark(person, session, mark):
    Attendance.objects.create(session=session, young_person=person, mark=mark, marked_at=at(session.date))


def build_world() -> World:
    schools = {
        "A": SchoolFactory(name="Avenue Primary", postcode="SO14 1AA", percentage_fsm=30),
        "B": SchoolFactory(name="Bitterne Primary", postcode="SO15 2BB", percentage_fsm=10),
        "C": SchoolFactory(name="Chamberlayne College", postcode="SO16 3CC", percentage_fsm=45),
        "D": SchoolFactory(name="Dock Street School", postcode="SO14 9DD", is_open=False),
    }
    _census(CENSUS, schools["A"], "5", 60, 30, 6, 2, 12, {"white": 40, "asian": 20}, 30, 30)
    _census(CENSUS, schools["B"], "5", 40, 10, 4, 2, 8, {"white": 30, "asian": 10}, 20, 20)
    _census(
        CENSUS,
        schools["C"],
        "7",
        100,
        10,
        10,
        6,
        20,
        {"white": 50, "asian": 10, "black": 30, "mixed": 10},
        50,
        50,
    )
    PopulationFigure.objects.create(
        as_of=date(2023, 1, 10), school=schools["A"], year_group="5", characteristic="all", pupils=999
    )
    PopulationFigure.objects.create(
        as_of=date(2026, 1, 15), school=schools["A"], year_group="5", characteristic="all", pupils=5000
    )

    partners = {"P1": PartnerFactory(name="Harbour Music"), "P2": PartnerFactory(name="Schools Music Trust")}
    kinds = {"band": ActivityKindFactory(name="Band"), "choir": ActivityKindFactory(name="Choir")}
    genres = {name: GenreFactory(name=name) for name in ("Rock", "Classical", "Steel pan")}
    live = Opportunity.Status.PUBLISHED

    def opportunity(partner, first, last, setting=Setting.OUT_OF_SCHOOL, capacity=None, **fields):
        return OpportunityFactory(
            partner=partners[partner],
            kind=kinds["band"],
            setting=setting,
            first_date=first,
            last_date=last,
            status=live,
            capacity=capacity,
            **fields,
        )

    opportunities = {
        "O1": opportunity("P1", date(2024, 9, 2), date(2025, 7, 14), capacity=20),
        "O2": opportunity("P2", date(2024, 9, 2), date(2025, 7, 14), setting=Setting.IN_SCHOOL, capacity=10),
        "O3": opportunity("P1", date(2025, 9, 15), date(2026, 7, 13), capacity=12),
        "O4": opportunity("P1", date(2024, 9, 2), date(2025, 7, 14), capacity=8),
        "old": opportunity("P1", date(2022, 9, 5), date(2023, 7, 1), capacity=15),
    }
    opportunities["O1"].genres.set([genres["Rock"]])
    opportunities["O2"].genres.set([genres["Classical"]])
    opportunities["O2"].schools.set([schools["B"]])

    def person(name, school, district, *, born=date(2014, 3, 1), **fields):
        return YoungPersonFactory(
            first_name=name, school=schools[school], postcode_district=district, date_of_birth=born, **fields
        )

    people = {
        "y1": person("y1", "A", "SO14", fsm="yes", send="sen_support", eal="no", ethnicity="white_british",
                     sex="female", care_experienced="yes", imd_decile=1),
        "y2": person("y2", "A", "SO14", fsm="yes", send="none", eal="yes", ethnicity="asian_indian",
                     sex="female", care_experienced="no", imd_decile=2),
        "y3": person("y3", "A", "SO14", fsm="no", send="none", eal="no", ethnicity="white_british",
                     sex="male", care_experienced="no", imd_decile=5),
        "y4": person("y4", "B", "SO15", fsm="no", send="ehcp", eal="no", ethnicity="white_irish", sex="male"),
        "y5": person("y5", "B", "SO15"),
        "y6": person("y6", "B", "SO15", fsm="no", send="none", eal="yes", ethnicity="black_african",
                     sex="female", care_experienced="no", imd_decile=3),
        "y7": person("y7", "B", "SO15", fsm="yes", send="none", eal="no", ethnicity="mixed_white_asian",
                     sex="male", care_experienced="no", imd_decile=1),
        "y8": person("y8", "B", "SO15", born=date(2010, 3, 1), fsm="no", send="none", eal="no",
                     ethnicity="white_british", sex="female", care_experienced="no", imd_decile=8),
        "n1": person("n1", "C", "SO16", fsm="yes"),
        "n2": person("n2", "C", "SO16", fsm="yes"),
        "n3": person("n3", "C", "SO16", fsm="yes"),
        "n4": person("n4", "C", "SO16", fsm="yes"),
        "n5": person("n5", "C", "SO16", fsm="yes"),
    }  # fmt: skip
    YoungPerson.objects.update(created_at=at(date(2024, 6, 1)))

    o1, o2, o3 = opportunities["O1"], opportunities["O2"], opportunities["O3"]
    enrolments = {
        name: enrol(people[name], o1, "enrolled", date(2024, 9, 10)) for name in ("y1", "y2", "y3", "y4")
    }
    enrol(people["y1"], opportunities["O4"], "enrolled", date(2024, 10, 15))  # a second, later place
    enrol(people["y7"], o3, "enrolled", date(2025, 9, 20))  # continues after whole-class teaching
    enrol(people["n1"], o1, "enrolled", date(2025, 9, 10))
    enrol(people["n3"], opportunities["old"], "enrolled", date(2022, 9, 5))
    enrol(people["n4"], o1, "withdrawn", date(2024, 9, 10))
    enrol(people["n5"], o1, "waiting", date(2024, 10, 1))

    o1_autumn = SessionFactory(opportunity=o1, date=date(2024, 10, 7))
    o1_spring = SessionFactory(opportunity=o1, date=date(2025, 1, 6))
    o2_autumn = SessionFactory(opportunity=o2, date=date(2024, 10, 7))
    o3_autumn = SessionFactory(opportunity=o3, date=date(2025, 9, 22))
    _mark(people["y1"], o1_spring, "present")
    _mark(people["y1"], o3_autumn, "present")
    _mark(people["y2"], o1_autumn, "present")
    _mark(people["y3"], o1_spring, "present")
    _mark(people["y5"], o2_autumn, "present")
    _mark(people["y6"], o2_autumn, "late")
    _mark(people["n2"], o2_autumn, "absent")

    programme = WholeClassProgramme.objects.create(
        school=schools["B"],
        partner=partners["P2"],
        year_group="5",
        class_name="5B",
        pupils=30,
        starts_on=date(2024, 9, 15),
        ends_on=date(2025, 7, 15),
    )
    programme.pupil_list.set([people["y7"], people["y8"]])

    # Tastes: y1 loves rock and steel pan, y2 steel pan, y3 and n5 rock; a voice asks for steel pan.
    people["y1"].genres.set([genres["Rock"], genres["Steel pan"]])
    people["y2"].genres.set([genres["Steel pan"]])
    people["y3"].genres.set([genres["Rock"]])
    people["n5"].genres.set([genres["Rock"]])
    _post(genre=genres["Steel pan"], moderation="published", received_on=date(2024, 11, 1))
    _post(
        genre=genres["Steel pan"],
        moderation="declined",
        received_on=date(2024, 11, 2),
        decline_reason="Off topic",
    )

    # Barriers: cost (y1, y2) and transport (y3) named in the year; y2 was awarded a bursary, y1 waits.
    barriers = {"cost": BarrierFactory(name="Cost"), "transport": BarrierFactory(name="Transport")}
    bursary = SupportKindFactory(name="Bursary")
    for name, barrier, day in (
        ("y1", "cost", date(2024, 10, 1)),
        ("y2", "cost", date(2024, 10, 1)),
        ("y3", "transport", date(2024, 10, 1)),
        ("n3", "cost", date(2023, 10, 1)),
    ):
        named = NamedBarrier.objects.create(young_person=people[name], barrier=barriers[barrier])
        NamedBarrier.objects.filter(pk=named.pk).update(created_at=at(day))
    waiting = SupportRequest.objects.create(young_person=people["y1"], kind=bursary)
    awarded = SupportRequest.objects.create(
        young_person=people["y2"], kind=bursary, status="awarded", decided_at=at(date(2024, 11, 1))
    )
    SupportRequest.objects.filter(pk__in=[waiting.pk, awarded.pk]).update(created_at=at(date(2024, 10, 2)))

    # Stopping: y4 left because of the cost; y3 is coming back (no reason recorded).
    cost = DropOutReason.objects.create(name="Cost", slug="cost")
    left = FollowUp.objects.create(enrolment=enrolments["y4"], reason=cost, outcome="left")
    back = FollowUp.objects.create(enrolment=enrolments["y3"], outcome="coming_back")
    FollowUp.objects.filter(pk__in=[left.pk, back.pk]).update(created_at=at(date(2025, 1, 20)))

    return World(schools, partners, kinds, genres, opportunities, programme, people, barriers)


def _post(**fields) -> Post:
    fields.setdefault("title", "Steel pan please")
    fields.setdefault("display_name", "a young musician")
    fields.setdefault("response_due_on", fields["received_on"])
    return Post.objects.create(**fields)
