"""Walk-ins to follow up (/manage/walk-ins/): hub staff invite the family to register, or record a follow-up.

Staff only (offer.follow_up_walk_ins). The page shows parents' and carers' contact details, so every view of it
writes one audit entry per young person shown. The rule for who is on the list is in walkins.py.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from musichub.core.models import AuditEntry
from musichub.core.permissions import requires
from musichub.people.models import YoungPerson
from musichub.people.services import age_on

from . import walkins
from .forms_walkins import FollowedUpForm
from .models import WalkInContact

PER_PAGE = 25


def _show(request) -> str:
    show = request.GET.get("show", walkins.SHOW_WAITING)
    return show if show in walkins.SHOW_CHOICES else walkins.SHOW_WAITING


def _prefix(pk: int) -> str:
    return f"walk-in-{pk}"


def _list_url(request) -> str:
    """The list as it was (which view, which page): only the parameters the list knows."""
    query = {key: request.GET[key] for key in ("show", "page") if request.GET.get(key)}
    url = reverse("offer:walk_ins")
    return f"{url}?{urlencode(query)}" if query else url


def _render_list(request, *, bound: FollowedUpForm | None = None, bound_pk: int | None = None, status=200):
    show = _show(request)
    page = Paginator(walkins.walk_ins_to_follow_up(show=show), PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = []
    for contact in page.object_list:
        young_person = contact.young_person
        if bound is not None and contact.pk == bound_pk:
            form = bound
        else:
            form = FollowedUpForm(prefix=_prefix(contact.pk), name=young_person.display_name)
        rows.append(
            {
                "contact": contact,
                "young_person": young_person,
                "age": age_on(young_person.date_of_birth, today),
                "invite_again_at": walkins.may_invite_again_at(contact),
                "form": form,
            }
        )
    if bound is not None and bound_pk not in {row["contact"].pk for row in rows}:
        # The row moved off this page meanwhile: say what was wrong rather than lose it silently.
        for errors in bound.errors.values():
            for error in errors:
                messages.error(request, error)
    # Contact details of a family are personal data: one entry per young person whose row was shown.
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=request.user,
            action="young_person.viewed",
            object_type=YoungPerson._meta.label_lower,
            object_id=str(row["young_person"].pk),
            detail=f"walk-ins to follow up ({show}), page {page.number}",
        )
        for row in rows
    )
    return render(
        request,
        "offer/walkins/list.html",
        {
            "page": page,
            "rows": rows,
            "show": show,
            "has_errors": bound is not None and bound.errors,
            "bound": bound,
            "list_query": request.GET.urlencode(),
        },
        status=status,
    )


@requires("offer.follow_up_walk_ins")
def walk_in_list(request):
    return _render_list(request)


def _contact(pk: int) -> WalkInContact:
    return get_object_or_404(
        WalkInContact.objects.select_related("young_person", "session__opportunity"),
        pk=pk,
        young_person__anonymised_at__isnull=True,
    )


@requires("offer.follow_up_walk_ins")
def invite(request, pk):
    contact = _contact(pk)
    if request.method != "POST":
        return redirect(_list_url(request))
    try:
        walkins.invite_walk_in_family(contact=contact, invited_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("An invitation to register %(name)s is on its way to %(email)s.")
            % {"name": contact.young_person.display_name, "email": contact.guardian_email},
        )
    return redirect(_list_url(request))


@requires("offer.follow_up_walk_ins")
def followed_up(request, pk):
    contact = _contact(pk)
    if request.method != "POST":
        return redirect(_list_url(request))
    form = FollowedUpForm(request.POST, prefix=_prefix(pk), name=contact.young_person.display_name)
    if form.is_valid():
        try:
            walkins.mark_walk_in_followed_up(contact=contact, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error("note" if error.code in ("note_required", "note_too_long") else None, error)
        else:
            messages.success(
                request,
                _("%(name)s is marked as followed up and has left the list.")
                % {"name": contact.young_person.display_name},
            )
            return redirect(_list_url(request))
    return _render_list(request, bound=form, bound_pk=pk, status=400)


urlpatterns = [
    path("manage/walk-ins/", walk_in_list, name="walk_ins"),
    path("manage/walk-ins/<int:pk>/invite/", invite, name="walk_in_invite"),
    path("manage/walk-ins/<int:pk>/followed-up/", followed_up, name="walk_in_followed_up"),
]
