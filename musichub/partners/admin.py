"""The back office for partners: entries, members, applications with their notes."""

from django.contrib import admin

from musichub.core.admin_site import HubModelAdmin

from .models import ApplicationNote, Partner, PartnerApplication, PartnerMembership

OFFERING_FILTERS = ["genres", "instruments", "activity_kinds", "aims"]


class PartnerMembershipInline(admin.TabularInline):
    model = PartnerMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Partner)
class PartnerAdmin(HubModelAdmin):
    list_display = ["name", "level", "organisation_type", "is_published", "updated_at"]
    list_filter = ["level", "organisation_type", "is_published"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = OFFERING_FILTERS
    inlines = [PartnerMembershipInline]


@admin.register(PartnerMembership)
class PartnerMembershipAdmin(HubModelAdmin):
    list_display = ["user", "partner", "created_at"]
    search_fields = ["user__username", "user__email", "partner__name"]
    autocomplete_fields = ["user", "partner"]
    list_select_related = ["user", "partner"]


class ApplicationNoteInline(admin.TabularInline):
    model = ApplicationNote
    extra = 0
    fields = ["created_at", "kind", "author", "text"]
    readonly_fields = ["created_at"]


@admin.register(PartnerApplication)
class PartnerApplicationAdmin(HubModelAdmin):
    list_display = ["organisation_name", "organisation_type", "status", "created_at", "decided_at"]
    list_filter = ["status", "organisation_type"]
    search_fields = ["organisation_name", "contact_name", "contact_email"]
    date_hierarchy = "created_at"
    filter_horizontal = OFFERING_FILTERS
    readonly_fields = ["created_at", "decided_at", "decided_by", "partner"]
    inlines = [ApplicationNoteInline]
