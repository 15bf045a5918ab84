"""The designated safeguarding lead's queue (/manage/safeguarding/): concerns, their log, and the lead's actions.

Only the safeguarding lead reaches these pages (people.handle_safeguarding); every other role, hub admins
included, is refused before any lookup. Concerns are read through safeguarding.concerns_for, which answers
nothing to anyone else. Every page view and every action is written to the audit log.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Max, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from musichub.core.permissions import requires
from musichub.core.services import record_audit

from .forms_safeguarding import ACTIONS, ConcernActionForm
from .models import SafeguardingConcern
from .safeguarding import act_on_concern, concerns_for

PER_PAGE = 25
Status = SafeguardingConcern.Status
SHOW = {"current": (Status.OPEN, Status.IN_HAND), "closed": (Status.CLOSED,)}


def queue(user, *, show: str):
    """Open concerns first, then those in hand, each oldest first; or the closed ones, latest closed first."""
    concerns = concerns_for(user).filter(status__in=SHOW[show]).annotate(last_action_at=Max("actions__at"))
    if show == "closed":
        return concerns.order_by("-last_action_at", "-pk")
    rank = Case(When(status=Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    return concerns.annotate(rank=rank).order_by("rank", "created_at", "pk")


@requires("people.handle_safeguarding")
def safeguarding_queue(request):
    show = request.GET.get("show", "current")
    show = show if show in SHOW else "current"
    page = Paginator(queue(request.user, show=show), PER_PAGE).get_page(request.GET.get("page"))
    record_audit(
        actor=request.user,
        action="safeguarding.queue_viewed",
        obj=request.user,
        detail=f"{show}, page {page.number}",
    )
    return render(request, "people/safeguarding/queue.html", {"page": page, "show": show})


def _concern(request, pk) -> SafeguardingConcern:
    return get_object_or_404(concerns_for(request.user), pk=pk)


def _render_concern(request, concern, *, bound=None, status=200):
    forms = {
        key: ConcernActionForm(concern=concern, action=key)
        for key, action in ACTIONS.items()
        if concern.status in action.applies_to
    }
    if bound is not None:
        forms[bound.key] = bound
    log = Paginator(concern.actions.select_related("by").order_by("at", "pk"), PER_PAGE).get_page(
        request.GET.get("log")
    )
    return render(
        request,
        "people/safeguarding/concern.html",
        {"concern": concern, "forms": list(forms.values()), "log": log, "bound": bound},
        status=status,
    )


@requires("people.handle_safeguarding")
def concern_detail(request, pk):
    concern = _concern(request, pk)
    record_audit(actor=request.user, action="safeguarding.viewed", obj=concern)
    return _render_concern(request, concern)


@requires("people.handle_safeguarding")
@require_POST
def concern_act(request, pk, action):
    concern = _concern(request, pk)
    if action not in ACTIONS:
        raise Http404
    form = ConcernActionForm(request.POST, concern=concern, action=action)
    if not form.is_valid():
        return _render_concern(request, concern, bound=form, status=400)
    act_on_concern(
        concern=concern,
        by=request.user,
        action=action,
        note=form.cleaned_data["note"],
        status=form.action.becomes,
    )
    messages.success(request, _("Done: %(what)s.") % {"what": str(form.action.label).lower()})
    return redirect("people:concern_detail", pk=concern.pk)


urlpatterns = [
    path("manage/safeguarding/", safeguarding_queue, name="safeguarding_queue"),
    path("manage/safeguarding/<int:pk>/", concern_detail, name="concern_detail"),
    path("manage/safeguarding/<int:pk>/<slug:action>/", concern_act, name="concern_act"),
]
