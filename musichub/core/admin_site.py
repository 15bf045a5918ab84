"""The Django admin site, let in only by the role policy in core.permissions."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .permissions import can


class HubAdminSite(admin.AdminSite):
    site_header = _("Music Hub back office")
    site_title = _("Music Hub back office")
    index_title = _("Back office")

    def has_permission(self, request):
        return can(request.user, "core.use_admin")


class HubModelAdmin(admin.ModelAdmin):
    """Base for every ModelAdmin: the role policy decides, not Django's per-model permissions."""

    def has_module_permission(self, request):
        return can(request.user, "core.use_admin")

    def has_view_permission(self, request, obj=None):
        return can(request.user, "core.use_admin")

    def has_add_permission(self, request):
        return can(request.user, "core.use_admin")

    def has_change_permission(self, request, obj=None):
        return can(request.user, "core.use_admin")

    def has_delete_permission(self, request, obj=None):
        return can(request.user, "core.use_admin")
