"""Privacy pages for staff: subject access (a JSON file and a readable report) and erasure of a record.

Every page starts from `young_people_visible_to(request.user)`: a record outside a person's scope is a 404,
the same answer as a record that does not exist. The reason for an export is asked once and kept in the
session for a short while, so the report can be opened, printed and downloaded without asking again; every
download and every showing of the report is written to the audit log with that reason.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from musichub.core.permissions import requires
from musichub.core.services import record_audit

from . import privacy
from .forms_privacy import ErasureForm, SubjectAccessForm
from .models import YoungPerson
from .selectors import young_people_visible_to

# How long a reason given for an export stays valid in the session.
REASON_VALID_FOR = datetime.timedelta(minutes=30)


def _young_person(request, pk) -> YoungPerson:
    """The record, if it is in the signed-in person's scope; else 404 (never a hint that it exists)."""
    return get_object_or_404(young_people_visible_to(request.user).select_related("school"), pk=pk)


def _record_url(young_person) -> str | None:
    """The staff record page (people:detail, in views.py), for the "back" links."""
    try:
        return reverse("people:detail", args=[young_person.pk])
    except NoReverseMatch:
        return None


def _render(request, template, young_person, **context):
    return render(
        request,
        f"people/privacy/{template}",
        {"young_person": young_person, "record_url": _record_url(young_person), **context},
    )


def _session_key(pk) -> str:
    return f"people.subject_access.{pk}"


def _remember_reason(request, pk, reason: str) -> None:
    request.session[_session_key(pk)] = {
        "reason": reason,
        "until": (timezone.now() + REASON_VALID_FOR).isoformat(),
    }


def _remembered_reason(request, pk) -> str | None:
    stored = request.session.get(_session_key(pk))
    if not stored:
        return None
    try:
        until = datetime.datetime.fromisoformat(stored["until"])
    except (KeyError, TypeError, ValueError):
        return None
    if until < timezone.now():
        request.session.pop(_session_key(pk), None)
        return None
    return stored.get("reason") or None


@requires("people.subject_access")
def subject_access(request, pk):
    young_person = _young_person(request, pk)
    form = SubjectAccessForm(request.POST or None, young_person=young_person)
    if request.method == "POST" and form.is_valid():
        _remember_reason(request, young_person.pk, form.cleaned_data["reason"])
        return redirect("people:subject_access", pk=young_person.pk)
    record_audit(
        actor=request.user, action="young_person.viewed", obj=young_person, detail="subject access page"
    )
    reason = None if request.method == "POST" else _remembered_reason(request, young_person.pk)
    if reason and "change" not in request.GET:
        return _render(request, "subject_access_ready.html", young_person, reason=reason)
    if reason and not form.is_bound:
        form = SubjectAccessForm(initial={"reason": reason}, young_person=young_person)
    return _render(request, "subject_access.html", young_person, form=form)


def _export_reason_or_redirect(request, young_person):
    reason = _remembered_reason(request, young_person.pk)
    if reason is None:
        messages.info(request, _("Say why you are exporting this record first."))
    return reason


@requires("people.subject_access")
def subject_access_json(request, pk):
    young_person = _young_person(request, pk)
    reason = _export_reason_or_redirect(request, young_person)
    if reason is None:
        return redirect("people:subject_access", pk=young_person.pk)
    body = privacy.subject_access_json(young_person)
    privacy.record_export(
        young_person=young_person, exported_by=request.user, reason=reason, export_format="json"
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    # The file is named by record number and date: names never go into file names, URLs or logs.
    filename = f"subject-access-{young_person.pk}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@requires("people.subject_access")
def subject_access_report(request, pk):
    young_person = _young_person(request, pk)
    reason = _export_reason_or_redirect(request, young_person)
    if reason is None:
        return redirect("people:subject_access", pk=young_person.pk)
    context = privacy.subject_access_report(young_person)
    young_person = context.pop("young_person")
    privacy.record_export(
        young_person=young_person, exported_by=request.user, reason=reason, export_format="report"
    )
    response = _render(request, "subject_access_report.html", young_person, **{**context, "reason": reason})
    response["Cache-Control"] = "no-store"
    return response


@requires("people.erase")
def erase(request, pk):
    young_person = _young_person(request, pk)
    if young_person.anonymised_at is not None:
        return _render(request, "erased.html", young_person)
    form = ErasureForm(request.POST or None, young_person=young_person)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.erase_young_person(
                young_person=young_person, erased_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The record is erased. The facts that reports count are kept."))
            return redirect("people:erase", pk=young_person.pk)
    record_audit(actor=request.user, action="young_person.viewed", obj=young_person, detail="erasure page")
    return _render(request, "erase.html", young_person, form=form)


urlpatterns = [
    path("manage/young-people/<int:pk>/subject-access/", subject_access, name="subject_access"),
    path("manage/young-people/<int:pk>/subject-access.json", subject_access_json, name="subject_access_json"),
    path(
        "manage/young-people/<int:pk>/subject-access/report/",
        subject_access_report,
        name="subject_access_report",
    ),
    path("manage/young-people/<int:pk>/erase/", erase, name="erase"),
]
