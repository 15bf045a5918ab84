"""Staff editing of page texts and news through the client, and who may do it."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from musichub.core.models import ContentBlock
from musichub.core.roles import Role
from musichub.pages.models import NewsPost

from .factories import ContentBlockFactory, NewsPostFactory

pytestmark = pytest.mark.django_db

MANAGE_URLS = [
    ("pages:manage", []),
    ("pages:edit_block", ["home"]),
    ("pages:news_create", []),
]


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _checked_publication(html: str) -> str | None:
    match = re.search(r'<input type="radio" name="publication" value="(\w+)"[^>]*\bchecked', html)
    return match and match.group(1)


def _post_data(**overrides):
    data = {
        "title": "Youth panel",
        "summary": "Join us.",
        "body": "We *meet* monthly.",
        "publication": "publish",
    }
    return {**data, **overrides}


# ---- Who may edit ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "args"), MANAGE_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.PARTNER_MEMBER, Role.YOUNG_PERSON, Role.MUSIC_LEADER])
@pytest.mark.parametrize(("name", "args"), MANAGE_URLS)
def test_people_who_are_not_hub_staff_are_refused(client, make_user, role, name, args):
    client.force_login(make_user(role))
    assert client.get(reverse(name, args=args)).status_code == 403


def test_people_who_are_not_hub_staff_cannot_take_a_post_down(client, make_user):
    post = NewsPostFactory()
    client.force_login(make_user(Role.PARTNER_MEMBER))
    assert client.post(reverse("pages:news_unpublish", args=[post.pk])).status_code == 403
    post.refresh_from_db()
    assert post.is_published


@pytest.mark.parametrize("role", [Role.HUB_STAFF, Role.HUB_ADMIN])
def test_hub_staff_and_admins_reach_the_content_page(client, make_user, role):
    client.force_login(make_user(role))
    response = client.get(reverse("pages:manage"))
    assert response.status_code == 200
    assert "<h1>News and pages</h1>" in response.content.decode()


# ---- The content page ------------------------------------------------------------------------------------


def test_the_content_page_lists_all_four_page_texts_even_when_not_written(client, staff):
    ContentBlockFactory(key="about", title="About the partnership")
    client.force_login(staff)

    response = client.get(reverse("pages:manage"))

    assert [entry.key for entry in response.context["texts"]] == [
        "home",
        "about",
        "inclusion",
        "become-partner",
    ]
    html = response.content.decode()
    for key in ("home", "inclusion", "become-partner"):
        assert f'href="{reverse("pages:edit_block", args=[key])}">Add text' in html
    assert f'href="{reverse("pages:edit_block", args=["about"])}">Edit' in html
    assert "About the partnership" in html


def test_the_content_page_lists_drafts_and_published_posts_newest_first(client, staff):
    old = NewsPostFactory(title="Old published", published_at=timezone.now() - timedelta(days=3))
    draft = NewsPostFactory(title="Fresh draft", draft=True)
    client.force_login(staff)

    response = client.get(reverse("pages:manage"))

    assert list(response.context["page"].object_list) == [draft, old]
    html = response.content.decode()
    assert "Fresh draft" in html and "Old published" in html


def test_the_content_page_pages_its_news_twenty_at_a_time(client, staff):
    NewsPostFactory.create_batch(21)
    client.force_login(staff)
    assert len(client.get(reverse("pages:manage")).context["page"].object_list) == 20
    assert len(client.get(reverse("pages:manage"), {"page": "2"}).context["page"].object_list) == 1


def test_the_content_page_without_news_says_so(client, staff):
    client.force_login(staff)
    assert "No news posts yet." in client.get(reverse("pages:manage")).content.decode()


@pytest.mark.parametrize("posts", [1, 25])
def test_the_content_page_query_count_does_not_grow_with_more_posts(
    client, staff, django_assert_num_queries, posts
):
    NewsPostFactory.create_batch(posts, author=staff)
    ContentBlockFactory(key="home", updated_by=staff)
    client.force_login(staff)
    # session, user, hub identity, page texts, news count, news page
    with django_assert_num_queries(6):
        client.get(reverse("pages:manage"))


# ---- Page texts ------------------------------------------------------------------------------------------


def test_staff_can_write_a_page_text_that_was_not_there(client, staff):
    client.force_login(staff)

    response = client.post(
        reverse("pages:edit_block", args=["inclusion"]),
        {"title": "A journey", "body": "Not a *destination*."},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("pages:manage")
    block = ContentBlock.objects.get(key="inclusion")
    assert (block.title, block.body, block.updated_by) == ("A journey", "Not a *destination*.", staff)
    assert _messages(response) == ["“Inclusion strategy introduction” is saved."]


def test_the_page_text_form_starts_from_the_current_text(client, staff):
    ContentBlockFactory(key="about", title="About us", body="We are many.")
    client.force_login(staff)
    html = client.get(reverse("pages:edit_block", args=["about"])).content.decode()
    assert 'value="About us"' in html
    assert "We are many.</textarea>" in html


def test_a_page_text_without_a_title_is_refused_with_an_error_summary_linked_to_the_field(client, staff):
    ContentBlockFactory(key="home", title="Welcome", body="Hello.")
    client.force_login(staff)

    response = client.post(reverse("pages:edit_block", args=["home"]), {"title": "", "body": "New words."})

    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="#id_title">Enter a title</a>' in html
    assert 'aria-invalid="true"' in html
    assert ContentBlock.objects.get(key="home").body == "Hello."


def test_an_unknown_page_text_is_not_found(client, staff):
    client.force_login(staff)
    assert client.get(reverse("pages:edit_block", args=["contact-us"])).status_code == 404
    assert (
        client.post(reverse("pages:edit_block", args=["contact-us"]), {"title": "T", "body": "B"}).status_code
        == 404
    )
    assert not ContentBlock.objects.exists()


# ---- News ------------------------------------------------------------------------------------------------


def test_a_post_published_from_the_form_is_on_the_public_news_page(client, staff):
    client.force_login(staff)

    response = client.post(reverse("pages:news_create"), _post_data())

    assert response["Location"] == reverse("pages:manage")
    assert _messages(response) == ["“Youth panel” is published."]
    post = NewsPost.objects.get()
    assert (post.slug, post.status, post.author) == ("youth-panel", "published", staff)
    client.logout()
    assert "Youth panel" in client.get(reverse("pages:news")).content.decode()


def test_a_post_kept_as_a_draft_from_the_form_stays_off_the_public_site(client, staff):
    client.force_login(staff)

    response = client.post(reverse("pages:news_create"), _post_data(publication="draft"))

    assert _messages(response) == ["“Youth panel” is saved as a draft."]
    post = NewsPost.objects.get()
    assert post.status == NewsPost.Status.DRAFT
    client.logout()
    assert client.get(reverse("pages:news_detail", args=[post.slug])).status_code == 404


def test_a_new_post_form_starts_as_a_draft(client, staff):
    client.force_login(staff)
    html = client.get(reverse("pages:news_create")).content.decode()
    assert _checked_publication(html) == "draft"


@pytest.mark.parametrize(
    ("field", "data", "message"),
    [
        ("title", {"title": ""}, "Enter a title"),
        ("summary", {"summary": ""}, "Enter a summary"),
        ("body", {"body": ""}, "Enter the text of the post"),
        ("title", {"title": "x" * 201}, "Title must be 200 characters or fewer"),
        (
            "publication",
            {"publication": "tomorrow"},
            "Choose whether to publish the post or keep it as a draft",
        ),
    ],
)
def test_a_post_with_a_problem_is_refused_with_the_problem_linked_to_its_field(
    client, staff, field, data, message
):
    client.force_login(staff)

    response = client.post(reverse("pages:news_create"), _post_data(**data))

    assert response.status_code == 200
    target = "id_publication_0" if field == "publication" else f"id_{field}"
    assert f'<a href="#{target}">{message}</a>' in response.content.decode()
    assert not NewsPost.objects.exists()


def test_editing_a_post_changes_its_words(client, staff):
    post = NewsPostFactory(title="Old", summary="Old summary.", body="Old body.")
    client.force_login(staff)

    response = client.post(
        reverse("pages:news_edit", args=[post.pk]),
        _post_data(title="New", summary="New summary.", body="New body."),
    )

    assert response["Location"] == reverse("pages:manage")
    post.refresh_from_db()
    assert (post.title, post.summary, post.body, post.status) == (
        "New",
        "New summary.",
        "New body.",
        "published",
    )


def test_the_edit_form_starts_from_the_post_as_it_is(client, staff):
    post = NewsPostFactory(title="Brass day", summary="Tubas everywhere.", draft=True)
    client.force_login(staff)
    html = client.get(reverse("pages:news_edit", args=[post.pk])).content.decode()
    assert 'value="Brass day"' in html
    assert "Tubas everywhere.</textarea>" in html
    assert _checked_publication(html) == "draft"


def test_the_edit_form_of_a_published_post_shows_it_published(client, staff):
    post = NewsPostFactory()
    client.force_login(staff)
    html = client.get(reverse("pages:news_edit", args=[post.pk])).content.decode()
    assert _checked_publication(html) == "publish"


def test_editing_can_publish_a_draft(client, staff):
    post = NewsPostFactory(draft=True)
    client.force_login(staff)
    client.post(reverse("pages:news_edit", args=[post.pk]), _post_data(publication="publish"))
    post.refresh_from_db()
    assert post.is_published


def test_editing_an_unknown_post_is_not_found(client, staff):
    client.force_login(staff)
    assert client.get(reverse("pages:news_edit", args=[999999])).status_code == 404


def test_taking_a_post_down_makes_it_a_draft_and_says_so(client, staff):
    post = NewsPostFactory(title="Summer concert")
    client.force_login(staff)

    response = client.post(reverse("pages:news_unpublish", args=[post.pk]))

    assert response["Location"] == reverse("pages:manage")
    post.refresh_from_db()
    assert post.status == NewsPost.Status.DRAFT
    assert _messages(response) == ["“Summer concert” is taken down. It is a draft again, seen only by staff."]


def test_taking_down_a_draft_explains_why_nothing_changed(client, staff):
    post = NewsPostFactory(title="Autumn showcase", draft=True)
    client.force_login(staff)
    response = client.post(reverse("pages:news_unpublish", args=[post.pk]))
    assert _messages(response) == ["“Autumn showcase” is already a draft."]


def test_taking_a_post_down_needs_a_post_request(client, staff):
    post = NewsPostFactory()
    client.force_login(staff)
    assert client.get(reverse("pages:news_unpublish", args=[post.pk])).status_code == 405
    post.refresh_from_db()
    assert post.is_published


def test_the_content_page_offers_to_take_down_published_posts_only(client, staff):
    published = NewsPostFactory()
    draft = NewsPostFactory(draft=True)
    client.force_login(staff)
    html = client.get(reverse("pages:manage")).content.decode()
    assert reverse("pages:news_unpublish", args=[published.pk]) in html
    assert reverse("pages:news_unpublish", args=[draft.pk]) not in html
