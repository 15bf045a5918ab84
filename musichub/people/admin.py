"""The back office for people: catalogues and reference data are editable; young people's records are read-only
lists without sensitive columns (records are changed through the staff pages, which audit every change)."""

from django.contrib import admin

from musichub.core.admin_site import HubModelAdmin

from .models import Barrier, Neighbourhood, PostcodeArea, School, SchoolContact, SupportKind, YoungPerson


@admin.register(Barrier)
class BarrierAdmin(HubModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SupportKind)
class SupportKindAdmin(HubModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(School)
class SchoolAdmin(HubModelAdmin):
    list_display = ["name", "urn", "phase", "la_name", "is_open"]
    list_filter = ["is_open", "phase", "la_name"]
    search_fields = ["name", "=urn", "postcode"]


@admin.register(SchoolContact)
class SchoolContactAdmin(HubModelAdmin):
    list_display = ["user", "school", "created_at"]
    search_fields = ["user__username", "user__email", "school__name"]
    autocomplete_fields = ["user", "school"]
    list_select_related = ["user", "school"]


@admin.register(PostcodeArea)
class PostcodeAreaAdmin(HubModelAdmin):
    list_display = ["postcode", "lsoa_code", "ward_code", "ward_name"]
    search_fields = ["postcode", "lsoa_code", "ward_name"]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(HubModelAdmin):
    list_display = ["lsoa_code", "lsoa_name", "la_name", "imd_decile"]
    list_filter = ["imd_decile"]
    search_fields = ["lsoa_code", "lsoa_name"]


@admin.register(YoungPerson)
class YoungPersonAdmin(HubModelAdmin):
    """Read-only, and only what identifies a record: no characteristics, no contact details."""

    list_display = ["pk", "last_name", "first_name", "school", "year_group", "registered_by", "created_at"]
    list_filter = ["registered_by"]
    search_fields = ["last_name", "first_name"]
    list_select_related = ["school"]
    fields = ["first_name", "last_name", "school", "year_group", "registered_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
