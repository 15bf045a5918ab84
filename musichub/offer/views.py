"""The public finder: search opportunities, an opportunity's page, and the calendar and Atom feeds."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from musichub.core.permissions import public

from . import display, selectors
from .feeds import FinderAtomFeed, calendar_response, opportunity_calendar, search_calendar
from .forms import ACCESS_CHOICES, FinderForm
from .jsonld import jsonld_script, opportunity_jsonld

PER_PAGE = 20
MAX_SUGGESTIONS = 3


def _query_without(query, name: str, value=None) -> str:
    """The query string without parameter `name` (or only its `value`), and without the page number."""
    query = query.copy()
    query.pop("page", None)
    if value is None:
        query.pop(name, None)
    else:
        query.setlist(name, [v for v in query.getlist(name) if v != value])
    return query.urlencode()


def _describe(form: FinderForm, name: str, value) -> str:
    """A filter in words, for the empty state: 'Genre: Grime', 'Free only', 'Step-free access'."""
    field = form.fields[name]
    if isinstance(value, bool):
        return str(field.label)
    if name == "q":
        return _("Search: “%(text)s”") % {"text": value}
    if hasattr(field, "choices") and not hasattr(value, "pk"):
        words = {str(k): v for k, v in field.choices}.get(str(value), value)
        return str(words) if name == "cost" else f"{field.label}: {words}"
    return f"{field.label}: {value}"


def _suggestions(request, form: FinderForm, filters: dict, today) -> list[dict]:
    """The nearest alternatives to a search that found nothing: drop one filter at a time (one count each)."""
    candidates = []
    for name, value in filters.items():
        if name == "access":
            access_words = dict(ACCESS_CHOICES)
            for fact in value:
                fewer = {**filters, "access": [f for f in value if f != fact]}
                candidates.append(
                    (str(access_words[fact]), fewer, _query_without(request.GET, "access", fact))
                )
        else:
            fewer = {key: v for key, v in filters.items() if key != name}
            candidates.append((_describe(form, name, value), fewer, _query_without(request.GET, name)))
    found = []
    for label, fewer, query in candidates:
        count = selectors.count_matching(filters=fewer, today=today)
        if count:
            found.append({"label": label, "count": count, "query": query})
    found.sort(key=lambda suggestion: -suggestion["count"])
    return found[:MAX_SUGGESTIONS]


def _card(opportunity, tastes: dict, whose: str) -> dict:
    return {
        "opportunity": opportunity,
        "when": display.when_text(opportunity),
        "where": display.where_text(opportunity),
        "cost": display.cost_text(opportunity),
        "support": display.support_tags(opportunity),
        "because": display.because_text(opportunity, tastes, whose=whose) if tastes else "",
    }


@public
def finder(request):
    form, filters = FinderForm.from_query(request.GET)
    today = timezone.localdate()
    young_person = selectors.young_person_for_tastes(request.user)
    tastes = selectors.tastes_of(young_person)
    has_tastes = bool(tastes["genres"] or tastes["instruments"])
    whose = ""
    if young_person is not None and young_person.user_id != request.user.pk:
        whose = young_person.preferred_name or young_person.first_name
    results = selectors.finder_results(filters=filters, today=today, tastes=tastes if has_tastes else None)
    page = Paginator(results, PER_PAGE).get_page(request.GET.get("page"))
    cards = [_card(opportunity, tastes if has_tastes else {}, whose) for opportunity in page.object_list]
    suggestions = []
    if not cards and filters:
        suggestions = _suggestions(request, form, filters, today)
    query = _query_without(request.GET, "page")
    return render(
        request,
        "offer/finder.html",
        {
            "form": form,
            "filtered": bool(filters),
            "page": page,
            "cards": cards,
            "suggestions": suggestions,
            "query": query,
        },
    )


@public
def detail(request, slug):
    opportunity = selectors.opportunity_for_page(slug=slug, user=request.user)
    if opportunity is None:
        raise Http404
    today = timezone.localdate()
    url = request.build_absolute_uri(reverse("offer:detail", args=[opportunity.slug]))
    partner_url = None
    if opportunity.partner.is_published:
        partner_url = request.build_absolute_uri(reverse("partners:detail", args=[opportunity.partner.slug]))
    return render(
        request,
        "offer/detail.html",
        {
            "opportunity": opportunity,
            "when": display.when_text(opportunity),
            "where": display.where_text(opportunity),
            "cost": display.cost_text(opportunity),
            "support": display.support_tags(opportunity),
            "access": display.access_facts(opportunity.venue),
            "sessions": selectors.upcoming_sessions(opportunity, today=today),
            "partner_url": partner_url,
            "jsonld": jsonld_script(opportunity_jsonld(opportunity, url=url, partner_url=partner_url)),
            "is_cancelled": opportunity.status == opportunity.Status.CANCELLED,
        },
    )


@public
def detail_ics(request, slug):
    opportunity = selectors.opportunity_for_page(slug=slug, user=request.user)
    if opportunity is None:
        raise Http404
    url = request.build_absolute_uri(reverse("offer:detail", args=[opportunity.slug]))
    return calendar_response(opportunity_calendar(opportunity, url=url), filename=f"{opportunity.slug}.ics")


@public
def finder_ics(request):
    _form, filters = FinderForm.from_query(request.GET)
    text = search_calendar(filters=filters, today=timezone.localdate(), absolute=request.build_absolute_uri)
    return calendar_response(text, filename="music-making.ics")


urlpatterns = [
    path("opportunities/", finder, name="finder"),
    path("opportunities/feed.ics", finder_ics, name="finder_ics"),
    path("opportunities/feed.atom", public(FinderAtomFeed()), name="finder_atom"),
    path("opportunities/<slug:slug>/", detail, name="detail"),
    path("opportunities/<slug:slug>/sessions.ics", detail_ics, name="detail_ics"),
]
