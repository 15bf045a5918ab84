"""Links each role sees in its own menu. Apps add entries here; visibility follows core.permissions.

Each entry belongs to one of NAV_GROUPS, so a long menu (hub staff and admins) can be shown in labelled groups.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import can

# The menu's groups, in the order they are shown: (key, label).
NAV_GROUPS = [
    ("you", _("You")),
    ("young_people", _("Young people")),
    ("delivery", _("Delivery")),
    ("figures", _("Figures")),
    ("running", _("Running the hub")),
]
NAV_GROUP_KEYS = [key for key, _label in NAV_GROUPS]


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    permission: str
    group: str

    def __post_init__(self):
        if self.group not in NAV_GROUP_KEYS:
            raise ValueError(f"{self.url_name} names an unknown menu group {self.group!r}")


ROLE_NAVIGATION = [
    NavEntry(_("Your account"), "core:account", "core.use_account", "you"),
    NavEntry(_("Your family"), "people:family", "people.manage_family", "you"),
    NavEntry(_("Places"), "offer:my_places", "offer.join", "you"),
    NavEntry(_("Loans"), "instruments:family_loans", "instruments.view_own_loans", "you"),
    NavEntry(_("Attendance"), "offer:family_attendance", "offer.view_child_attendance", "you"),
    NavEntry(_("Your page"), "people:me", "people.view_own_record", "you"),
    NavEntry(_("Your posts"), "voice:mine", "voice.view_own_posts", "you"),
    NavEntry(_("Youth panel"), "voice:panel", "voice.view_panel", "you"),
    NavEntry(_("Youth voice"), "voice:family", "voice.approve_child", "you"),
    NavEntry(_("Your organisation"), "partners:my_partner", "partners.act_for_partner", "you"),
    NavEntry(_("Young people"), "people:list", "people.view_young_people", "young_people"),
    NavEntry(_("Support requests"), "people:support_queue", "people.decide_support", "young_people"),
    NavEntry(_("Walk-ins"), "offer:walk_ins", "offer.follow_up_walk_ins", "young_people"),
    NavEntry(_("Youth voice"), "voice:queue", "voice.respond", "young_people"),
    NavEntry(_("Moderation"), "voice:moderation_queue", "voice.moderate", "young_people"),
    NavEntry(_("Session feedback"), "voice:feedback_sessions", "voice.view_feedback", "young_people"),
    NavEntry(_("Safeguarding"), "people:safeguarding_queue", "people.handle_safeguarding", "young_people"),
    NavEntry(_("Opportunities"), "offer:manage_list", "offer.manage_opportunities", "delivery"),
    NavEntry(_("Registers"), "offer:my_sessions", "offer.take_registers", "delivery"),
    NavEntry(_("Attendance"), "offer:attendance_list", "offer.view_attendance", "delivery"),
    NavEntry(_("Stopped coming"), "offer:dropouts", "offer.follow_up_dropouts", "delivery"),
    NavEntry(_("Messages to families"), "offer:message_groups", "offer.message_families", "delivery"),
    NavEntry(_("Whole-class teaching"), "offer:whole_class", "offer.manage_whole_class", "delivery"),
    NavEntry(_("Instruments"), "instruments:library", "instruments.manage_library", "delivery"),
    NavEntry(_("Our school"), "offer:school_work", "offer.view_school_work", "delivery"),
    NavEntry(_("Term dates"), "offer:term_dates", "offer.manage_term_dates", "delivery"),
    NavEntry(_("School figures"), "people:school_figures", "people.view_school_figures", "figures"),
    NavEntry(_("Insights"), "insights:dashboard", "insights.view_dashboard", "figures"),
    NavEntry(_("Annual return"), "insights:return", "insights.export_return", "figures"),
    NavEntry(_("Impact report"), "insights:report", "insights.view_report", "figures"),
    NavEntry(_("Yearly figures"), "insights:contributions", "insights.submit_contributions", "figures"),
    NavEntry(_("Imports"), "people:imports", "people.import_data", "running"),
    NavEntry(_("Partner applications"), "partners:review_queue", "partners.review_applications", "running"),
    NavEntry(_("Partners"), "partners:manage_list", "partners.edit_partners", "running"),
    NavEntry(_("News and pages"), "pages:manage", "pages.edit_content", "running"),
    NavEntry(_("Email outbox"), "core:outbox", "core.view_outbox", "running"),
    NavEntry(_("Audit log"), "core:audit_log", "core.view_audit_log", "running"),
    NavEntry(_("Back office"), "admin:index", "core.use_admin", "running"),
]


def navigation_for(user) -> list[dict]:
    if user is None or not user.is_authenticated:
        return []
    return [
        {"label": entry.label, "url": reverse(entry.url_name), "group": entry.group}
        for entry in ROLE_NAVIGATION
        if can(user, entry.permission)
    ]


def navigation_groups(entries: list[dict], current_path: str = "") -> list[dict]:
    """Sort `navigation_for` entries into NAV_GROUPS, in order, leaving out groups with no entry.

    Each group is {"label", "entries", "current"}; "current" says whether one of its entries is the page at
    `current_path`.
    """
    groups = []
    for key, label in NAV_GROUPS:
        members = [entry for entry in entries if entry["group"] == key]
        if members:
            current = any(entry["url"] == current_path for entry in members)
            groups.append({"label": label, "entries": members, "current": current})
    return groups
