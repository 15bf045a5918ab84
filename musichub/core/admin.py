from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .admin_site import HubModelAdmin
from .models import (
    ActivityKind,
    AimPoint,
    AuditEntry,
    Genre,
    HubIdentity,
    InclusionAim,
    Instrument,
    OutgoingEmail,
    User,
)
from .services import retry_email


@admin.register(User)
class HubUserAdmin(HubModelAdmin, UserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = [*UserAdmin.fieldsets, (_("Role on the platform"), {"fields": ["role", "display_name"]})]


@admin.register(HubIdentity)
class HubIdentityAdmin(HubModelAdmin):
    list_display = ["name", "area", "founded_year"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not HubIdentity.objects.exists()


class AimPointInline(admin.TabularInline):
    model = AimPoint
    extra = 1


@admin.register(InclusionAim)
class InclusionAimAdmin(HubModelAdmin):
    list_display = ["number", "short_title", "title"]
    prepopulated_fields = {"slug": ["short_title"]}
    inlines = [AimPointInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(HubModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(HubModelAdmin):
    list_display = ["created_at", "to", "subject", "status", "attempts", "last_error"]
    list_filter = ["status"]
    readonly_fields = ["to", "subject", "body", "status", "attempts", "last_error", "sent_at", "about"]
    actions = ["retry"]

    @admin.action(description=_("Send the selected emails again"))
    def retry(self, request, queryset):
        for email in queryset.exclude(status=OutgoingEmail.Status.SENT):
            retry_email(email=email)
        messages.success(request, _("The emails are queued again."))


@admin.register(Genre, Instrument, ActivityKind)
class CatalogueAdmin(HubModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
