"""Joining pages: families ask for places and answer offers; partners and staff see enrolments and demand.

Families (guardians, young people 13+) see only their own places (joining.enrolments_visible_to); partner
members see the enrolments of their own partner's opportunities (Opportunity.is_managed_by, asked through
check_object); staff see everything, and the demand dashboard.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Min, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from musichub.core.permissions import check_object, requires

from . import joining
from .forms_joining import JoinForm, WithdrawForm
from .models import Enrolment, Opportunity

PER_PAGE = 25
UNDER_FILLED_WEEKS = 4


def _page(request, items, name="page", per_page=PER_PAGE):
    return Paginator(items, per_page).get_page(request.GET.get(name))


# ---- Families -------------------------------------------------------------------------------------------------


@requires("offer.join")
def join(request, slug):
    opportunity = get_object_or_404(
        Opportunity.objects.select_related("partner", "venue").exclude(status=Opportunity.Status.DRAFT),
        slug=slug,
    )
    form = JoinForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = joining.ask_for_a_place(
                young_person=form.cleaned_data["young_person"],
                opportunity=opportunity,
                requested_by=request.user,
                barriers=form.cleaned_data["barriers"],
                support_kinds=form.cleaned_data["support_kinds"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("offer:my_place", pk=enrolment.pk)
    return render(
        request,
        "offer/joining/join.html",
        {"opportunity": opportunity, "form": form},
        status=400 if form.errors else 200,
    )


def _own_place(request, pk) -> Enrolment:
    """One of the family's places: 404 for anyone else's (never say whether it exists)."""
    return get_object_or_404(joining.places_of_family(request.user), pk=pk)


@requires("offer.join")
def my_places(request):
    return render(
        request,
        "offer/joining/my_places.html",
        {"page": _page(request, joining.places_of_family(request.user))},
    )


@requires("offer.join")
def my_place(request, pk):
    enrolment = _own_place(request, pk)
    position = joining.waiting_position(enrolment) if enrolment.status == Enrolment.Status.WAITING else None
    return render(
        request,
        "offer/joining/my_place.html",
        {
            "enrolment": enrolment,
            "opportunity": enrolment.opportunity,
            "headline": joining.answer_headline(enrolment),
            "answer": joining.answer_text(enrolment, position=position),
            "position": position,
            "is_active": enrolment.status in Enrolment.ACTIVE,
        },
    )


def _answer(request, pk, service, done_message, **kwargs):
    enrolment = _own_place(request, pk)
    try:
        service(enrolment=enrolment, **kwargs)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, done_message % {"title": enrolment.opportunity.title})
    return redirect("offer:my_place", pk=enrolment.pk)


@requires("offer.join")
@require_POST
def accept_offer(request, pk):
    return _answer(
        request, pk, joining.accept_offer, _("The place on %(title)s is yours."), accepted_by=request.user
    )


@requires("offer.join")
@require_POST
def decline_offer(request, pk):
    return _answer(
        request,
        pk,
        joining.decline_offer,
        _("You said no to the place on %(title)s."),
        declined_by=request.user,
    )


@requires("offer.join")
@require_POST
def withdraw(request, pk):
    return _answer(
        request, pk, joining.withdraw, _("You are no longer on %(title)s."), withdrawn_by=request.user
    )


# ---- Partners and staff ---------------------------------------------------------------------------------------


def _managed(request, pk) -> Opportunity:
    """The opportunity, if the signed-in person may see its enrolments: 404 unknown, 403 another partner's."""
    opportunity = get_object_or_404(Opportunity.objects.select_related("partner"), pk=pk)
    check_object(request.user, "offer.manage_enrolments", opportunity)
    return opportunity


