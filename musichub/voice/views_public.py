"""Public youth voice pages: "you said, we did" (/voice/), one voice, reporting a voice, and quick feedback at a
session (no sign-in: answers are linked to the session, never to a person)."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from musichub.core.permissions import can, public
from musichub.core.ratelimit import client_key, over_limit
from musichub.offer.models import Session

from . import selectors, services
from .forms import FeedbackForm, ReportForm
from .models import Post, VoiceSettings

logger = logging.getLogger(__name__)

PER_PAGE = 25
REPORT_LIMIT, REPORT_PERIOD_SECONDS = 10, 60 * 60


def page_of(request, items, name="page"):
    return Paginator(items, PER_PAGE).get_page(request.GET.get(name))


@public
def you_said_we_did(request):
    answer, topic, kind = (request.GET.get(key, "") for key in ("status", "topic", "kind"))
    today = timezone.localdate()
    return render(
        request,
        "voice/public/home.html",
        {
            "page": page_of(request, selectors.published_posts(answer=answer, topic=topic, kind=kind)),
            "figures": selectors.voice_figures(selectors.school_year_start(today), today, today),
            "working_days": VoiceSettings.current().response_working_days,
            "decisions": selectors.published_decisions(),
            "statuses": [(selectors.WAITING, _("Waiting for an answer")), *Post.Answer.choices],
            "topics": Post.Topic.choices,
            "kinds": Post.Kind.choices,
            "chosen": {"status": answer, "topic": topic, "kind": kind},
            "can_post": can(request.user, "voice.post"),
        },
    )


def _published(pk) -> Post:
    post = selectors.published_post(pk)
    if post is None:
        raise Http404
    return post


@public
def post_detail(request, pk):
    post = _published(pk)
    supported = request.user.is_authenticated and post.endorsements.filter(user=request.user).exists()
    return render(
        request,
        "voice/public/post.html",
        {
            "post": post,
            "can_endorse": can(request.user, "voice.endorse") and post.posted_by_id != request.user.pk,
            "supported": supported,
        },
    )


@public
def report(request, pk):
    post = _published(pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if over_limit(
            scope="voice-report",
            key=client_key(request),
            limit=REPORT_LIMIT,
            period_seconds=REPORT_PERIOD_SECONDS,
        ):
            logger.warning("voice report refused: rate limit reached")
            form.add_error(None, _("Too many reports have come from your connection. Try again later."))
        else:
            try:
                services.report_post(post=post, reason=form.cleaned_data["reason"], reported_by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Thank you. The post is hidden until a moderator has looked at it again.")
                )
                return redirect("voice:home")
    return render(
        request, "voice/public/report.html", {"post": post, "form": form}, status=400 if form.errors else 200
    )


# ---- Quick feedback at a session --------------------------------------------------------------------------------


def _session(pk) -> Session:
    return get_object_or_404(Session.objects.select_related("opportunity"), pk=pk)


def device_key(request) -> str:
    """The device's address, hashed (never stored): what the flood limit counts."""
    return client_key(request)


@public
def quick_feedback(request, session_pk):
    session = _session(session_pk)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.give_session_feedback(
                session=session,
                device_key=device_key(request),
                face=form.cleaned_data["face"],
                word=form.cleaned_data["word"],
                play_next=form.cleaned_data["play_next"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("voice:feedback_thanks", session_pk=session.pk)
    return render(
        request,
        "voice/public/feedback.html",
        {"session": session, "form": form},
        status=429 if form.has_error("__all__", "too_many") else 400 if form.errors else 200,
    )


@public
def feedback_thanks(request, session_pk):
    session = _session(session_pk)
    return render(request, "voice/public/feedback_thanks.html", {"session": session})


urlpatterns = [
    path("voice/", you_said_we_did, name="home"),
    path("voice/<int:pk>/", post_detail, name="post"),
    path("voice/<int:pk>/report/", report, name="report"),
    path("voice/feedback/<int:session_pk>/", quick_feedback, name="feedback"),
    path("voice/feedback/<int:session_pk>/thanks/", feedback_thanks, name="feedback_thanks"),
]
