"""Register pages for leaders, partner members and staff: my sessions, taking a register (also sent later by
register.js when the phone was offline), walk-ins, raising a safeguarding concern, and the service worker.

Who may open a session's register is asked of the session (Session.is_delivered_by through check_object):
an unknown session answers 404, another leader's or partner's 403. Every page works as plain form posts; a
submission sent by register.js (Accept: application/json) is answered with JSON instead of a redirect.
"""

import functools
from datetime import timedelta

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from musichub.core.permissions import STAFF, check_object, public, requires, role_of
from musichub.core.services import record_audit
from musichub.people.models import YoungPerson
from musichub.people.safeguarding import raise_concern

from . import registers
from .forms_registers import (
    ConcernForm,
    NewWalkInForm,
    RegisterForm,
    SessionsFilterForm,
    WalkInAddForm,
    WalkInSearchForm,
)
from .models import Register, Session

PER_PAGE = 25
MAX_WEEKS_AWAY = 52
SERVICE_WORKER = "offer/register-sw.js"


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _session(request, pk) -> Session:
    """The session, if the signed-in person takes its register: 404 unknown, 403 someone else's."""
    try:
        session = registers.session_for_register(pk)
    except Session.DoesNotExist:
        raise Http404 from None
    check_object(request.user, "offer.take_registers", session)
    return session


def _week_offset(value) -> int:
    try:
        return max(-MAX_WEEKS_AWAY, min(MAX_WEEKS_AWAY, int(value)))
    except (TypeError, ValueError):
        return 0


# ---- My sessions ---------------------------------------------------------------------------------------------


@requires("offer.take_registers")
def my_sessions(request):
    today = timezone.localdate()
    weeks = _week_offset(request.GET.get("week"))
    start, end = registers.week_of(today + timedelta(weeks=weeks))
    filter_form, partner_id, opportunity_id = None, None, None
    if role_of(request.user) in STAFF:
        week = registers.sessions_for(request.user, start=start, end=end)
        filter_form = SessionsFilterForm(request.GET, opportunities=registers.opportunities_in(week))
        if filter_form.is_valid():  # an unknown partner or opportunity falls back to all of them
            partner = filter_form.cleaned_data["partner"]
            opportunity = filter_form.cleaned_data["opportunity"]
            partner_id = partner.pk if partner else None
            opportunity_id = opportunity.pk if opportunity else None
    sessions = registers.sessions_for(
        request.user, start=start, end=end, partner_id=partner_id, opportunity_id=opportunity_id
    )
    return render(
        request,
        "offer/registers/my_sessions.html",
        {
            "page": Paginator(sessions, PER_PAGE).get_page(request.GET.get("page")),
            "today": today,
            "start": start,
            "end": end,
            "weeks": weeks,
            "previous_week": weeks - 1 if weeks > -MAX_WEEKS_AWAY else None,
            "next_week": weeks + 1 if weeks < MAX_WEEKS_AWAY else None,
            "filter_form": filter_form,
            "filtered": bool(partner_id or opportunity_id),
        },
    )


# ---- The register --------------------------------------------------------------------------------------------


def _render_register(request, session, group, form, *, concern_form=None, status=200):
    register = registers.register_of(session)
    today = timezone.localdate()
    return render(
        request,
        "offer/registers/register.html",
        {
            "session": session,
            "opportunity": session.opportunity,
            "register": register,
            "form": form,
            "group": group,
            "marked": sum(1 for member in group if member.mark),
            "concern_form": concern_form or ConcernForm(group=group),
            "is_cancelled": session.is_cancelled,
            "is_future": session.date > today,
            "is_today": session.date == today,
        },
        status=status,
    )


