"""The one place that decides what each role may do.

Every view is wrapped in `requires(permission)` or `public`, and the admin site
asks `can()` too. The role/URL matrix test (core/tests/test_role_url_matrix.py)
walks every URL pattern and checks that each role gets exactly what this table
says, so a view that forgets its check fails the suite.

Permissions are named "<app>.<what>". Object-level rules (a partner member may
only touch their own partner) are answered by the object: a model that scopes
access implements `is_managed_by(user) -> bool` (or `is_delivered_by`), and
`can(user, perm, obj)` calls the method OWNER_SCOPED names for that role.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .roles import Role

# The designated safeguarding lead is hub staff too, with one duty more (the safeguarding queue).
STAFF = frozenset({Role.HUB_ADMIN, Role.HUB_STAFF, Role.SAFEGUARDING_LEAD})
EVERY_ROLE = frozenset(Role)

PERMISSIONS: dict[str, frozenset[Role]] = {
    # Any signed-in person: their own account page.
    "core.use_account": EVERY_ROLE,
    # The Django admin (back-office corners: roles, the hub's identity, the email outbox).
    "core.use_admin": frozenset({Role.HUB_ADMIN}),
    # Staff area.
    "core.view_staff_area": STAFF,
    "core.view_outbox": STAFF,
    "pages.edit_content": STAFF,
    "partners.edit_partners": STAFF,
    "partners.review_applications": STAFF,
    # Acting for one's own partner organisation (its area, its menu entry).
    "partners.act_for_partner": frozenset({Role.PARTNER_MEMBER}),
    # A partner member edits their own organisation's entry (object-scoped, see OWNER_SCOPED).
    "partners.edit_own_partner": STAFF | {Role.PARTNER_MEMBER},
    # Young people, families and schools. Which records a role sees is decided by one selector,
    # musichub.people.selectors.young_people_visible_to(user); these say which pages a role may open.
    "people.view_young_people": STAFF | {Role.PARTNER_MEMBER, Role.MUSIC_LEADER},
    "people.manage_young_people": STAFF,
    "people.decide_support": STAFF,
    "people.import_data": STAFF,
    "people.subject_access": STAFF,
    "people.erase": frozenset({Role.HUB_ADMIN}),
    "people.view_school_figures": STAFF | {Role.SCHOOL_CONTACT},
    "people.manage_family": frozenset({Role.GUARDIAN}),
    "people.view_own_record": frozenset({Role.YOUNG_PERSON}),
    # The offer. Partner members manage their own partner's opportunities (object-scoped, OWNER_SCOPED).
    "offer.manage_opportunities": STAFF | {Role.PARTNER_MEMBER},
    "offer.manage_venues": STAFF | {Role.PARTNER_MEMBER},
    "offer.manage_term_dates": STAFF,
    # Joining: families and young people (13+) ask for places; partners see their own opportunities'
    # enrolments (object-scoped); staff run allocations and see demand and supply.
    "offer.join": frozenset({Role.GUARDIAN, Role.YOUNG_PERSON}),
    "offer.manage_enrolments": STAFF | {Role.PARTNER_MEMBER},
    "offer.allocate": STAFF,
    "offer.manage_priority_rules": STAFF,
    "offer.view_demand": STAFF,
    # Delivering the offer. Leaders and partner members act on the sessions they lead or their partner runs
    # (object-scoped: Session.is_managed_by / Opportunity.is_led_by); staff on every session.
    "offer.take_registers": STAFF | {Role.PARTNER_MEMBER, Role.MUSIC_LEADER},
    "offer.view_attendance": STAFF | {Role.PARTNER_MEMBER, Role.MUSIC_LEADER},
    "offer.enter_paper_registers": STAFF,
    "offer.follow_up_dropouts": STAFF | {Role.PARTNER_MEMBER, Role.MUSIC_LEADER},
    # Why young people stop coming, counted across the hub (the reasons summary).
    "offer.view_dropout_reasons": STAFF,
    # Walk-ins whose family has not registered them: their parents' contacts, invitations, follow-ups.
    "offer.follow_up_walk_ins": STAFF,
    "offer.message_families": STAFF | {Role.PARTNER_MEMBER, Role.MUSIC_LEADER},
    "offer.manage_whole_class": STAFF | {Role.PARTNER_MEMBER},
    "offer.view_school_work": STAFF | {Role.SCHOOL_CONTACT},
    "offer.view_child_attendance": frozenset({Role.GUARDIAN, Role.YOUNG_PERSON}),
    # Safeguarding: anyone working with young people raises a concern; only the designated safeguarding lead
    # sees the queue and the concerns in it (not hub admins, not the person who raised it).
    "people.raise_concern": STAFF | {Role.PARTNER_MEMBER, Role.MUSIC_LEADER},
    "people.handle_safeguarding": frozenset({Role.SAFEGUARDING_LEAD}),
    # Youth voice. Young people (13+, or under 13 with a guardian's approval) post, support ideas and answer
    # polls; leaders post for a group; hub staff moderate and answer, partner members answer voices about their
    # own opportunities (object-scoped); panel members see their panel and co-sign answers (object-scoped).
    "voice.post": frozenset({Role.YOUNG_PERSON}),
    "voice.post_for_group": frozenset({Role.MUSIC_LEADER, Role.PARTNER_MEMBER}),
    "voice.view_own_posts": frozenset({Role.YOUNG_PERSON, Role.MUSIC_LEADER, Role.PARTNER_MEMBER}),
    "voice.endorse": frozenset({Role.YOUNG_PERSON}),
    "voice.answer_polls": frozenset({Role.YOUNG_PERSON}),
    "voice.edit_profile": frozenset({Role.YOUNG_PERSON}),
    "voice.approve_child": frozenset({Role.GUARDIAN}),
    "voice.moderate": STAFF,
    "voice.respond": STAFF | {Role.PARTNER_MEMBER},
    "voice.view_figures": STAFF,
    "voice.manage_polls": STAFF,
    "voice.manage_panel": STAFF,
    "voice.view_panel": STAFF | {Role.YOUNG_PERSON},
    "voice.cosign": frozenset({Role.YOUNG_PERSON}),
    "voice.record_young_leaders": STAFF,
    "voice.view_feedback": STAFF | {Role.PARTNER_MEMBER, Role.MUSIC_LEADER},
    "voice.view_profiles": STAFF | {Role.PARTNER_MEMBER, Role.MUSIC_LEADER},
    # The instrument library (the hub's instruments, loans, repairs).
    "instruments.manage_library": STAFF,
    # Families see their children's loans (a young person their own) and accept the loan agreement: a guardian
    # for any child in their family, a young person for themself from 16 (instruments.services).
    "instruments.view_own_loans": frozenset({Role.GUARDIAN, Role.YOUNG_PERSON}),
    "instruments.accept_agreement": frozenset({Role.GUARDIAN, Role.YOUNG_PERSON}),
    # Inclusion insights: the dashboard (partner members see their own partner's slice, small numbers
    # suppressed; object-scoped to their partner, see OWNER_SCOPED) and the "what we learned" log.
    "insights.view_dashboard": STAFF | {Role.PARTNER_MEMBER},
    "insights.record_learning": STAFF,
    "insights.refresh_figures": STAFF,
    # The outputs: staff produce the annual return (and adjust its mapping) and the stakeholder report, and
    # review partners' aggregate contributions; partner members send their own partner's (object-scoped).
    "insights.export_return": STAFF,
    "insights.edit_return_mapping": STAFF,
    "insights.view_report": STAFF,
    "insights.review_contributions": STAFF,
    "insights.submit_contributions": frozenset({Role.PARTNER_MEMBER}),
    # The audit log: searchable by hub admins, never editable.
    "core.view_audit_log": frozenset({Role.HUB_ADMIN}),
}

# For these (permission, role) pairs the role alone is not enough: the object must say yes, through the method
# named here. `is_managed_by(user)`: the object belongs to the user's partner. `is_delivered_by(user)`: the user
# leads the sessions or belongs to the partner that runs them (registers, attendance, follow-ups, messages).
MANAGED, DELIVERED = "is_managed_by", "is_delivered_by"
OWNER_SCOPED: dict[tuple[str, Role], str] = {
    ("partners.edit_own_partner", Role.PARTNER_MEMBER): MANAGED,
    ("offer.manage_opportunities", Role.PARTNER_MEMBER): MANAGED,
    ("offer.manage_venues", Role.PARTNER_MEMBER): MANAGED,
    ("offer.manage_enrolments", Role.PARTNER_MEMBER): MANAGED,
    ("offer.take_registers", Role.PARTNER_MEMBER): DELIVERED,
    ("offer.take_registers", Role.MUSIC_LEADER): DELIVERED,
    ("offer.view_attendance", Role.PARTNER_MEMBER): DELIVERED,
    ("offer.view_attendance", Role.MUSIC_LEADER): DELIVERED,
    ("offer.follow_up_dropouts", Role.PARTNER_MEMBER): DELIVERED,
    ("offer.follow_up_dropouts", Role.MUSIC_LEADER): DELIVERED,
    ("offer.message_families", Role.PARTNER_MEMBER): DELIVERED,
    ("offer.message_families", Role.MUSIC_LEADER): DELIVERED,
    ("offer.manage_whole_class", Role.PARTNER_MEMBER): MANAGED,
    ("voice.respond", Role.PARTNER_MEMBER): MANAGED,
    ("voice.view_feedback", Role.PARTNER_MEMBER): DELIVERED,
    ("voice.view_feedback", Role.MUSIC_LEADER): DELIVERED,
    ("voice.view_panel", Role.YOUNG_PERSON): "has_member",
    ("insights.view_dashboard", Role.PARTNER_MEMBER): MANAGED,
    ("insights.submit_contributions", Role.PARTNER_MEMBER): MANAGED,
}


def role_of(user) -> Role | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        return Role(user.role)
    except ValueError:
        return None


def roles_with(permission: str) -> frozenset[Role]:
    try:
        return PERMISSIONS[permission]
    except KeyError:
        raise KeyError(f"Unknown permission {permission!r}: add it to core.permissions.PERMISSIONS") from None


def can(user, permission: str, obj=None) -> bool:
    """Whether `user` may do `permission` (to `obj`, where the rule is about one object)."""
    role = role_of(user)
    if role is None or role not in roles_with(permission):
        return False
    if obj is not None and (method := OWNER_SCOPED.get((permission, role))):
        return bool(getattr(obj, method)(user))
    return True


class Access:
    """What a view declares about who may reach it; read by the role/URL matrix test."""

    def __init__(self, permission: str | None):
        self.permission = permission
        if permission is not None:
            roles_with(permission)  # fail at import time on a typo

    @property
    def is_public(self) -> bool:
        return self.permission is None

    def allows(self, role: Role | None) -> bool:
        if self.is_public:
            return True
        return role is not None and role in roles_with(self.permission)

    def __repr__(self):
        return "public" if self.is_public else f"requires({self.permission!r})"


def requires(permission: str):
    """Decorate a view so only roles with `permission` reach it: others get the login page or a 403."""
    access = Access(permission)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can(request.user, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access = access
        return wrapped

    return decorator


def public(view):
    """Mark a view as open to everyone, signed in or not (a deliberate choice the matrix test can see)."""
    view.access = Access(None)
    return view


def check_object(user, permission: str, obj) -> None:
    """Raise PermissionDenied unless `user` may do `permission` to `obj`."""
    if not can(user, permission, obj):
        raise PermissionDenied
