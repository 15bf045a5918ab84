"""The outputs of inclusion insights: the annual return and its mapping (/insights/return/), partners' yearly
figures and their review (/insights/contributions/), the stakeholder report (/insights/report/) and the public
impact page (/impact/, with its open-data CSV). Views stay thin: returns.py, contributions.py, report.py and
impact.py do the work."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from musichub.core.permissions import check_object, public, requires
from musichub.core.selectors import hub_identity
from musichub.partners.selectors import membership_of

from . import contributions, impact, report, returns
from .filters import year_label
from .forms_outputs import (
    ContributionFilterForm,
    ContributionForm,
    ReturnLineForm,
    ReviewForm,
    YearForm,
    return_years,
)
from .models import PartnerContribution, ReturnLine, ReturnSource

PER_PAGE = 25


def _page(request, items):
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


def _chosen_year(request, years, default):
    return YearForm.from_query(request.GET, years=years, default=default)


# ---- The annual return ---------------------------------------------------------------------------------------


@requires("insights.export_return")
def return_page(request):
    chooser, year = _chosen_year(request, return_years(), impact.latest_full_year())
    has_lines = ReturnLine.objects.filter(year=year).exists()
    context = {"chooser": chooser, "year": year, "year_label": year_label(year), "has_lines": has_lines}
    if has_lines:
        context["annual"] = returns.build_return(year)
    else:
        copy_from = (
            ReturnLine.objects.exclude(year=year).order_by("-year").values_list("year", flat=True).first()
        )
        context["copy_from"] = copy_from
        context["copy_from_label"] = year_label(copy_from) if copy_from is not None else ""
    return render(request, "insights/outputs/return.html", context)


@requires("insights.export_return")
def return_download(request):
    _chooser, year = _chosen_year(request, return_years(), impact.latest_full_year())
    annual = returns.build_return(year)
    if request.GET.get("format") == "csv":
        content, kind, suffix = returns.return_csv_zip(annual), "application/zip", "zip"
    else:
        content = returns.return_xlsx(annual)
        kind, suffix = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = (
        f'attachment; filename="annual-return-{year}-{str(year + 1)[-2:]}.{suffix}"'
    )
    return response


@requires("insights.edit_return_mapping")
def return_prepare(request):
    """Start a year's mapping from the documented default, or from another year's lines (POST)."""
    if request.method != "POST":
        return redirect("insights:return")
    form = YearForm(request.POST, years=return_years())
    if not form.is_valid():
        messages.error(request, _("Choose one of the academic years offered."))
        return redirect("insights:return")
    year = form.cleaned_data["year"]
    source = request.POST.get("from", "")
    if source.isdigit() and ReturnLine.objects.filter(year=int(source)).exists():
        added = returns.copy_return_lines(from_year=int(source), to_year=year)
        messages.success(
            request,
            _("%(n)s lines copied from %(from)s to %(to)s.")
            % {"n": added, "from": year_label(int(source)), "to": year_label(year)},
        )
    else:
        added = returns.load_default_return_lines(year)
        messages.success(
            request, _("%(n)s default lines added for %(year)s.") % {"n": added, "year": year_label(year)}
        )
    return redirect(f"{reverse('insights:return_lines')}?year={year}")


@requires("insights.edit_return_mapping")
def return_lines(request):
    chooser, year = _chosen_year(request, return_years(), impact.latest_full_year())
    lines = ReturnLine.objects.filter(year=year).order_by("section", "position", "code", "pk")
    page = _page(request, lines)
    slugs = returns.catalogue_slugs() if any(line.filters for line in page) else None
    for line in page:
        line.problems = returns.filter_problems(line.source, line.filters, slugs=slugs) if slugs else []
    whitelist = [
        {"source": label, "fields": returns.FILTER_FIELDS.get(value, [])}
        for value, label in ReturnSource.choices
    ]
    return render(
        request,
        "insights/outputs/return_lines.html",
        {
            "chooser": chooser,
            "year": year,
            "year_label": year_label(year),
            "page": page,
            "whitelist": whitelist,
        },
    )


def _line_form_page(request, *, year: int, line: ReturnLine | None):
    form = ReturnLineForm(request.POST if request.method == "POST" else None, instance=line, year=year)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Line %(code)s saved.") % {"code": saved.code})
        return redirect(f"{reverse('insights:return_lines')}?year={year}")
    return render(
        request,
        "insights/outputs/return_line_form.html",
        {"form": form, "line": line, "year": year, "year_label": year_label(year)},
        status=400 if form.errors else 200,
    )


@requires("insights.edit_return_mapping")
def return_line_create(request):
    _chooser, year = _chosen_year(request, return_years(), impact.latest_full_year())
    return _line_form_page(request, year=year, line=None)


@requires("insights.edit_return_mapping")
def return_line_edit(request, pk):
    line = get_object_or_404(ReturnLine, pk=pk)
    return _line_form_page(request, year=line.year, line=line)


@requires("insights.edit_return_mapping")
def return_line_delete(request, pk):
    line = get_object_or_404(ReturnLine, pk=pk)
    if request.method == "POST":
        line.delete()
        messages.success(request, _("Line %(code)s removed.") % {"code": line.code})
        return redirect(f"{reverse('insights:return_lines')}?year={line.year}")
    return render(request, "insights/outputs/return_line_delete.html", {"line": line})


# ---- Partners' contributions ------------------------------------------------------------------------------------


def _own_partner(request):
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    return membership.partner


def _own_contribution(request, pk) -> PartnerContribution:
    """The contribution, if the signed-in partner member's partner sent it: 404 unknown, 403 another's."""
    contribution = get_object_or_404(PartnerContribution.objects.select_related("partner", "school"), pk=pk)
    check_object(request.user, "insights.submit_contributions", contribution)
    return contribution


@requires("insights.submit_contributions")
def contribution_list(request):
    partner = _own_partner(request)
    return render(
        request,
        "insights/outputs/contributions.html",
        {"partner": partner, "page": _page(request, contributions.contributions_of(partner))},
    )


@requires("insights.submit_contributions")
def contribution_create(request):
    partner = _own_partner(request)
    form = ContributionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            contributions.submit_contribution(
                partner=partner, submitted_by=request.user, **form.contribution_data()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: your figures are with the hub for review."))
            return redirect("insights:contributions")
    return render(
        request,
        "insights/outputs/contribution_form.html",
        {"form": form, "partner": partner, "contribution": None},
        status=400 if form.errors else 200,
    )


@requires("insights.submit_contributions")
def contribution_edit(request, pk):
    contribution = _own_contribution(request, pk)
    if contribution.status == PartnerContribution.Status.ACCEPTED:
        messages.info(
            request, _("These figures were accepted and are in the return: ask the hub to change them.")
        )
        return redirect("insights:contributions")
    form = ContributionForm(request.POST if request.method == "POST" else None, instance=contribution)
    if request.method == "POST" and form.is_valid():
        try:
            contributions.update_contribution(
                contribution=contribution, updated_by=request.user, **form.contribution_data()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your figures are saved and with the hub for review again."))
            return redirect("insights:contributions")
    return render(
        request,
        "insights/outputs/contribution_form.html",
        {"form": form, "partner": contribution.partner, "contribution": contribution},
        status=400 if form.errors else 200,
    )


@requires("insights.review_contributions")
def contribution_review_list(request):
    filter_form = ContributionFilterForm(request.GET or None)
    chosen = filter_form.chosen() if request.GET else {"status": "", "year": None}
    found = contributions.contributions_for_review(status=chosen["status"], year=chosen["year"])
    waiting = PartnerContribution.objects.filter(status=PartnerContribution.Status.SUBMITTED).count()
    return render(
        request,
        "insights/outputs/contribution_review_list.html",
        {"filter_form": filter_form, "page": _page(request, found), "waiting": waiting},
    )


@requires("insights.review_contributions")
def contribution_review(request, pk):
    contribution = get_object_or_404(
        PartnerContribution.objects.select_related("partner", "school", "submitted_by", "reviewed_by"), pk=pk
    )
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            contributions.review_contribution(
                contribution=contribution,
                reviewed_by=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Decision saved; the partner has been told."))
            return redirect("insights:contribution_review_list")
    return render(
        request,
        "insights/outputs/contribution_review.html",
        {"contribution": contribution, "form": form, "year_label": year_label(contribution.year)},
        status=400 if form.errors else 200,
    )


# ---- The stakeholder report ---------------------------------------------------------------------------------


def _report(request):
    chooser, year = _chosen_year(request, report.report_years(), impact.latest_full_year())
    context = report.report_context(year)
    return chooser, year, context


@requires("insights.view_report")
def report_page(request):
    chooser, year, context = _report(request)
    return render(request, "insights/outputs/report.html", {**context, "chooser": chooser})


@requires("insights.view_report")
def report_pdf(request):
    _chooser, year, context = _report(request)
    pdf = report.report_pdf(context, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="impact-report-{year}-{str(year + 1)[-2:]}.pdf"'
    return response


# ---- The public impact page -----------------------------------------------------------------------------------


@public
def impact_page(request):
    figures = impact.impact_figures()
    aims = impact.with_charts([{**aim, "series": [dict(s) for s in aim["series"]]} for aim in figures["aims"]],
                        figures["year_labels"])  # fmt: skip
    return render(request, "insights/impact/impact.html", {"figures": figures, "aims": aims, "licence": impact.LICENCE,
                                                          "licence_url": impact.LICENCE_URL})  # fmt: skip


@public
def impact_csv(request):
    figures = impact.impact_figures()
    hub = hub_identity()
    content = impact.open_data_csv(
        figures,
        hub_name=hub.name if hub else _("Music Hub"),
        page_url=request.build_absolute_uri(reverse("insights:impact")),
    )
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="impact-{figures["year"]}.csv"'
    return response


urlpatterns = [
    path("insights/return/", return_page, name="return"),
    path("insights/return/download/", return_download, name="return_download"),
    path("insights/return/prepare/", return_prepare, name="return_prepare"),
    path("insights/return/lines/", return_lines, name="return_lines"),
    path("insights/return/lines/new/", return_line_create, name="return_line_create"),
    path("insights/return/lines/<int:pk>/edit/", return_line_edit, name="return_line_edit"),
    path("insights/return/lines/<int:pk>/delete/", return_line_delete, name="return_line_delete"),
    path("insights/contributions/", contribution_list, name="contributions"),
    path("insights/contributions/new/", contribution_create, name="contribution_create"),
    path("insights/contributions/<int:pk>/edit/", contribution_edit, name="contribution_edit"),
    path("insights/contributions/review/", contribution_review_list, name="contribution_review_list"),
    path("insights/contributions/<int:pk>/review/", contribution_review, name="contribution_review"),
    path("insights/report/", report_page, name="report"),
    path("insights/report/pdf/", report_pdf, name="report_pdf"),
    path("impact/", impact_page, name="impact"),
    path("impact/open-data.csv", impact_csv, name="impact_csv"),
]
