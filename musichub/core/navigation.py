"""Links each role sees in its own menu. Apps add entries here; visibility follows core.permissions."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import can


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    permission: str


ROLE_NAVIGATION = [
    NavEntry(_("Your account"), "core:account", "core.use_account"),
    NavEntry(_("Your family"), "people:family", "people.manage_family"),
    NavEntry(_("Places"), "offer:my_places", "offer.join"),
    NavEntry(_("Loans"), "instruments:family_loans", "instruments.view_own_loans"),
    NavEntry(_("Attendance"), "offer:family_attendance", "offer.view_child_attendance"),
    NavEntry(_("Your page"), "people:me", "people.view_own_record"),
    NavEntry(_("Your posts"), "voice:mine", "voice.view_own_posts"),
    NavEntry(_("Youth panel"), "voice:panel", "voice.view_panel"),
    NavEntry(_("Youth voice"), "voice:family", "voice.approve_child"),
    NavEntry(_("Your organisation"), "partners:my_partner", "partners.act_for_partner"),
    NavEntry(_("Opportunities"), "offer:manage_list", "offer.manage_opportunities"),
    NavEntry(_("Young people"), "people:list", "people.view_young_people"),
    NavEntry(_("Support requests"), "people:support_queue", "people.decide_support"),
    NavEntry(_("Youth voice"), "voice:queue", "voice.respond"),
    NavEntry(_("Moderation"), "voice:moderation_queue", "voice.moderate"),
    NavEntry(_("Session feedback"), "voice:feedback_sessions", "voice.view_feedback"),
    NavEntry(_("Instruments"), "instruments:library", "instruments.manage_library"),
    NavEntry(_("Safeguarding"), "people:safeguarding_queue", "people.handle_safeguarding"),
    NavEntry(_("Registers"), "offer:my_sessions", "offer.take_registers"),
    NavEntry(_("Attendance"), "offer:attendance_list", "offer.view_attendance"),
    NavEntry(_("Stopped coming"), "offer:dropouts", "offer.follow_up_dropouts"),
    NavEntry(_("Messages to families"), "offer:message_groups", "offer.message_families"),
    NavEntry(_("Whole-class teaching"), "offer:whole_class", "offer.manage_whole_class"),
    NavEntry(_("Our school"), "offer:school_work", "offer.view_school_work"),
    NavEntry(_("School figures"), "people:school_figures", "people.view_school_figures"),
    NavEntry(_("Insights"), "insights:dashboard", "insights.view_dashboard"),
    NavEntry(_("Annual return"), "insights:return", "insights.export_return"),
    NavEntry(_("Impact report"), "insights:report", "insights.view_report"),
    NavEntry(_("Yearly figures"), "insights:contributions", "insights.submit_contributions"),
    NavEntry(_("Imports"), "people:imports", "people.import_data"),
    NavEntry(_("Term dates"), "offer:term_dates", "offer.manage_term_dates"),
    NavEntry(_("Partner applications"), "partners:review_queue", "partners.review_applications"),
    NavEntry(_("Partners"), "partners:manage_list", "partners.edit_partners"),
    NavEntry(_("News and pages"), "pages:manage", "pages.edit_content"),
    NavEntry(_("Email outbox"), "core:outbox", "core.view_outbox"),
    NavEntry(_("Audit log"), "core:audit_log", "core.view_audit_log"),
    NavEntry(_("Back office"), "admin:index", "core.use_admin"),
]


def navigation_for(user) -> list[dict]:
    if user is None or not user.is_authenticated:
        return []
    return [
        {"label": entry.label, "url": reverse(entry.url_name)}
        for entry in ROLE_NAVIGATION
        if can(user, entry.permission)
    ]
