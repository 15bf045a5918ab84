"""Reads for the public site: news, page texts, the aims in brief, partner counts."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from musichub.core.models import ContentBlock, InclusionAim
from musichub.core.permissions import can
from musichub.partners.models import Partner
from musichub.partners.selectors import published_partners

from .models import PAGE_TEXT_HINTS, NewsPost, PageText


def published_news() -> QuerySet[NewsPost]:
    """News the public can read, newest first."""
    return NewsPost.objects.filter(status=NewsPost.Status.PUBLISHED).order_by("-published_at", "-pk")


def news_visible_to(user) -> QuerySet[NewsPost]:
    """Published news for everyone; drafts too for people who edit content (to preview them)."""
    if can(user, "pages.edit_content"):
        return NewsPost.objects.all()
    return published_news()


def news_for_management() -> QuerySet[NewsPost]:
    """Every post, drafts and published, newest first (a draft counts from when it was written)."""
    return (
        NewsPost.objects.select_related("author")
        .annotate(dated=Coalesce("published_at", "created_at"))
        .order_by("-dated", "-pk")
    )


def aims_in_brief() -> QuerySet[InclusionAim]:
    """The inclusion aims without their points, for short lists that link to the strategy."""
    return InclusionAim.objects.only("number", "slug", "title", "short_title").order_by("number")


@dataclass(frozen=True)
class PageTextEntry:
    key: str
    label: str
    hint: str
    block: ContentBlock | None


def page_texts() -> list[PageTextEntry]:
    """Every page text the site uses, written or not, in a fixed order (one query)."""
    blocks = {
        b.key: b for b in ContentBlock.objects.filter(key__in=PageText.values).select_related("updated_by")
    }
    return [
        PageTextEntry(
            key=text.value, label=text.label, hint=PAGE_TEXT_HINTS[text], block=blocks.get(text.value)
        )
        for text in PageText
    ]


# The directory's levels as headings for counts ("Local partners: 12").
LEVEL_PLURALS = {
    Partner.Level.LEAD: _("Lead partner"),
    Partner.Level.LOCAL: _("Local partners"),
    Partner.Level.REGIONAL: _("Regional partners"),
    Partner.Level.NATIONAL: _("National partners"),
}


@dataclass(frozen=True)
class LevelCount:
    level: str
    label: str
    count: int


def published_partner_counts() -> tuple[list[LevelCount], int]:
    """How many partners the directory shows at each level, and in all (one aggregate query)."""
    totals = published_partners().aggregate(
        total=Count("pk"),
        **{level: Count("pk", filter=Q(level=level)) for level in Partner.Level.values},
    )
    by_level = [
        LevelCount(level=level.value, label=LEVEL_PLURALS[level], count=totals[level.value])
        for level in Partner.Level
    ]
    return by_level, totals["total"]
