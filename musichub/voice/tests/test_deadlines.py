"""The response deadline in working days: weekends, school holidays and the gaps between terms not counted."""

from datetime import date

import pytest

from musichub.offer.tests.factories import HolidayFactory, TermFactory
from musichub.voice.deadlines import add_working_days, holidays_between, response_due_on
from musichub.voice.models import VoiceSettings

pytestmark = pytest.mark.django_db


def test_working_days_skip_weekends():
    # Friday 1 March 2030 + 1 working day = Monday 4 March.
    assert add_working_days(date(2030, 3, 1), 1, holidays=set()) == date(2030, 3, 4)
    assert add_working_days(date(2030, 3, 4), 5, holidays=set()) == date(2030, 3, 11)


def test_twenty_working_days_without_holidays_is_four_weeks():
    assert response_due_on(date(2030, 3, 4)) == date(2030, 4, 1)


def test_a_half_term_holiday_pushes_the_deadline_back_a_week():
    HolidayFactory(name="February half term", starts_on=date(2030, 2, 18), ends_on=date(2030, 2, 22))
    # Monday 4 February + 20 working days: 4 weeks, plus the half-term week.
    assert response_due_on(date(2030, 2, 4)) == date(2030, 3, 11)


def test_the_gap_between_two_terms_is_a_holiday_but_not_before_the_first_term():
    TermFactory(name="Spring", starts_on=date(2030, 1, 7), ends_on=date(2030, 3, 29))
    TermFactory(name="Summer", starts_on=date(2030, 4, 15), ends_on=date(2030, 7, 19))
    days = holidays_between(date(2029, 12, 1), date(2030, 5, 1))
    assert date(2030, 4, 1) in days and date(2030, 4, 12) in days  # the Easter holiday
    assert date(2030, 4, 15) not in days
    assert date(2029, 12, 27) not in days  # before the first known term: nothing assumed
    # Friday 29 March + 1 working day: after Easter.
    assert add_working_days(date(2030, 3, 29), 1, holidays=days) == date(2030, 4, 15)


def test_the_number_of_working_days_is_a_setting():
    settings_row = VoiceSettings.current()
    assert settings_row.response_working_days == 20
    settings_row.response_working_days = 5
    settings_row.save()
    assert response_due_on(date(2030, 3, 4)) == date(2030, 3, 11)


def test_a_long_holiday_past_the_first_window_is_still_counted():
    HolidayFactory(name="Long closure", starts_on=date(2030, 3, 5), ends_on=date(2030, 6, 30))
    # Monday 1 July is the first working day after it: 20 working days end on Friday 26 July.
    assert response_due_on(date(2030, 3, 4)) == date(2030, 7, 26)
