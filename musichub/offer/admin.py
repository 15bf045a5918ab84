"""The back office for the offer: term dates, venues, opportunities (their sessions shown, not edited)."""

from django.contrib import admin

from musichub.core.admin_site import HubModelAdmin

from .models import (
    DeliverySettings,
    DropOutReason,
    Holiday,
    Opportunity,
    Session,
    Term,
    Venue,
    WalkInContact,
)


@admin.register(Term)
class TermAdmin(HubModelAdmin):
    list_display = ["name", "starts_on", "ends_on"]
    date_hierarchy = "starts_on"


@admin.register(Holiday)
class HolidayAdmin(HubModelAdmin):
    list_display = ["name", "starts_on", "ends_on"]
    date_hierarchy = "starts_on"


@admin.register(Venue)
class VenueAdmin(HubModelAdmin):
    list_display = ["name", "postcode", "postcode_district", "partner", "step_free"]
    list_filter = ["postcode_district", *Venue.ACCESS_FIELDS]
    search_fields = ["name", "postcode", "address"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["partner"]
    list_select_related = ["partner"]


class SessionInline(admin.TabularInline):
    """Sessions come from the schedule (offer.services.generate_sessions): shown here, never typed in."""

    model = Session
    extra = 0
    fields = ["date", "starts_at", "ends_at", "is_cancelled"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Opportunity)
class OpportunityAdmin(HubModelAdmin):
    list_display = ["title", "partner", "kind", "status", "setting", "first_date", "last_date"]
    list_filter = ["status", "setting", "schedule", "kind", "how_to_join"]
    search_fields = ["title", "summary", "partner__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["partner", "venue", "schools"]
    filter_horizontal = ["genres", "instruments"]
    list_select_related = ["partner", "kind"]
    readonly_fields = ["published_at", "created_by", "created_at", "updated_at"]
    date_hierarchy = "first_date"
    inlines = [SessionInline]


@admin.register(DropOutReason)
class DropOutReasonAdmin(HubModelAdmin):
    """The catalogue of reasons young people stop coming; follow-ups choose from it and reports count it."""

    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(DeliverySettings)
class DeliverySettingsAdmin(HubModelAdmin):
    """One row: how many sessions missed in a row put a young person on the drop-out list."""

    list_display = ["__str__", "missed_in_a_row"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not DeliverySettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WalkInContact)
class WalkInContactAdmin(HubModelAdmin):
    """How to reach the family of a child first met as a walk-in (registers.register_walk_in), to finish their
    registration. Taken down by the leader; read here, not edited."""

    list_display = ["young_person", "guardian_name", "session", "created_at"]
    list_select_related = ["young_person", "session__opportunity"]
    readonly_fields = ["young_person", "session", "guardian_name", "guardian_email", "guardian_phone",
                       "recorded_by", "created_at", "invited_at", "invited_by", "followed_up_at",
                       "followed_up_by", "follow_up_note"]  # fmt: skip
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
