"""Writes for the public site: page texts, and news posts (write, edit, publish, take down)."""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from musichub.core.models import ContentBlock
from musichub.core.services import record_audit

from .models import NewsPost, PageText

logger = logging.getLogger(__name__)

SLUG_MAX_LENGTH = NewsPost._meta.get_field("slug").max_length


@transaction.atomic
def save_content_block(*, key: str, title: str, body: str, edited_by) -> ContentBlock:
    """Write (or rewrite) the page text for `key`. Raises ValidationError (code "unknown_key") for a key
    the site does not use."""
    if key not in PageText.values:
        raise ValidationError(
            _("There is no page text called “%(key)s”."), code="unknown_key", params={"key": key}
        )
    block = ContentBlock.objects.select_for_update().filter(key=key).first() or ContentBlock(key=key)
    block.title = title
    block.body = body
    block.updated_by = edited_by if getattr(edited_by, "is_authenticated", False) else None
    block.full_clean(exclude=["key", "updated_by"])
    block.save()
    record_audit(actor=edited_by, action="page_text.saved", obj=block, detail=key)
    return block


@transaction.atomic
def create_news_post(*, title: str, summary: str, body: str, publish: bool, author) -> NewsPost:
    """Write a news post, published now or kept as a draft. Its slug comes from the title and is unique.
    Raises ValidationError when a field is not valid."""
    post = NewsPost(
        title=title,
        summary=summary,
        body=body,
        author=author if getattr(author, "is_authenticated", False) else None,
    )
    if publish:
        post.status = NewsPost.Status.PUBLISHED
        post.published_at = timezone.now()
    _save_with_unique_slug(post)
    record_audit(actor=author, action="news.created", obj=post, detail=post.status)
    return post


@transaction.atomic
def update_news_post(
    *, post: NewsPost, title: str, summary: str, body: str, publish: bool, edited_by
) -> NewsPost:
    """Change a post's words and whether it is published. A post that has never been public follows its
    title's slug; once published, its address stays the same. Raises ValidationError for an invalid field."""
    post = NewsPost.objects.select_for_update().get(pk=post.pk)
    title_changed = post.title != title
    post.title = title
    post.summary = summary
    post.body = body
    if title_changed and not post.has_been_published:
        post.slug = ""  # recomputed from the new title below
    _save_with_unique_slug(post)
    record_audit(actor=edited_by, action="news.updated", obj=post)
    if publish and not post.is_published:
        post = publish_news_post(post=post, published_by=edited_by)
    elif not publish and post.is_published:
        post = unpublish_news_post(post=post, unpublished_by=edited_by)
    return post


@transaction.atomic
def publish_news_post(*, post: NewsPost, published_by) -> NewsPost:
    """Show a draft to the public. Keeps the first publication date of a post that was taken down.
    Raises ValidationError (code "already_published")."""
    post = NewsPost.objects.select_for_update().get(pk=post.pk)
    if post.is_published:
        raise ValidationError(
            _("“%(title)s” is already published."), code="already_published", params={"title": post.title}
        )
    post.status = NewsPost.Status.PUBLISHED
    post.published_at = post.published_at or timezone.now()
    post.save(update_fields=["status", "published_at", "updated_at"])
    record_audit(actor=published_by, action="news.published", obj=post)
    return post


@transaction.atomic
def unpublish_news_post(*, post: NewsPost, unpublished_by) -> NewsPost:
    """Take a post down: it becomes a draft only staff can see.
    Raises ValidationError (code "not_published")."""
    post = NewsPost.objects.select_for_update().get(pk=post.pk)
    if not post.is_published:
        raise ValidationError(
            _("“%(title)s” is already a draft."), code="not_published", params={"title": post.title}
        )
    post.status = NewsPost.Status.DRAFT
    post.save(update_fields=["status", "updated_at"])
    record_audit(actor=unpublished_by, action="news.unpublished", obj=post)
    return post


def _slug_base(title: str) -> str:
    # Leave room for a "-NN" suffix; a title with no letters or digits (only emoji) still gets an address.
    return slugify(title)[: SLUG_MAX_LENGTH - 10].strip("-") or "news"


def _free_slug(base: str, *, exclude_pk=None) -> str:
    taken = set(
        NewsPost.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True)
    )
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _save_with_unique_slug(post: NewsPost) -> None:
    """Validate and save `post`, giving it a free slug if it has none. Two editors saving posts with the
    same title at once can still collide on the unique index: that is reported, never a 500."""
    if not post.slug:
        post.slug = _free_slug(_slug_base(post.title), exclude_pk=post.pk)
    # The slug is ours, not the editor's: a clash is caught by the unique index below instead.
    post.full_clean(exclude=["slug", "author"])
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError as exc:
        logger.warning("news post slug collision on %s", post.slug)
        raise ValidationError(
            _("Another post with the same title was saved at the same moment. Save again."), code="slug_taken"
        ) from exc
