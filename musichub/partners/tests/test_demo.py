"""The demo partners: a lead partner, invented partners of every type, applications with a real PDF."""

import pytest
from django.db.models import Count

from musichub.core.validators import validate_pdf
from musichub.partners.demo import PER_TYPE, demo_partner_for_login, load_demo_partners
from musichub.partners.models import OrganisationType, Partner, PartnerApplication

pytestmark = pytest.mark.django_db


def test_loading_the_demo_twice_gives_the_same_partners_and_applications(hub):
    load_demo_partners()
    first = (
        Partner.objects.count(),
        PartnerApplication.objects.count(),
        list(Partner.objects.values("slug", "level")),
    )
    load_demo_partners()
    assert (
        Partner.objects.count(),
        PartnerApplication.objects.count(),
        list(Partner.objects.values("slug", "level")),
    ) == first
    assert (
        PartnerApplication.objects.get(
            status="declined", organisation_name__startswith="Oakfern"
        ).notes.count()
        == 1
    )


def test_the_demo_has_the_music_service_as_its_published_lead_partner(hub):
    load_demo_partners()
    lead = Partner.objects.get(level=Partner.Level.LEAD)
    assert (lead.name, lead.is_published) == ("Southampton Music Service", True)
    assert "lifelong love of music" in lead.role_in_hub
    assert lead.aims.count() == 5


def test_the_demo_has_a_dozen_partners_of_every_type_at_every_level_mostly_published(hub):
    load_demo_partners()
    others = Partner.objects.exclude(level=Partner.Level.LEAD)
    per_type = dict(others.values_list("organisation_type").annotate(n=Count("pk")))
    assert per_type == dict.fromkeys(OrganisationType.values, PER_TYPE)
    assert set(others.values_list("level", flat=True)) == {"local", "regional", "national"}
    unpublished = others.filter(is_published=False).count()
    assert 0 < unpublished < others.count() / 4
    assert not others.filter(genres=None).exists()
    assert not others.filter(aims=None).exists()
    assert all(".example.org" in website for website in others.values_list("website", flat=True))


def test_the_demo_applications_wait_in_each_state_with_a_valid_pdf_policy(hub):
    load_demo_partners()
    assert set(PartnerApplication.objects.values_list("status", flat=True)) == {
        "submitted",
        "more_information",
        "declined",
    }
    for application in PartnerApplication.objects.all():
        with application.safeguarding_policy.open("rb") as handle:
            assert handle.read(8) == b"%PDF-1.4"
            validate_pdf(handle)


def test_the_demo_login_partner_is_a_published_local_partner(hub):
    load_demo_partners()
    partner = demo_partner_for_login()
    assert (partner.is_published, partner.level) == (True, Partner.Level.LOCAL)
