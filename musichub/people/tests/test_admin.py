"""The back office for people: catalogues editable by hub admins, young people read-only without sensitive columns."""

import pytest
from django.urls import reverse

from musichub.core.roles import Role
from musichub.people.models import Barrier

from .factories import YoungPersonFactory

pytestmark = pytest.mark.django_db


def test_hub_admins_edit_the_barrier_catalogue(client, hub_admin):
    client.force_login(hub_admin)
    client.post(reverse("admin:people_barrier_add"), {"name": "Weather", "slug": "weather"})
    assert Barrier.objects.get(slug="weather").name == "Weather"


def test_young_people_are_listed_read_only_without_sensitive_columns(client, hub_admin):
    person = YoungPersonFactory(last_name="Okafor", ethnicity="black_african")
    client.force_login(hub_admin)
    response = client.get(reverse("admin:people_youngperson_changelist"))
    assert "Okafor" in response.text and "African" not in response.text
    assert client.get(reverse("admin:people_youngperson_add")).status_code == 403
    assert (
        client.post(reverse("admin:people_youngperson_delete", args=[person.pk]), {"post": "yes"}).status_code
        == 403
    )
    person.refresh_from_db()


def test_staff_without_the_back_office_cannot_open_it(client, make_user):
    client.force_login(make_user(Role.HUB_STAFF))
    response = client.get(reverse("admin:people_barrier_changelist"))
    assert response.status_code == 302 and "login" in response["Location"]
