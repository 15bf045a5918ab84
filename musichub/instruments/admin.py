"""The back office for the instrument library: instruments, loans and repairs (staff use the library pages)."""

from django.contrib import admin

from musichub.core.admin_site import HubModelAdmin

from .models import LibraryInstrument, Loan, Repair


@admin.register(LibraryInstrument)
class LibraryInstrumentAdmin(HubModelAdmin):
    list_display = ["asset_number", "instrument_type", "size", "condition", "location"]
    list_filter = ["condition", "location", "size", "instrument_type"]
    search_fields = ["asset_number", "serial_number", "make"]
    list_select_related = ["instrument_type"]
    # Where an instrument is follows from its loans and repairs (services.py): shown, not typed. A photo is added
    # on the instrument's page, which checks it and strips its metadata (forms.without_metadata).
    readonly_fields = ["location", "photo", "created_at", "updated_at"]


@admin.register(Loan)
class LoanAdmin(HubModelAdmin):
    list_display = ["instrument", "young_person", "school", "starts_on", "due_on", "returned_on"]
    list_filter = ["returned_on", "condition_out"]
    search_fields = ["instrument__asset_number"]
    date_hierarchy = "starts_on"
    list_select_related = ["instrument", "instrument__instrument_type", "young_person", "school"]
    raw_id_fields = ["instrument", "young_person", "school", "programme", "support_request"]
    readonly_fields = [
        "agreement_accepted_at", "agreement_given_by", "agreement_accepted_by", "agreement_accepted_by_name",
        "agreement_method", "agreement_version", "lent_by", "received_by", "created_at", "updated_at",
    ]  # fmt: skip


@admin.register(Repair)
class RepairAdmin(HubModelAdmin):
    list_display = ["instrument", "repairer", "sent_on", "back_on", "cost_pence"]
    search_fields = ["instrument__asset_number", "repairer"]
    date_hierarchy = "sent_on"
    list_select_related = ["instrument", "instrument__instrument_type"]
    raw_id_fields = ["instrument"]
