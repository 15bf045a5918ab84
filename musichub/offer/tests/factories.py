"""Factories for offer tests: term dates, venues, opportunities and sessions."""

from datetime import date, time

import factory

from musichub.offer.models import Holiday, Opportunity, Session, Term, Venue
from musichub.partners.tests.factories import ActivityKindFactory, PartnerFactory


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    name = factory.Sequence(lambda n: f"Term {n}")
    starts_on = date(2030, 1, 7)
    ends_on = date(2030, 3, 29)


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holiday

    name = factory.Sequence(lambda n: f"Holiday {n}")
    starts_on = date(2030, 2, 18)
    ends_on = date(2030, 2, 22)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"Harbour Community Centre {n:03d}")
    slug = factory.Sequence(lambda n: f"harbour-community-centre-{n:03d}")
    address = "1 High Street\nSouthampton"
    postcode = "SO14 7LY"
    postcode_district = "SO14"


class OpportunityFactory(factory.django.DjangoModelFactory):
    """A weekly, out-of-school draft on Mondays in 2030 (in the future, so it can be published)."""

    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    partner = factory.SubFactory(PartnerFactory)
    title = factory.Sequence(lambda n: f"Youth band {n:03d}")
    slug = factory.Sequence(lambda n: f"youth-band-{n:03d}")
    summary = "A band for young people."
    kind = factory.SubFactory(ActivityKindFactory, name="Band")
    min_age = 8
    max_age = 14
    venue = factory.SubFactory(VenueFactory)
    schedule = Opportunity.Schedule.WEEKLY
    first_date = date(2030, 1, 7)
    last_date = date(2030, 3, 29)
    weekday = 0
    starts_at = time(17, 0)
    ends_at = time(18, 30)
    safeguarding_contact_name = "Sam Safe"
    safeguarding_contact_email = "safe@example.org"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    opportunity = factory.SubFactory(OpportunityFactory)
    date = date(2030, 1, 7)
    starts_at = time(17, 0)
    ends_at = time(18, 30)


def opportunity_fields(**changes) -> dict:
    """Good answers for create_opportunity: a weekly band on Mondays, spring 2030."""
    fields = {
        "title": "Saturday drum crew",
        "summary": "Drumming for beginners.",
        "description": "Come and **drum**.",
        "kind": ActivityKindFactory(name="Band"),
        "min_age": 8,
        "max_age": 14,
        "setting": "out_of_school",
        "venue": VenueFactory(),
        "schedule": Opportunity.Schedule.WEEKLY,
        "first_date": date(2030, 1, 7),
        "last_date": date(2030, 3, 29),
        "weekday": 0,
        "starts_at": time(17, 0),
        "ends_at": time(18, 30),
        "how_to_join": Opportunity.HowToJoin.ENROL,
        "safeguarding_contact_name": "Sam Safe",
        "safeguarding_contact_email": "safe@example.org",
    }
    fields.update(changes)
    return fields
