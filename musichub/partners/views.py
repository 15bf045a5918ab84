"""Partner pages: the public directory and application form, staff review and editing, a member's entry."""

import logging
from itertools import groupby
from operator import attrgetter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from musichub.core.permissions import STAFF, check_object, public, requires, role_of
from musichub.core.ratelimit import client_key, over_limit
from musichub.core.selectors import content_block
from musichub.core.services import record_audit

from . import selectors
from .forms import (
    ApproveForm,
    AskForInformationForm,
    DeclineForm,
    DirectoryFilterForm,
    NoteForm,
    OwnPartnerForm,
    PartnerApplicationForm,
    PartnerForm,
    PartnerSearchForm,
    ReviewFilterForm,
)
from .models import Partner, PartnerApplication
from .services import (
    add_application_note,
    approve_partner_application,
    ask_for_more_information,
    create_partner,
    decline_partner_application,
    submit_partner_application,
    update_own_partner_entry,
    update_partner,
)

logger = logging.getLogger(__name__)

PER_PAGE = 20
# Spam protection for the public application form: five applications an hour from one address.
APPLICATION_LIMIT = 5
APPLICATION_PERIOD_SECONDS = 60 * 60


# Headings of the directory's groups (the level labels are singular: "Local partner").
LEVEL_HEADINGS = {
    Partner.Level.LEAD: _lazy("Lead partner"),
    Partner.Level.LOCAL: _lazy("Local partners"),
    Partner.Level.REGIONAL: _lazy("Regional partners"),
    Partner.Level.NATIONAL: _lazy("National partners"),
}


def _page(request, items):
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


# ---- Public ---------------------------------------------------------------------------------------------


@public
def directory(request):
    filter_form, chosen = DirectoryFilterForm.from_query(request.GET)
    partners = selectors.directory_partners(
        organisation_type=chosen.get("organisation_type"),
        genre=chosen.get("genre"),
        instrument=chosen.get("instrument"),
        activity_kind=chosen.get("activity"),
        setting=chosen.get("setting"),
    )
    page = _page(request, partners)
    # The page's partners come ordered by level: group the (at most 20) of them under a heading per level.
    groups = [
        {"level": level, "heading": LEVEL_HEADINGS.get(level, level), "partners": list(members)}
        for level, members in groupby(page.object_list, key=attrgetter("level"))
    ]
    return render(
        request,
        "partners/directory.html",
        {"page": page, "groups": groups, "filter_form": filter_form, "filtered": bool(chosen)},
    )


@public
def detail(request, slug):
    partner = get_object_or_404(selectors.published_partner_detail(), slug=slug)
    return render(request, "partners/detail.html", {"partner": partner})


@public
def become(request):
    form = PartnerApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_spam():
            # Pretend all went well, so the bot learns nothing; nothing is stored or sent.
            logger.info("partner application honeypot filled; discarded")
            return redirect("partners:become_thanks")
        if form.is_valid():
            if over_limit(
                scope="partner-application",
                key=client_key(request),
                limit=APPLICATION_LIMIT,
                period_seconds=APPLICATION_PERIOD_SECONDS,
            ):
                logger.warning("partner application refused: rate limit reached")
                form.add_error(
                    None,
                    _(
                        "Too many applications have been sent from your connection in the last hour. "
                        "Your answers are kept below: please try again later, or email the hub."
                    ),
                )
                form.ask_for_file_again()
            else:
                try:
                    submit_partner_application(**form.application_data())
                except ValidationError as error:
                    form.add_error(None, error)
                    form.ask_for_file_again()
                else:
                    return redirect("partners:become_thanks")
    return render(request, "partners/become.html", {"form": form, "intro": content_block("become-partner")})


@public
def become_thanks(request):
    return render(request, "partners/become_thanks.html")


# ---- Staff: applications --------------------------------------------------------------------------------


@requires("partners.review_applications")
def review_queue(request):
    filter_form, status = ReviewFilterForm.from_query(request.GET)
    applications = selectors.applications_for_review(status=status)
    return render(
        request,
        "partners/review_queue.html",
        {"page": _page(request, applications), "filter_form": filter_form, "status": status},
    )


def _application(pk) -> PartnerApplication:
    return get_object_or_404(selectors.application_for_review(), pk=pk)


def _render_application(request, application, **bound_forms):
    """The application page. It shows personal data, so every showing is written to the audit log."""
    record_audit(actor=request.user, action="partner_application.viewed", obj=application)
    forms = {
        "note_form": NoteForm(prefix="note"),
        "ask_form": AskForInformationForm(prefix="ask"),
        "approve_form": ApproveForm(prefix="approve"),
        "decline_form": DeclineForm(prefix="decline"),
        **bound_forms,
    }
    decided = application.status in (PartnerApplication.Status.APPROVED, PartnerApplication.Status.DECLINED)
    return render(
        request,
        "partners/application_detail.html",
        {"application": application, "decided": decided, **forms},
    )


