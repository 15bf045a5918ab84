"""The youth panel: its members and staff see meetings (agenda, minutes, decisions) and actions; members co-sign
answers before they are published; staff keep the panel's records and publish decisions to /voice/."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from musichub.core.permissions import can, check_object, requires

from . import selectors, services
from .forms import ActionForm, ActionStatusForm, MeetingForm, PanelMemberForm
from .models import PanelAction, PanelDecision, PanelMeeting, PanelMember, Response, YouthPanel
from .views_public import page_of

# ---- Members and staff ----------------------------------------------------------------------------------------


@requires("voice.view_panel")
def panel(request):
    the_panel = selectors.panel_for(request.user)
    if the_panel is None:
        return render(
            request, "voice/panel/not_a_member.html", {"is_staff": can(request.user, "voice.manage_panel")}
        )
    return render(
        request,
        "voice/panel/home.html",
        {
            "panel": the_panel,
            "members": selectors.current_members(the_panel),
            "page": page_of(request, selectors.meetings_of(the_panel)),
            "actions": selectors.open_actions(the_panel)[:25],
            "to_cosign": selectors.awaiting_cosign()[:25],
            "can_cosign": can(request.user, "voice.cosign"),
            "can_manage": can(request.user, "voice.manage_panel"),
        },
    )


@requires("voice.view_panel")
def meeting(request, pk):
    the_meeting = get_object_or_404(
        PanelMeeting.objects.select_related("panel").prefetch_related("decisions", "actions"), pk=pk
    )
    check_object(request.user, "voice.view_panel", the_meeting.panel)
    return render(
        request,
        "voice/panel/meeting.html",
        {
            "meeting": the_meeting,
            "can_manage": can(request.user, "voice.manage_panel"),
            "action_form": ActionForm(),
            "status_form": ActionStatusForm(),
        },
    )


@requires("voice.cosign")
@require_POST
def cosign(request, pk):
    response = get_object_or_404(Response, pk=pk)
    try:
        services.cosign_response(response=response, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You co-signed the answer for the youth panel. It is published."))
    return redirect("voice:panel")


# ---- Staff keep the panel's records ----------------------------------------------------------------------------


@requires("voice.manage_panel")
def manage_panel(request):
    the_panel = YouthPanel.objects.order_by("pk").first() or YouthPanel.objects.create(
        name=_("Youth music panel")
    )
    member_form = PanelMemberForm(request.POST or None, today=timezone.localdate())
    if request.method == "POST" and member_form.is_valid():
        try:
            services.add_panel_member(
                panel=the_panel,
                young_person=member_form.cleaned_data["young_person"],
                role=member_form.cleaned_data["role"],
                by=request.user,
            )
        except ValidationError as error:
            member_form.add_error(None, error)
        else:
            messages.success(request, _("Added to the panel."))
            return redirect("voice:manage_panel")
    return render(
        request,
        "voice/panel/manage.html",
        {
            "panel": the_panel,
            "members": selectors.current_members(the_panel),
            "member_form": member_form,
            "page": page_of(request, selectors.meetings_of(the_panel)),
        },
        status=400 if member_form.errors else 200,
    )


@requires("voice.manage_panel")
@require_POST
def end_membership(request, pk):
    member = get_object_or_404(PanelMember.objects.select_related("young_person"), pk=pk)
    try:
        services.end_panel_membership(member=member, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(name)s has left the panel.") % {"name": member.young_person.first_name}
        )
    return redirect("voice:manage_panel")


def _meeting_form_page(request, *, the_panel, the_meeting=None):
    initial = {}
    if the_meeting is not None:
        initial = {"date": the_meeting.date, "agenda": the_meeting.agenda, "minutes": the_meeting.minutes}
    form = MeetingForm(request.POST or None, initial=initial)
    if the_meeting is not None:
        form.fields["date"].required = False  # the date is not changed here
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if the_meeting is None:
                the_meeting = services.record_meeting(
                    panel=the_panel,
                    by=request.user,
                    date=data["date"],
                    agenda=data["agenda"],
                    minutes=data["minutes"],
                    decisions=data["decisions"],
                )
            else:
                services.update_meeting(
                    meeting=the_meeting,
                    by=request.user,
                    agenda=data["agenda"],
                    minutes=data["minutes"],
                    new_decisions=data["decisions"],
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect("voice:meeting", pk=the_meeting.pk)
    return render(
        request,
        "voice/panel/meeting_form.html",
        {"form": form, "meeting": the_meeting},
        status=400 if form.errors else 200,
    )


@requires("voice.manage_panel")
def new_meeting(request):
    the_panel = YouthPanel.objects.order_by("pk").first()
    if the_panel is None:
        return redirect("voice:manage_panel")
    return _meeting_form_page(request, the_panel=the_panel)


@requires("voice.manage_panel")
def edit_meeting(request, pk):
    the_meeting = get_object_or_404(PanelMeeting.objects.select_related("panel"), pk=pk)
    return _meeting_form_page(request, the_panel=the_meeting.panel, the_meeting=the_meeting)


@requires("voice.manage_panel")
@require_POST
def add_action(request, pk):
    the_meeting = get_object_or_404(PanelMeeting, pk=pk)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            services.add_action(meeting=the_meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The action is added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("voice:meeting", pk=the_meeting.pk)


@requires("voice.manage_panel")
@require_POST
def action_status(request, pk):
    action = get_object_or_404(PanelAction, pk=pk)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        services.set_action_status(action=action, by=request.user, status=form.cleaned_data["status"])
        messages.success(request, _("The action's status is updated."))
    else:
        messages.error(request, _("Choose a status."))
    return redirect("voice:meeting", pk=action.meeting_id)


@requires("voice.manage_panel")
@require_POST
def publish_decision(request, pk):
    decision = get_object_or_404(PanelDecision, pk=pk)
    publish = request.POST.get("publish") != "0"
    services.publish_decision(decision=decision, by=request.user, publish=publish)
    messages.success(
        request,
        _("The decision is on the “You said, we did” page.") if publish else _("The decision is taken off."),
    )
    return redirect("voice:meeting", pk=decision.meeting_id)


urlpatterns = [
    path("voice/panel/", panel, name="panel"),
    path("voice/panel/meetings/<int:pk>/", meeting, name="meeting"),
    path("voice/panel/answers/<int:pk>/cosign/", cosign, name="cosign"),
    path("manage/voice/panel/", manage_panel, name="manage_panel"),
    path("manage/voice/panel/members/<int:pk>/end/", end_membership, name="end_membership"),
    path("manage/voice/panel/meetings/new/", new_meeting, name="new_meeting"),
    path("manage/voice/panel/meetings/<int:pk>/edit/", edit_meeting, name="edit_meeting"),
    path("manage/voice/panel/meetings/<int:pk>/actions/", add_action, name="add_action"),
    path("manage/voice/panel/actions/<int:pk>/status/", action_status, name="action_status"),
    path("manage/voice/panel/decisions/<int:pk>/publish/", publish_decision, name="publish_decision"),
]
