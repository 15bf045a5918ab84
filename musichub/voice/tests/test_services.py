"""The rules of youth voice, tested through the services: saying something, age bands, moderation, reports,
answers and their emails, co-signing, endorsements, polls, quick feedback, guardians' approvals, erasure."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from musichub.core.models import AuditEntry, OutgoingEmail
from musichub.core.roles import Role
from musichub.offer.tests.factories import OpportunityFactory
from musichub.partners.tests.factories import PartnerMembershipFactory
from musichub.people.models import SafeguardingConcern
from musichub.people.privacy import erase_young_person
from musichub.voice import services
from musichub.voice.models import (
    AuthorNotice,
    Endorsement,
    MusicianProfile,
    PanelMember,
    Poll,
    PollAnswer,
    Post,
    Response,
    SessionFeedback,
    VoiceApproval,
    YoungLeader,
    YouthPanel,
)
from musichub.voice.rules import ANONYMOUS_NAME

from .helpers import child_in_family, post_by, published, today_session, young

pytestmark = pytest.mark.django_db

A = Post.Answer


@pytest.fixture
def teen(make_user):
    return young(make_user, age=14)


# ---- Saying something --------------------------------------------------------------------------------------------


def test_a_post_waits_for_a_moderator_and_its_answer_is_due_in_working_days(teen):
    post = post_by(teen, title="More steel pans", text="Please!")
    assert post.moderation == Post.Moderation.PENDING
    assert post.received_on == timezone.localdate()
    assert post.response_due_on > post.received_on + timedelta(days=20)  # 20 working days
    assert post.young_person == teen.young_person
    assert AuthorNotice.objects.filter(post=post, text__contains="moderator checks").exists()


def test_an_empty_post_is_refused_and_nothing_is_stored(teen):
    with pytest.raises(ValidationError) as error:
        post_by(teen, title="   ")
    assert error.value.code == "empty"
    assert not Post.objects.exists()


def test_a_5000_character_post_is_refused_with_a_clear_message(teen):
    with pytest.raises(ValidationError, match="5000 characters") as error:
        post_by(teen, text="a" * 5000)
    assert error.value.code == "too_long"
    assert not Post.objects.exists()


def test_html_is_stored_as_plain_text_and_flagged_nowhere_as_markup(teen):
    post = post_by(teen, title="<script>alert(1)</script> drums", text="<b>loud</b>")
    assert post.title == "<script>alert(1)</script> drums"  # kept as typed; templates escape it


def test_a_13_year_old_posts_on_their_own_account(make_user):
    user = young(make_user, age=13)
    assert post_by(user).pk


def test_an_under_13_needs_a_guardians_approval_to_post(make_user):
    user = young(make_user, age=12)
    with pytest.raises(ValidationError) as error:
        post_by(user)
    assert error.value.code == "needs_guardian_approval"
    VoiceApproval.objects.create(young_person=user.young_person, approved_by_name="Mum")
    assert post_by(user).pk


def test_under_13s_are_never_shown_by_their_real_name(make_user):
    user = young(make_user, age=11, approved=True, first_name="Mia")
    with pytest.raises(ValidationError) as error:
        post_by(user, show_as=Post.ShowAs.FIRST_NAME)
    assert error.value.code == "first_name_under_13"
    assert post_by(user, show_as=Post.ShowAs.DISPLAY_NAME).display_name == str(ANONYMOUS_NAME)


def test_display_names_by_default_first_name_only_when_chosen(make_user):
    user = young(make_user, age=15, first_name="Kwame")
    MusicianProfile.objects.create(young_person=user.young_person, chosen_name="Beats by K")
    assert post_by(user).display_name == "Beats by K"
    assert post_by(user, show_as=Post.ShowAs.FIRST_NAME).display_name == "Kwame"
    assert post_by(user, show_as=Post.ShowAs.ANONYMOUS).display_name == str(ANONYMOUS_NAME)


def test_only_young_people_post_for_themselves(make_user):
    with pytest.raises(PermissionDenied):
        services.say_something(user=make_user(Role.HUB_STAFF), kind="idea", title="Hi")


def test_an_account_without_a_record_is_told_to_ask_the_hub(make_user):
    with pytest.raises(ValidationError) as error:
        services.say_something(user=make_user(Role.YOUNG_PERSON), kind="idea", title="Hi")
    assert error.value.code == "no_record"


def test_a_leader_posts_for_a_group_they_lead_marked_as_such(make_user):
    leader = make_user(Role.MUSIC_LEADER)
    group = OpportunityFactory()
    group.leaders.add(leader)
    post = services.say_for_group(
        user=leader, group_name="Northam Drum Crew", opportunity=group, kind="idea", title="A gig"
    )
    assert post.is_for_group and post.display_name == "Northam Drum Crew" and post.young_person is None
    with pytest.raises(ValidationError) as error:
        services.say_for_group(
            user=leader, group_name="Not mine", opportunity=OpportunityFactory(), kind="idea", title="A gig"
        )
    assert error.value.code == "not_your_group"


# ---- Moderation ------------------------------------------------------------------------------------------------------


def test_publishing_with_personal_details_edited_out_tells_the_author(teen, staff):
    post = post_by(teen, text="Text me on 07700 900123")
    assert {f["code"] for f in post.flags} >= {"phone", "contact"}
    services.publish_post(post=post, moderator=staff, text="I would come.", note="We removed a phone number.")
    post.refresh_from_db()
    assert post.is_published and post.details_edited and post.text == "I would come."
    assert post.flags == []
    notice = post.notices.first()
    assert "We removed a phone number." in notice.text
    email = OutgoingEmail.objects.get(to=teen.email)
    assert "We removed a phone number." in email.body and "07700" not in email.body
    assert AuditEntry.objects.filter(action="voice.post_edited", actor=staff).exists()


def test_a_decline_needs_a_kind_reason_that_the_author_sees(teen, staff):
    post = post_by(teen)
    with pytest.raises(ValidationError) as error:
        services.decline_post(post=post, moderator=staff, reason=" ")
    assert error.value.code == "no_reason"
    services.decline_post(post=post, moderator=staff, reason="Try saying it another way?")
    post.refresh_from_db()
    assert post.moderation == Post.Moderation.DECLINED
    assert "Try saying it another way?" in post.notices.first().text


def test_a_post_is_moderated_once(teen, staff):
    post = published(teen, staff)
    with pytest.raises(ValidationError) as error:
        services.decline_post(post=post, moderator=staff, reason="No")
    assert error.value.code == "not_pending"


def test_only_moderators_moderate(teen, make_user):
    post = post_by(teen)
    with pytest.raises(PermissionDenied):
        services.publish_post(post=post, moderator=make_user(Role.PARTNER_MEMBER))


def test_a_report_on_a_published_post_hides_it_at_once_for_moderation(teen, staff):
    post = published(teen, staff)
    services.report_post(post=post, reason="It names someone")
    post.refresh_from_db()
    assert post.moderation == Post.Moderation.PENDING and post.reported
    services.publish_post(post=post, moderator=staff)
    post.refresh_from_db()
    assert post.is_published and not post.reported
    assert post.reports.get().handled


def test_a_report_needs_a_reason_and_a_published_post(teen, staff):
    post = post_by(teen)
    with pytest.raises(ValidationError) as error:
        services.report_post(post=post, reason="Bad")
    assert error.value.code == "not_published"
    with pytest.raises(ValidationError) as error:
        services.report_post(post=post, reason="")
    assert error.value.code == "no_reason"


def test_a_moderator_raises_a_concern_and_the_post_is_never_published(teen, staff):
    post = post_by(teen, text="Something worrying")
    concern = services.raise_post_concern(post=post, moderator=staff, note="This worries me")
    post.refresh_from_db()
    assert post.moderation == Post.Moderation.WITHHELD
    assert concern.source == "voice" and concern.source_ref == f"post:{post.pk}"
    assert "Something worrying" in concern.details and "This worries me" in concern.details
    assert concern.young_person == teen.young_person
    assert concern.actions.get().action == "raised"
    with pytest.raises(ValidationError):
        services.publish_post(post=post, moderator=staff)


def test_words_that_mean_a_child_may_be_at_risk_raise_a_concern_automatically(teen):
    post = post_by(teen, text="I am scared to go home")
    post.refresh_from_db()
    assert post.moderation == Post.Moderation.WITHHELD
    concern = SafeguardingConcern.objects.get(source_ref=f"post:{post.pk}")
    assert concern.raised_by is None and "scared to go home" in concern.details


# ---- Answering -------------------------------------------------------------------------------------------------------


def test_answers_move_through_statuses_and_the_author_is_told_each_time(teen, staff):
    post = published(teen, staff)
    OutgoingEmail.objects.all().delete()
    services.respond(post=post, by=staff, status=A.PLANNED, text="We are booking a leader.")
    services.respond(post=post, by=staff, status=A.PLANNED, text="A room is booked for March.")
    services.respond(post=post, by=staff, status=A.DONE, text="The workshop runs from March.")
    post.refresh_from_db()
    assert post.answer == A.DONE and post.answered_on == timezone.localdate()
    subjects = list(
        OutgoingEmail.objects.filter(to=teen.email).order_by("pk").values_list("subject", flat=True)
    )
    assert subjects == [
        "Your idea is planned",
        "Your planned idea has moved forward",
        "Done: you said, we did",
    ]
    assert post.notices.filter(text__contains="The workshop runs from March.").exists()


@pytest.mark.parametrize(("status", "code"), [(A.DONE, "say_what_was_done"), (A.NOT_POSSIBLE, "say_why")])
def test_done_says_what_was_done_and_not_possible_says_why(teen, staff, status, code):
    post = published(teen, staff)
    with pytest.raises(ValidationError) as error:
        services.respond(post=post, by=staff, status=status, text="")
    assert error.value.code == code
    assert not Response.objects.exists()


def test_a_declined_post_cannot_be_answered(teen, staff):
    post = post_by(teen)
    services.decline_post(post=post, moderator=staff, reason="Personal details")
    with pytest.raises(ValidationError, match="not published") as error:
        services.respond(post=post, by=staff, status=A.RECEIVED)
    assert error.value.code == "not_published"
    post.refresh_from_db()
    assert post.answer == "" and not Response.objects.exists()


def test_a_partner_member_answers_only_voices_about_their_own_opportunities(teen, staff, make_user):
    member = make_user(Role.PARTNER_MEMBER)
    mine = OpportunityFactory()
    PartnerMembershipFactory(user=member, partner=mine.partner)
    about_mine = published(teen, staff, opportunity=None)
    about_mine.opportunity = mine
    about_mine.save()
    response = services.respond(post=about_mine, by=member, status=A.CONSIDERING)
    assert response.from_name == mine.partner.name
    other = published(teen, staff)
    with pytest.raises(PermissionDenied):
        services.respond(post=other, by=member, status=A.CONSIDERING)


def test_the_youth_panel_co_signs_an_answer_before_it_is_published(teen, staff, make_user):
    post = published(teen, staff)
    response = services.respond(post=post, by=staff, status=A.PLANNED, text="Next term.", ask_panel=True)
    post.refresh_from_db()
    assert response.state == Response.State.AWAITING_COSIGN and post.answer == ""
    outsider = young(make_user, age=15)
    with pytest.raises(PermissionDenied):
        services.cosign_response(response=response, by=outsider)
    member = young(make_user, age=16)
    PanelMember.objects.create(
        panel=YouthPanel.objects.create(name="Panel"),
        young_person=member.young_person,
        joined_on=timezone.localdate(),
    )
    services.cosign_response(response=response, by=member)
    response.refresh_from_db()
    post.refresh_from_db()
    assert response.state == Response.State.PUBLISHED and response.cosigned_by == member
    assert post.answer == A.PLANNED
    with pytest.raises(ValidationError) as error:
        services.cosign_response(response=response, by=member)
    assert error.value.code == "not_waiting"


# ---- Endorsements ----------------------------------------------------------------------------------------------------


def test_one_endorsement_per_person(teen, staff, make_user):
    post = published(teen, staff)
    friend = young(make_user, age=15)
    services.endorse(post=post, user=friend)
    with pytest.raises(ValidationError) as error:
        services.endorse(post=post, user=friend)
    assert error.value.code == "already_endorsed"
    assert Endorsement.objects.filter(post=post).count() == 1


def test_only_published_posts_are_endorsed_and_not_your_own(teen, staff, make_user):
    friend = young(make_user, age=15)
    with pytest.raises(ValidationError) as error:
        services.endorse(post=post_by(teen), user=friend)
    assert error.value.code == "not_published"
    with pytest.raises(ValidationError) as error:
        services.endorse(post=published(teen, staff), user=teen)
    assert error.value.code == "own_post"


# ---- Polls -------------------------------------------------------------------------------------------------------------


@pytest.fixture
def open_poll(staff):
    poll = services.create_poll(
        by=staff, question="Which genres next term?", options=["Grime", "Folk", "Jazz"]
    )
    return services.set_poll_status(poll=poll, by=staff, status=Poll.Status.OPEN)


def test_a_poll_is_answered_once_per_account(teen, open_poll):
    grime, folk = open_poll.options.all()[:2]
    services.answer_poll(poll=open_poll, option=grime, user=teen)
    with pytest.raises(ValidationError) as error:
        services.answer_poll(poll=open_poll, option=folk, user=teen)
    assert error.value.code == "already_answered"
    assert PollAnswer.objects.filter(poll=open_poll).count() == 1


def test_a_closed_poll_and_another_polls_option_are_refused(teen, staff, open_poll):
    other = services.create_poll(by=staff, question="Other?", options=["A", "B"])
    with pytest.raises(ValidationError) as error:
        services.answer_poll(poll=open_poll, option=other.options.first(), user=teen)
    assert error.value.code == "invalid_option"
    services.set_poll_status(poll=open_poll, by=staff, status=Poll.Status.CLOSED)
    with pytest.raises(ValidationError) as error:
        services.answer_poll(poll=open_poll, option=open_poll.options.first(), user=teen)
    assert error.value.code == "closed"


def test_a_poll_needs_two_to_eight_different_answers(staff):
    for options in (["Only one"], ["A", "a"], [str(n) for n in range(9)]):
        with pytest.raises(ValidationError) as error:
            services.create_poll(by=staff, question="Q?", options=options)
        assert error.value.code == "options"


def test_an_under_13_without_approval_cannot_answer_polls(make_user, open_poll):
    with pytest.raises(ValidationError) as error:
        services.answer_poll(poll=open_poll, option=open_poll.options.first(), user=young(make_user, age=12))
    assert error.value.code == "needs_guardian_approval"


# ---- Quick feedback ----------------------------------------------------------------------------------------------------


def feedback(session, key="device-1", **fields):
    fields.setdefault("face", 5)
    return services.give_session_feedback(session=session, device_key=key, **fields)


def test_quick_feedback_is_linked_to_the_session_and_never_to_a_person():
    session = today_session()
    answer = feedback(session, word="fire", play_next="grime")
    field_names = {f.name for f in SessionFeedback._meta.get_fields()}
    assert answer.session == session and not answer.held_back
    assert not field_names & {"user", "young_person", "posted_by", "ip", "device"}


def test_a_flood_from_one_device_is_rate_limited_others_still_answer():
    session = today_session()
    for _n in range(services.FEEDBACK_LIMIT):
        feedback(session)
    with pytest.raises(ValidationError) as error:
        feedback(session)
    assert error.value.code == "too_many"
    assert feedback(session, key="device-2").pk
    assert SessionFeedback.objects.filter(session=session).count() == services.FEEDBACK_LIMIT + 1


def test_quick_feedback_opens_on_the_day_and_closes_a_week_later():
    today = timezone.localdate()
    for date, code in [(today + timedelta(days=1), "not_yet"), (today - timedelta(days=8), "closed")]:
        with pytest.raises(ValidationError) as error:
            feedback(today_session(date=date))
        assert error.value.code == code
    with pytest.raises(ValidationError) as error:
        feedback(today_session(is_cancelled=True))
    assert error.value.code == "cancelled"
    with pytest.raises(ValidationError) as error:
        feedback(today_session(), face="7")
    assert error.value.code == "face"


def test_words_that_trip_a_check_are_held_back_and_at_risk_words_raise_a_concern():
    session = today_session()
    assert feedback(session, word="idiot").held_back
    assert feedback(session, play_next="I want to die").held_back
    concern = SafeguardingConcern.objects.get(source_ref=f"session:{session.pk}")
    assert concern.young_person is None


# ---- A guardian's approval -------------------------------------------------------------------------------------------


def test_a_guardian_approves_their_under_13_creating_their_account(make_user):
    guardian, child = child_in_family(make_user, age=10)
    approval = services.approve_child_voice(
        guardian=guardian, young_person=child, username="mia-drums", password="a-long-pass-phrase-9"
    )
    child.refresh_from_db()
    assert approval.approved_by == guardian and child.user.username == "mia-drums"
    assert child.user.role == Role.YOUNG_PERSON and child.user.check_password("a-long-pass-phrase-9")
    assert post_by(child.user).pk  # the child can now post
    services.withdraw_child_voice(guardian=guardian, young_person=child)
    with pytest.raises(ValidationError) as error:
        post_by(child.user)
    assert error.value.code == "needs_guardian_approval"


def test_a_guardian_approves_only_their_own_under_13(make_user):
    guardian, child = child_in_family(make_user, age=10)
    _other, stranger = child_in_family(make_user, age=10)
    with pytest.raises(PermissionDenied):
        services.approve_child_voice(guardian=guardian, young_person=stranger, username="x", password="y")
    _g, teenager = child_in_family(make_user, age=14, guardian=guardian)
    with pytest.raises(ValidationError) as error:
        services.approve_child_voice(guardian=guardian, young_person=teenager, username="t", password="p")
    assert error.value.code == "not_under_13"


# ---- The panel, young leaders, profiles, erasure ---------------------------------------------------------------------


def test_joining_the_panel_records_a_young_leader_and_leaving_ends_it(make_user, staff):
    member_user = young(make_user, age=15)
    panel = YouthPanel.objects.create(name="Panel")
    member = services.add_panel_member(panel=panel, young_person=member_user.young_person, by=staff)
    leader = YoungLeader.objects.get(young_person=member_user.young_person)
    assert leader.role == YoungLeader.Role.PANEL and leader.ended_on is None
    services.end_panel_membership(member=member, by=staff)
    leader.refresh_from_db()
    assert leader.ended_on == timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.add_panel_member(panel=panel, young_person=young(make_user, age=12).young_person, by=staff)
    assert error.value.code == "too_young"


def test_a_young_leader_ends_after_they_start(make_user, staff):
    person = young(make_user, age=16).young_person
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.record_young_leader(
            young_person=person,
            by=staff,
            role="co_leader",
            started_on=today,
            ended_on=today - timedelta(days=1),
        )
    assert error.value.code == "dates"


def test_erasure_removes_the_profile_and_keeps_published_voices_anonymously(teen, staff, hub_admin):
    person = teen.young_person
    services.save_profile(young_person=person, chosen_name="Beats", pronouns="they/them")
    kept = published(teen, staff, title="More jazz")
    unpublished = post_by(teen, title="Something personal")
    erase_young_person(young_person=person, erased_by=hub_admin, reason="Asked to be forgotten")
    kept.refresh_from_db()
    unpublished.refresh_from_db()
    assert not MusicianProfile.objects.filter(young_person=person).exists()
    assert kept.title == "More jazz" and kept.display_name == str(ANONYMOUS_NAME) and kept.posted_by is None
    assert unpublished.title == "—"
    assert not AuthorNotice.objects.filter(post__young_person=person).exists()
