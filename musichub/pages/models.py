"""The public site's own content: news posts, and which page texts exist.

Page copy itself is core.ContentBlock (edited by staff); `PageText` lists the keys the site uses.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from musichub.core.models import TimeStampedModel


class PageText(models.TextChoices):
    """The page texts staff can write: the ContentBlock key and what the text is for."""

    HOME = "home", _("Home page introduction")
    ABOUT = "about", _("About the partnership")
    INCLUSION = "inclusion", _("Inclusion strategy introduction")
    BECOME_PARTNER = "become-partner", _("Becoming a hub partner")


# Where each text is shown, so staff know what they are editing.
PAGE_TEXT_HINTS = {
    PageText.HOME: _("Shown on the home page, under the hub's promise. The title is its heading."),
    PageText.ABOUT: _("The About page. The title is the page's main heading."),
    PageText.INCLUSION: _(
        "The start of the Inclusion page, before the five aims. The title is the page's main heading."
    ),
    PageText.BECOME_PARTNER: _(
        "The Become a partner page: what being a partner means, before the application form."
    ),
}


class NewsPost(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name for links"), max_length=220, unique=True)
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences for the news list.")
    )
    body = models.TextField(_("text"), help_text=_("Markdown: **bold**, _italic_, [link](https://…), lists."))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    # Set when the post is first published and kept if it is taken down and put back.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("news post")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["draft", "published"]), name="news_status_valid"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False), name="news_published_has_date"
            ),
        ]
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pages:news_detail", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def has_been_published(self) -> bool:
        """Once a post has been public its address is out in the world, so its slug no longer changes."""
        return self.published_at is not None
