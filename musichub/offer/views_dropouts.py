"""Drop-out alerts (/delivery/drop-outs/): who has stopped coming, recording the follow-up, and the reasons.

Leaders see the places on opportunities they lead, partner members their partner's, staff every place
(dropouts.enrolments_in_scope); a place outside someone's scope answers 404. The rule itself is in
dropouts.py.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from musichub.core.permissions import can, check_object, requires
from musichub.core.services import record_audit

from . import dropouts
from .forms_delivery import AcademicYearForm, FollowUpForm
from .models import DeliverySettings, FollowUp
from .wholeclass import academic_year_label, academic_year_of

PER_PAGE = 25


@requires("offer.follow_up_dropouts")
def dropout_list(request):
    threshold = DeliverySettings.current().missed_in_a_row
    places = dropouts.dropouts_for(request.user, missed_in_a_row=threshold)
    return render(
        request,
        "offer/dropouts/list.html",
        {
            "page": Paginator(places, PER_PAGE).get_page(request.GET.get("page")),
            "threshold": threshold,
            "may_see_reasons": can(request.user, "offer.view_dropout_reasons"),
        },
    )


def _place(request, pk):
    """An enrolled place `request.user` may follow up, with its streak: 404 for anyone else's."""
    enrolment = get_object_or_404(
        dropouts.with_streaks(dropouts.enrolments_in_scope(request.user)).select_related(
            "young_person", "young_person__school", "opportunity", "opportunity__partner"
        ),
        pk=pk,
    )
    check_object(request.user, "offer.follow_up_dropouts", enrolment.opportunity)
    return enrolment


@requires("offer.follow_up_dropouts")
def follow_up(request, pk):
    enrolment = _place(request, pk)
    form = FollowUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            dropouts.record_follow_up(enrolment=enrolment, recorded_by=request.user, **form.follow_up_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Follow-up recorded for %(name)s.") % {"name": enrolment.young_person.display_name},
            )
            return redirect("offer:dropouts")
    young_person = enrolment.young_person
    record_audit(
        actor=request.user, action="young_person.viewed", obj=young_person, detail="drop-out follow-up"
    )
    return render(
        request,
        "offer/dropouts/follow_up.html",
        {
            "enrolment": enrolment,
            "young_person": young_person,
            "form": form,
            "barriers": young_person.named_barriers.select_related("barrier").order_by("barrier__name"),
            "support": young_person.support_requests.select_related("kind").order_by("-created_at"),
            "history": dropouts.follow_up_history(enrolment),
            "threshold": DeliverySettings.current().missed_in_a_row,
            "may_manage_enrolments": can(request.user, "offer.manage_enrolments", enrolment.opportunity),
            "left": FollowUp.Outcome.LEFT,
        },
        status=400 if form.errors else 200,
    )


@requires("offer.view_dropout_reasons")
def dropout_reasons(request):
    today = timezone.localdate()
    this_year = academic_year_of(today)
    chooser, year = AcademicYearForm.from_query(request.GET, years=range(this_year, this_year - 5, -1))
    return render(
        request,
        "offer/dropouts/reasons.html",
        {
            "chooser": chooser,
            "year": academic_year_label(year),
            "summary": dropouts.reasons_summary(year=year),
        },
    )


urlpatterns = [
    path("delivery/drop-outs/", dropout_list, name="dropouts"),
    path("delivery/drop-outs/reasons/", dropout_reasons, name="dropout_reasons"),
    path("delivery/drop-outs/<int:pk>/", follow_up, name="follow_up"),
]
