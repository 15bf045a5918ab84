"""Factories for people tests: schools, families, young people with consents, catalogues."""

from datetime import date

import factory
from django.utils import timezone
from django.utils.text import slugify

from musichub.people.choices import ConsentPurpose
from musichub.people.consent_texts import CURRENT_VERSION
from musichub.people.models import (
    Barrier,
    Consent,
    Family,
    FamilyGuardian,
    NamedBarrier,
    School,
    SchoolContact,
    SupportKind,
    SupportRequest,
    YoungPerson,
)


def born_years_ago(years: int, today: date | None = None) -> date:
    """A date of birth making someone `years` old today (a birthday a few days ago)."""
    today = today or timezone.localdate()
    anchor = today.replace(day=1)  # every month has a 1st: no 29 February surprises
    return anchor.replace(year=anchor.year - years)


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    urn = factory.Sequence(lambda n: 100000 + n)
    name = factory.Sequence(lambda n: f"Harbour Primary School {n:03d}")
    is_open = True
    phase = "Primary"
    la_code = "852"


class BarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Barrier
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Barrier {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class SupportKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportKind
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Support {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family
        skip_postgeneration_save = True

    @factory.post_generation
    def guardians(self, create, extracted, **kwargs):
        if create and extracted:
            for guardian in extracted:
                FamilyGuardian.objects.create(family=self, guardian=guardian)


class YoungPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YoungPerson

    first_name = factory.Sequence(lambda n: f"Alex{n:03d}")
    last_name = factory.Sequence(lambda n: f"Rivera{n:03d}")
    date_of_birth = factory.LazyFunction(lambda: born_years_ago(10))
    registered_by = YoungPerson.RegisteredBy.STAFF


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    young_person = factory.SubFactory(YoungPersonFactory)
    purpose = ConsentPurpose.DATA_PROCESSING
    given_by = Consent.GivenBy.GUARDIAN
    given_by_name = "Pat Guardian"
    wording_version = CURRENT_VERSION
    given_at = factory.LazyFunction(timezone.now)


class NamedBarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NamedBarrier

    young_person = factory.SubFactory(YoungPersonFactory)
    barrier = factory.SubFactory(BarrierFactory)


class SupportRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportRequest

    young_person = factory.SubFactory(YoungPersonFactory)
    kind = factory.SubFactory(SupportKindFactory)
    reason = "The fees are too much this term."


class SchoolContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolContact

    school = factory.SubFactory(SchoolFactory)
