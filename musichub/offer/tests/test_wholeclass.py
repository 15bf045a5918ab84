"""Whole-class programmes: the annual figures and continuation against a hand-counted fixture, the writes,
who sees which programmes, and the school's page reads (offer/wholeclass.py)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from musichub.core.models import AuditEntry
from musichub.core.roles import Role
from musichub.offer import wholeclass
from musichub.offer.models import Opportunity, WholeClassProgramme
from musichub.offer.tests.delivery_helpers import member_of
from musichub.offer.tests.factories import OpportunityFactory, SessionFactory
from musichub.offer.tests.wholeclass_helpers import build_schools
from musichub.partners.tests.factories import InstrumentFactory, PartnerFactory
from musichub.people.tests.factories import SchoolFactory, YoungPersonFactory

pytestmark = pytest.mark.django_db

FEWER = "fewer than 5"


@pytest.fixture
def schools():
    return build_schools()


# ---- Academic years -----------------------------------------------------------------------------------------


def test_the_academic_year_runs_from_1_september_to_31_august():
    assert wholeclass.academic_year_of(date(2026, 9, 1)) == 2026
    assert wholeclass.academic_year_of(date(2027, 8, 31)) == 2026
    assert wholeclass.academic_year_of(date(2026, 8, 31)) == 2025
    assert wholeclass.academic_year_bounds(2026) == (date(2026, 9, 1), date(2027, 8, 31))
    assert wholeclass.academic_year_label(2026) == "2026–27"


# ---- The annual figures (hand-counted in wholeclass_helpers.py) -------------------------------------------


def test_pupils_reached_are_summed_by_school_and_year_group_for_the_year(schools):
    figures = wholeclass.annual_figures(WholeClassProgramme.objects.all(), schools.year)
    assert [(r["school"], str(r["year_group"]), r["programmes"], r["pupils"]) for r in figures.rows] == [
        ("Elm Primary", "Year 3", 1, 20),
        ("Oak Primary", "Year 4", 2, 58),
        ("Oak Primary", "Year 5", 1, 25),
    ]
    assert (figures.programmes, figures.pupils) == (4, 103)


def test_continuation_counts_listed_pupils_who_later_held_a_place_in_another_activity(schools):
    figures = wholeclass.annual_figures(WholeClassProgramme.objects.all(), schools.year)
    assert [(r["listed"], r["continued"]) for r in figures.rows] == [(5, 5), (8, 3), (0, 0)]
    assert (figures.listed, figures.continued) == (13, 8)
    assert figures.continuation_rate == 61.5


def test_small_numbers_of_pupils_are_suppressed_with_a_second_cell_where_a_total_would_tell(schools):
    figures = wholeclass.annual_figures(WholeClassProgramme.objects.all(), schools.year)
    # Oak Year 4 continued 3 (hidden); Elm's 5 is the next smallest, hidden too so 8 - 5 can't give it away.
    assert [(r["listed_shown"], r["continued_shown"], r["rate"]) for r in figures.rows] == [
        (5, FEWER, None),
        (8, FEWER, None),
        (0, 0, None),
    ]


def test_last_years_figures_are_their_own(schools):
    figures = wholeclass.annual_figures(WholeClassProgramme.objects.all(), schools.year - 1)
    assert [(r["school"], r["pupils"], r["listed"], r["continued"]) for r in figures.rows] == [
        ("Oak Primary", 29, 1, 1)
    ]
    assert figures.continued_shown == FEWER
    assert figures.continuation_rate is None  # a base under 10, and a small count
    next_year = wholeclass.annual_figures(WholeClassProgramme.objects.all(), schools.year + 1)
    assert (next_year.programmes, next_year.pupils) == (1, 22)


def test_the_figures_follow_whose_programmes_are_given(schools, make_user):
    PartnerFactory(name="Other partner")
    elm_only = WholeClassProgramme.objects.filter(school=schools.elm)
    figures = wholeclass.annual_figures(elm_only, schools.year)
    assert (figures.programmes, figures.pupils, figures.listed, figures.continued) == (1, 20, 5, 5)


def test_the_figures_take_a_fixed_number_of_queries(schools, django_assert_num_queries):
    with django_assert_num_queries(3):
        wholeclass.annual_figures(WholeClassProgramme.objects.all(), schools.year)


# ---- Who sees which programmes -------------------------------------------------------------------------------


def test_partner_members_see_their_own_partners_programmes_and_staff_see_all(schools, make_user, staff):
    member = member_of(make_user, schools.partner)
    stranger = member_of(make_user, PartnerFactory())
    assert wholeclass.programmes_visible_to(staff).count() == 6
    assert wholeclass.programmes_visible_to(member).count() == 6
    assert wholeclass.programmes_visible_to(stranger).count() == 0
    assert wholeclass.programmes_visible_to(make_user(Role.SCHOOL_CONTACT)).count() == 0


def test_the_list_filters_by_school_and_year(schools, staff):
    by_school = wholeclass.programme_list(staff, school=schools.elm)
    assert {p.class_name for p in by_school} == {"3R", "3S"}
    this_year = wholeclass.programme_list(staff, year=schools.year)
    assert {p.class_name for p in this_year} == {"4B", "4C", "5A", "3R"}
    assert {p.class_name: p.listed for p in this_year} == {"4B": 6, "4C": 2, "5A": 0, "3R": 5}


def test_pupils_to_choose_from_are_at_the_school_and_year_within_what_the_person_sees(
    schools, make_user, staff
):
    choices = wholeclass.pupils_to_choose_from(staff, school=schools.oak, year_group="4")
    assert {p.first_name for p in choices} == {f"P{n}" for n in range(1, 9)}
    member = member_of(make_user, PartnerFactory())
    assert not wholeclass.pupils_to_choose_from(member, school=schools.oak, year_group="4").exists()


# ---- Writes ---------------------------------------------------------------------------------------------------


def _fields(school, partner, **changes):
    fields = {
        "school": school,
        "partner": partner,
        "opportunity": None,
        "year_group": "4",
        "class_name": "4B",
        "pupils": 3,
        "starts_on": date(2030, 9, 10),
        "ends_on": date(2030, 12, 15),
        "weeks_delivered": 4,
        "next_steps": "",
        "instruments": [InstrumentFactory(name="Ukulele")],
    }
    fields.update(changes)
    return fields


def test_recording_a_programme_stores_it_and_audits_it(staff):
    school, partner = SchoolFactory(), PartnerFactory()
    programme = wholeclass.record_programme(recorded_by=staff, **_fields(school, partner))
    assert [i.name for i in programme.instruments.all()] == ["Ukulele"]
    assert AuditEntry.objects.filter(action="whole_class.created", object_id=str(programme.pk)).exists()


def test_a_programme_ending_before_it_starts_is_refused(staff):
    with pytest.raises(ValidationError) as error:
        wholeclass.record_programme(
            recorded_by=staff, **_fields(SchoolFactory(), PartnerFactory(), ends_on=date(2030, 9, 1))
        )
    assert error.value.code == "dates"
    assert not WholeClassProgramme.objects.exists()


def test_the_pupil_list_keeps_pupils_the_editor_cannot_see_and_is_no_longer_than_the_class(make_user, staff):
    school, partner = SchoolFactory(), PartnerFactory()
    programme = wholeclass.record_programme(recorded_by=staff, **_fields(school, partner))
    hidden = YoungPersonFactory(school=school, year_group="4")
    programme.pupil_list.add(hidden)
    seen = [YoungPersonFactory(school=school, year_group="4") for _n in range(3)]
    chosen_from = wholeclass.pupils_to_choose_from(staff, school=school).exclude(pk=hidden.pk)

    assert (
        wholeclass.set_pupil_list(
            programme=programme, pupils=seen[:2], chosen_from=chosen_from, updated_by=staff
        )
        == 3
    )
    assert set(programme.pupil_list.all()) == {hidden, *seen[:2]}

    with pytest.raises(ValidationError) as error:
        wholeclass.set_pupil_list(programme=programme, pupils=seen, chosen_from=chosen_from, updated_by=staff)
    assert error.value.code == "list_too_long"  # 4 named for a class of 3
    assert programme.pupil_list.count() == 3


def test_pupils_from_outside_the_choices_are_refused(staff):
    school = SchoolFactory()
    programme = wholeclass.record_programme(recorded_by=staff, **_fields(school, PartnerFactory()))
    elsewhere = YoungPersonFactory(school=SchoolFactory(), year_group="4")
    with pytest.raises(ValidationError) as error:
        wholeclass.set_pupil_list(
            programme=programme,
            pupils=[elsewhere],
            chosen_from=wholeclass.pupils_to_choose_from(staff, school=school),
            updated_by=staff,
        )
    assert error.value.code == "wrong_school"


def test_the_school_cannot_change_while_pupils_are_listed_and_the_class_cannot_shrink_below_the_list(staff):
    school = SchoolFactory()
    programme = wholeclass.record_programme(recorded_by=staff, **_fields(school, PartnerFactory()))
    programme.pupil_list.add(*[YoungPersonFactory(school=school) for _n in range(2)])
    fields = _fields(SchoolFactory(), programme.partner)
    with pytest.raises(ValidationError) as error:
        wholeclass.update_programme(programme=programme, updated_by=staff, **fields)
    assert error.value.code == "wrong_school"
    with pytest.raises(ValidationError) as error:
        wholeclass.update_programme(
            programme=programme, updated_by=staff, **_fields(school, programme.partner, pupils=1)
        )
    assert error.value.code == "list_too_long"
    wholeclass.update_programme(
        programme=programme, updated_by=staff, **_fields(school, programme.partner, class_name="4C", pupils=2)
    )
    programme.refresh_from_db()
    assert (programme.class_name, programme.pupils) == ("4C", 2)


# ---- The school's page ----------------------------------------------------------------------------------------


def test_the_schools_figures_are_this_years_with_small_numbers_suppressed(schools):
    figures = wholeclass.school_figures(schools.oak, today=timezone.localdate())
    assert figures["programmes"] == 3
    assert figures["pupils"] == 83
    assert figures["listed"] == 8
    assert figures["continued"] == FEWER
    assert figures["rate"] is None


def test_the_schools_sessions_are_its_in_school_opportunities_upcoming(schools):
    today = timezone.localdate()
    o1 = schools.opportunities["O1"]
    SessionFactory(opportunity=o1, date=today + timedelta(days=3))
    SessionFactory(opportunity=o1, date=today - timedelta(days=3))
    SessionFactory(opportunity=schools.opportunities["band"], date=today + timedelta(days=3))
    draft = OpportunityFactory(setting="in_school", venue=None, status=Opportunity.Status.DRAFT)
    draft.schools.add(schools.oak)
    SessionFactory(opportunity=draft, date=today + timedelta(days=4))
    assert [s.opportunity for s in wholeclass.school_sessions(schools.oak, today=today)] == [o1]
    assert list(wholeclass.school_sessions(schools.elm, today=today)) == []


def test_whats_next_suggests_out_of_school_activities_for_the_pupils_ages_nearby(schools):
    today = timezone.localdate()
    near = {
        "status": Opportunity.Status.PUBLISHED,
        "first_date": today - timedelta(days=30),
        "last_date": today + timedelta(days=90),
        "setting": "out_of_school",
    }
    fits = OpportunityFactory(title="Junior strings", min_age=7, max_age=11, **near)
    fits.venue.postcode = "SO14 1AA"
    fits.venue.postcode_district = "SO14"
    fits.venue.save()
    too_old = OpportunityFactory(title="Sixth-form big band", min_age=16, max_age=19, **near)
    too_old.venue.postcode_district = "SO14"
    too_old.venue.save()
    far = OpportunityFactory(title="Far strings", min_age=7, max_age=11, **near)
    far.venue.postcode_district = "SO50"
    far.venue.save()
    titles = [o.title for o in wholeclass.opportunities_next(schools.oak, today=today)]
    # The fixture's Band and Choir (ages 8–14, at a venue in SO14) fit too; they start later.
    assert titles == ["Junior strings", "Band", "Choir"]


# ---- The demo -------------------------------------------------------------------------------------------------


def test_the_demo_has_programmes_in_about_thirty_schools_reasons_and_follow_ups():
    import time

    from musichub.core.demo import load_demo_hub
    from musichub.offer.demo import load_demo_offer
    from musichub.offer.demo_joining import load_demo_enrolments
    from musichub.offer.demo_registers import load_demo_registers
    from musichub.offer.demo_wholeclass import load_demo_wholeclass
    from musichub.offer.dropouts import with_streaks
    from musichub.offer.models import DropOutReason, Enrolment, FollowUp
    from musichub.partners.demo import load_demo_partners
    from musichub.people.demo import load_demo_people
    from musichub.people.demo_catalogues import load_demo_catalogues
    from musichub.people.demo_imports import load_demo_areas_and_schools

    for loader in (
        load_demo_hub, load_demo_partners, load_demo_areas_and_schools, load_demo_catalogues, load_demo_people,
        load_demo_offer, load_demo_enrolments, load_demo_registers,
    ):  # fmt: skip
        loader()
    started = time.perf_counter()
    load_demo_wholeclass()
    assert time.perf_counter() - started < 10

    today = timezone.localdate()
    programmes = WholeClassProgramme.objects.all()
    assert programmes.order_by().values("school").distinct().count() == 30
    assert programmes.filter(opportunity__isnull=False).exists()
    assert not programmes.filter(instruments__isnull=True).exists()
    this_year = wholeclass.annual_figures(programmes, wholeclass.academic_year_of(today))
    assert this_year.programmes >= 30 and this_year.pupils >= 30 * 20
    assert this_year.listed > 50 and 0 < this_year.continued < this_year.listed
    last_year = wholeclass.annual_figures(programmes, wholeclass.academic_year_of(today) - 1)
    assert last_year.programmes >= 28 and last_year.continued > 0
    assert set(DropOutReason.objects.values_list("slug", flat=True)) >= {"cost", "transport", "time-clash"}
    assert FollowUp.objects.exists()
    still_on_list = with_streaks(Enrolment.objects.filter(status="enrolled")).filter(missed_in_a_row__gte=3)
    assert still_on_list.exists()  # some are left for someone to follow up
    assert not FollowUp.objects.filter(enrolment__in=still_on_list).exists()

    counts = (programmes.count(), FollowUp.objects.count(), DropOutReason.objects.count())
    load_demo_wholeclass()
    assert (programmes.count(), FollowUp.objects.count(), DropOutReason.objects.count()) == counts
