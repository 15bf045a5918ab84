"""The demo library: ~400 instruments of real types and sizes, ~150 open loans (some overdue, some to schools),
returns and repairs, awarded instrument support fulfilled (some left to fulfil); quick and idempotent."""

import time

import pytest
from django.db.models import Count
from django.utils import timezone

from musichub.core.demo import load_demo_hub
from musichub.instruments.demo import load_demo_instruments
from musichub.instruments.models import LENDABLE_CONDITIONS, LibraryInstrument, Loan, Location, Repair
from musichub.instruments.selectors import available_now
from musichub.instruments.services import INSTRUMENT_LOAN_SUPPORT
from musichub.people.demo import load_demo_people
from musichub.people.demo_catalogues import load_demo_catalogues
from musichub.people.demo_imports import load_demo_areas_and_schools
from musichub.people.models import SupportRequest


def snapshot():
    return (LibraryInstrument.objects.count(), Loan.objects.count(), Repair.objects.count())


@pytest.mark.django_db
def test_the_demo_library_looks_like_a_real_one_and_loads_once():
    load_demo_hub()
    load_demo_areas_and_schools()
    load_demo_catalogues()
    load_demo_people()
    started = time.perf_counter()
    load_demo_instruments()
    assert time.perf_counter() - started < 10
    today = timezone.localdate()

    instruments = LibraryInstrument.objects.all()
    assert 380 <= instruments.count() <= 420
    by_type = dict(instruments.values_list("instrument_type__name").annotate(n=Count("pk")))
    assert by_type["Violin"] > by_type["Cello"] > by_type["Double bass"] > 0
    assert instruments.filter(instrument_type__name="Violin").values("size").distinct().count() >= 5
    assert not instruments.filter(instrument_type__name="Flute").exclude(size="n-a").exists()
    assert available_now(instruments.filter(instrument_type__name="Violin", size="3-4")).exists()

    open_loans = Loan.objects.filter(returned_on__isnull=True)
    assert 140 <= open_loans.count() <= 160
    assert 10 <= open_loans.filter(due_on__lt=today).count() <= 50
    assert open_loans.filter(school__isnull=False).count() >= 20
    assert open_loans.filter(young_person__isnull=False, agreement_accepted_at__isnull=True).exists()
    assert Loan.objects.filter(support_request__isnull=False).count() >= 20
    to_fulfil = SupportRequest.objects.filter(kind__slug=INSTRUMENT_LOAN_SUPPORT, status="awarded",
                                              instrument_loans__isnull=True)  # fmt: skip
    assert to_fulfil.exists()
    assert Loan.objects.filter(returned_on__isnull=False).count() >= 200
    assert not open_loans.exclude(condition_out__in=LENDABLE_CONDITIONS).exists()
    # Where each instrument is agrees with its loans and repairs.
    assert (
        instruments.filter(location=Location.YOUNG_PERSON).count()
        == open_loans.filter(school__isnull=True).count()
    )
    assert (
        instruments.filter(location=Location.SCHOOL).count()
        == open_loans.filter(school__isnull=False).count()
    )
    assert (
        instruments.filter(location=Location.REPAIRER).count()
        == Repair.objects.filter(back_on__isnull=True).count()
    )
    assert Repair.objects.filter(back_on__isnull=False).count() >= 20
    assert not Loan.objects.filter(starts_on__gt=today).exists()

    before = snapshot()
    load_demo_instruments()
    assert snapshot() == before
