"""A partner member's own area: their organisation and its public entry."""

import pytest
from django.urls import reverse

from musichub.core.roles import Role
from musichub.partners.models import Partner

from .factories import GenreFactory, PartnerFactory, PartnerMembershipFactory

pytestmark = pytest.mark.django_db

MINE = reverse("partners:my_partner")
EDIT = reverse("partners:my_partner_edit")


@pytest.fixture
def member(make_user):
    user = make_user(Role.PARTNER_MEMBER)
    PartnerMembershipFactory(user=user, partner=PartnerFactory(name="Lantern Steel Pan Collective"))
    return user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def test_a_member_sees_their_organisation_and_a_link_to_its_public_page(member_client, member):
    partner = member.partner_membership.partner
    response = member_client.get(MINE)
    assert "<h1>Lantern Steel Pan Collective</h1>" in response.text
    assert reverse("partners:detail", args=[partner.slug]) in response.text


def test_an_unpublished_organisation_has_no_public_link_and_says_why(member_client, member):
    partner = member.partner_membership.partner
    Partner.objects.filter(pk=partner.pk).update(is_published=False)
    response = member_client.get(MINE)
    assert reverse("partners:detail", args=[partner.slug]) not in response.text
    assert "not shown in the partners directory yet" in response.text


def test_a_member_edits_their_public_entry(member_client, member):
    genre = GenreFactory(name="Calypso")
    response = member_client.post(
        EDIT,
        {
            "summary": "Steel pans for all ages.",
            "description": "Open **rehearsals**.",
            "website": "lantern.example.org",
            "public_email": "hello@lantern.example.org",
            "genres": [str(genre.pk)],
            "settings": ["in_school", "online"],
        },
    )
    assert response.status_code == 302
    partner = member.partner_membership.partner
    partner.refresh_from_db()
    assert partner.summary == "Steel pans for all ages."
    assert partner.website == "https://lantern.example.org"
    assert list(partner.genres.all()) == [genre]
    assert partner.offered_settings == ["in_school", "online"]


def test_a_member_cannot_change_the_level_or_publish_through_the_form(member_client, member):
    partner = member.partner_membership.partner
    Partner.objects.filter(pk=partner.pk).update(is_published=False)
    member_client.post(EDIT, {"summary": "New.", "level": "lead", "is_published": "on", "name": "Renamed"})
    partner.refresh_from_db()
    assert partner.summary == "New."
    assert (partner.level, partner.is_published, partner.name) == (
        "local",
        False,
        "Lantern Steel Pan Collective",
    )


def test_the_edit_form_names_a_missing_summary_and_keeps_the_other_answers(member_client):
    response = member_client.post(EDIT, {"summary": "", "description": "Kept text"})
    assert "Enter a summary for the directory" in response.text
    assert "Kept text</textarea>" in response.text


def test_a_member_without_an_organisation_is_told_so_and_cannot_edit(client, make_user):
    client.force_login(make_user(Role.PARTNER_MEMBER))
    assert "not linked to a partner organisation" in client.get(MINE).text
    assert client.get(EDIT).status_code == 404


def test_a_member_whose_partner_does_not_recognise_them_is_refused(member_client, monkeypatch):
    monkeypatch.setattr(Partner, "is_managed_by", lambda self, user: False)
    assert member_client.get(MINE).status_code == 403
    assert member_client.post(EDIT, {"summary": "Hijack"}).status_code == 403
    assert not Partner.objects.filter(summary="Hijack").exists()


def test_staff_visiting_the_partner_area_go_to_the_partner_list(client, staff):
    client.force_login(staff)
    for path in (MINE, EDIT):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == reverse("partners:manage_list")


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.MUSIC_LEADER, Role.SCHOOL_CONTACT])
def test_other_roles_cannot_reach_the_partner_area(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(MINE).status_code == 403
    assert client.get(EDIT).status_code == 403
