"""Managing the offer (/manage/offer/): opportunities and their sessions, venues, the city's term dates.

Hub staff manage everything; partner members manage their own partner's opportunities and venues (the
object-level rule is Opportunity.is_managed_by / Venue.is_managed_by, asked through check_object).
"""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from musichub.core.permissions import STAFF, check_object, requires, role_of
from musichub.partners.selectors import membership_of

from .forms_manage import (
    WEEKDAYS,
    CancelForm,
    DatesForm,
    LeadersForm,
    OpportunityFilterForm,
    OpportunityForm,
    VenueForm,
)
from .models import Holiday, Opportunity, Session, Term, Venue
from .services import (
    cancel_opportunity,
    create_holiday,
    create_opportunity,
    create_term,
    create_venue,
    delete_holiday,
    delete_term,
    eligible_leaders,
    generate_sessions,
    publish_opportunity,
    set_leaders,
    update_opportunity,
    update_venue,
)

logger = logging.getLogger(__name__)

PER_PAGE = 20
SESSIONS_PER_PAGE = 50


def _page(request, items, per_page=PER_PAGE):
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _is_staff(user) -> bool:
    return role_of(user) in STAFF


def _own_partner(request):
    """The partner a member acts for; staff get None (they may act for any). A member without one: 404."""
    if _is_staff(request.user):
        return None
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    return membership.partner


# ---- Reads (the finder's reads live in selectors.py; these serve only the management pages) ----------------


def opportunities_for_managing(*, partner=None, status=None):
    """Opportunities for the manage list, with their partner and how many sessions they have."""
    opportunities = (
        Opportunity.objects.select_related("partner", "kind", "venue")
        .annotate(
            session_count=Count("sessions"),
            next_session=Min("sessions__date", filter=Q(sessions__date__gte=timezone.localdate())),
        )
        .order_by("-updated_at", "pk")
    )
    if partner is not None:
        opportunities = opportunities.filter(partner=partner)
    if status:
        opportunities = opportunities.filter(status=status)
    return opportunities


def _opportunity(request, pk) -> Opportunity:
    """The opportunity, if the signed-in person may manage it: 404 when unknown, 403 when another partner's."""
    opportunity = get_object_or_404(Opportunity.objects.select_related("partner", "venue", "kind"), pk=pk)
    check_object(request.user, "offer.manage_opportunities", opportunity)
    return opportunity


# ---- Opportunities ------------------------------------------------------------------------------------------


@requires("offer.manage_opportunities")
def manage_list(request):
    own = _own_partner(request)
    filter_form, chosen = OpportunityFilterForm.from_query(request.GET, show_partner=own is None)
    opportunities = opportunities_for_managing(
        partner=own or chosen.get("partner"), status=chosen.get("status")
    )
    return render(
        request,
        "offer/manage/list.html",
        {
            "page": _page(request, opportunities),
            "filter_form": filter_form,
            "filtered": bool(chosen),
            "own_partner": own,
        },
    )


@requires("offer.manage_opportunities")
def opportunity_create(request):
    own = _own_partner(request)
    form = OpportunityForm(request.POST or None, partner=own)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = create_opportunity(
                partner=form.chosen_partner, created_by=request.user, **form.opportunity_data()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(title)s is saved as a draft with %(count)s sessions. Check them, then publish it.")
                % {"title": opportunity.title, "count": opportunity.sessions.count()},
            )
            return redirect("offer:opportunity_sessions", pk=opportunity.pk)
    return render(request, "offer/manage/opportunity_form.html", {"form": form, "opportunity": None})


