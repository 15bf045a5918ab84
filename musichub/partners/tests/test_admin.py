"""The back office lists partners, members and applications (with their notes) for hub admins only."""

import pytest
from django.urls import reverse

from musichub.core.roles import Role

from .factories import ApplicationNoteFactory, PartnerApplicationFactory, PartnerMembershipFactory

pytestmark = pytest.mark.django_db


def test_hub_admins_see_partners_members_and_applications_with_notes(client, hub_admin, make_user):
    membership = PartnerMembershipFactory(user=make_user(Role.PARTNER_MEMBER, username="pat"))
    note = ApplicationNoteFactory(text="Checked their references.")
    client.force_login(hub_admin)
    assert membership.partner.name in client.get(reverse("admin:partners_partner_changelist")).text
    assert "pat" in client.get(reverse("admin:partners_partnermembership_changelist")).text
    applications = client.get(reverse("admin:partners_partnerapplication_changelist"))
    assert note.application.organisation_name in applications.text
    change = client.get(reverse("admin:partners_partnerapplication_change", args=[note.application.pk]))
    assert "Checked their references." in change.text


def test_hub_staff_are_kept_out_of_the_back_office(client, staff):
    PartnerApplicationFactory()
    client.force_login(staff)
    response = client.get(reverse("admin:partners_partnerapplication_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
