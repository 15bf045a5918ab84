"""Pages of the instrument library.

Staff (/manage/instruments/): the library and its filters, an instrument's page with its loans and repairs,
lending (to a young person or a school), returns, paper agreements, repairs, the loans and overdue lists, the
instrument support still to fulfil, and a young person's loans.

Families (/family/loans/): a guardian sees their children's loans and accepts each loan agreement; a young
person sees their own and, from 16, accepts their own. Someone else's loan answers 404.

Opening a page that shows one young person's loans is written to the audit log ("young_person.loans_viewed").
"""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from musichub.core.permissions import requires, role_of
from musichub.core.roles import Role
from musichub.core.services import record_audit
from musichub.people.selectors import young_people_visible_to

from . import selectors
from .agreement_texts import agreement_text
from .forms import (
    AcceptAgreementForm,
    InstrumentFilterForm,
    InstrumentForm,
    LendToSchoolForm,
    LendToYoungPersonForm,
    LoanFilterForm,
    PaperAgreementForm,
    RepairBackForm,
    RepairForm,
    ReturnForm,
    YoungPersonSearchForm,
)
from .models import LibraryInstrument, Loan, Repair
from .services import (
    accept_agreement,
    add_instrument,
    can_accept_own_agreement,
    lend_instrument,
    record_paper_agreement,
    record_repair_back,
    return_loan,
    send_for_repair,
    update_instrument,
)

logger = logging.getLogger(__name__)

PER_PAGE = 25
PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
MANAGE = "instruments.manage_library"


def _page(request, items, param="page"):
    return Paginator(items, PER_PAGE).get_page(request.GET.get(param))


def _instrument(pk) -> LibraryInstrument:
    return get_object_or_404(LibraryInstrument.objects.select_related("instrument_type"), pk=pk)


def _loan(request, pk) -> Loan:
    try:
        return selectors.loan_page(request.user, pk)
    except Loan.DoesNotExist:
        raise Http404 from None


def _audit_loans_viewed(request, young_person, detail: str) -> None:
    record_audit(actor=request.user, action="young_person.loans_viewed", obj=young_person, detail=detail)


# ---- The library ----------------------------------------------------------------------------------------------


@requires(MANAGE)
def library(request):
    filter_form, chosen = InstrumentFilterForm.from_query(request.GET)
    instruments = selectors.library_list(
        search=chosen.get("q", ""),
        instrument_type=chosen.get("type"),
        size=chosen.get("size", ""),
        condition=chosen.get("condition", ""),
        location=chosen.get("location", ""),
        available=chosen.get("available", False),
    )
    fulfilling = (
        selectors.awarded_instrument_request(request.user, request.GET["for"])
        if "for" in request.GET
        else None
    )
    return render(
        request,
        "instruments/library.html",
        {
            "page": _page(request, instruments),
            "filter_form": filter_form,
            "filtered": bool(chosen),
            "fulfilling": fulfilling,
            "today": timezone.localdate(),
        },
    )


@requires(MANAGE)
def instrument_add(request):
    form = InstrumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            instrument = add_instrument(added_by=request.user, **form.instrument_fields())
        except ValidationError as error:
            form.add_error("asset_number" if error.code == "asset_number_taken" else None, error)
        else:
            messages.success(
                request, _("%(asset)s is added to the library.") % {"asset": instrument.asset_number}
            )
            return redirect("instruments:detail", pk=instrument.pk)
    return render(
        request, "instruments/instrument_form.html", {"form": form}, status=400 if form.errors else 200
    )