def _render_enrolments(request, opportunity, *, withdraw_form=None, status=200):
    counts = joining.enrolment_counts(opportunity)
    chosen = request.GET.get("status", "")
    chosen = chosen if chosen in Enrolment.ACTIVE else ""
    return render(
        request,
        "offer/joining/enrolments.html",
        {
            "opportunity": opportunity,
            "counts": counts,
            "statuses": [(s, Enrolment.Status(s).label, counts[s]) for s in joining.STATUS_ORDER],
            "chosen": chosen,
            "places_left": joining.places_left_text(opportunity, counts),
            "page": _page(request, joining.enrolments_for_opportunity(opportunity, status=chosen)),
            "withdraw_form": withdraw_form or WithdrawForm(),
        },
        status=status,
    )


@requires("offer.manage_enrolments")
def enrolments(request, pk):
    return _render_enrolments(request, _managed(request, pk))


@requires("offer.manage_enrolments")
@require_POST
def offer_next(request, pk):
    opportunity = _managed(request, pk)
    offered = joining.offer_next_place(opportunity=opportunity, offered_by=request.user)
    if offered is None:
        messages.error(request, _("There is no free place, or nobody is waiting."))
    else:
        messages.success(request, _("A place is offered to the next on the waiting list."))
    return redirect("offer:enrolments", pk=opportunity.pk)


@requires("offer.manage_enrolments")
@require_POST
def withdraw_enrolment(request, pk, enrolment_pk):
    opportunity = _managed(request, pk)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("young_person"), pk=enrolment_pk, opportunity=opportunity
    )
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            joining.withdraw(
                enrolment=enrolment, withdrawn_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("%(name)s is taken off.") % {"name": enrolment.young_person.first_name}
            )
        return redirect("offer:enrolments", pk=opportunity.pk)
    return _render_enrolments(request, opportunity, withdraw_form=form, status=400)


def demand_selectors(today):
    """Full opportunities with the longest waiting lists, and under-filled ones starting soon (in the database)."""
    holds = Count("enrolments", filter=Q(enrolments__status__in=Enrolment.HOLDS_A_PLACE), distinct=True)
    waiting = Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITING), distinct=True)
    live = Opportunity.objects.filter(
        status__in=[Opportunity.Status.PUBLISHED, Opportunity.Status.FULL],
        capacity__isnull=False,
        last_date__gte=today,
    ).select_related("partner")
    full = (
        live.annotate(taken=holds, waiting=waiting)
        .filter(waiting__gt=0)
        .filter(taken__gte=F("capacity"))
        .order_by("-waiting", "title", "pk")
    )
    under = (
        live.annotate(
            taken=holds,
            next_session=Min(
                "sessions__date", filter=Q(sessions__date__gte=today, sessions__is_cancelled=False)
            ),
        )
        .filter(next_session__lte=today + timedelta(weeks=UNDER_FILLED_WEEKS))
        .filter(taken__lt=F("capacity") / 2.0)
        .order_by("next_session", "title", "pk")
    )
    return full, under


@requires("offer.view_demand")
def demand(request):
    full, under = demand_selectors(timezone.localdate())
    return render(
        request,
        "offer/joining/demand.html",
        {
            "full_page": _page(request, full, "full"),
            "under_page": _page(request, under, "under"),
            "weeks": UNDER_FILLED_WEEKS,
        },
    )


urlpatterns = [
    path("opportunities/<slug:slug>/join/", join, name="join"),
    path("my/places/", my_places, name="my_places"),
    path("my/places/<int:pk>/", my_place, name="my_place"),
    path("my/places/<int:pk>/accept/", accept_offer, name="accept_offer"),
    path("my/places/<int:pk>/decline/", decline_offer, name="decline_offer"),
    path("my/places/<int:pk>/withdraw/", withdraw, name="withdraw"),
    path("manage/offer/<int:pk>/enrolments/", enrolments, name="enrolments"),
    path("manage/offer/<int:pk>/enrolments/offer-next/", offer_next, name="offer_next"),
    path(
        "manage/offer/<int:pk>/enrolments/<int:enrolment_pk>/withdraw/",
        withdraw_enrolment,
        name="withdraw_enrolment",
    ),
    path("manage/offer/demand/", demand, name="demand"),
]
