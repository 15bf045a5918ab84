from django.contrib import admin

from musichub.core.admin_site import HubModelAdmin

from .models import NewsPost


@admin.register(NewsPost)
class NewsPostAdmin(HubModelAdmin):
    """Back-office corner for news; staff normally write news at /manage/content/."""

    list_display = ["title", "status", "published_at", "author", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title", "summary"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    raw_id_fields = ["author"]
