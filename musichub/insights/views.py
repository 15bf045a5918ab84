"""The inclusion dashboard (/insights/), its school lists, and the "what we learned" log.

Hub staff see exact figures for the whole hub (and may filter by partner). A partner member sees the same page
for their own partner's activities only, with small numbers suppressed (musichub.core.privacy): the partner
filter is fixed to their partner (object-scoped: Partner.is_managed_by) and never records of young people
outside their scope. Views stay thin: figures come from selectors.py, writes from services.py.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from musichub.core.permissions import can, check_object, requires
from musichub.core.roles import Role
from musichub.partners.models import Partner, PartnerMembership

from . import selectors
from .charts import dashboard_charts
from .forms import InsightFiltersForm, LearningForm
from .models import Learning
from .services import record_learning, update_learning
from .summaries import request_refresh

PER_PAGE = 25

# The records behind each aim's figures: (label, URL name, permission). A link shows only to roles allowed to
# open it, and the pages behind them scope the records to the person (young_people_visible_to and the like).
AIM_LINKS: dict[int, list[tuple[str, str, str]]] = {
    1: [
        (_("Youth voice waiting for an answer"), "voice:queue", "voice.respond"),
        (_("Youth voice figures"), "voice:figures", "voice.view_figures"),
    ],
    2: [
        (_("Attendance"), "offer:attendance_list", "offer.view_attendance"),
        (_("Young people who stopped coming"), "offer:dropouts", "offer.follow_up_dropouts"),
        (_("Why young people stop"), "offer:dropout_reasons", "offer.view_dropout_reasons"),
        (_("Whole-class teaching figures"), "offer:whole_class_figures", "offer.manage_whole_class"),
    ],
    3: [
        (_("Young people"), "people:list", "people.view_young_people"),
        (_("Support requests"), "people:support_queue", "people.decide_support"),
        (_("Demand and supply"), "offer:demand", "offer.view_demand"),
        (_("Schools with no hub activity"), "insights:schools_without_activity", "insights.view_dashboard"),
        (_("Whole-class coverage by school"), "insights:whole_class_coverage", "insights.view_dashboard"),
    ],
    4: [(_("Opportunities"), "offer:manage_list", "offer.manage_opportunities")],
    5: [],
}


def _partner_slice(request) -> Partner | None:
    """The partner whose slice a partner member sees (None for staff: the whole hub). A partner member with
    no partner sees nothing."""
    if request.user.role != Role.PARTNER_MEMBER:
        return None
    membership = PartnerMembership.objects.select_related("partner").filter(user=request.user).first()
    if membership is None:
        raise PermissionDenied
    check_object(request.user, "insights.view_dashboard", membership.partner)
    return membership.partner


def _links(user, number: int, query: str) -> list[dict]:
    """The links behind an aim's figures that `user` may open; the dashboard's own lists keep its filters."""
    return [
        {
            "label": label,
            "url": reverse(url_name) + (f"?{query}" if query and url_name.startswith("insights:") else ""),
        }
        for label, url_name, permission in AIM_LINKS.get(number, [])
        if can(user, permission)
    ]


def _query_string(request) -> str:
    """The filters of the page, to carry to its sub-pages."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@requires("insights.view_dashboard")
def dashboard(request):
    partner = _partner_slice(request)
    form, filters = InsightFiltersForm.from_query(request.GET, partner=partner)
    suppressed = partner is not None
    data = selectors.dashboard(filters, suppressed=suppressed)
    query = _query_string(request)
    for aim in data["aims"]["aims"]:
        aim["links"] = _links(request.user, aim["number"], query)
    return render(
        request,
        "insights/dashboard/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "data": data,
            "charts": dashboard_charts(data),
            "partner": partner,
            "suppressed": suppressed,
            "can_record_learning": can(request.user, "insights.record_learning"),
            "can_refresh": can(request.user, "insights.refresh_figures"),
            "query": query,
        },
    )


@requires("insights.view_dashboard")
def schools_without_activity(request):
    partner = _partner_slice(request)
    form, filters = InsightFiltersForm.from_query(request.GET, partner=partner)
    page = Paginator(selectors.schools_without_activity(filters), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "insights/dashboard/schools_without_activity.html",
        {"form": form, "filters": filters, "page": page, "partner": partner, "query": _query_string(request)},
    )


@requires("insights.view_dashboard")
def whole_class_coverage(request):
    partner = _partner_slice(request)
    form, filters = InsightFiltersForm.from_query(request.GET, partner=partner)
    page = Paginator(selectors.whole_class_coverage(filters), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "insights/dashboard/whole_class_coverage.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "partner": partner,
            "query": _query_string(request),
            "perms_whole_class": can(request.user, "offer.manage_whole_class"),
        },
    )


@requires("insights.refresh_figures")
@require_POST
def refresh_figures(request):
    """Ask for the year's summaries (and the last year's) to be worked out again in the background."""
    form, filters = InsightFiltersForm.from_query(request.POST)
    asked = request_refresh([filters.year, filters.year - 1])
    if asked:
        messages.success(
            request, _("The figures are being worked out again. Reload the page in a minute or two.")
        )
    else:
        messages.info(request, _("The figures are already being worked out again."))
    return redirect(f"{reverse('insights:dashboard')}?year={filters.year}")


# ---- What we learned ------------------------------------------------------------------------------------------


@requires("insights.record_learning")
def learning_list(request):
    learnings = Learning.objects.select_related("aim", "recorded_by").order_by("-changed_on", "-pk")
    page = Paginator(learnings, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "insights/dashboard/learning_list.html", {"page": page})


@requires("insights.record_learning")
def learning_create(request):
    form = LearningForm(request.POST or None, initial={"aim": request.GET.get("aim")})
    if request.method == "POST" and form.is_valid():
        record_learning(recorded_by=request.user, **form.cleaned_data)
        messages.success(request, _("Added to what we learned."))
        return redirect("insights:learning_list")
    return render(request, "insights/dashboard/learning_form.html", {"form": form, "learning": None})


@requires("insights.record_learning")
def learning_edit(request, pk: int):
    learning = get_object_or_404(Learning, pk=pk)
    form = LearningForm(request.POST or None, instance=learning)
    if request.method == "POST" and form.is_valid():
        update_learning(learning=learning, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("insights:learning_list")
    return render(request, "insights/dashboard/learning_form.html", {"form": form, "learning": learning})


urlpatterns = [
    path("insights/", dashboard, name="dashboard"),
    path("insights/refresh/", refresh_figures, name="refresh"),
    path("insights/schools/no-activity/", schools_without_activity, name="schools_without_activity"),
    path("insights/schools/whole-class/", whole_class_coverage, name="whole_class_coverage"),
    path("insights/learned/", learning_list, name="learning_list"),
    path("insights/learned/new/", learning_create, name="learning_create"),
    path("insights/learned/<int:pk>/edit/", learning_edit, name="learning_edit"),
]
