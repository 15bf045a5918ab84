"""Staff youth voice pages (/manage/voice/): moderation, the answer queue, answering, the figures, polls, young
leaders, session feedback for leaders, and musician profiles as their owners allow.

Posts held for the safeguarding lead never appear on any of these pages (selectors.post_for_staff).
"""

from datetime import timedelta

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from musichub.core.permissions import check_object, requires
from musichub.core.services import record_audit
from musichub.offer.models import Session
from musichub.people.selectors import young_people_visible_to

from . import moderation, selectors, services
from .forms import ConcernForm, DeclineForm, PeriodForm, PollForm, PublishForm, RespondForm, YoungLeaderForm
from .models import Poll, Post, VoiceSettings, YoungLeader
from .rules import age_band
from .views_public import page_of

# ---- Moderation -----------------------------------------------------------------------------------------------


@requires("voice.moderate")
def moderation_queue(request):
    return render(
        request,
        "voice/manage/moderation_queue.html",
        {"page": page_of(request, selectors.moderation_queue())},
    )


def _post(pk) -> Post:
    post = selectors.post_for_staff(pk)
    if post is None:
        raise Http404
    return post


def _render_moderate(request, post, *, publish_form=None, decline_form=None, concern_form=None, status=200):
    return render(
        request,
        "voice/manage/moderate.html",
        {
            "post": post,
            "flags": [
                {"label": moderation.LABELS.get(f["code"], f["code"]), "found": f["found"]}
                for f in post.flags
            ],
            "age_band": age_band(post.young_person).label if post.young_person else None,
            "publish_form": publish_form or PublishForm(initial={"title": post.title, "text": post.text}),
            "decline_form": decline_form or DeclineForm(),
            "concern_form": concern_form or ConcernForm(),
        },
        status=status,
    )


