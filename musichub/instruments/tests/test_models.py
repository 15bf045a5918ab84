"""The rules the database itself enforces, so they hold for the admin, imports and the shell too.

Each is written straight to the database (no service in the way) and must be refused with an IntegrityError,
on SQLite here and on PostgreSQL in CI.
"""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from musichub.instruments.models import Condition, Loan
from musichub.people.tests.factories import SchoolFactory, YoungPersonFactory

from .factories import (
    LibraryInstrumentFactory,
    LoanFactory,
    RepairFactory,
    days_ago,
    instrument_support,
    whole_class_programme,
)

pytestmark = pytest.mark.django_db


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_an_instrument_cannot_have_two_open_loans():
    loan = LoanFactory()
    refused(lambda: LoanFactory(instrument=loan.instrument))
    assert Loan.objects.filter(instrument=loan.instrument).count() == 1


def test_an_instrument_may_have_many_returned_loans_and_one_open_loan():
    instrument = LibraryInstrumentFactory()
    for _n in range(2):
        LoanFactory(instrument=instrument, returned_on=days_ago(1), condition_in=Condition.GOOD)
    LoanFactory(instrument=instrument)
    assert instrument.loans.count() == 3


def test_a_loan_cannot_be_returned_before_it_started():
    refused(lambda: LoanFactory(starts_on=days_ago(5), returned_on=days_ago(6), condition_in=Condition.GOOD))


def test_a_loan_may_be_returned_on_the_day_it_started():
    loan = LoanFactory(starts_on=days_ago(5), returned_on=days_ago(5), condition_in=Condition.GOOD)
    assert loan.pk


def test_a_loan_cannot_be_due_back_before_it_started():
    refused(lambda: LoanFactory(starts_on=days_ago(5), due_on=days_ago(6)))


def test_a_loan_goes_to_a_young_person_or_a_school_never_both_nor_neither():
    refused(lambda: LoanFactory(school=SchoolFactory()))
    refused(lambda: LoanFactory(young_person=None))
    assert LoanFactory(young_person=None, school=SchoolFactory()).pk


def test_a_written_off_or_broken_instrument_cannot_go_out():
    refused(lambda: LoanFactory(condition_out=Condition.WRITTEN_OFF))
    refused(lambda: LoanFactory(condition_out=Condition.NEEDS_REPAIR))


def test_a_returned_loan_says_what_condition_it_came_back_in():
    refused(lambda: LoanFactory(returned_on=days_ago(1)))
    refused(lambda: LoanFactory(condition_in=Condition.GOOD))
    refused(lambda: LoanFactory(returned_on=days_ago(1), condition_in="squashed"))


def test_support_and_programmes_belong_to_the_right_kind_of_loan():
    support = instrument_support()
    refused(lambda: LoanFactory(young_person=None, school=SchoolFactory(), support_request=support))
    programme = whole_class_programme()
    refused(lambda: LoanFactory(programme=programme))
    assert LoanFactory(young_person=None, school=programme.school, programme=programme).pk
    assert LoanFactory(young_person=support.young_person, support_request=support).pk


def test_an_accepted_agreement_says_who_how_and_to_which_wording():
    refused(lambda: LoanFactory(agreement_accepted_at=timezone.now()))
    refused(lambda: LoanFactory(young_person=None, school=SchoolFactory(), agreement_accepted_at=timezone.now(),
                                agreement_given_by="guardian", agreement_accepted_by_name="Pat",
                                agreement_method="online", agreement_version="2026-11"))  # fmt: skip
    loan = LoanFactory(
        young_person=YoungPersonFactory(), agreement_accepted_at=timezone.now(), agreement_given_by="guardian",
        agreement_accepted_by_name="Pat", agreement_method="online", agreement_version="2026-11",
    )  # fmt: skip
    assert loan.pk


def test_asset_numbers_are_unique():
    LibraryInstrumentFactory(asset_number="VN-0042")
    refused(lambda: LibraryInstrumentFactory(asset_number="VN-0042"))


def test_an_instrument_takes_only_known_conditions_sizes_and_places():
    refused(lambda: LibraryInstrumentFactory(condition="lovely"))
    refused(lambda: LibraryInstrumentFactory(size="5-4"))
    refused(lambda: LibraryInstrumentFactory(location="the moon"))


def test_an_instrument_cannot_be_at_the_repairer_twice_at_once():
    repair = RepairFactory()
    refused(lambda: RepairFactory(instrument=repair.instrument))
    RepairFactory(instrument=repair.instrument, sent_on=days_ago(50), back_on=days_ago(40))
    assert repair.instrument.repairs.count() == 2


def test_a_repair_cannot_come_back_before_it_was_sent():
    refused(lambda: RepairFactory(sent_on=days_ago(5), back_on=days_ago(6)))
