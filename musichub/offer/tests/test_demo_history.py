"""The demo's history: two academic years of finished groups, so the insights have trends and retention to show."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from musichub.insights import selectors
from musichub.insights.filters import InsightFilters
from musichub.offer.demo_history import SUFFIX, load_demo_history
from musichub.offer.dropouts import dropouts_for
from musichub.offer.models import Attendance, Enrolment, Opportunity, Register, Session
from musichub.offer.wholeclass import academic_year_of
from musichub.pages.management.commands.seed_demo import DEMO_LOADERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo makes its well-known logins only on a development site
    for loader in DEMO_LOADERS:
        loader()
    call_command("seed_demo", verbosity=0, stdout=StringIO())


def _history():
    return Opportunity.objects.filter(slug__contains=SUFFIX)


def test_two_years_of_finished_groups_with_a_register_at_every_session(demo, staff):
    this_year = academic_year_of(timezone.localdate())
    past = list(_history())
    assert len(past) >= 10
    assert {p.status for p in past} == {Opportunity.Status.FINISHED}
    assert {academic_year_of(p.first_date) for p in past} == {this_year - 1, this_year - 2}
    assert all(academic_year_of(p.last_date) == academic_year_of(p.first_date) for p in past)
    sessions = Session.objects.filter(opportunity__in=past)
    assert sessions.count() >= 25 * len(past)
    assert Register.objects.filter(session__in=sessions).count() == sessions.count()
    for group in past:  # never more places than the group had
        assert group.capacity is None or group.enrolments.count() <= group.capacity
    assert Attendance.objects.filter(session__in=sessions).count() > 5000
    # Christmas is a holiday.
    assert not sessions.filter(date__month=12, date__day__gte=24).exists()

    # Young people in a group today were in it last year, and others have left since.
    last_year = _history().filter(first_date__year=this_year - 1).first()
    today = Opportunity.objects.get(slug=last_year.slug.split(SUFFIX)[0])
    then = set(last_year.enrolments.values_list("young_person_id", flat=True))
    now = set(
        today.enrolments.filter(status=Enrolment.Status.ENROLLED).values_list("young_person_id", flat=True)
    )
    assert then & now
    assert then - now

    # Nobody from a finished group is on the drop-out list: those who stopped coming withdrew, and their
    # history says so.
    listed = dropouts_for(staff, missed_in_a_row=3)
    assert not listed.filter(opportunity__slug__contains=SUFFIX).exists()
    withdrawn = Enrolment.objects.filter(opportunity__in=_history(), status=Enrolment.Status.WITHDRAWN)
    assert withdrawn.exists()
    assert all(e.events.filter(action="withdrawn").exists() for e in withdrawn[:20])


def test_the_insights_have_three_years_of_trend_and_last_years_retention_and_load_once(demo):
    this_year = academic_year_of(timezone.localdate())
    now = selectors.dashboard(InsightFilters.for_year(this_year))
    assert now["aims"]["years"] == [this_year - 2, this_year - 1, this_year]
    participants = next(s for s in now["aims"]["aims"][2]["trend"] if s["key"] == "participants")["values"]
    assert all(count > 50 for count in participants)
    last = selectors.dashboard(InsightFilters.for_year(this_year - 1))["retention"]["everyone"]
    assert last["term_base"] > 50 and last["year_base"] > 50
    assert 60 < last["term_rate"] < 100
    assert 10 < last["year_rate"] < 80

    counts = (_history().count(), Attendance.objects.count(), Enrolment.objects.count())
    assert load_demo_history() == 0
    assert (_history().count(), Attendance.objects.count(), Enrolment.objects.count()) == counts
