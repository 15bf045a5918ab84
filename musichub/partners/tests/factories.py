"""Factories for partner tests. Catalogue entries and aims are made here: tests need not load the demo hub."""

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import slugify

from musichub.core.models import ActivityKind, Genre, InclusionAim, Instrument
from musichub.partners.demo import tiny_pdf
from musichub.partners.models import (
    ApplicationNote,
    OrganisationType,
    Partner,
    PartnerApplication,
    PartnerMembership,
)


def pdf_upload(name="policy.pdf", content=None):
    return SimpleUploadedFile(
        name, content if content is not None else tiny_pdf(), content_type="application/pdf"
    )


class GenreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Genre
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Genre {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Instrument {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ActivityKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityKind
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Activity {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class InclusionAimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InclusionAim
        django_get_or_create = ["number"]

    number = factory.Sequence(lambda n: n + 100)
    slug = factory.Sequence(lambda n: f"aim-{n}")
    title = factory.Sequence(lambda n: f"Aim number {n}")
    short_title = factory.Sequence(lambda n: f"Aim {n}")
    description = "An aim."


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner organisation {n:03d}")
    slug = factory.Sequence(lambda n: f"partner-organisation-{n:03d}")
    level = Partner.Level.LOCAL
    organisation_type = OrganisationType.CHARITY
    summary = "An organisation that runs music-making for young people."
    is_published = True


class PartnerMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerMembership

    partner = factory.SubFactory(PartnerFactory)


class PartnerApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerApplication
        skip_postgeneration_save = True

    organisation_name = factory.Sequence(lambda n: f"Applicant organisation {n:03d}")
    organisation_type = OrganisationType.COMMUNITY_GROUP
    website = "https://applicant.example.org"
    contact_name = "Robin Applicant"
    contact_email = factory.Sequence(lambda n: f"contact{n}@applicant.example.org")
    aims_contribution = "Free sessions on the estates."
    young_people_reached = "Sixty young people a week."
    safeguarding_lead_name = "Sam Safe"
    safeguarding_lead_email = "safe@applicant.example.org"
    safeguarding_policy = factory.LazyFunction(lambda: pdf_upload())
    consent_to_contact = True
    offers_out_of_school = True

    @factory.post_generation
    def aims(self, create, extracted, **kwargs):
        if create:
            self.aims.set(extracted if extracted is not None else [InclusionAimFactory()])


class ApplicationNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationNote

    application = factory.SubFactory(PartnerApplicationFactory)
    text = "A note."
