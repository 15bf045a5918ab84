"""Factories for instrument library tests: instruments, loans, repairs, and the people they involve."""

from datetime import timedelta

import factory
from django.utils import timezone

from musichub.instruments.models import Condition, LibraryInstrument, Loan, Repair, Size
from musichub.instruments.services import INSTRUMENT_LOAN_SUPPORT
from musichub.partners.tests.factories import InstrumentFactory
from musichub.people.models import SupportRequest
from musichub.people.tests.factories import SupportKindFactory, SupportRequestFactory, YoungPersonFactory


def days_ago(days: int):
    return timezone.localdate() - timedelta(days=days)


def violin():
    return InstrumentFactory(name="Violin", slug="violin")


class LibraryInstrumentFactory(factory.django.DjangoModelFactory):
    """A 3/4 violin in good condition, in the store."""

    class Meta:
        model = LibraryInstrument

    # Numbered from 5000 so they never meet the asset numbers tests choose themselves.
    asset_number = factory.Sequence(lambda n: f"VN-{5000 + n:04d}")
    instrument_type = factory.LazyFunction(violin)
    size = Size.THREE_QUARTERS
    make = "Stentor Student II"
    condition = Condition.GOOD
    value_pence = 15000


class LoanFactory(factory.django.DjangoModelFactory):
    """An open loan to a young person, lent 30 days ago, due back in 60 days."""

    class Meta:
        model = Loan

    instrument = factory.SubFactory(LibraryInstrumentFactory)
    young_person = factory.SubFactory(YoungPersonFactory)
    starts_on = factory.LazyFunction(lambda: days_ago(30))
    due_on = factory.LazyFunction(lambda: days_ago(-60))
    condition_out = Condition.GOOD


class RepairFactory(factory.django.DjangoModelFactory):
    """An open repair, sent 5 days ago."""

    class Meta:
        model = Repair

    instrument = factory.SubFactory(LibraryInstrumentFactory)
    sent_on = factory.LazyFunction(lambda: days_ago(5))
    repairer = "Hampshire Strings Workshop"
    fault = "Cracked bridge"


def instrument_support(young_person=None, *, status=SupportRequest.Status.AWARDED, **fields):
    """An instrument-loan support request (awarded by default) for `young_person`."""
    return SupportRequestFactory(
        young_person=young_person or YoungPersonFactory(),
        kind=SupportKindFactory(slug=INSTRUMENT_LOAN_SUPPORT, name="Instrument loan"),
        status=status,
        decided_at=None if status == SupportRequest.Status.REQUESTED else timezone.now() - timedelta(days=10),
        **fields,
    )


def whole_class_programme(school=None):
    """A whole-class programme running this school year at `school`."""
    from musichub.offer.models import WholeClassProgramme
    from musichub.partners.tests.factories import PartnerFactory
    from musichub.people.tests.factories import SchoolFactory

    return WholeClassProgramme.objects.create(
        school=school or SchoolFactory(),
        partner=PartnerFactory(),
        year_group="4",
        class_name="Oak class",
        pupils=28,
        starts_on=days_ago(60),
        ends_on=days_ago(-120),
    )
