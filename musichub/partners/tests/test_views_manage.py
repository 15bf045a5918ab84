"""Staff editing partner entries in the browser: the list, adding and editing, the one-lead rule."""

import pytest
from django.urls import reverse

from musichub.core.models import InclusionAim
from musichub.core.roles import Role
from musichub.partners.models import Partner

from .factories import PartnerFactory

pytestmark = pytest.mark.django_db

LIST = reverse("partners:manage_list")
CREATE = reverse("partners:create")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def entry(**changes):
    data = {
        "name": "Moonrise Youth Orchestra",
        "level": "regional",
        "organisation_type": "performing_group",
        "summary": "A youth orchestra.",
        "description": "We **rehearse** on Saturdays.",
        "role_in_hub": "",
        "website": "",
        "public_email": "",
        "settings": ["out_of_school"],
        "is_published": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_list_shows_published_and_unpublished_partners_with_edit_links(staff_client):
    shown = PartnerFactory(name="Shown Band")
    hidden = PartnerFactory(name="Hidden Choir", is_published=False)
    response = staff_client.get(LIST)
    for partner in (shown, hidden):
        assert partner.name in response.text
        assert reverse("partners:edit", args=[partner.slug]) in response.text
    assert "Not shown" in response.text


def test_the_list_searches_by_name(staff_client):
    PartnerFactory(name="Kestrel Brass Band")
    PartnerFactory(name="Lantern Choir")
    response = staff_client.get(LIST, {"q": "brass"})
    assert "Kestrel Brass Band" in response.text and "Lantern Choir" not in response.text


def test_a_search_that_finds_nothing_says_so(staff_client):
    PartnerFactory(name="Lantern Choir")
    response = staff_client.get(LIST, {"q": "zither"})
    assert "No partners have “zither” in their name." in response.text


@pytest.mark.parametrize("count", [20, 40])
def test_the_list_is_paginated_with_a_fixed_number_of_queries(staff_client, django_assert_num_queries, count):
    PartnerFactory.create_batch(count)
    # session, user, hub identity, count, page of partners
    with django_assert_num_queries(5):
        response = staff_client.get(LIST, {"page": "2"})
    assert response.text.count('<th scope="row">') == 20


def test_staff_add_a_partner(staff_client):
    aim = InclusionAim.objects.create(
        number=1, slug="one", title="Aim one", short_title="One", description=""
    )
    response = staff_client.post(CREATE, entry(aims=[str(aim.pk)]))
    assert response.status_code == 302
    partner = Partner.objects.get()
    assert (partner.slug, partner.level, partner.is_published) == (
        "moonrise-youth-orchestra",
        "regional",
        True,
    )
    assert partner.offers_out_of_school and not partner.offers_in_school
    assert list(partner.aims.all()) == [aim]


def test_staff_edit_level_publication_and_description(staff_client):
    partner = PartnerFactory(is_published=False, offers_online=True)
    response = staff_client.get(reverse("partners:edit", args=[partner.slug]))
    assert 'value="online" id="id_settings_2" checked' in response.text
    response = staff_client.post(
        reverse("partners:edit", args=[partner.slug]), entry(name=partner.name, level="national")
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.level, partner.is_published) == ("national", True)
    assert partner.description == "We **rehearse** on Saturdays."
    assert partner.offered_settings == ["out_of_school"]


def test_a_second_lead_partner_is_refused_with_a_message_beside_the_level(staff_client):
    PartnerFactory(name="Southampton Music Service", level=Partner.Level.LEAD)
    partner = PartnerFactory(name="Moonrise Youth Orchestra")
    response = staff_client.post(reverse("partners:edit", args=[partner.slug]), entry(level="lead"))
    assert response.status_code == 200
    assert "There is already a lead partner (Southampton Music Service)" in response.text
    assert 'href="#id_level_0"' in response.text
    assert 'value="A youth orchestra."' not in response.text  # a textarea keeps it instead:
    assert "A youth orchestra.</textarea>" in response.text
    partner.refresh_from_db()
    assert partner.level == Partner.Level.LOCAL


def test_missing_answers_are_named(staff_client):
    response = staff_client.post(CREATE, entry(name="", summary=""))
    assert "Enter the partner&#x27;s name" in response.text
    assert "Enter a summary for the directory" in response.text
    assert not Partner.objects.exists()


def test_an_unknown_partner_cannot_be_edited(staff_client):
    assert staff_client.get(reverse("partners:edit", args=["no-such-partner"])).status_code == 404


@pytest.mark.parametrize("role", [Role.PARTNER_MEMBER, Role.GUARDIAN])
def test_only_staff_edit_partner_entries(client, make_user, role):
    partner = PartnerFactory()
    client.force_login(make_user(role))
    assert client.get(LIST).status_code == 403
    assert (
        client.post(reverse("partners:edit", args=[partner.slug]), entry(level="national")).status_code == 403
    )
    partner.refresh_from_db()
    assert partner.level == Partner.Level.LOCAL
