"""Test data for the public site: news posts, page texts and (minimal) partners."""

import factory
from django.utils import timezone

from musichub.core.models import ContentBlock
from musichub.pages.models import NewsPost
from musichub.partners.models import OrganisationType, Partner


class NewsPostFactory(factory.django.DjangoModelFactory):
    """A published post by default; `NewsPostFactory(draft=True)` for a draft."""

    class Meta:
        model = NewsPost

    class Params:
        draft = factory.Trait(status=NewsPost.Status.DRAFT, published_at=None)

    title = factory.Sequence(lambda n: f"Concert number {n} fills the hall")
    slug = factory.Sequence(lambda n: f"concert-number-{n}")
    summary = "Young musicians from across the city played together."
    body = "A **great** evening.\n\n- strings\n- brass"
    status = NewsPost.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class ContentBlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContentBlock
        django_get_or_create = ["key"]

    key = "home"
    title = "Welcome to the hub"
    body = "Music for *everyone*."


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner organisation {n}")
    slug = factory.Sequence(lambda n: f"partner-organisation-{n}")
    level = Partner.Level.LOCAL
    organisation_type = OrganisationType.CHARITY
    summary = "Runs music groups for young people."
    is_published = True
