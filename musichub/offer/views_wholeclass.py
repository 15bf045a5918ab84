"""Whole-class teaching (/manage/whole-class/) and the school contact's page (/school/work/).

Staff record and see every programme; partner members their own partner's (WholeClassProgramme.is_managed_by,
asked through check_object). A school contact sees the hub's work in their own school: programmes,
sessions, numbers (small numbers suppressed) and what comes next, never a pupil's record.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from musichub.core.permissions import STAFF, check_object, requires, role_of
from musichub.partners.selectors import membership_of
from musichub.people.forms import SchoolChoiceForm
from musichub.people.models import School
from musichub.people.selectors import school_of_contact

from . import wholeclass
from .forms_delivery import AcademicYearForm, ProgrammeFilterForm, ProgrammeForm, PupilListForm
from .models import WholeClassProgramme

PER_PAGE = 25


def _page(request, items, name="page"):
    return Paginator(items, PER_PAGE).get_page(request.GET.get(name))


def _own_partner(request):
    """The partner a member records for; staff get None (they choose). A member without one: 404."""
    if role_of(request.user) in STAFF:
        return None
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    return membership.partner


def _programme(request, pk) -> WholeClassProgramme:
    """The programme, if the signed-in person may manage it: 404 when unknown, 403 when another partner's."""
    programme = get_object_or_404(WholeClassProgramme.objects.select_related("school", "partner"), pk=pk)
    check_object(request.user, "offer.manage_whole_class", programme)
    return programme


# ---- Programmes ---------------------------------------------------------------------------------------------


@requires("offer.manage_whole_class")
def programme_list(request):
    today = timezone.localdate()
    visible = wholeclass.programmes_visible_to(request.user)
    schools = School.objects.filter(pk__in=visible.values("school_id")).order_by("name")
    years = wholeclass.years_with_programmes(visible, today=today)
    filter_form, chosen = ProgrammeFilterForm.from_query(request.GET, schools=schools, years=years)
    programmes = wholeclass.programme_list(request.user, school=chosen.get("school"), year=chosen.get("year"))
    return render(
        request,
        "offer/wholeclass/list.html",
        {"page": _page(request, programmes), "filter_form": filter_form, "filtered": bool(chosen)},
    )


@requires("offer.manage_whole_class")
def programme_create(request):
    own = _own_partner(request)
    form = ProgrammeForm(request.POST if request.method == "POST" else None, partner=own)
    if request.method == "POST" and form.is_valid():
        try:
            programme = wholeclass.record_programme(recorded_by=request.user, **form.programme_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Programme recorded. Add the pupil list if the school shares it."))
            return redirect("offer:whole_class_pupils", pk=programme.pk)
    return render(
        request,
        "offer/wholeclass/form.html",
        {"form": form, "programme": None},
        status=400 if form.errors else 200,
    )


@requires("offer.manage_whole_class")
def programme_edit(request, pk):
    programme = _programme(request, pk)
    own = _own_partner(request)
    form = ProgrammeForm(request.POST if request.method == "POST" else None, instance=programme, partner=own)
    if request.method == "POST" and form.is_valid():
        try:
            wholeclass.update_programme(programme=programme, updated_by=request.user, **form.programme_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Programme saved."))
            return redirect("offer:whole_class")
    return render(
        request,
        "offer/wholeclass/form.html",
        {"form": form, "programme": programme},
        status=400 if form.errors else 200,
    )


@requires("offer.manage_whole_class")
def programme_pupils(request, pk):
    programme = _programme(request, pk)
    choices = wholeclass.pupils_to_choose_from(
        request.user, school=programme.school, year_group=programme.year_group
    )
    form = PupilListForm(
        request.POST if request.method == "POST" else None,
        choices=choices,
        initial={"pupils": list(programme.pupil_list.filter(pk__in=choices.values("pk")))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            listed = wholeclass.set_pupil_list(
                programme=programme,
                pupils=form.cleaned_data["pupils"],
                chosen_from=choices,
                updated_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The pupil list has %(n)s pupils.") % {"n": listed})
            return redirect("offer:whole_class")
    return render(
        request,
        "offer/wholeclass/pupils.html",
        {
            "programme": programme,
            "form": form,
            "has_choices": choices.exists(),
            "listed": programme.pupil_list.count(),
        },
        status=400 if form.errors else 200,
    )


@requires("offer.manage_whole_class")
def figures(request):
    today = timezone.localdate()
    visible = wholeclass.programmes_visible_to(request.user)
    chooser, year = AcademicYearForm.from_query(
        request.GET, years=wholeclass.years_with_programmes(visible, today=today)
    )
    result = wholeclass.annual_figures(visible, year)
    return render(
        request,
        "offer/wholeclass/figures.html",
        {
            "chooser": chooser,
            "year": wholeclass.academic_year_label(year),
            "figures": result,
            "page": _page(request, result.rows),
        },
    )


# ---- The school's page --------------------------------------------------------------------------------------


@requires("offer.view_school_work")
def school_work(request):
    """The hub's work in one school. Counts only, small numbers suppressed: no pupil is named here."""
    if role_of(request.user) in STAFF:
        chooser, school = SchoolChoiceForm.from_query(request.GET)
    else:
        chooser, school = None, school_of_contact(request.user)
    context = {"chooser": chooser, "school": school}
    if school is not None:
        today = timezone.localdate()
        context |= {
            "figures": wholeclass.school_figures(school, today=today),
            "programmes": _page(request, wholeclass.school_programmes(school, today=today), "programmes"),
            "opportunities": _page(
                request, wholeclass.school_opportunities(school, today=today), "opportunities"
            ),
            "sessions": _page(request, wholeclass.school_sessions(school, today=today), "sessions"),
            "next_steps": list(wholeclass.school_next_steps(school, today=today)[:5]),
            "next_opportunities": wholeclass.opportunities_next(school, today=today),
        }
    return render(request, "offer/wholeclass/school.html", context)


urlpatterns = [
    path("manage/whole-class/", programme_list, name="whole_class"),
    path("manage/whole-class/new/", programme_create, name="whole_class_create"),
    path("manage/whole-class/figures/", figures, name="whole_class_figures"),
    path("manage/whole-class/<int:pk>/edit/", programme_edit, name="whole_class_edit"),
    path("manage/whole-class/<int:pk>/pupils/", programme_pupils, name="whole_class_pupils"),
    path("school/work/", school_work, name="school_work"),
]
