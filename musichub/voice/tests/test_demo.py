"""The youth voice demo: a year of voices with answers (a few overdue), endorsements, two polls, quick feedback and
a youth panel; loading it twice changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from musichub.core.models import Genre
from musichub.people.tests.factories import YoungPersonFactory, born_years_ago
from musichub.voice.demo import load_demo_voice
from musichub.voice.models import (
    Endorsement,
    PanelAction,
    PanelDecision,
    PanelMeeting,
    PanelMember,
    Poll,
    Post,
    Response,
    SessionFeedback,
    YoungLeader,
)

from .helpers import today_session

pytestmark = pytest.mark.django_db


def counts():
    return [
        m.objects.count()
        for m in (Post, Response, Endorsement, Poll, SessionFeedback, PanelMeeting, PanelAction, YoungLeader)
    ]


def test_the_demo_has_a_year_of_voices_and_loads_once():
    for n in range(30):
        YoungPersonFactory(date_of_birth=born_years_ago(13 + n % 5))
    Genre.objects.create(name="Grime", slug="grime")
    today = timezone.localdate()
    today_session(date=today - timedelta(days=2))
    load_demo_voice()
    first = counts()
    load_demo_voice()
    assert counts() == first

    posts = Post.objects.all()
    assert posts.count() > 100
    assert posts.filter(received_on__lt=today - timedelta(days=300)).exists()
    assert posts.filter(moderation=Post.Moderation.PENDING).exists()
    overdue = posts.filter(moderation=Post.Moderation.PUBLISHED, answer="", response_due_on__lt=today)
    assert 1 <= overdue.count() <= 4
    assert posts.filter(answer=Post.Answer.DONE).exists()
    assert Endorsement.objects.exists()
    assert set(Poll.objects.values_list("status", flat=True)) == {"open", "closed"}
    assert SessionFeedback.objects.exists()
    assert PanelMember.objects.count() == 8
    assert PanelDecision.objects.filter(published_at__isnull=False).exists()
    assert PanelAction.objects.filter(status__in=["to_do", "doing"]).exists()
