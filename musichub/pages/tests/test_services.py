"""The rules for page texts and news posts, tested through the services."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from musichub.core.models import AuditEntry, ContentBlock
from musichub.pages.demo import load_demo_content
from musichub.pages.models import NewsPost, PageText
from musichub.pages.selectors import news_for_management, page_texts, published_news, published_partner_counts
from musichub.pages.services import (
    create_news_post,
    publish_news_post,
    save_content_block,
    unpublish_news_post,
    update_news_post,
)
from musichub.partners.models import Partner

from .factories import NewsPostFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def _create(author, title="Summer concert", publish=False):
    return create_news_post(
        title=title, summary="A summary.", body="Some text.", publish=publish, author=author
    )


# ---- Page texts ------------------------------------------------------------------------------------------


def test_saving_a_page_text_creates_it_once_and_then_updates_it(staff):
    save_content_block(key="about", title="About us", body="First words.", edited_by=staff)
    save_content_block(key="about", title="About the hub", body="Better words.", edited_by=staff)

    block = ContentBlock.objects.get(key="about")
    assert ContentBlock.objects.filter(key="about").count() == 1
    assert (block.title, block.body, block.updated_by) == ("About the hub", "Better words.", staff)


def test_saving_a_page_text_the_site_does_not_use_is_refused(staff):
    with pytest.raises(ValidationError) as excinfo:
        save_content_block(key="contact", title="Contact", body="Call us.", edited_by=staff)
    assert excinfo.value.code == "unknown_key"
    assert not ContentBlock.objects.exists()


def test_saving_a_page_text_is_written_to_the_audit_log(staff):
    block = save_content_block(key="home", title="Welcome", body="Hello.", edited_by=staff)
    assert AuditEntry.objects.filter(actor=staff, action="page_text.saved", object_id=str(block.pk)).exists()


def test_page_texts_lists_every_known_key_written_or_not(staff):
    save_content_block(key="inclusion", title="Inclusion", body="A journey.", edited_by=staff)

    entries = page_texts()

    assert [e.key for e in entries] == ["home", "about", "inclusion", "become-partner"]
    assert [e.block is not None for e in entries] == [False, False, True, False]


# ---- Writing news ----------------------------------------------------------------------------------------


def test_a_new_post_gets_its_slug_from_its_title(staff):
    post = _create(staff, title="Grime workshops start in Bitterne!")
    assert post.slug == "grime-workshops-start-in-bitterne"


def test_posts_with_the_same_title_get_different_slugs(staff):
    first = _create(staff)
    second = _create(staff)
    third = _create(staff)
    assert [first.slug, second.slug, third.slug] == ["summer-concert", "summer-concert-2", "summer-concert-3"]


def test_a_title_without_letters_or_digits_still_gets_a_slug(staff):
    assert _create(staff, title="🎺🎻").slug == "news"


def test_a_very_long_title_gets_a_slug_that_fits(staff):
    post = _create(staff, title="word " * 40)
    assert 0 < len(post.slug) <= NewsPost._meta.get_field("slug").max_length


def test_a_post_kept_as_a_draft_is_not_public(staff):
    post = _create(staff, publish=False)
    assert post.status == NewsPost.Status.DRAFT
    assert post.published_at is None
    assert post not in published_news()


def test_a_post_published_on_creation_is_public_and_dated_now(staff):
    before = timezone.now()
    post = _create(staff, publish=True)
    assert post.status == NewsPost.Status.PUBLISHED
    assert post.published_at >= before
    assert post in published_news()
    assert post.author == staff


def test_a_post_without_a_title_is_refused(staff):
    with pytest.raises(ValidationError) as excinfo:
        _create(staff, title="")
    assert "title" in excinfo.value.error_dict
    assert not NewsPost.objects.exists()


def test_a_draft_follows_its_new_title_with_its_slug(staff):
    post = _create(staff, title="Old title")
    post = update_news_post(
        post=post, title="New title", summary="S.", body="B.", publish=False, edited_by=staff
    )
    assert post.slug == "new-title"


def test_a_published_post_keeps_its_address_when_its_title_changes(staff):
    post = _create(staff, title="Old title", publish=True)
    post = update_news_post(
        post=post, title="New title", summary="S.", body="B.", publish=True, edited_by=staff
    )
    post.refresh_from_db()
    assert (post.title, post.slug) == ("New title", "old-title")


def test_a_post_that_was_taken_down_keeps_its_address_too(staff):
    post = _create(staff, title="Old title", publish=True)
    unpublish_news_post(post=post, unpublished_by=staff)
    post = update_news_post(
        post=post, title="New title", summary="S.", body="B.", publish=False, edited_by=staff
    )
    assert post.slug == "old-title"


def test_editing_can_publish_a_draft(staff):
    post = _create(staff)
    update_news_post(post=post, title=post.title, summary="S.", body="B.", publish=True, edited_by=staff)
    post.refresh_from_db()
    assert post.status == NewsPost.Status.PUBLISHED
    assert post.published_at is not None


def test_editing_can_take_a_post_down(staff):
    post = _create(staff, publish=True)
    update_news_post(post=post, title=post.title, summary="S.", body="B.", publish=False, edited_by=staff)
    post.refresh_from_db()
    assert post.status == NewsPost.Status.DRAFT


# ---- Publishing and taking down --------------------------------------------------------------------------


def test_publishing_a_draft_makes_it_public(staff):
    post = _create(staff)
    publish_news_post(post=post, published_by=staff)
    post.refresh_from_db()
    assert post.is_published
    assert post in published_news()
    assert AuditEntry.objects.filter(action="news.published", object_id=str(post.pk)).exists()


def test_publishing_a_published_post_is_refused(staff):
    post = _create(staff, publish=True)
    with pytest.raises(ValidationError) as excinfo:
        publish_news_post(post=post, published_by=staff)
    assert excinfo.value.code == "already_published"


def test_republishing_a_post_keeps_its_first_publication_date(staff):
    first_date = timezone.now() - timedelta(days=40)
    post = NewsPostFactory(published_at=first_date)
    unpublish_news_post(post=post, unpublished_by=staff)
    publish_news_post(post=post, published_by=staff)
    post.refresh_from_db()
    assert post.published_at == first_date


def test_taking_a_post_down_hides_it_from_the_public(staff):
    post = NewsPostFactory()
    unpublish_news_post(post=post, unpublished_by=staff)
    post.refresh_from_db()
    assert post.status == NewsPost.Status.DRAFT
    assert post not in published_news()


def test_taking_down_a_draft_is_refused(staff):
    post = NewsPostFactory(draft=True)
    with pytest.raises(ValidationError) as excinfo:
        unpublish_news_post(post=post, unpublished_by=staff)
    assert excinfo.value.code == "not_published"


# ---- Reads -----------------------------------------------------------------------------------------------


def test_published_news_is_newest_first_and_leaves_out_drafts():
    now = timezone.now()
    old = NewsPostFactory(published_at=now - timedelta(days=10))
    new = NewsPostFactory(published_at=now - timedelta(days=1))
    NewsPostFactory(draft=True)
    assert list(published_news()) == [new, old]


def test_the_management_list_has_drafts_and_published_posts_newest_first():
    now = timezone.now()
    old = NewsPostFactory(published_at=now - timedelta(days=10))
    draft = NewsPostFactory(draft=True)  # written now: newer than both
    new = NewsPostFactory(published_at=now - timedelta(days=1))
    assert list(news_for_management()) == [draft, new, old]


def test_partner_counts_cover_only_published_partners_by_level():
    PartnerFactory(level=Partner.Level.LEAD)
    PartnerFactory.create_batch(3, level=Partner.Level.LOCAL)
    PartnerFactory(level=Partner.Level.NATIONAL)
    PartnerFactory(level=Partner.Level.LOCAL, is_published=False)

    counts, total = published_partner_counts()

    assert [(row.level, row.count) for row in counts] == [
        ("lead", 1),
        ("local", 3),
        ("regional", 0),
        ("national", 1),
    ]
    assert total == 5


# ---- Demo content ----------------------------------------------------------------------------------------


def test_loading_the_demo_content_twice_creates_each_text_and_post_once():
    load_demo_content()
    load_demo_content()

    assert set(ContentBlock.objects.values_list("key", flat=True)) == set(PageText.values)
    assert NewsPost.objects.count() == 8
    assert NewsPost.objects.filter(status=NewsPost.Status.DRAFT).count() == 1
    oldest = NewsPost.objects.exclude(published_at=None).order_by("published_at").first()
    assert timezone.now() - oldest.published_at < timedelta(days=366)
