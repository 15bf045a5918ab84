"""Attendance pages: an opportunity's attendance, a session's register, paper registers, families' attendance.

Staff see every opportunity's attendance; partner members their own partner's and leaders the opportunities
they lead (Opportunity.is_delivered_by, asked through check_object). Staff alone enter paper registers.
Guardians and young people (13+, on their own account) see their own family's attendance only
(young_people_visible_to). Every page that shows young people's marks is written to the audit log.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from musichub.core.permissions import STAFF, can, check_object, requires, role_of
from musichub.core.services import record_audit
from musichub.people.selectors import young_people_visible_to

from . import attendance
from .forms_attendance import PaperGridForm, PaperSessionsForm
from .models import Opportunity, Session
from .paper_registers import PaperSheet, enter_paper_registers

PER_PAGE = 25


def _page(request, items, name="page"):
    return Paginator(items, PER_PAGE).get_page(request.GET.get(name))


def _delivered(request, slug) -> Opportunity:
    """The opportunity, if the signed-in person may see its attendance: 404 unknown, 403 someone else's."""
    opportunity = get_object_or_404(Opportunity.objects.select_related("partner"), slug=slug)
    check_object(request.user, "offer.view_attendance", opportunity)
    return opportunity


# ---- Staff, partners and leaders ------------------------------------------------------------------------


@requires("offer.view_attendance")
def attendance_list(request):
    """The opportunities whose attendance the person may see, with registers taken so far."""
    today = timezone.localdate()
    opportunities = attendance.opportunities_delivered_by(
        request.user, is_staff=role_of(request.user) in STAFF, today=today
    )
    return render(request, "offer/attendance/list.html", {"page": _page(request, opportunities)})


@requires("offer.view_attendance")
def opportunity_attendance(request, slug):
    opportunity = _delivered(request, slug)
    today = timezone.localdate()
    sessions = attendance.grid_sessions(opportunity, today=today)
    page = _page(request, attendance.attendance_rows(opportunity, request.user))
    page.object_list = list(page.object_list)
    attendance.grid_cells(page.object_list, sessions)
    record_audit(
        actor=request.user, action="attendance.viewed", obj=opportunity, detail=f"page {page.number}"
    )
    return render(
        request,
        "offer/attendance/opportunity.html",
        {
            "opportunity": opportunity,
            "sessions": sessions,
            "page": page,
            "can_enter_paper": can(request.user, "offer.enter_paper_registers"),
        },
    )


@requires("offer.view_attendance")
def session_attendance(request, pk):
    session = get_object_or_404(
        Session.objects.select_related("opportunity", "opportunity__partner", "opportunity__venue"), pk=pk
    )
    check_object(request.user, "offer.view_attendance", session)
    register = attendance.register_of(session)
    record_audit(actor=request.user, action="register.viewed", obj=session)
    return render(
        request,
        "offer/attendance/session.html",
        {
            "session": session,
            "opportunity": session.opportunity,
            "register": register,
            "counts": attendance.session_mark_counts(session) if register else None,
            "marks": _page(request, attendance.session_marks(session, request.user)) if register else None,
            "changes": _page(request, attendance.session_changes(session, request.user), "changes")
            if register
            else None,
            "is_future": session.date > timezone.localdate(),
            "can_enter_paper": can(request.user, "offer.enter_paper_registers"),
            # Those who may see a session's attendance deliver it (the same object rule): they may take it too.
            "can_take": can(request.user, "offer.take_registers")
            and not session.is_cancelled
            and session.date <= timezone.localdate(),
        },
    )


# ---- Paper registers (staff) ------------------------------------------------------------------------------


def _paper_people(opportunity, user):
    """The group for the grid: enrolled now or marked at the opportunity, by name (every row is needed)."""
    return list(
        attendance.group_of(opportunity, user)
        .only("pk", "first_name", "last_name", "preferred_name")
        .annotate(is_enrolled=attendance.is_enrolled(opportunity))
        .order_by("last_name", "first_name", "pk")
    )


def _dates(sessions) -> str:
    return ", ".join(date_format(s.date, "j F Y") for s in sessions)


def _report_paper(request, result) -> None:
    if result.already_received:
        messages.info(
            request,
            _("This page was already sent for %(dates)s: nothing more was entered for those sessions.")
            % {"dates": _dates(result.already_received)},
        )
    if result.saved:
        messages.success(
            request,
            ngettext(
                "%(count)s mark is entered from the paper register.",
                "%(count)s marks are entered from the paper register.",
                result.saved,
            )
            % {"count": result.saved},
        )
    if result.unchanged:
        messages.info(
            request,
            _("Nothing new for %(dates)s: those registers are unchanged.")
            % {"dates": _dates(result.unchanged)},
        )


@requires("offer.enter_paper_registers")
def paper_register(request, slug):
    opportunity = get_object_or_404(Opportunity.objects.select_related("partner"), slug=slug)
    today = timezone.localdate()
    choose = PaperSessionsForm(
        request.GET if "sessions" in request.GET else None, opportunity=opportunity, today=today
    )
    context = {"opportunity": opportunity, "choose": choose, "grid": None}
    if not choose.is_bound or not choose.is_valid():
        return render(request, "offer/attendance/paper.html", context, status=400 if choose.is_bound else 200)

    sessions = choose.cleaned_data["sessions"]
    people = _paper_people(opportunity, request.user)
    grid = PaperGridForm(
        request.POST if request.method == "POST" else None,
        sessions=sessions,
        people=people,
        initial_marks=attendance.marks_at(sessions, people),
    )
    context.update(grid=grid, sessions=sessions)
    if request.method == "POST" and grid.is_valid():
        sheet = PaperSheet(
            sessions=sessions,
            keys=grid.cleaned_keys,
            marks=grid.marks_by_session(),
            walk_ins=frozenset(p.pk for p in people if not p.is_enrolled),
        )
        try:
            result = enter_paper_registers(opportunity=opportunity, sheet=sheet, by=request.user)
        except ValidationError as error:
            grid.add_error(None, error)
        else:
            _report_paper(request, result)
            return redirect(reverse("offer:opportunity_attendance", args=[opportunity.slug]))
    return render(
        request,
        "offer/attendance/paper.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


# ---- Families -----------------------------------------------------------------------------------------------


@requires("offer.view_child_attendance")
def family_attendance(request):
    return render(
        request,
        "offer/attendance/family.html",
        {"page": _page(request, attendance.family_attendance(request.user))},
    )


@requires("offer.view_child_attendance")
def child_attendance(request, pk):
    young_person = get_object_or_404(young_people_visible_to(request.user), pk=pk)
    record_audit(actor=request.user, action="young_person.viewed", obj=young_person, detail="attendance")
    return render(
        request,
        "offer/attendance/child.html",
        {
            "young_person": young_person,
            "totals": attendance.child_totals(young_person),
            "page": _page(request, attendance.child_marks(young_person)),
        },
    )


urlpatterns = [
    path("manage/attendance/", attendance_list, name="attendance_list"),
    path(
        "manage/opportunities/<slug:slug>/attendance/", opportunity_attendance, name="opportunity_attendance"
    ),
    path("manage/opportunities/<slug:slug>/paper-register/", paper_register, name="paper_register"),
    path("manage/sessions/<int:pk>/", session_attendance, name="session_attendance"),
    path("family/attendance/", family_attendance, name="family_attendance"),
    path("family/attendance/<int:pk>/", child_attendance, name="child_attendance"),
]