@requires(MANAGE)
def instrument_edit(request, pk):
    instrument = _instrument(pk)
    form = InstrumentForm(
        request.POST or None, request.FILES or None, initial=InstrumentForm.initial_from(instrument)
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_instrument(instrument=instrument, updated_by=request.user, **form.instrument_fields())
        except ValidationError as error:
            form.add_error("asset_number" if error.code == "asset_number_taken" else None, error)
        else:
            messages.success(request, _("The instrument’s details are saved."))
            return redirect("instruments:detail", pk=instrument.pk)
    return render(
        request,
        "instruments/instrument_form.html",
        {"form": form, "instrument": instrument},
        status=400 if form.errors else 200,
    )


@requires(MANAGE)
def instrument_detail(request, pk):
    instrument = _instrument(pk)
    return render(
        request,
        "instruments/instrument.html",
        {
            "instrument": instrument,
            "open_loan": selectors.open_loan_of(instrument),
            "open_repair": selectors.open_repair_of(instrument),
            "lending_problem": selectors.lending_problem(instrument),
            "loans": _page(request, selectors.loan_history(instrument), "loans"),
            "repairs": _page(request, selectors.repair_history(instrument), "repairs"),
        },
    )


@requires(MANAGE)
def instrument_photo(request, pk):
    """The photo, streamed from private storage to staff (it has no public address)."""
    instrument = _instrument(pk)
    if not instrument.photo:
        raise Http404
    try:
        handle = instrument.photo.open("rb")
    except FileNotFoundError:
        logger.error("photo of library instrument %s is missing from storage", instrument.pk)
        raise Http404 from None
    # Only image types are ever sent as such (the form stores photos as .jpg, .png or .webp).
    content_type = PHOTO_TYPES.get(
        instrument.photo.name.rsplit(".", 1)[-1].lower(), "application/octet-stream"
    )
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---- Lending and returns --------------------------------------------------------------------------------------


def _chosen_young_person(request):
    """The young person picked in the lending page's first step (GET or POST), if `request.user` may see them."""
    raw = request.POST.get("young_person") or request.GET.get("young_person")
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        return None
    return (
        young_people_visible_to(request.user)
        .filter(pk=pk, anonymised_at__isnull=True)
        .select_related("school")
        .first()
    )


@requires(MANAGE)
def lend(request, pk):
    instrument = _instrument(pk)
    problem = selectors.lending_problem(instrument)
    context = {"instrument": instrument, "problem": problem}
    if request.GET.get("to") == "school":
        return _lend_to_school(request, instrument, context)
    fulfilling = selectors.awarded_instrument_request(request.user, request.GET.get("for"))
    young_person = fulfilling.young_person if fulfilling else _chosen_young_person(request)
    if young_person is None:
        search = YoungPersonSearchForm(request.GET)
        query = search.cleaned_data["q"].strip() if search.is_valid() else ""
        context.update(
            {
                "search_form": search if query else YoungPersonSearchForm(),
                "query": query,
                "matches": list(selectors.young_people_to_lend_to(request.user, query)) if query else [],
            }
        )
        return render(request, "instruments/lend_choose.html", context)
    requests = selectors.fulfilling_requests_for(young_person)
    initial = {"young_person": young_person.pk}
    if fulfilling is not None:
        initial["support_request"] = fulfilling.pk
    elif len(awarded := list(requests[:2])) == 1:
        initial["support_request"] = awarded[0].pk  # their one award: lending fulfils it
    form = LendToYoungPersonForm(
        request.POST or None,
        initial=initial,
        instrument=instrument,
        young_people=young_people_visible_to(request.user).filter(pk=young_person.pk),
        support_requests=requests,
    )
    if request.method == "POST" and form.is_valid():
        try:
            loan = lend_instrument(
                instrument=instrument,
                lent_by=request.user,
                young_person=form.cleaned_data["young_person"],
                support_request=form.cleaned_data["support_request"],
                starts_on=form.cleaned_data["starts_on"],
                due_on=form.cleaned_data["due_on"],
                condition_out=form.cleaned_data["condition_out"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(asset)s is lent to %(who)s. Their loan agreement is waiting to be accepted.")
                % {"asset": instrument.asset_number, "who": young_person.display_name},
            )
            return redirect("instruments:loan", pk=loan.pk)
    context.update({"form": form, "young_person": young_person})
    return render(request, "instruments/lend.html", context, status=400 if form.errors else 200)


def _lend_to_school(request, instrument, context):
    form = LendToSchoolForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        try:
            loan = lend_instrument(
                instrument=instrument,
                lent_by=request.user,
                school=form.cleaned_data["school"],
                programme=form.cleaned_data["programme"],
                starts_on=form.cleaned_data["starts_on"],
                due_on=form.cleaned_data["due_on"],
                condition_out=form.cleaned_data["condition_out"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(asset)s is lent to %(school)s.")
                % {"asset": instrument.asset_number, "school": loan.school.name},
            )
            return redirect("instruments:loan", pk=loan.pk)
    context.update({"form": form, "to_school": True})
    return render(request, "instruments/lend.html", context, status=400 if form.errors else 200)


def _render_loan(request, loan, *, paper_form=None, status=200):
    if loan.young_person_id:
        _audit_loans_viewed(request, loan.young_person, f"loan page #{loan.pk}")
    return render(
        request,
        "instruments/loan.html",
        {
            "loan": loan,
            "paper_form": paper_form or PaperAgreementForm(),
            "agreement": agreement_text(loan.agreement_version) if loan.agreement_version else None,
        },
        status=status,
    )


@requires(MANAGE)
def loan_detail(request, pk):
    return _render_loan(request, _loan(request, pk))


@requires(MANAGE)
@require_POST
def paper_agreement(request, pk):
    loan = _loan(request, pk)
    form = PaperAgreementForm(request.POST)
    if form.is_valid():
        try:
            record_paper_agreement(
                loan=loan,
                recorded_by=request.user,
                given_by=form.cleaned_data["given_by"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The signed agreement is recorded."))
            return redirect("instruments:loan", pk=loan.pk)
    return _render_loan(request, loan, paper_form=form, status=400)


@requires(MANAGE)
def loan_return(request, pk):
    loan = _loan(request, pk)
    if loan.returned_on is not None:
        messages.info(request, _("This loan has already been returned."))
        return redirect("instruments:loan", pk=loan.pk)
    form = ReturnForm(request.POST or None, loan=loan)
    if request.method == "POST" and form.is_valid():
        try:
            return_loan(loan=loan, received_by=request.user, **{
                "returned_on": form.cleaned_data["returned_on"],
                "condition_in": form.cleaned_data["condition_in"],
                "notes": form.cleaned_data["notes"],
            })  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("%(asset)s is back in the store.") % {"asset": loan.instrument.asset_number}
            )
            return redirect("instruments:detail", pk=loan.instrument_id)
    return render(
        request, "instruments/return.html", {"loan": loan, "form": form}, status=400 if form.errors else 200
    )


@requires(MANAGE)
def loans(request):
    filter_form, status = LoanFilterForm.from_query(request.GET)
    return render(
        request,
        "instruments/loans.html",
        {
            "page": _page(request, selectors.loans_list(request.user, status=status)),
            "filter_form": filter_form,
            "status": status,
        },
    )


@requires(MANAGE)
def overdue(request):
    return render(
        request, "instruments/overdue.html", {"page": _page(request, selectors.overdue_loans(request.user))}
    )


@requires(MANAGE)
def to_fulfil(request):
    return render(
        request,
        "instruments/to_fulfil.html",
        {"page": _page(request, selectors.support_to_fulfil(request.user))},
    )


@requires(MANAGE)
def young_person_loans(request, pk):
    young_person = get_object_or_404(young_people_visible_to(request.user).select_related("school"), pk=pk)
    _audit_loans_viewed(request, young_person, "all loans")
    return render(
        request,
        "instruments/young_person_loans.html",
        {
            "young_person": young_person,
            "page": _page(request, selectors.loans_of_young_person(young_person)),
            "to_fulfil": list(selectors.fulfilling_requests_for(young_person)),
        },
    )


# ---- Repairs --------------------------------------------------------------------------------------------------


@requires(MANAGE)
def repair_send(request, pk):
    instrument = _instrument(pk)
    form = RepairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            send_for_repair(instrument=instrument, sent_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(asset)s is at the repairer.") % {"asset": instrument.asset_number})
            return redirect("instruments:detail", pk=instrument.pk)
    return render(
        request,
        "instruments/repair_form.html",
        {"instrument": instrument, "form": form},
        status=400 if form.errors else 200,
    )


@requires(MANAGE)
def repair_back(request, pk):
    repair = get_object_or_404(Repair.objects.select_related("instrument__instrument_type"), pk=pk)
    if repair.back_on is not None:
        messages.info(request, _("This repair is already recorded as back."))
        return redirect("instruments:detail", pk=repair.instrument_id)
    form = RepairBackForm(request.POST or None, repair=repair)
    if request.method == "POST" and form.is_valid():
        try:
            record_repair_back(repair=repair, recorded_by=request.user, **form.repair_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("%(asset)s is back in the store.") % {"asset": repair.instrument.asset_number}
            )
            return redirect("instruments:detail", pk=repair.instrument_id)
    return render(
        request,
        "instruments/repair_back.html",
        {"repair": repair, "instrument": repair.instrument, "form": form},
        status=400 if form.errors else 200,
    )


# ---- Families ---------------------------------------------------------------------------------------------------


def _family_loan(request, pk) -> Loan:
    """One of the family's loans: 404 for anyone else's (never say whether it exists)."""
    return get_object_or_404(
        selectors.family_loans(request.user).select_related("young_person__family"), pk=pk
    )


def _may_accept(user, loan) -> bool:
    if loan.young_person_id is None or loan.agreement_accepted_at or loan.returned_on:
        return False
    if role_of(user) == Role.YOUNG_PERSON:
        return can_accept_own_agreement(loan.young_person)
    return True


@requires("instruments.view_own_loans")
def family_loans(request):
    return render(
        request,
        "instruments/family/loans.html",
        {"page": _page(request, selectors.family_loans(request.user))},
    )


def _render_family_loan(request, loan, form=None, status=200):
    _audit_loans_viewed(request, loan.young_person, f"family page, loan #{loan.pk}")
    return render(
        request,
        "instruments/family/loan.html",
        {
            "loan": loan,
            "agreement": agreement_text(loan.agreement_version)
            if loan.agreement_version
            else agreement_text(),
            "may_accept": _may_accept(request.user, loan),
            "is_young_person": role_of(request.user) == Role.YOUNG_PERSON,
            "form": form or AcceptAgreementForm(),
        },
        status=status,
    )


@requires("instruments.view_own_loans")
def family_loan(request, pk):
    return _render_family_loan(request, _family_loan(request, pk))


@requires("instruments.accept_agreement")
@require_POST
def family_accept(request, pk):
    loan = _family_loan(request, pk)
    form = AcceptAgreementForm(request.POST)
    if form.is_valid():
        try:
            accept_agreement(loan=loan, accepted_by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: the loan agreement is accepted."))
            return redirect("instruments:family_loan", pk=loan.pk)
    return _render_family_loan(request, loan, form=form, status=400)


urlpatterns = [
    path("manage/instruments/", library, name="library"),
    path("manage/instruments/new/", instrument_add, name="add"),
    path("manage/instruments/<int:pk>/", instrument_detail, name="detail"),
    path("manage/instruments/<int:pk>/edit/", instrument_edit, name="edit"),
    path("manage/instruments/<int:pk>/photo/", instrument_photo, name="photo"),
    path("manage/instruments/<int:pk>/lend/", lend, name="lend"),
    path("manage/instruments/<int:pk>/repair/", repair_send, name="repair"),
    path("manage/instruments/repairs/<int:pk>/back/", repair_back, name="repair_back"),
    path("manage/instruments/loans/", loans, name="loans"),
    path("manage/instruments/loans/<int:pk>/", loan_detail, name="loan"),
    path("manage/instruments/loans/<int:pk>/return/", loan_return, name="return"),
    path("manage/instruments/loans/<int:pk>/paper-agreement/", paper_agreement, name="paper_agreement"),
    path("manage/instruments/overdue/", overdue, name="overdue"),
    path("manage/instruments/to-fulfil/", to_fulfil, name="to_fulfil"),
    path("manage/instruments/young-people/<int:pk>/", young_person_loans, name="young_person"),
    path("family/loans/", family_loans, name="family_loans"),
    path("family/loans/<int:pk>/", family_loan, name="family_loan"),
    path("family/loans/<int:pk>/accept/", family_accept, name="family_accept"),
]