@requires("offer.manage_opportunities")
def opportunity_edit(request, pk):
    opportunity = _opportunity(request, pk)
    own = _own_partner(request)
    form = OpportunityForm(request.POST or None, instance=opportunity, partner=own)
    if request.method == "POST" and form.is_valid():
        data = form.opportunity_data()
        if own is None:
            data["partner"] = form.cleaned_data["partner"]
        try:
            opportunity = update_opportunity(opportunity=opportunity, edited_by=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(title)s is saved.") % {"title": opportunity.title})
            return redirect("offer:opportunity_sessions", pk=opportunity.pk)
    return render(request, "offer/manage/opportunity_form.html", {"form": form, "opportunity": opportunity})


def _render_sessions(request, opportunity, *, cancel_form=None, problems=None, status=200):
    sessions = Session.objects.filter(opportunity=opportunity).order_by("date", "starts_at")
    summary = sessions.aggregate(count=Count("pk"), first=Min("date"), last=Max("date"))
    return render(
        request,
        "offer/manage/sessions.html",
        {
            "opportunity": opportunity,
            "page": _page(request, sessions, SESSIONS_PER_PAGE),
            "summary": summary,
            "today": timezone.localdate(),
            "weekday_name": dict(WEEKDAYS).get(opportunity.weekday),
            "cancel_form": cancel_form or CancelForm(),
            "problems": problems or [],
            "leaders": list(opportunity.leaders.order_by("last_name", "first_name")),
            "can_publish": opportunity.status == Opportunity.Status.DRAFT,
            "can_cancel": opportunity.status
            in (Opportunity.Status.DRAFT, Opportunity.Status.PUBLISHED, Opportunity.Status.FULL),
        },
        status=status,
    )


@requires("offer.manage_opportunities")
def opportunity_sessions(request, pk):
    opportunity = _opportunity(request, pk)
    if request.method == "POST":
        count = generate_sessions(opportunity=opportunity)
        messages.success(
            request, _("The sessions are generated again: there are %(count)s.") % {"count": count}
        )
        return redirect("offer:opportunity_sessions", pk=opportunity.pk)
    return _render_sessions(request, opportunity)


@requires("offer.manage_opportunities")
def opportunity_leaders(request, pk):
    opportunity = _opportunity(request, pk)
    eligible = eligible_leaders(opportunity)
    form = LeadersForm(
        request.POST or None, eligible=eligible, initial={"leaders": list(opportunity.leaders.all())}
    )
    if request.method == "POST" and form.is_valid():
        try:
            set_leaders(
                opportunity=opportunity, leaders=form.cleaned_data["leaders"], changed_by=request.user
            )
        except ValidationError as error:
            form.add_error("leaders", error)
        else:
            messages.success(request, _("The leaders of %(title)s are saved.") % {"title": opportunity.title})
            return redirect("offer:opportunity_sessions", pk=opportunity.pk)
    return render(
        request,
        "offer/manage/leaders.html",
        {"opportunity": opportunity, "form": form},
        status=400 if form.errors else 200,
    )


@requires("offer.manage_opportunities")
@require_POST
def opportunity_publish(request, pk):
    opportunity = _opportunity(request, pk)
    try:
        publish_opportunity(opportunity=opportunity, published_by=request.user)
    except ValidationError as error:
        return _render_sessions(request, opportunity, problems=error.messages, status=400)
    messages.success(request, _("%(title)s is published.") % {"title": opportunity.title})
    return redirect("offer:opportunity_sessions", pk=opportunity.pk)


@requires("offer.manage_opportunities")
@require_POST
def opportunity_cancel(request, pk):
    opportunity = _opportunity(request, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            cancel_opportunity(
                opportunity=opportunity, cancelled_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(title)s is cancelled.") % {"title": opportunity.title})
            return redirect("offer:opportunity_sessions", pk=opportunity.pk)
    return _render_sessions(request, opportunity, cancel_form=form, status=400)


# ---- Venues -------------------------------------------------------------------------------------------------


@requires("offer.manage_venues")
def venues(request):
    own = _own_partner(request)
    all_venues = Venue.objects.select_related("partner").annotate(opportunity_count=Count("opportunities"))
    return render(
        request,
        "offer/manage/venues.html",
        {"page": _page(request, all_venues.order_by("name", "pk")), "own_partner": own},
    )


@requires("offer.manage_venues")
def venue_create(request):
    own = _own_partner(request)
    form = VenueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            venue = create_venue(created_by=request.user, partner=own, **form.venue_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": venue.name})
            return redirect("offer:venues")
    return render(request, "offer/manage/venue_form.html", {"form": form, "venue": None})


@requires("offer.manage_venues")
def venue_edit(request, pk):
    venue = get_object_or_404(Venue, pk=pk)
    check_object(request.user, "offer.manage_venues", venue)
    form = VenueForm(request.POST or None, instance=venue)
    if request.method == "POST" and form.is_valid():
        try:
            venue = update_venue(venue=venue, edited_by=request.user, **form.venue_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": venue.name})
            return redirect("offer:venues")
    return render(request, "offer/manage/venue_form.html", {"form": form, "venue": venue})


# ---- Term dates ---------------------------------------------------------------------------------------------


def _render_term_dates(request, *, term_form=None, holiday_form=None, status=200):
    return render(
        request,
        "offer/manage/term_dates.html",
        {
            # Two lists on one page, each with its own page number in the query string.
            "terms": Paginator(Term.objects.order_by("-starts_on"), PER_PAGE).get_page(
                request.GET.get("terms_page")
            ),
            "holidays": Paginator(Holiday.objects.order_by("-starts_on"), PER_PAGE).get_page(
                request.GET.get("holidays_page")
            ),
            "term_form": term_form or DatesForm(prefix="term"),
            "holiday_form": holiday_form or DatesForm(prefix="holiday"),
        },
        status=status,
    )


@requires("offer.manage_term_dates")
def term_dates(request):
    return _render_term_dates(request)


def _add_dates(request, prefix, service, message):
    form = DatesForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            service(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, message % {"name": form.cleaned_data["name"]})
            return redirect("offer:term_dates")
    return _render_term_dates(request, **{f"{prefix}_form": form}, status=400)


@requires("offer.manage_term_dates")
@require_POST
def term_create(request):
    return _add_dates(request, "term", create_term, _("%(name)s is added."))


@requires("offer.manage_term_dates")
@require_POST
def holiday_create(request):
    return _add_dates(request, "holiday", create_holiday, _("%(name)s is added."))


@requires("offer.manage_term_dates")
@require_POST
def term_delete(request, pk):
    term = get_object_or_404(Term, pk=pk)
    delete_term(term=term, deleted_by=request.user)
    messages.success(request, _("%(name)s is removed.") % {"name": term.name})
    return redirect("offer:term_dates")


@requires("offer.manage_term_dates")
@require_POST
def holiday_delete(request, pk):
    holiday = get_object_or_404(Holiday, pk=pk)
    delete_holiday(holiday=holiday, deleted_by=request.user)
    messages.success(request, _("%(name)s is removed.") % {"name": holiday.name})
    return redirect("offer:term_dates")


urlpatterns = [
    path("manage/offer/", manage_list, name="manage_list"),
    path("manage/offer/new/", opportunity_create, name="opportunity_create"),
    path("manage/offer/<int:pk>/edit/", opportunity_edit, name="opportunity_edit"),
    path("manage/offer/<int:pk>/sessions/", opportunity_sessions, name="opportunity_sessions"),
    path("manage/offer/<int:pk>/leaders/", opportunity_leaders, name="opportunity_leaders"),
    path("manage/offer/<int:pk>/publish/", opportunity_publish, name="opportunity_publish"),
    path("manage/offer/<int:pk>/cancel/", opportunity_cancel, name="opportunity_cancel"),
    path("manage/offer/venues/", venues, name="venues"),
    path("manage/offer/venues/new/", venue_create, name="venue_create"),
    path("manage/offer/venues/<int:pk>/edit/", venue_edit, name="venue_edit"),
    path("manage/offer/term-dates/", term_dates, name="term_dates"),
    path("manage/offer/term-dates/terms/", term_create, name="term_create"),
    path("manage/offer/term-dates/holidays/", holiday_create, name="holiday_create"),
    path("manage/offer/term-dates/terms/<int:pk>/delete/", term_delete, name="term_delete"),
    path("manage/offer/term-dates/holidays/<int:pk>/delete/", holiday_delete, name="holiday_delete"),
]
