"""Small builders for the finder's tests (the finder's own, so they do not wait on the management factories)."""

import datetime
import itertools

from django.utils import timezone
from django.utils.text import slugify

from musichub.core.models import ActivityKind, Genre, Instrument
from musichub.offer.models import Opportunity, Session, Venue
from musichub.partners.models import OrganisationType, Partner

_counter = itertools.count(1)


def today():
    return timezone.localdate()


def catalogue(model, name):
    return model.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]


def genre(name):
    return catalogue(Genre, name)


def instrument(name):
    return catalogue(Instrument, name)


def kind(name="Band"):
    return catalogue(ActivityKind, name)


def partner(name="Northam Music Collective", **fields):
    return Partner.objects.get_or_create(
        slug=slugify(name),
        defaults={
            "name": name,
            "summary": "Music for young people.",
            "is_published": True,
            "level": Partner.Level.LOCAL,
            "organisation_type": OrganisationType.CHARITY,
            **fields,
        },
    )[0]


def venue(name="Northam Hall", district="SO14", **fields):
    n = next(_counter)
    return Venue.objects.create(
        name=name,
        slug=f"{slugify(name)}-{n}",
        address="1 High Street\nSouthampton",
        postcode=f"{district} 1AA",
        postcode_district=district,
        **fields,
    )


def opportunity(title=None, *, genres=(), instruments=(), sessions=(), **fields):
    """A published weekly opportunity running from today for ten weeks, unless told otherwise."""
    n = next(_counter)
    title = title or f"Opportunity {n}"
    start = fields.pop("first_date", today())
    defaults = {
        "partner": fields.pop("partner", None) or partner(),
        "title": title,
        "slug": f"{slugify(title)[:150]}-{n}",
        "summary": f"{title}: come and play.",
        "kind": fields.pop("kind", None) or kind(),
        "min_age": 8,
        "max_age": 14,
        "first_date": start,
        "last_date": start + datetime.timedelta(weeks=10),
        "weekday": start.weekday(),
        "starts_at": datetime.time(16, 30),
        "ends_at": datetime.time(17, 30),
        "safeguarding_contact_name": "Sam Safe",
        "safeguarding_contact_email": "safe@example.org",
        "status": Opportunity.Status.PUBLISHED,
        "published_at": timezone.now(),
        "setting": "out_of_school",
    }
    defaults.update(fields)
    if defaults["setting"] == "out_of_school" and "venue" not in fields:
        defaults["venue"] = venue()
    created = Opportunity.objects.create(**defaults)
    created.genres.set([genre(g) if isinstance(g, str) else g for g in genres])
    created.instruments.set([instrument(i) if isinstance(i, str) else i for i in instruments])
    for day in sessions:
        Session.objects.create(
            opportunity=created, date=day, starts_at=created.starts_at, ends_at=created.ends_at
        )
    return created
