"""Fair allocation pages for hub staff: run, check, move and publish an allocation; edit the priority rules."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from musichub.core.permissions import requires
from musichub.core.templatetags.hub import error_summary

from .allocation import (
    active_priority_rules,
    applicants,
    default_priority_rules,
    entries_for_display,
    latest_run,
    override_position,
    priority_rules,
    publish_allocation,
    run_allocation,
    runs_for,
    update_priority_rule,
)
from .forms_allocation import OverrideForm, PriorityRuleForm, RunForm
from .models import AllocationEntry, AllocationRun, Opportunity

ENTRIES_PER_PAGE = 50
RUNS_PER_PAGE = 10


def _render_allocation(request, opportunity, *, run_form=None, bad_entry=None, bad_form=None, status=200):
    run = latest_run(opportunity)
    entries = None
    if run is not None:
        entries = Paginator(entries_for_display(run), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
        entries.object_list = list(entries.object_list)
        for entry in entries.object_list:
            if bad_entry is not None and entry.pk == bad_entry.pk:
                entry.form = bad_form
            else:
                entry.form = OverrideForm(prefix=f"entry-{entry.pk}", initial={"new_rank": entry.rank})
    runs = Paginator(runs_for(opportunity), RUNS_PER_PAGE).get_page(request.GET.get("runs_page"))
    context = {
        "opportunity": opportunity,
        "applicant_count": applicants(opportunity).count(),
        "rules": active_priority_rules(),
        "run_form": run_form or RunForm(),
        "run": run,
        "entries": entries,
        "runs": runs,
        "bad_form": bad_form,
        "can_allocate": opportunity.how_to_join == Opportunity.HowToJoin.APPLY,
    }
    return render(request, "offer/allocation/allocation.html", context, status=status)


@requires("offer.allocate")
def allocation(request, pk):
    opportunity = get_object_or_404(Opportunity.objects.select_related("partner"), pk=pk)
    return _render_allocation(request, opportunity)


@requires("offer.allocate")
@require_POST
def allocation_run(request, pk):
    opportunity = get_object_or_404(Opportunity, pk=pk)
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            run = run_allocation(opportunity=opportunity, run_by=request.user, seed=form.cleaned_data["seed"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The allocation has run (seed %(seed)s). Check the list, then publish the result.")
                % {"seed": run.seed},
            )
            return redirect("offer:allocation", pk=opportunity.pk)
    return _render_allocation(request, opportunity, run_form=form, status=400)


@requires("offer.allocate")
@require_POST
def allocation_override(request, pk):
    entry = get_object_or_404(AllocationEntry.objects.select_related("run__opportunity"), pk=pk)
    opportunity = entry.run.opportunity
    form = OverrideForm(request.POST, prefix=f"entry-{entry.pk}")
    if form.is_valid():
        try:
            override_position(
                entry=entry,
                new_rank=form.cleaned_data["new_rank"],
                reason=form.cleaned_data["reason"],
                overridden_by=request.user,
            )
        except ValidationError as error:
            form.add_error("new_rank" if error.code == "rank" else None, error)
        else:
            messages.success(request, _("The applicant has been moved, and the reason recorded."))
            return redirect("offer:allocation", pk=opportunity.pk)
    return _render_allocation(request, opportunity, bad_entry=entry, bad_form=form, status=400)


@requires("offer.allocate")
def allocation_publish(request, pk):
    run = get_object_or_404(AllocationRun.objects.select_related("opportunity"), pk=pk)
    problem = None
    if request.method == "POST":
        try:
            publish_allocation(run=run, published_by=request.user)
        except ValidationError as error:
            problem = error.messages[0]
        else:
            messages.success(request, _("The result is published and each family has been told."))
            return redirect("offer:allocation", pk=run.opportunity_id)
    counts = {
        "places": run.entries.filter(gets_a_place=True).count(),
        "waiting": run.entries.filter(gets_a_place=False).count(),
    }
    return render(
        request,
        "offer/allocation/publish.html",
        {"run": run, "opportunity": run.opportunity, "problem": problem, **counts},
        status=400 if problem else 200,
    )


@requires("offer.manage_priority_rules")
def priority_rules_page(request):
    rules = list(priority_rules())
    if request.method == "POST" and request.POST.get("action") == "defaults":
        default_priority_rules()
        messages.success(request, _("The standard rules are set up."))
        return redirect("offer:priority_rules")
    forms = [
        PriorityRuleForm(
            request.POST if request.method == "POST" else None,
            prefix=rule.code,
            initial={"points": rule.points, "is_active": rule.is_active, "explanation": rule.explanation},
        )
        for rule in rules
    ]
    for rule, form in zip(rules, forms, strict=True):
        rule.form = form
    if request.method == "POST":
        valid = [form.is_valid() for form in forms]  # validate every form, to show every error at once
        if all(valid):
            with transaction.atomic():
                for rule, form in zip(rules, forms, strict=True):
                    if form.has_changed():
                        update_priority_rule(rule=rule, edited_by=request.user, **form.cleaned_data)
            messages.success(request, _("The priority rules are saved."))
            return redirect("offer:priority_rules")
        context = {"rules": rules, "forms": forms, **error_summary(*forms)}  # one summary for all the rules
        return render(request, "offer/allocation/priority_rules.html", context, status=400)
    return render(request, "offer/allocation/priority_rules.html", {"rules": rules, "forms": forms})


urlpatterns = [
    path("manage/offer/<int:pk>/allocation/", allocation, name="allocation"),
    path("manage/offer/<int:pk>/allocation/run/", allocation_run, name="allocation_run"),
    path("manage/offer/allocation/entries/<int:pk>/move/", allocation_override, name="allocation_override"),
    path("manage/offer/allocation/runs/<int:pk>/publish/", allocation_publish, name="allocation_publish"),
    path("manage/offer/priority-rules/", priority_rules_page, name="priority_rules"),
]
