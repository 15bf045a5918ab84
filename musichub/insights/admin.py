"""The back office for inclusion insights (hub admins; staff use the pages under /insights/)."""

from django.contrib import admin

from musichub.core.admin_site import HubModelAdmin

from .models import PartnerContribution, ReturnLine

# ---- Outputs: the annual return's mapping and partners' contributions (insights-outputs) --------------------


@admin.register(ReturnLine)
class ReturnLineAdmin(HubModelAdmin):
    """The return's lines for each year. Filters are checked against the whitelist (ReturnLine.clean)."""

    list_display = ["code", "label", "year", "section", "source", "contribution_figure"]
    list_filter = ["year", "section", "source"]
    search_fields = ["code", "label"]
    ordering = ["-year", "section", "position", "code"]


@admin.register(PartnerContribution)
class PartnerContributionAdmin(HubModelAdmin):
    list_display = ["partner", "year", "section", "description", "young_people", "status"]
    list_filter = ["status", "year", "section"]
    search_fields = ["description", "partner__name"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner", "school"]
    readonly_fields = ["submitted_by", "reviewed_by", "reviewed_at", "created_at", "updated_at"]
