"""The public site's own content: news posts. (Page copy is core.ContentBlock, edited by staff.)"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from musichub.core.models import TimeStampedModel


class NewsPost(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name for links"), max_length=220, unique=True)
    summary = models.CharField(_("summary"), max_length=300, help_text=_("One or two sentences for the news list."))
    body = models.TextField(_("text"), help_text=_("Markdown: **bold**, _italic_, [link](https://…), lists."))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

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
