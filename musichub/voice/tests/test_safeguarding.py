"""A safeguarding concern raised from youth voice is seen by the designated safeguarding lead only: the
`concerns_for` selector answers nothing to every other role, and no youth voice page shows the concern or the
held post, to anyone (the lead reads it in their own queue)."""

import pytest
from django.urls import reverse

from musichub.core.roles import Role
from musichub.people.models import SafeguardingConcern
from musichub.people.safeguarding import concerns_for
from musichub.voice import services
from musichub.voice.models import Post

from .helpers import post_by, young

pytestmark = pytest.mark.django_db

NOTE = "NOTE-ONLY-FOR-THE-LEAD"
WROTE = "WORDS-THE-YOUNG-PERSON-WROTE"


@pytest.fixture
def everyone(make_user):
    return {role: make_user(role) for role in Role}


@pytest.fixture
def held(everyone, make_user):
    author = young(make_user, age=14)
    post = post_by(author, title="Something happened", text=WROTE)
    services.raise_post_concern(post=post, moderator=everyone[Role.HUB_STAFF], note=NOTE)
    post.refresh_from_db()
    return author, post


def test_only_the_safeguarding_lead_is_given_the_concern(everyone, held):
    _author, post = held
    for role, user in everyone.items():
        found = list(concerns_for(user).values_list("source_ref", flat=True))
        if role == Role.SAFEGUARDING_LEAD:
            assert found == [f"post:{post.pk}"]
        else:
            assert found == [], role


def test_an_automatic_concern_is_given_to_the_lead_only(everyone, make_user):
    post = post_by(young(make_user, age=15), text="someone hurts me at home")
    assert SafeguardingConcern.objects.filter(source_ref=f"post:{post.pk}").exists()
    for role, user in everyone.items():
        assert concerns_for(user).exists() == (role == Role.SAFEGUARDING_LEAD), role


def _voice_pages(post):
    return [
        reverse("voice:home"),
        reverse("voice:home") + "?status=waiting",
        reverse("voice:post", args=[post.pk]),
        reverse("voice:mine"),
        reverse("voice:my_post", args=[post.pk]),
        reverse("voice:queue"),
        reverse("voice:queue") + "?show=all",
        reverse("voice:queue") + "?show=supported",
        reverse("voice:moderation_queue"),
        reverse("voice:moderate", args=[post.pk]),
        reverse("voice:respond", args=[post.pk]),
        reverse("voice:figures"),
        reverse("voice:panel"),
        "/admin/voice/post/",
        f"/admin/voice/post/{post.pk}/change/",
    ]


def test_no_youth_voice_page_shows_the_concern_or_the_held_post_to_any_role(client, everyone, held):
    author, post = held
    people = {None: None, **everyone}
    for role, user in people.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in _voice_pages(post):
            response = client.get(url)
            page = response.content.decode() if response.status_code == 200 else ""
            assert NOTE not in page, (role, url)
            assert WROTE not in page, (role, url)
            if url in (reverse("voice:moderate", args=[post.pk]), reverse("voice:respond", args=[post.pk])):
                assert response.status_code in (302, 403, 404), (role, url)


def test_the_author_sees_their_post_as_being_checked_and_nothing_about_a_concern(client, held):
    author, post = held
    client.force_login(author)
    page = client.get(reverse("voice:my_post", args=[post.pk])).content.decode()
    assert "Being checked" in page and WROTE in page  # their own words, to them only
    assert NOTE not in page and "safeguarding" not in page.lower()
    assert post.moderation == Post.Moderation.WITHHELD