@requires("partners.review_applications")
def application_detail(request, pk):
    return _render_application(request, _application(pk))


@requires("partners.review_applications")
def application_policy(request, pk):
    application = get_object_or_404(PartnerApplication, pk=pk)
    if not application.safeguarding_policy:
        raise Http404
    try:
        handle = application.safeguarding_policy.open("rb")
    except FileNotFoundError:
        logger.error("safeguarding policy of partner application %s is missing from storage", application.pk)
        raise Http404 from None
    record_audit(actor=request.user, action="partner_application.policy_downloaded", obj=application)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"safeguarding-policy-application-{application.pk}.pdf",
        content_type="application/pdf",
    )


def _application_action(request, pk, form_class, prefix, action, success_message):
    """Handle one of the review page's forms: run its service, or show the page again with the problems."""
    application = _application(pk)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            action(application, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success_message)
            return redirect("partners:application_detail", pk=application.pk)
    return _render_application(request, application, **{f"{prefix}_form": form})


@requires("partners.review_applications")
@require_POST
def application_note(request, pk):
    return _application_action(
        request,
        pk,
        NoteForm,
        "note",
        lambda application, data: add_application_note(application=application, author=request.user, **data),
        _("Your note is added."),
    )


@requires("partners.review_applications")
@require_POST
def application_ask(request, pk):
    return _application_action(
        request,
        pk,
        AskForInformationForm,
        "ask",
        lambda application, data: ask_for_more_information(
            application=application, asked_by=request.user, **data
        ),
        _("Your question is emailed to the applicant."),
    )


@requires("partners.review_applications")
@require_POST
def application_approve(request, pk):
    return _application_action(
        request,
        pk,
        ApproveForm,
        "approve",
        lambda application, data: approve_partner_application(
            application=application, approved_by=request.user, **data
        ),
        _("The application is approved. The partner's entry is made (unpublished) and its contact invited."),
    )


@requires("partners.review_applications")
@require_POST
def application_decline(request, pk):
    return _application_action(
        request,
        pk,
        DeclineForm,
        "decline",
        lambda application, data: decline_partner_application(
            application=application, declined_by=request.user, **data
        ),
        _("The application is declined and the applicant is told why."),
    )


# ---- Staff: partner entries -----------------------------------------------------------------------------


@requires("partners.edit_partners")
def manage_list(request):
    search_form, search = PartnerSearchForm.from_query(request.GET)
    partners = selectors.partners_for_staff(search=search)
    return render(
        request,
        "partners/manage_list.html",
        {"page": _page(request, partners), "search_form": search_form, "search": search},
    )


@requires("partners.edit_partners")
def partner_create(request):
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = create_partner(created_by=request.user, **form.partner_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": partner.name})
            return redirect("partners:manage_list")
    return render(request, "partners/partner_form.html", {"form": form, "partner": None})


@requires("partners.edit_partners")
def partner_edit(request, slug):
    partner = get_object_or_404(selectors.partner_with_offering(), slug=slug)
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            partner = update_partner(partner=partner, edited_by=request.user, **form.partner_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": partner.name})
            return redirect("partners:manage_list")
    return render(request, "partners/partner_form.html", {"form": form, "partner": partner})


# ---- Partner members: their own organisation ------------------------------------------------------------


def _own_partner(request, *, missing_ok=False) -> Partner | None:
    """The partner the signed-in member acts for: 404 without one (or None), 403 if the object says no."""
    membership = selectors.membership_of(request.user)
    if membership is None:
        if missing_ok:
            return None
        raise Http404
    partner = selectors.partner_with_offering().get(pk=membership.partner_id)
    check_object(request.user, "partners.edit_own_partner", partner)
    return partner


def _is_staff(user) -> bool:
    return role_of(user) in STAFF


@requires("partners.edit_own_partner")
def my_partner(request):
    if _is_staff(request.user):
        return redirect("partners:manage_list")
    return render(request, "partners/my_partner.html", {"partner": _own_partner(request, missing_ok=True)})


@requires("partners.edit_own_partner")
def my_partner_edit(request):
    if _is_staff(request.user):
        return redirect("partners:manage_list")
    partner = _own_partner(request)
    form = OwnPartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            update_own_partner_entry(partner=partner, edited_by=request.user, **form.partner_data())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your organisation's entry is saved."))
            return redirect("partners:my_partner")
    return render(request, "partners/my_partner_edit.html", {"form": form, "partner": partner})
