"""Youth voice pages: the wiring of each rule through the client, bad input, object-level access, and the query
counts of every list page (pinned, and not growing with rows)."""

import re
from datetime import timedelta

import pytest
import segno
from django.urls import reverse
from django.utils import timezone

from musichub.core.roles import Role
from musichub.offer.tests.factories import OpportunityFactory, SessionFactory
from musichub.partners.tests.factories import PartnerMembershipFactory
from musichub.people.tests.factories import YoungPersonFactory
from musichub.voice import services
from musichub.voice.models import (
    Endorsement,
    PanelMeeting,
    PanelMember,
    Poll,
    PollAnswer,
    Post,
    SessionFeedback,
    VoiceApproval,
    YoungLeader,
    YouthPanel,
)

from .helpers import child_in_family, post_by, published, today_session, young

pytestmark = pytest.mark.django_db


@pytest.fixture
def teen(make_user):
    return young(make_user, age=14)


def say(client, **data):
    fields = {"kind": "idea", "title": "More grime", "text": "", "topic": "music", "show_as": "display_name"}
    fields.update(data)
    return client.post(reverse("voice:say"), fields)


# ---- Saying something ---------------------------------------------------------------------------------------------


def test_a_young_person_posts_and_sees_it_waiting_for_a_moderator(client, teen):
    client.force_login(teen)
    response = say(client, title="A grime workshop in Thornhill", place="Thornhill")
    post = Post.objects.get()
    assert response.status_code == 302 and response.url == reverse("voice:my_post", args=[post.pk])
    page = client.get(response.url).content.decode()
    assert "Being checked" in page and "A grime workshop in Thornhill" in page
    assert post.place == "Thornhill"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "Say what your idea, request or problem is in a few words."),
        ({"text": "x" * 5000}, "That is 5000 characters: keep it to 1500"),
        ({"kind": "rant"}, "Choose one of the answers"),
    ],
)
def test_bad_posts_are_refused_with_clear_messages_and_nothing_stored(client, teen, data, message):
    client.force_login(teen)
    response = say(client, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'class="error-summary"' in response.content.decode()
    assert not Post.objects.exists()


def test_html_and_script_in_a_post_are_shown_as_text_everywhere(client, teen, staff):
    post = published(teen, staff, title="<script>alert('x')</script>", text="<img src=x onerror=alert(1)>")
    for url in (reverse("voice:home"), reverse("voice:post", args=[post.pk])):
        page = client.get(url).content.decode()
        assert "<script>alert(" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(" in page
    client.force_login(staff)
    page = client.get(reverse("voice:respond", args=[post.pk])).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_an_under_13_without_approval_is_told_to_ask_a_parent(client, make_user):
    client.force_login(young(make_user, age=11))
    page = client.get(reverse("voice:say")).content.decode()
    assert "a parent or carer needs to say yes first" in page
    assert "Send it" not in page


def test_an_under_13_is_not_offered_their_real_name(client, make_user):
    client.force_login(young(make_user, age=12, approved=True))
    page = client.get(reverse("voice:say")).content.decode()
    assert 'value="first_name"' not in page and 'value="display_name"' in page
    response = say(client, show_as="first_name")
    assert response.status_code == 400


def test_a_leader_posts_for_their_group(client, make_user):
    leader = make_user(Role.MUSIC_LEADER)
    group = OpportunityFactory(status="published")
    group.leaders.add(leader)
    client.force_login(leader)
    response = client.post(
        reverse("voice:say_for_group"),
        {
            "group_name": "Drum Crew",
            "opportunity": group.pk,
            "kind": "idea",
            "title": "A gig",
            "topic": "performing",
        },
    )
    assert response.status_code == 302
    assert Post.objects.get().group_name == "Drum Crew"


# ---- Moderation -------------------------------------------------------------------------------------------------------


def test_a_moderator_removes_a_phone_number_and_publishes(client, teen, staff):
    post = post_by(teen, text="Text me on 07700 900123")
    client.force_login(staff)
    page = client.get(reverse("voice:moderate", args=[post.pk])).content.decode()
    assert "A phone number" in page and "07700 900123" in page
    response = client.post(
        reverse("voice:moderate", args=[post.pk]),
        {"title": post.title, "text": "I would come.", "note": ""},
    )
    assert response.status_code == 400  # changed without telling the author why
    assert "Tell the author what you took out" in response.content.decode()
    response = client.post(
        reverse("voice:moderate", args=[post.pk]),
        {"title": post.title, "text": "I would come.", "note": "We took out a phone number."},
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.is_published and "07700" not in post.text


def test_a_moderator_declines_kindly_or_raises_a_concern(client, teen, staff):
    first, second = post_by(teen), post_by(teen, title="Another")
    client.force_login(staff)
    assert (
        client.post(reverse("voice:decline", args=[first.pk]), {"reason": "other", "words": ""}).status_code
        == 400
    )
    client.post(reverse("voice:decline", args=[first.pk]), {"reason": "unkind", "words": ""})
    first.refresh_from_db()
    assert (
        first.moderation == Post.Moderation.DECLINED and "Try saying it another way" in first.decline_reason
    )
    client.post(reverse("voice:concern", args=[second.pk]), {"note": "Worried"})
    second.refresh_from_db()
    assert second.moderation == Post.Moderation.WITHHELD
    assert client.get(reverse("voice:moderate", args=[second.pk])).status_code == 404


def test_anyone_can_report_a_published_post_which_hides_it(client, teen, staff):
    post = published(teen, staff)
    response = client.post(reverse("voice:report", args=[post.pk]), {"reason": "It names a person"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.moderation == Post.Moderation.PENDING and post.reported
    assert client.get(reverse("voice:post", args=[post.pk])).status_code == 404
    assert client.post(reverse("voice:report", args=[post.pk]), {"reason": "again"}).status_code == 404


# ---- Answering ------------------------------------------------------------------------------------------------------


def test_staff_answer_and_the_public_page_shows_the_answer(client, teen, staff):
    post = published(teen, staff)
    client.force_login(staff)
    response = client.post(
        reverse("voice:respond", args=[post.pk]), {"status": "done", "text": "The workshop runs from March."}
    )
    assert response.status_code == 302
    client.logout()
    page = client.get(reverse("voice:home") + "?status=done").content.decode()
    assert post.title in page and "The workshop runs from March." in page


def test_answering_a_declined_post_is_refused_with_a_message(client, teen, staff):
    post = post_by(teen)
    services.decline_post(post=post, moderator=staff, reason="Sorry")
    client.force_login(staff)
    response = client.post(reverse("voice:respond", args=[post.pk]), {"status": "received", "text": ""})
    assert response.status_code == 400
    assert "cannot be answered in public" in response.content.decode()
    assert not post.responses.exists()


def test_done_without_saying_what_was_done_is_refused(client, teen, staff):
    post = published(teen, staff)
    client.force_login(staff)
    response = client.post(reverse("voice:respond", args=[post.pk]), {"status": "done", "text": ""})
    assert response.status_code == 400 and "Say what was done" in response.content.decode()


def test_a_partner_member_is_refused_another_partners_voice(client, teen, staff, make_user):
    member = make_user(Role.PARTNER_MEMBER)
    PartnerMembershipFactory(user=member, partner=OpportunityFactory().partner)
    post = published(teen, staff)
    client.force_login(member)
    assert client.get(reverse("voice:respond", args=[post.pk])).status_code == 403
    assert post.title not in client.get(reverse("voice:queue") + "?show=all").content.decode()


# ---- Endorsements and polls --------------------------------------------------------------------------------------------


def test_supporting_twice_says_so_and_counts_once(client, teen, staff, make_user):
    post = published(teen, staff)
    client.force_login(young(make_user, age=15))
    client.post(reverse("voice:endorse", args=[post.pk]))
    response = client.post(reverse("voice:endorse", args=[post.pk]), follow=True)
    assert "You already support this." in response.content.decode()
    assert Endorsement.objects.filter(post=post).count() == 1


def test_a_poll_shows_results_only_after_answering_and_refuses_a_second_answer(client, teen, staff):
    poll = services.create_poll(by=staff, question="Which genre?", options=["Grime", "Folk"])
    services.set_poll_status(poll=poll, by=staff, status=Poll.Status.OPEN)
    grime, folk = poll.options.all()
    client.force_login(teen)
    page = client.get(reverse("voice:poll", args=[poll.pk])).content.decode()
    assert "What everyone said" not in page
    client.post(reverse("voice:poll", args=[poll.pk]), {"option": grime.pk})
    page = client.get(reverse("voice:poll", args=[poll.pk])).content.decode()
    assert "What everyone said" in page and "fewer than 5" in page
    response = client.post(reverse("voice:poll", args=[poll.pk]), {"option": folk.pk})
    assert response.status_code == 400 and "already answered" in response.content.decode()
    assert PollAnswer.objects.get(user=teen).option == grime


def test_a_draft_poll_is_not_found(client, teen, staff):
    poll = services.create_poll(by=staff, question="Draft?", options=["A", "B"])
    client.force_login(teen)
    assert client.get(reverse("voice:poll", args=[poll.pk])).status_code == 404


# ---- Quick feedback --------------------------------------------------------------------------------------------------


def test_quick_feedback_needs_no_sign_in_and_a_flood_is_rate_limited(client):
    session = today_session()
    url = reverse("voice:feedback", args=[session.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"face": "5", "word": "fire", "play_next": "grime"})
    assert response.status_code == 302
    for _n in range(services.FEEDBACK_LIMIT - 1):
        client.post(url, {"face": "4"})
    response = client.post(url, {"face": "4"})
    assert response.status_code == 429
    assert "Lots of answers have come from this device" in response.content.decode()
    assert SessionFeedback.objects.filter(session=session).count() == services.FEEDBACK_LIMIT


def test_quick_feedback_without_a_face_is_refused(client):
    session = today_session()
    response = client.post(reverse("voice:feedback", args=[session.pk]), {"word": "x" * 40})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a face" in page and "Just one word" in page
    assert not SessionFeedback.objects.exists()


def test_a_leader_sees_feedback_for_their_own_sessions_only(client, make_user):
    leader = make_user(Role.MUSIC_LEADER)
    mine = today_session()
    mine.opportunity.leaders.add(leader)
    other = today_session()
    SessionFeedback.objects.create(session=mine, face=5, word="brilliant")
    client.force_login(leader)
    page = client.get(reverse("voice:session_feedback", args=[mine.pk])).content.decode()
    assert "brilliant" in page and f"/voice/feedback/{mine.pk}/" in page
    assert client.get(reverse("voice:session_feedback", args=[other.pk])).status_code == 403


def test_the_feedback_page_shows_a_qr_code_of_its_link(client, make_user):
    leader = make_user(Role.MUSIC_LEADER)
    session = today_session()
    session.opportunity.leaders.add(leader)
    client.force_login(leader)
    page = client.get(reverse("voice:session_feedback", args=[session.pk])).content.decode()
    link = f"http://testserver/voice/feedback/{session.pk}/"
    expected = segno.make(link, error="m").svg_inline(scale=4, light="#fff", omitsize=True)
    # The same code as segno draws for the link (the path of its modules), inside an SVG with a title.
    path_of = re.compile(r' d="([^"]+)"')
    assert path_of.search(page).group(1) == path_of.search(expected).group(1)
    assert "<title>QR code for the feedback page</title>" in page


# ---- Panel, profiles, guardians ---------------------------------------------------------------------------------------


def test_panel_pages_are_for_current_members_and_staff(client, make_user, staff):
    panel = YouthPanel.objects.create(name="Youth music panel")
    meeting = PanelMeeting.objects.create(panel=panel, date=timezone.localdate(), agenda="**Gigs**")
    member = young(make_user, age=15)
    PanelMember.objects.create(panel=panel, young_person=member.young_person, joined_on=timezone.localdate())
    outsider = young(make_user, age=15)
    client.force_login(member)
    assert "Youth music panel" in client.get(reverse("voice:panel")).content.decode()
    assert "<strong>Gigs</strong>" in client.get(reverse("voice:meeting", args=[meeting.pk])).content.decode()
    client.force_login(outsider)
    assert "You are not on the panel" in client.get(reverse("voice:panel")).content.decode()
    assert client.get(reverse("voice:meeting", args=[meeting.pk])).status_code == 403


def test_staff_record_a_meeting_with_decisions_and_publish_one_to_the_public_page(client, staff):
    YouthPanel.objects.create(name="Panel")
    client.force_login(staff)
    response = client.post(
        reverse("voice:new_meeting"),
        {
            "date": "2030-01-10",
            "agenda": "Plans",
            "minutes": "",
            "decisions": "Run a folk night\nMore jam sessions",
        },
    )
    meeting = PanelMeeting.objects.get()
    assert response.status_code == 302 and meeting.decisions.count() == 2
    decision = meeting.decisions.get(text="Run a folk night")
    client.post(reverse("voice:publish_decision", args=[decision.pk]), {"publish": "1"})
    client.post(
        reverse("voice:add_action", args=[meeting.pk]),
        {"text": "Book a room", "owner": "Chair", "due_on": "2030-02-01"},
    )
    assert meeting.actions.get().owner == "Chair"
    client.logout()
    page = client.get(reverse("voice:home")).content.decode()
    assert "Run a folk night" in page and "More jam sessions" not in page


def test_a_young_person_chooses_who_sees_each_part_of_their_profile(client, make_user, staff):
    user = young(make_user, age=15)
    client.force_login(user)
    response = client.post(
        reverse("voice:profile"),
        {
            "chosen_name": "Beats",
            "pronouns": "they/them",
            "pronouns_visible_to": "me",
            "music_visible_to": "leaders",
            "next_steps": "Play a gig",
            "next_steps_visible_to": "leaders",
        },
    )
    assert response.status_code == 302
    client.force_login(staff)
    page = client.get(reverse("voice:profile_for_staff", args=[user.young_person.pk])).content.decode()
    assert "Beats" in page and "Play a gig" in page and "they/them" not in page


def test_a_guardian_says_yes_for_their_child_and_never_sees_their_posts(client, make_user):
    guardian, child = child_in_family(make_user, age=10)
    client.force_login(guardian)
    assert "Let Mia have their say" in client.get(reverse("voice:family")).content.decode()
    response = client.post(
        reverse("voice:approve", args=[child.pk]),
        {"agree": "on", "username": "mia-sings", "password": "a-long-pass-phrase-9", "email": ""},
    )
    assert response.status_code == 302
    assert VoiceApproval.objects.get(young_person=child).approved_by == guardian
    child.refresh_from_db()
    post_by(child.user, title="CHILD-ONLY-WORDS")
    assert client.get(reverse("voice:mine")).status_code == 403
    assert "CHILD-ONLY-WORDS" not in client.get(reverse("voice:family")).content.decode()


def test_a_guardian_cannot_approve_someone_elses_child(client, make_user):
    guardian, _child = child_in_family(make_user, age=10)
    _other, stranger = child_in_family(make_user, age=10)
    client.force_login(guardian)
    assert client.get(reverse("voice:approve", args=[stranger.pk])).status_code == 404


def test_staff_record_a_young_leader(client, staff):
    person = YoungPersonFactory(
        date_of_birth=timezone.localdate().replace(year=timezone.localdate().year - 16, day=1)
    )
    client.force_login(staff)
    response = client.post(
        reverse("voice:young_leaders"),
        {
            "young_person": person.pk,
            "role": "co_leader",
            "started_on": "2030-01-01",
            "ended_on": "2029-01-01",
        },
    )
    assert response.status_code == 400 and "on or after the start date" in response.content.decode()
    client.post(
        reverse("voice:young_leaders"),
        {"young_person": person.pk, "role": "co_leader", "started_on": "2030-01-01"},
    )
    assert YoungLeader.objects.get().role == "co_leader"


# ---- Query counts of the list pages -------------------------------------------------------------------------------


def _more_published(make_user, staff, n):
    for _n in range(n):
        author = young(make_user, age=15)
        post = published(author, staff)
        services.respond(post=post, by=staff, status="received")
        Endorsement.objects.create(post=post, user=make_user(Role.YOUNG_PERSON))


LIST_PAGES = [
    # (url name, who, queries)
    ("voice:home", None, 11),  # hub, count, page, responses, figures (5), settings, decisions
    ("voice:queue", "staff", 6),
    ("voice:mine", "author", 7),
    ("voice:moderation_queue", "staff", 5),
]


@pytest.mark.parametrize(("name", "who", "queries"), LIST_PAGES)
def test_list_pages_take_a_fixed_number_of_queries(
    client, make_user, staff, django_assert_num_queries, name, who, queries
):
    author = young(make_user, age=14)
    users = {"staff": staff, "author": author}
    _more_published(make_user, staff, 5)  # 5 answered: the median is computed (two queries)
    for _n in range(2):
        published(author, staff)
        post_by(author)
    if who:
        client.force_login(users[who])
    url = reverse(name) + ("?show=all" if name == "voice:queue" else "")
    client.get(url)  # settings row created on first use
    with django_assert_num_queries(queries):
        client.get(url)
    _more_published(make_user, staff, 4)
    for _n in range(3):
        published(author, staff)
        post_by(author)
    with django_assert_num_queries(queries):
        client.get(url)


def test_other_list_pages_take_a_fixed_number_of_queries(client, make_user, staff, django_assert_num_queries):
    panel = YouthPanel.objects.create(name="Panel")
    teen = young(make_user, age=15)

    def add_rows():
        poll = services.create_poll(by=staff, question="Q?", options=["A", "B"])
        services.set_poll_status(poll=poll, by=staff, status=Poll.Status.OPEN)
        PanelMeeting.objects.create(panel=panel, date=timezone.localdate(), agenda="A")
        YoungLeader.objects.create(
            young_person=YoungPersonFactory(), role="co_leader", started_on=timezone.localdate()
        )
        SessionFactory(date=timezone.localdate() - timedelta(days=1))

    add_rows()
    pages = [
        (teen, reverse("voice:polls"), 6),  # session, user, count, page, answered, hub
        (staff, reverse("voice:manage_polls"), 5),
        (staff, reverse("voice:young_leaders"), 7),
        (staff, reverse("voice:feedback_sessions"), 5),
        (staff, reverse("voice:panel"), 9),
        (staff, reverse("voice:manage_panel"), 8),
    ]
    for user, url, queries in pages:
        client.force_login(user)
        client.get(url)
        with django_assert_num_queries(queries):
            client.get(url)
    for _n in range(3):
        add_rows()
    for user, url, queries in pages:
        client.force_login(user)
        with django_assert_num_queries(queries):
            client.get(url)
