"""The back office for the offer: term dates, venues, opportunities (their sessions shown, not edited)."""

from django.contrib import admin

from musichub.core.admin_site import HubModelAdmin

from .models import Holiday, Opportunity, Session, Term, Venue


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