@requires("voice.moderate")
def moderate(request, pk):
    post = _post(pk)
    if request.method == "POST":
        form = PublishForm(request.POST, initial={"title": post.title, "text": post.text})
        if form.is_valid():
            try:
                services.publish_post(
                    post=post,
                    moderator=request.user,
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Published. The author has been told."))
                return redirect("voice:moderation_queue")
        return _render_moderate(request, post, publish_form=form, status=400)
    return _render_moderate(request, post)


@requires("voice.moderate")
@require_POST
def decline(request, pk):
    post = _post(pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.decline_post(post=post, moderator=request.user, reason=form.reason_text())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Not published. The author has been told why, kindly."))
            return redirect("voice:moderation_queue")
    return _render_moderate(request, post, decline_form=form, status=400)


@requires("voice.moderate")
@require_POST
def concern(request, pk):
    post = _post(pk)
    form = ConcernForm(request.POST)
    if form.is_valid():
        try:
            services.raise_post_concern(post=post, moderator=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Sent to the designated safeguarding lead. The post will not be published.")
            )
            return redirect("voice:moderation_queue")
    return _render_moderate(request, post, concern_form=form, status=400)


# ---- Answering -------------------------------------------------------------------------------------------------


@requires("voice.respond")
def queue(request):
    show = request.GET.get("show", selectors.WAITING)
    show = show if show in selectors.QUEUE_VIEWS else selectors.WAITING
    return render(
        request,
        "voice/manage/queue.html",
        {
            "page": page_of(request, selectors.response_queue(request.user, show=show)),
            "show": show,
            "views": selectors.QUEUE_VIEWS.items(),
            "today": timezone.localdate(),
            "working_days": VoiceSettings.current().response_working_days,
        },
    )


@requires("voice.respond")
def respond(request, pk):
    post = _post(pk)
    check_object(request.user, "voice.respond", post)
    form = RespondForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            response = services.respond(
                post=post,
                by=request.user,
                status=form.cleaned_data["status"],
                text=form.cleaned_data["text"],
                ask_panel=form.cleaned_data["ask_panel"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if response.state == response.State.AWAITING_COSIGN:
                messages.success(request, _("The answer is waiting for the youth panel to co-sign it."))
            else:
                messages.success(request, _("The answer is published and the author has been told."))
            return redirect("voice:respond", pk=post.pk)
    return render(
        request,
        "voice/manage/respond.html",
        {"post": post, "form": form, "today": timezone.localdate()},
        status=400 if form.errors else 200,
    )


@requires("voice.view_figures")
def figures(request):
    today = timezone.localdate()
    start = selectors.school_year_start(today)
    form = PeriodForm(request.GET or None, initial={"start": start, "end": today})
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        end = today
    return render(
        request,
        "voice/manage/figures.html",
        {
            "form": form,
            "figures": selectors.voice_figures(start, end, today),
            "topics": selectors.voices_by_topic(start, end),
            "characteristics": selectors.voice_share_by_characteristic(start, end),
            "working_days": VoiceSettings.current().response_working_days,
        },
    )


# ---- Polls -----------------------------------------------------------------------------------------------------


@requires("voice.manage_polls")
def manage_polls(request):
    form = PollForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            poll = services.create_poll(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The poll is saved as a draft. Open it when it is ready."))
            return redirect("voice:manage_poll", pk=poll.pk)
    polls = Poll.objects.order_by("-created_at", "-pk")
    return render(
        request,
        "voice/manage/polls.html",
        {"form": form, "page": page_of(request, polls)},
        status=400 if form.errors else 200,
    )


@requires("voice.manage_polls")
def manage_poll(request, pk):
    poll = get_object_or_404(Poll, pk=pk)
    if request.method == "POST":
        try:
            services.set_poll_status(poll=poll, by=request.user, status=request.POST.get("status", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The poll is now %(status)s.") % {"status": poll.get_status_display().lower()}
            )
        return redirect("voice:manage_poll", pk=poll.pk)
    results, total = selectors.poll_results(poll)
    return render(request, "voice/manage/poll.html", {"poll": poll, "results": results, "total": total})


# ---- Young leaders ---------------------------------------------------------------------------------------------


@requires("voice.record_young_leaders")
def young_leaders(request):
    today = timezone.localdate()
    form = YoungLeaderForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_young_leader(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The young leader is recorded."))
            return redirect("voice:young_leaders")
    leaders = YoungLeader.objects.select_related("young_person", "opportunity").order_by("-started_on", "pk")
    return render(
        request,
        "voice/manage/young_leaders.html",
        {"form": form, "page": page_of(request, leaders), "today": today},
        status=400 if form.errors else 200,
    )


# ---- Quick feedback for leaders ---------------------------------------------------------------------------------


@requires("voice.view_feedback")
def feedback_sessions(request):
    return render(
        request,
        "voice/manage/feedback_sessions.html",
        {
            "page": page_of(request, selectors.sessions_for_feedback(request.user)),
            "today": timezone.localdate(),
        },
    )


@requires("voice.view_feedback")
def session_feedback(request, pk):
    session = get_object_or_404(Session.objects.select_related("opportunity"), pk=pk)
    check_object(request.user, "voice.view_feedback", session)
    link = request.build_absolute_uri(reverse("voice:feedback", args=[session.pk]))
    # A QR code young people scan with their phones: an SVG drawn here (segno), no image request, no script.
    qr_code = segno.make(link, error="m").svg_inline(
        scale=4, light="#fff", title=_("QR code for the feedback page"), svgclass="voice-qr", omitsize=True
    )
    return render(
        request,
        "voice/manage/session_feedback.html",
        {
            "session": session,
            "qr_code": mark_safe(qr_code),  # noqa: S308 -- segno's SVG of our own URL, no user text in it
            "summary": selectors.feedback_summary(session),
            "link": link,
            "open_until": session.date + timedelta(days=services.FEEDBACK_DAYS_OPEN),
        },
    )


# ---- Profiles ------------------------------------------------------------------------------------------------------


@requires("voice.view_profiles")
def profile(request, pk):
    young_person = get_object_or_404(young_people_visible_to(request.user), pk=pk)
    record_audit(actor=request.user, action="voice.profile_viewed", obj=young_person)
    return render(
        request,
        "voice/manage/profile.html",
        {
            "young_person": young_person,
            "profile": selectors.visible_profile(young_person, viewer_is_owner=False),
        },
    )


urlpatterns = [
    path("manage/voice/", queue, name="queue"),
    path("manage/voice/moderation/", moderation_queue, name="moderation_queue"),
    path("manage/voice/moderation/<int:pk>/", moderate, name="moderate"),
    path("manage/voice/moderation/<int:pk>/decline/", decline, name="decline"),
    path("manage/voice/moderation/<int:pk>/concern/", concern, name="concern"),
    path("manage/voice/posts/<int:pk>/", respond, name="respond"),
    path("manage/voice/figures/", figures, name="figures"),
    path("manage/voice/polls/", manage_polls, name="manage_polls"),
    path("manage/voice/polls/<int:pk>/", manage_poll, name="manage_poll"),
    path("manage/voice/young-leaders/", young_leaders, name="young_leaders"),
    path("manage/voice/feedback/", feedback_sessions, name="feedback_sessions"),
    path("manage/voice/feedback/<int:pk>/", session_feedback, name="session_feedback"),
    path("manage/voice/profiles/<int:pk>/", profile, name="profile_for_staff"),
]
