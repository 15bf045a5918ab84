"""The voice indicators, computed by the database, on small fixtures counted by hand (with suppression), and the
reads behind the public page, the queues and poll results."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from musichub.core.privacy import FEWER_THAN_5
from musichub.offer.models import Enrolment
from musichub.offer.tests.factories import OpportunityFactory
from musichub.people.tests.factories import YoungPersonFactory
from musichub.voice import selectors, services
from musichub.voice.models import Poll, PollAnswer, Post, Response, SessionFeedback

from .helpers import today_session, young

pytestmark = pytest.mark.django_db

START, END = date(2030, 1, 1), date(2030, 6, 30)
TODAY = date(2030, 7, 1)
P = Post.Moderation


def make_post(
    received_on, *, days_to_answer=None, moderation=P.PUBLISHED, topic="music", young_person=None, **fields
):
    """A post received on a date, due 28 days later, answered after `days_to_answer` days (or not)."""
    answered_on = received_on + timedelta(days=days_to_answer) if days_to_answer is not None else None
    return Post.objects.create(
        kind="idea",
        topic=topic,
        title="An idea",
        display_name="A young musician",
        young_person=young_person,
        moderation=moderation,
        decline_reason="Sorry" if moderation == P.DECLINED else "",
        published_at=timezone.make_aware(datetime.combine(received_on, time(12)))
        if moderation == P.PUBLISHED
        else None,
        received_on=received_on,
        response_due_on=received_on + timedelta(days=28),
        answered_on=answered_on,
        answer="received" if answered_on else "",
        **fields,
    )


def done(post, on: date):
    return Response.objects.create(
        post=post,
        status="done",
        text="We did it.",
        from_name="The hub team",
        published_at=timezone.make_aware(datetime.combine(on, time(12))),
    )


@pytest.fixture
def year_of_voices():
    """15 voices received in the period, counted by hand:
    - 10 published and answered: after 1, 2, 3, 5, 8, 13, 21 days (in time) and 30, 40, 50 days (late);
    - 2 published, never answered, past their deadline; 1 published, not answered, not due yet;
    - 2 declined.
    Topics: music 6, places 5, cost 3, sessions 1. One more voice before the period, answered late."""
    topics = ["music"] * 6 + ["places"] * 5 + ["cost"] * 3 + ["sessions"]
    day = date(2030, 1, 7)
    posts = []
    for n, days in enumerate([1, 2, 3, 5, 8, 13, 21, 30, 40, 50]):
        posts.append(make_post(day + timedelta(days=n), days_to_answer=days, topic=topics.pop()))
    posts += [
        make_post(date(2030, 3, 1), topic=topics.pop()),
        make_post(date(2030, 3, 2), topic=topics.pop()),
    ]
    posts.append(make_post(date(2030, 6, 20), topic=topics.pop()))  # due 18 July: not yet
    posts += [make_post(date(2030, 4, 1), moderation=P.DECLINED, topic=topics.pop()) for _n in range(2)]
    make_post(date(2029, 12, 1), days_to_answer=60)  # before the period
    return posts


def test_the_figures_for_a_period_match_the_hand_count(year_of_voices):
    figures = selectors.voice_figures(START, END, TODAY)
    assert figures["received"] == 15
    # Base: the 10 answered and the 2 overdue; 7 answered within their deadline.
    assert figures["in_deadline"] == {"in_time": 7, "base": 12, "percentage": 58.3}
    # Days to answer, sorted: 1 2 3 5 [8 13] 21 30 40 50: the median is (8 + 13) / 2.
    assert figures["median_days"] == 10.5


def test_voices_by_topic_are_counted_and_small_counts_suppressed_with_a_second_cell(year_of_voices):
    by_topic = selectors.voices_by_topic(START, END)
    assert by_topic["total"] == 15
    assert dict(by_topic["rows"]) == {
        "Music and genres": 6,
        "Places and times": 5,
        "Cost and getting there": FEWER_THAN_5,
        "Sessions and leaders": FEWER_THAN_5,
        "Performing and events": 0,
        "Something else": 0,
    }


def test_the_median_is_suppressed_under_five_answers():
    for days in (1, 2, 3, 4):
        make_post(date(2030, 2, 1), days_to_answer=days)
    assert selectors.median_days_to_first_answer(START, END) is None
    make_post(date(2030, 2, 1), days_to_answer=9)
    assert selectors.median_days_to_first_answer(START, END) == 3.0  # 1 2 [3] 4 9


def test_the_share_in_the_deadline_has_no_percentage_on_a_small_base():
    for days in (1, 2, 40):
        make_post(date(2030, 2, 1), days_to_answer=days)
    assert selectors.answered_in_deadline(START, END, TODAY) == {
        "in_time": FEWER_THAN_5,
        "base": FEWER_THAN_5,
        "percentage": None,
    }


def test_ideas_acted_on_count_done_answers_published_in_the_period_suppressed_under_five():
    posts = [make_post(date(2030, 2, 1), days_to_answer=3) for _n in range(6)]
    for post in posts[:4]:
        done(post, date(2030, 5, 1))
    done(posts[4], date(2030, 8, 1))  # after the period
    assert selectors.acted_on(START, END) == FEWER_THAN_5
    done(posts[5], date(2030, 6, 30))
    assert selectors.acted_on(START, END) == 5


def test_each_indicator_is_one_or_two_queries_whatever_the_rows(year_of_voices, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.voices_by_topic(START, END)
    with django_assert_num_queries(1):
        selectors.answered_in_deadline(START, END, TODAY)
    with django_assert_num_queries(1):
        selectors.acted_on(START, END)
    with django_assert_num_queries(2):  # count, then the middle one or two values
        selectors.median_days_to_first_answer(START, END)
    with django_assert_num_queries(2):  # voices, participants
        selectors.voice_share_by_characteristic(START, END)


def test_voices_by_characteristic_are_compared_with_participants():
    """12 voices: 6 from young people on free school meals, 2 from care-experienced young people, 4 from others.
    20 participants (enrolled): 5 on free school meals, none care-experienced."""
    today = timezone.localdate()
    fsm = [YoungPersonFactory(fsm="yes") for _n in range(3)]
    cared = YoungPersonFactory(care_experienced="yes")
    others = [YoungPersonFactory() for _n in range(2)]
    for person in fsm:
        make_post(today, young_person=person)
        make_post(today, young_person=person)
    make_post(today, young_person=cared)
    make_post(today, young_person=cared)
    for person in others:
        make_post(today, young_person=person)
        make_post(today, young_person=person)
    make_post(today)  # a group's post: no young person, not counted here
    opportunity = OpportunityFactory()
    participants = [YoungPersonFactory(fsm="yes") for _n in range(5)] + [
        YoungPersonFactory() for _n in range(15)
    ]
    Enrolment.objects.bulk_create(
        [
            Enrolment(young_person=p, opportunity=opportunity, status=Enrolment.Status.ENROLLED)
            for p in participants
        ]
    )
    Enrolment.objects.create(young_person=cared, opportunity=opportunity, status=Enrolment.Status.WITHDRAWN)

    table = selectors.voice_share_by_characteristic(today - timedelta(days=1), today)
    rows = {row["key"]: row for row in table["rows"]}
    assert table["voices_total"] == 12 and table["participants_total"] == 20
    assert (rows["fsm"]["voices"], rows["fsm"]["voices_percentage"]) == (6, 50.0)
    assert (rows["fsm"]["participants"], rows["fsm"]["participants_percentage"]) == (5, 25.0)
    assert (rows["care_experienced"]["voices"], rows["care_experienced"]["voices_percentage"]) == (
        FEWER_THAN_5,
        None,
    )
    assert rows["care_experienced"]["participants"] == 0


# ---- Reads behind the pages ---------------------------------------------------------------------------------------


def test_the_public_list_shows_only_published_voices_with_their_filters():
    shown = make_post(date(2030, 2, 1), days_to_answer=2, topic="cost")
    make_post(date(2030, 2, 1), moderation=P.PENDING)
    make_post(date(2030, 2, 1), moderation=P.DECLINED)
    make_post(date(2030, 2, 1), moderation=P.WITHHELD)
    waiting = make_post(date(2030, 2, 2), topic="music")
    assert list(selectors.published_posts()) == [waiting, shown]
    assert list(selectors.published_posts(topic="cost")) == [shown]
    assert list(selectors.published_posts(answer=selectors.WAITING)) == [waiting]
    assert list(selectors.published_posts(answer="received")) == [shown]
    assert list(selectors.published_posts(answer="<script>", topic="nonsense")) == [waiting, shown]


def test_the_answer_queue_puts_the_most_overdue_first(staff):
    late = make_post(date(2030, 1, 1))
    later = make_post(date(2030, 2, 1))
    make_post(date(2030, 1, 15), days_to_answer=3)  # answered: not waiting
    assert list(selectors.response_queue(staff)) == [late, later]


def test_a_held_post_is_not_found_by_staff_pages():
    held = make_post(date(2030, 2, 1), moderation=P.WITHHELD)
    assert selectors.post_for_staff(held.pk) is None
    assert held not in selectors.moderation_queue()


def test_poll_results_suppress_small_counts_and_the_one_that_would_give_them_away(make_user, staff):
    poll = services.create_poll(by=staff, question="Which genre?", options=["Grime", "Folk", "Jazz"])
    grime, folk, _jazz = poll.options.all()
    users = [young(make_user, age=15) for _n in range(9)]
    PollAnswer.objects.bulk_create(
        [PollAnswer(poll=poll, option=grime if n < 6 else folk, user=u) for n, u in enumerate(users)]
    )
    results, total = selectors.poll_results(poll)
    # 6, 3, 0 with the total 9 shown: 3 is hidden, so 6 is hidden too (else 9 - 6 gives it away).
    assert [r.count for r in results] == [FEWER_THAN_5, FEWER_THAN_5, 0]
    assert [r.percentage for r in results] == [None, None, None]
    assert total == 9
    assert Poll.objects.get(pk=poll.pk).status == Poll.Status.DRAFT


def test_session_feedback_summary_suppresses_small_counts_and_hides_flagged_words():
    session = today_session()
    for face in [5] * 6 + [4] * 2:
        SessionFeedback.objects.create(session=session, face=face, word="fire")
    SessionFeedback.objects.create(session=session, face=1, word="idiot", held_back=True)
    summary = selectors.feedback_summary(session)
    assert summary["total"] == 9
    assert summary["faces"][0] == ("Loved it", 6)
    assert summary["faces"][1][1] == FEWER_THAN_5 and summary["faces"][4][1] == FEWER_THAN_5
    assert summary["words"] == [{"word": "fire", "n": 8}]
    assert summary["held_back"] == 1
