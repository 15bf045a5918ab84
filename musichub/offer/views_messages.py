"""Messages to an opportunity's families (/manage/opportunities/<slug>/messages/): write, preview, send, log.

Staff message any opportunity's families; partner members and leaders those of the opportunities they
deliver (Opportunity.is_delivered_by, asked through check_object). Who gets a message is decided in
messaging.py; the emails go through the outbox and the log shows each one's status there.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from musichub.core.permissions import check_object, requires

from . import messaging
from .forms_delivery import MessageForm
from .models import Opportunity, Session

PER_PAGE = 25


def _opportunity(request, slug) -> Opportunity:
    """The opportunity, if the signed-in person may message its families: 404 unknown, 403 someone else's."""
    opportunity = get_object_or_404(Opportunity.objects.select_related("partner"), slug=slug)
    check_object(request.user, "offer.message_families", opportunity)
    return opportunity


def _draft(request, opportunity) -> dict:
    """A ready-made message for a cancelled session (?session=<id>), else nothing."""
    session_id = request.GET.get("session", "")
    if not session_id.isdigit():
        return {}
    session = Session.objects.filter(pk=session_id, opportunity=opportunity).first()
    return messaging.cancellation_draft(session) if session else {}


@requires("offer.message_families")
def message_groups(request):
    """Where to start: the groups the signed-in person may message, those with most young people first."""
    search = request.GET.get("q", "").strip()[:100]
    groups = messaging.groups_to_message(request.user, search=search)
    return render(
        request,
        "offer/messages/groups.html",
        {"page": Paginator(groups, PER_PAGE).get_page(request.GET.get("page")), "search": search},
    )


@requires("offer.message_families")
def family_messages(request, slug):
    opportunity = _opportunity(request, slug)
    form = MessageForm(
        request.POST if request.method == "POST" else None, initial=_draft(request, opportunity)
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "send":
            try:
                message = messaging.send_message(
                    opportunity=opportunity, sent_by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Your message is on its way to %(n)s email addresses.") % {"n": message.emails.count()},
                )
                return redirect("offer:family_messages", slug=opportunity.slug)
        else:
            preview = form.cleaned_data
    return render(
        request,
        "offer/messages/messages.html",
        {
            "opportunity": opportunity,
            "form": form,
            "preview": preview,
            "audience": messaging.audience(opportunity),
            "page": Paginator(messaging.message_log(opportunity), PER_PAGE).get_page(request.GET.get("page")),
        },
        status=400 if form.errors else 200,
    )


@requires("offer.message_families")
def family_message(request, slug, pk):
    opportunity = _opportunity(request, slug)
    message = get_object_or_404(
        messaging.message_log(opportunity).select_related("sent_by"), pk=pk, opportunity=opportunity
    )
    return render(
        request,
        "offer/messages/message.html",
        {
            "opportunity": opportunity,
            "message": message,
            "page": Paginator(messaging.message_recipients(message), PER_PAGE).get_page(
                request.GET.get("page")
            ),
        },
    )


urlpatterns = [
    path("delivery/messages/", message_groups, name="message_groups"),
    path("manage/opportunities/<slug:slug>/messages/", family_messages, name="family_messages"),
    path("manage/opportunities/<slug:slug>/messages/<int:pk>/", family_message, name="family_message"),
]