@requires("offer.take_registers")
def register(request, pk):
    session = _session(request, pk)
    headcount_mode = registers.takes_headcount(session)
    group = [] if headcount_mode else registers.register_group(session, request.user)
    form = RegisterForm(
        request.POST if request.method == "POST" else None,
        group=group,
        headcount_mode=headcount_mode,
        register=registers.register_of(session),
    )
    if request.method != "POST":
        # The page shows the group's names and marks: who opened it goes to the audit log.
        record_audit(actor=request.user, action="register.viewed", obj=session, detail="register page")
        return _render_register(request, session, group, form)
    if form.is_valid():
        try:
            result = registers.submit_register(
                session=session,
                by=request.user,
                key=form.cleaned_data["key"],
                marks=form.marks(),
                method=Register.Method.PHONE,
                headcount=form.cleaned_data.get("headcount"),
                notes=form.notes(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if _wants_json(request):
                return JsonResponse(
                    {
                        "status": "already_received" if result.duplicate else "sent",
                        "message": result.message,
                        "saved": result.saved,
                        "kept": result.kept,
                    }
                )
            messages.success(request, result.message)
            return redirect("offer:register", pk=session.pk)
    if _wants_json(request):
        errors = [str(message) for field_errors in form.errors.values() for message in field_errors]
        return JsonResponse({"status": "refused", "errors": errors}, status=400)
    return _render_register(request, session, group, form, status=400)


# ---- Walk-ins ------------------------------------------------------------------------------------------------


@requires("offer.take_registers")
def walk_in(request, pk):
    session = _session(request, pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    # Prefixes: the search and the new person's form both ask for names, and ids must be unique on the page.
    search_form = WalkInSearchForm(request.POST if action == "search" else None, prefix="find")
    add_form = WalkInAddForm(request.POST if action == "add" else None, prefix="find")
    new_form = NewWalkInForm(request.POST if action == "new" else None, prefix="new")
    matches, more, searched = [], False, False
    if action == "search" and search_form.is_valid():
        try:
            matches, more = registers.find_walk_ins(
                session=session,
                by=request.user,
                first_name=search_form.cleaned_data["first_name"],
                last_name=search_form.cleaned_data["last_name"],
            )
            searched = True
        except ValidationError as error:
            search_form.add_error(None, error)
    elif action == "add" and add_form.is_valid():
        try:
            registers.add_walk_in(
                session=session,
                by=request.user,
                young_person_id=add_form.cleaned_data["young_person"],
                first_name=add_form.cleaned_data["first_name"],
                last_name=add_form.cleaned_data["last_name"],
            )
        except ValidationError as error:
            add_form.add_error(None, error)
        else:
            messages.success(request, _("They are on the register as a walk-in, marked present."))
            return redirect("offer:register", pk=session.pk)
    elif action == "new" and new_form.is_valid():
        data = new_form.cleaned_data
        try:
            young_person = registers.register_walk_in(
                session=session,
                by=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                date_of_birth=data["date_of_birth"],
                consent_given_by=data["consent_given_by"],
                consent_method=data["consent_method"],
                media_consent=data["media_consent"],
                guardian_name=data["guardian_name"],
                guardian_email=data["guardian_email"],
                guardian_phone=data["guardian_phone"],
            )
        except ValidationError as error:
            new_form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s is registered with the hub and on the register as a walk-in, marked present.")
                % {"name": young_person.first_name},
            )
            return redirect("offer:register", pk=session.pk)
    failed = request.method == "POST" and not searched
    return render(
        request,
        "offer/registers/walk_in.html",
        {
            "session": session,
            "opportunity": session.opportunity,
            "search_form": search_form,
            "add_form": add_form,
            "new_form": new_form,
            "matches": matches,
            "more": more,
            "searched": searched,
            "search_terms": search_form.cleaned_data if searched else {},
        },
        status=400 if failed else 200,
    )


# ---- Safeguarding --------------------------------------------------------------------------------------------


@requires("people.raise_concern")
def concern(request, pk):
    session = _session(request, pk)
    group = registers.register_group(session, request.user)
    form = ConcernForm(request.POST if request.method == "POST" else None, group=group)
    if request.method == "POST" and form.is_valid():
        person_id = form.cleaned_data["young_person"]
        try:
            raise_concern(
                raised_by=request.user,
                details=form.cleaned_data["details"],
                source="register",
                source_ref=f"session:{session.pk}",
                young_person=YoungPerson.objects.get(pk=person_id) if person_id else None,
            )
        except ValidationError as error:
            form.add_error("details", error)
        else:
            messages.success(
                request,
                _(
                    "Thank you. Your concern went to the hub's designated safeguarding lead, who will act on it. "
                    "It is not kept on this register."
                ),
            )
            return redirect("offer:register", pk=session.pk)
    return render(
        request,
        "offer/registers/concern.html",
        {"session": session, "opportunity": session.opportunity, "form": form},
        status=400 if form.errors else 200,
    )


# ---- The service worker --------------------------------------------------------------------------------------


@functools.cache
def _service_worker_source() -> str:
    with open(finders.find(SERVICE_WORKER), encoding="utf-8") as source:
        return source.read()


@public  # a script with no data in it; served from /delivery/ so its scope covers the register pages
def service_worker(request):
    response = HttpResponse(_service_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("offer:my_sessions")
    response["Cache-Control"] = "no-cache"
    return response


urlpatterns = [
    path("delivery/", my_sessions, name="my_sessions"),
    path("delivery/sw.js", service_worker, name="register_service_worker"),
    path("delivery/sessions/<int:pk>/register/", register, name="register"),
    path("delivery/sessions/<int:pk>/walk-in/", walk_in, name="walk_in"),
    path("delivery/sessions/<int:pk>/concern/", concern, name="raise_concern"),
]
