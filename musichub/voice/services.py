"""Writes for youth voice: saying something, moderation, answers, endorsements, reports, quick feedback, polls,
the youth panel, young leaders, profiles and guardians' approvals.

Each change a young person should hear about is written as an AuthorNotice (shown on their page) and emailed
through the outbox. Moderators' and staff's actions on a young person's post are written to the audit log.
"""

import logging
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from musichub.core.models import User
from musichub.core.permissions import STAFF, can, role_of
from musichub.core.ratelimit import over_limit
from musichub.core.roles import Role
from musichub.core.services import queue_email, record_audit, set_role
from musichub.people.models import SafeguardingConcern, YoungPerson
from musichub.people.safeguarding import raise_concern
from musichub.people.selectors import children_of

from . import moderation
from .deadlines import response_due_on
from .models import (
    MAX_TEXT,
    MAX_TITLE,
    AuthorNotice,
    Endorsement,
    ModerationEvent,
    MusicianProfile,
    PanelAction,
    PanelDecision,
    PanelMeeting,
    PanelMember,
    Poll,
    PollAnswer,
    PollOption,
    Post,
    Report,
    Response,
    SessionFeedback,
    VoiceApproval,
    YoungLeader,
    YouthPanel,
)
from .rules import AgeBand, age_band, check_may_take_part, display_name_for

logger = logging.getLogger(__name__)

# Quick feedback: answers taken for a session from its day until a week after, and at most this many from
# one device for one session in the period (a shared tablet passed round a big group stays under it).
FEEDBACK_DAYS_OPEN = 7
FEEDBACK_LIMIT = 40
FEEDBACK_PERIOD_SECONDS = 30 * 60
HUB_TEAM = gettext_lazy("The hub team")


# ---- Small helpers --------------------------------------------------------------------------------------------


def young_person_of(user) -> YoungPerson | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return YoungPerson.objects.filter(user=user).select_related("user").first()


def _event(post: Post, action: str, by=None, note: str = "") -> None:
    ModerationEvent.objects.create(
        post=post, action=action, by=by if getattr(by, "is_authenticated", False) else None, note=note[:300]
    )


def _check_text(title: str, text: str) -> tuple[str, str]:
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise ValidationError(_("Say what your idea, request or problem is in a few words."), code="empty")
    if len(title) > MAX_TITLE:
        raise ValidationError(
            _("Keep the first part to %(max)s characters: put the rest under ‘tell us more’.")
            % {"max": MAX_TITLE},
            code="too_long",
        )
    if len(text) > MAX_TEXT:
        raise ValidationError(
            _("That is %(length)s characters: keep it to %(max)s, or split it into two posts.")
            % {"length": len(text), "max": MAX_TEXT},
            code="too_long",
        )
    return title, text


def tell_author(post: Post, *, subject: str, text: str) -> None:
    """Tell the author on their page and, where their account has an email address, by email."""
    AuthorNotice.objects.create(post=post, text=text)
    author = post.posted_by
    if author is not None and author.email:
        queue_email(
            to=author.email,
            subject=subject,
            template="voice/emails/notice.txt",
            context={"post": post, "text": text, "path": reverse("voice:my_post", args=[post.pk])},
            about=post,
        )


def _lock(post: Post) -> Post:
    return (
        Post.objects.select_for_update(of=("self",))
        .select_related("posted_by", "young_person")
        .get(pk=post.pk)
    )


# ---- Saying something -----------------------------------------------------------------------------------------


def _hold_for_safeguarding(post: Post, *, raised_by, note: str) -> SafeguardingConcern:
    """Send the post to the safeguarding lead's queue with the original text; it is never published."""
    details = f"{note}\n\n{_('What they wrote')}:\n{post.title}\n\n{post.text}".strip()
    concern = raise_concern(
        raised_by=raised_by,
        details=details,
        source=SafeguardingConcern.Source.VOICE,
        source_ref=f"post:{post.pk}",
        young_person=post.young_person,
    )
    post.moderation = Post.Moderation.WITHHELD
    post.save(update_fields=["moderation", "updated_at"])
    return concern


def _create_post(*, user, young_person, group_name, display_name, title, text, **tags) -> Post:
    title, text = _check_text(title, text)
    today = timezone.localdate()
    flags = moderation.flags_for(title, text, display_name if young_person else "")
    post = Post.objects.create(
        young_person=young_person,
        posted_by=user,
        group_name=group_name,
        display_name=display_name,
        title=title,
        text=text,
        flags=[f.as_dict() for f in flags],
        received_on=today,
        response_due_on=response_due_on(today),
        **tags,
    )
    _event(post, "submitted", user)
    if flags:
        _event(post, "flagged", None, ", ".join(sorted({f.code for f in flags})))
    if moderation.is_at_risk(flags):
        _hold_for_safeguarding(
            post, raised_by=None, note=_("Raised automatically by the youth voice checks.")
        )
    AuthorNotice.objects.create(
        post=post,
        text=_(
            "Thanks! A moderator checks everything before anyone else sees it. We will tell you when it is "
            "published, and the hub will answer by %(date)s."
        )
        % {"date": f"{post.response_due_on:%-d %B %Y}"},
    )
    return post


@transaction.atomic
def say_something(
    *,
    user,
    kind: str,
    title: str,
    text: str = "",
    topic: str = Post.Topic.OTHER,
    show_as: str = Post.ShowAs.DISPLAY_NAME,
    genre=None,
    place: str = "",
    opportunity=None,
    barrier=None,
) -> Post:
    """A young person posts an idea, a request, feedback or a problem; it waits for a moderator.

    Raises PermissionDenied for other roles; ValidationError "no_record", "needs_guardian_approval" (under 13
    without a guardian's approval), "empty", "too_long", "first_name_under_13".
    """
    if not can(user, "voice.post"):
        raise PermissionDenied
    young_person = young_person_of(user)
    check_may_take_part(young_person)
    if show_as not in Post.ShowAs.values:
        show_as = Post.ShowAs.DISPLAY_NAME
    return _create_post(
        user=user,
        young_person=young_person,
        group_name="",
        display_name=display_name_for(young_person, show_as),
        title=title,
        text=text,
        kind=kind,
        topic=topic,
        genre=genre,
        place=(place or "").strip()[:60],
        opportunity=opportunity,
        barrier=barrier,
    )


@transaction.atomic
def say_for_group(
    *,
    user,
    group_name: str,
    kind: str,
    title: str,
    text: str = "",
    topic: str = Post.Topic.OTHER,
    genre=None,
    place: str = "",
    opportunity=None,
    barrier=None,
) -> Post:
    """A music leader posts an idea on behalf of a group (marked as such). Raises PermissionDenied, or
    ValidationError "no_group", "not_your_group" (an opportunity they do not deliver), "empty", "too_long"."""
    if not can(user, "voice.post_for_group"):
        raise PermissionDenied
    group_name = (group_name or "").strip()
    if not group_name:
        raise ValidationError(_("Say which group this comes from."), code="no_group")
    if opportunity is not None and role_of(user) not in STAFF and not opportunity.is_delivered_by(user):
        raise ValidationError(_("Choose a group you lead."), code="not_your_group")
    return _create_post(
        user=user,
        young_person=None,
        group_name=group_name[:120],
        display_name=group_name[:80],
        title=title,
        text=text,
        kind=kind,
        topic=topic,
        genre=genre,
        place=(place or "").strip()[:60],
        opportunity=opportunity,
        barrier=barrier,
    )


# ---- Moderation ---------------------------------------------------------------------------------------------


def _check_moderator(user) -> None:
    if not can(user, "voice.moderate"):
        raise PermissionDenied


def _check_pending(post: Post) -> None:
    if post.moderation != Post.Moderation.PENDING:
        raise ValidationError(_("This post has already been moderated."), code="not_pending")


@transaction.atomic
def publish_post(
    *, post: Post, moderator, title: str | None = None, text: str | None = None, note: str = ""
) -> Post:
    """Publish a post, optionally with personal details edited out (the author is told what changed).

    Raises PermissionDenied, ValidationError "not_pending", "empty", "too_long".
    """
    _check_moderator(moderator)
    post = _lock(post)
    _check_pending(post)
    new_title, new_text = _check_text(
        post.title if title is None else title, post.text if text is None else text
    )
    edited = (new_title, new_text) != (post.title, post.text)
    first_time = post.published_at is None
    now = timezone.now()
    post.title, post.text = new_title, new_text
    post.details_edited = post.details_edited or edited
    post.moderation = Post.Moderation.PUBLISHED
    post.moderated_by, post.moderated_at = moderator, now
    post.published_at = post.published_at or now
    post.reported = False
    post.flags = [f.as_dict() for f in moderation.flags_for(new_title, new_text)]
    post.save()
    post.reports.filter(handled=False).update(handled=True)
    if edited:
        _event(post, "edited", moderator, note)
        record_audit(actor=moderator, action="voice.post_edited", obj=post, detail=note)
    _event(post, "published", moderator)
    record_audit(actor=moderator, action="voice.post_published", obj=post)
    if edited:
        message = _(
            "Your post “%(title)s” is published. We took out some personal details first, to keep you safe: "
            "%(note)s"
        ) % {"title": post.title, "note": note or _("contact details or names.")}
    elif first_time:
        message = _("Your post “%(title)s” is published. The hub will answer by %(date)s.") % {
            "title": post.title,
            "date": f"{post.response_due_on:%-d %B %Y}",
        }
    else:
        message = _("Your post “%(title)s” was checked again after a report and is published again.") % {
            "title": post.title
        }
    tell_author(post, subject=_("Your post is published"), text=message)
    return post


@transaction.atomic
def decline_post(*, post: Post, moderator, reason: str) -> Post:
    """Decline a post with a kind reason the author sees. Raises PermissionDenied, ValidationError
    "not_pending", "no_reason"."""
    _check_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Give the author a kind reason, so they know what to do next."), code="no_reason"
        )
    post = _lock(post)
    _check_pending(post)
    post.moderation = Post.Moderation.DECLINED
    post.decline_reason = reason[:1000]
    post.moderated_by, post.moderated_at = moderator, timezone.now()
    post.save()
    post.reports.filter(handled=False).update(handled=True)
    _event(post, "declined", moderator)
    record_audit(actor=moderator, action="voice.post_declined", obj=post)
    tell_author(
        post,
        subject=_("About your post"),
        text=_("Thank you for your post “%(title)s”. We could not publish it: %(reason)s")
        % {"title": post.title, "reason": post.decline_reason},
    )
    return post


@transaction.atomic
def raise_post_concern(*, post: Post, moderator, note: str) -> SafeguardingConcern:
    """A moderator sends a post to the safeguarding lead (with the original text); it is never published.
    Raises PermissionDenied, ValidationError "empty" (no note)."""
    _check_moderator(moderator)
    if not (note or "").strip():
        raise ValidationError(_("Say what worries you about this post."), code="empty")
    post = _lock(post)
    if post.moderation == Post.Moderation.WITHHELD:
        raise ValidationError(_("This post is already with the safeguarding lead."), code="already_held")
    return _hold_for_safeguarding(post, raised_by=moderator, note=note.strip())


@transaction.atomic
def report_post(*, post: Post, reason: str, reported_by=None) -> Report:
    """Report a published post: it is hidden and back in the moderation queue at once. Raises ValidationError
    "no_reason", "not_published"."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say what is wrong with this post."), code="no_reason")
    post = _lock(post)
    if post.moderation != Post.Moderation.PUBLISHED:
        raise ValidationError(
            _("This post is not published, so there is nothing to report."), code="not_published"
        )
    by = reported_by if getattr(reported_by, "is_authenticated", False) else None
    report = Report.objects.create(post=post, reason=reason[:300], reported_by=by)
    post.moderation = Post.Moderation.PENDING
    post.reported = True
    post.save(update_fields=["moderation", "reported", "updated_at"])
    _event(post, "reported", by, reason)
    if moderation.is_at_risk(moderation.flags_for(reason)):
        raise_concern(
            raised_by=None,
            details=f"{_('A report on a youth voice post said')}:\n{reason}",
            source=SafeguardingConcern.Source.VOICE,
            source_ref=f"post:{post.pk}",
            young_person=post.young_person,
        )
    return report


# ---- Answering ------------------------------------------------------------------------------------------------

_SUBJECTS = {
    Post.Answer.RECEIVED: gettext_lazy("The hub has received your post"),
    Post.Answer.CONSIDERING: gettext_lazy("The hub is considering your post"),
    Post.Answer.PLANNED: gettext_lazy("Your idea is planned"),
    Post.Answer.DONE: gettext_lazy("Done: you said, we did"),
    Post.Answer.NOT_POSSIBLE: gettext_lazy("An answer to your post"),
}


def _from_name(post: Post, by) -> str:
    if role_of(by) == Role.PARTNER_MEMBER and post.opportunity_id:
        return post.opportunity.partner.name
    return str(HUB_TEAM)


def _publish_response(response: Response) -> Response:
    post = Post.objects.select_for_update(of=("self",)).select_related("posted_by").get(pk=response.post_id)
    previous = post.answer
    now = timezone.now()
    response.state = Response.State.PUBLISHED
    response.published_at = now
    response.save(update_fields=["state", "published_at", "updated_at"])
    post.answer = response.status
    post.answered_on = post.answered_on or timezone.localdate()
    post.last_answered_at = now
    post.save(update_fields=["answer", "answered_on", "last_answered_at", "updated_at"])
    status = Post.Answer(response.status)
    if previous == status == Post.Answer.PLANNED:
        subject = _("Your planned idea has moved forward")
        text = _("There is news on “%(title)s”: %(text)s") % {"title": post.title, "text": response.text}
    else:
        subject = str(_SUBJECTS[status])
        text = _("“%(title)s”: %(status)s. %(text)s") % {
            "title": post.title,
            "status": status.label,
            "text": response.text,
        }
    tell_author(post, subject=subject, text=text.strip())
    return response


@transaction.atomic
def respond(*, post: Post, by, status: str, text: str = "", ask_panel: bool = False) -> Response:
    """Answer a published voice with a status. "Done" must say what was done and "not possible" why. With
    `ask_panel` the answer waits for the youth panel to co-sign it before it is published.

    Raises PermissionDenied (another partner's voice), ValidationError "not_published" (e.g. a declined post),
    "say_what_was_done", "say_why", "invalid_status".
    """
    if not can(by, "voice.respond", post):
        raise PermissionDenied
    post = _lock(post)
    if post.moderation != Post.Moderation.PUBLISHED:
        if post.moderation == Post.Moderation.DECLINED:
            message = _("This post was not published, so it cannot be answered in public.")
        else:
            message = _("This post is waiting for a moderator: answer it once it is published.")
        raise ValidationError(message, code="not_published")
    if status not in Post.Answer.values:
        raise ValidationError(_("Choose a status for the answer."), code="invalid_status")
    text = (text or "").strip()
    if status == Post.Answer.DONE and not text:
        raise ValidationError(
            _("Say what was done, so the young person sees what changed."), code="say_what_was_done"
        )
    if status == Post.Answer.NOT_POSSIBLE and not text:
        raise ValidationError(
            _("Say why it is not possible: a clear reason is part of the answer."), code="say_why"
        )
    if len(text) > MAX_TEXT:
        raise ValidationError(
            _("Keep the answer to %(max)s characters.") % {"max": MAX_TEXT}, code="too_long"
        )
    response = Response.objects.create(
        post=post,
        status=status,
        text=text,
        responded_by=by,
        from_name=_from_name(post, by),
        state=Response.State.AWAITING_COSIGN if ask_panel else Response.State.PUBLISHED,
        published_at=None if ask_panel else timezone.now(),
    )
    record_audit(actor=by, action="voice.responded", obj=post, detail=status)
    if not ask_panel:
        _publish_response(response)
    return response


def is_panel_member(user) -> bool:
    return PanelMember.objects.filter(young_person__user=user, left_on__isnull=True).exists()


@transaction.atomic
def cosign_response(*, response: Response, by) -> Response:
    """A youth panel member co-signs an answer; it is published and the author told. Raises PermissionDenied
    (not a current panel member), ValidationError "not_waiting"."""
    if not can(by, "voice.cosign") or not is_panel_member(by):
        raise PermissionDenied
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.state != Response.State.AWAITING_COSIGN:
        raise ValidationError(_("This answer is not waiting to be co-signed."), code="not_waiting")
    response.cosigned_by, response.cosigned_at = by, timezone.now()
    response.save(update_fields=["cosigned_by", "cosigned_at", "updated_at"])
    return _publish_response(response)


@transaction.atomic
def endorse(*, post: Post, user) -> Endorsement:
    """Support a published post (once per person). Raises PermissionDenied, ValidationError "not_published",
    "own_post", "already_endorsed", and the age rules' codes."""
    if not can(user, "voice.endorse"):
        raise PermissionDenied
    check_may_take_part(young_person_of(user))
    if not Post.objects.filter(pk=post.pk, moderation=Post.Moderation.PUBLISHED).exists():
        raise ValidationError(_("You can only support a published post."), code="not_published")
    if post.posted_by_id == user.pk:
        raise ValidationError(_("This is your own post: ask your friends to support it."), code="own_post")
    try:
        with transaction.atomic():
            return Endorsement.objects.create(post=post, user=user)
    except IntegrityError:
        raise ValidationError(_("You already support this."), code="already_endorsed") from None


# ---- Quick feedback at a session -------------------------------------------------------------------------------


@transaction.atomic
def give_session_feedback(
    *, session, device_key: str, face, word: str = "", play_next: str = ""
) -> SessionFeedback:
    """An anonymous answer at the end of a session (never linked to a person).

    Raises ValidationError "cancelled", "not_yet", "closed" (more than FEEDBACK_DAYS_OPEN days after), "face"
    (no face chosen), "too_many" (the device's flood limit for this session).
    """
    today = timezone.localdate()
    if session.is_cancelled:
        raise ValidationError(
            _("This session was cancelled, so there is no feedback to give."), code="cancelled"
        )
    if session.date > today:
        raise ValidationError(_("This session has not happened yet: come back after it."), code="not_yet")
    if session.date < today - timedelta(days=FEEDBACK_DAYS_OPEN):
        raise ValidationError(_("Feedback for this session has closed. Thanks for looking!"), code="closed")
    try:
        face = int(face)
    except (TypeError, ValueError):
        face = 0
    if face not in SessionFeedback.Face.values:
        raise ValidationError(_("Choose a face to say how it was."), code="face")
    if over_limit(
        scope=f"voice-feedback-{session.pk}",
        key=device_key,
        limit=FEEDBACK_LIMIT,
        period_seconds=FEEDBACK_PERIOD_SECONDS,
    ):
        logger.warning("quick feedback refused for session %s: device over the limit", session.pk)
        raise ValidationError(
            _("Lots of answers have come from this device. Thanks! Try again in a little while."),
            code="too_many",
        )
    word, play_next = (word or "").strip()[:30], (play_next or "").strip()[:100]
    flags = moderation.flags_for(word, play_next)
    feedback = SessionFeedback.objects.create(
        session=session, face=face, word=word, play_next=play_next, held_back=bool(flags)
    )
    if moderation.is_at_risk(flags):
        raise_concern(
            raised_by=None,
            details=f"{_('Anonymous quick feedback at a session said')}:\n{word}\n{play_next}",
            source=SafeguardingConcern.Source.VOICE,
            source_ref=f"session:{session.pk}",
        )
    return feedback


# ---- Polls -----------------------------------------------------------------------------------------------------


def _check_poll_manager(user) -> None:
    if not can(user, "voice.manage_polls"):
        raise PermissionDenied


@transaction.atomic
def create_poll(
    *,
    by,
    question: str,
    options: list[str],
    description: str = "",
    by_youth_panel: bool = False,
    closes_on=None,
) -> Poll:
    """A draft poll with 2 to 8 answers. Raises PermissionDenied, ValidationError "empty", "options"."""
    _check_poll_manager(by)
    question = (question or "").strip()
    if not question:
        raise ValidationError(_("Write the question."), code="empty")
    options = [o.strip() for o in options if o and o.strip()]
    if not 2 <= len(options) <= 8 or len({o.lower() for o in options}) != len(options):
        raise ValidationError(_("Give between 2 and 8 different answers to choose from."), code="options")
    poll = Poll.objects.create(
        question=question[:200],
        description=description,
        by_youth_panel=by_youth_panel,
        closes_on=closes_on,
        created_by=by,
    )
    PollOption.objects.bulk_create(
        [PollOption(poll=poll, text=text[:100], position=n) for n, text in enumerate(options, start=1)]
    )
    return poll


@transaction.atomic
def set_poll_status(*, poll: Poll, by, status: str) -> Poll:
    """Open or close a poll. Raises PermissionDenied, ValidationError "invalid_status"."""
    _check_poll_manager(by)
    if status not in (Poll.Status.OPEN, Poll.Status.CLOSED):
        raise ValidationError(_("A poll can be opened or closed."), code="invalid_status")
    poll.status = status
    poll.save(update_fields=["status", "updated_at"])
    return poll


def poll_is_open(poll: Poll, today=None) -> bool:
    today = today or timezone.localdate()
    return poll.status == Poll.Status.OPEN and (poll.closes_on is None or poll.closes_on >= today)


@transaction.atomic
def answer_poll(*, poll: Poll, option: PollOption, user) -> PollAnswer:
    """One answer per account. Raises PermissionDenied, ValidationError "closed", "invalid_option",
    "already_answered", and the age rules' codes."""
    if not can(user, "voice.answer_polls"):
        raise PermissionDenied
    check_may_take_part(young_person_of(user))
    if not poll_is_open(poll):
        raise ValidationError(_("This poll has closed."), code="closed")
    if option is None or option.poll_id != poll.pk:
        raise ValidationError(_("Choose one of the answers."), code="invalid_option")
    try:
        with transaction.atomic():
            return PollAnswer.objects.create(poll=poll, option=option, user=user)
    except IntegrityError:
        raise ValidationError(_("You have already answered this poll."), code="already_answered") from None


# ---- The youth panel and young leaders ------------------------------------------------------------------------


def _check_panel_manager(user) -> None:
    if not can(user, "voice.manage_panel"):
        raise PermissionDenied


@transaction.atomic
def add_panel_member(
    *, panel: YouthPanel, young_person: YoungPerson, by, role=PanelMember.Role.MEMBER, joined_on=None
):
    """Add a young person (13+) to the panel; they are recorded as a young leader too. Raises PermissionDenied,
    ValidationError "already_member", "too_young"."""
    _check_panel_manager(by)
    joined_on = joined_on or timezone.localdate()
    if age_band(young_person) == AgeBand.UNDER_13:
        raise ValidationError(_("The youth panel is for young people aged 13 and over."), code="too_young")
    if PanelMember.objects.filter(panel=panel, young_person=young_person, left_on__isnull=True).exists():
        raise ValidationError(
            _("%(name)s is already on the panel.") % {"name": young_person.first_name}, code="already_member"
        )
    member = PanelMember.objects.create(
        panel=panel, young_person=young_person, role=role, joined_on=joined_on
    )
    YoungLeader.objects.create(
        young_person=young_person, role=YoungLeader.Role.PANEL, started_on=joined_on, recorded_by=by
    )
    record_audit(actor=by, action="voice.panel_member_added", obj=young_person)
    return member


@transaction.atomic
def end_panel_membership(*, member: PanelMember, by, left_on=None) -> PanelMember:
    _check_panel_manager(by)
    left_on = left_on or timezone.localdate()
    if member.left_on is not None:
        raise ValidationError(_("They have already left the panel."), code="already_left")
    if left_on < member.joined_on:
        raise ValidationError(_("Choose a date on or after they joined."), code="left_before_joined")
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    YoungLeader.objects.filter(
        young_person=member.young_person, role=YoungLeader.Role.PANEL, ended_on__isnull=True
    ).update(ended_on=left_on)
    return member


@transaction.atomic
def record_meeting(
    *, panel: YouthPanel, by, date, agenda: str, minutes: str = "", decisions=()
) -> PanelMeeting:
    _check_panel_manager(by)
    if not (agenda or "").strip():
        raise ValidationError(_("Write the agenda: what the meeting is about."), code="empty")
    meeting = PanelMeeting.objects.create(
        panel=panel, date=date, agenda=agenda.strip(), minutes=(minutes or "").strip()
    )
    _add_decisions(meeting, decisions)
    return meeting


@transaction.atomic
def update_meeting(
    *, meeting: PanelMeeting, by, agenda: str, minutes: str = "", new_decisions=()
) -> PanelMeeting:
    _check_panel_manager(by)
    if not (agenda or "").strip():
        raise ValidationError(_("Write the agenda: what the meeting is about."), code="empty")
    meeting.agenda, meeting.minutes = agenda.strip(), (minutes or "").strip()
    meeting.save(update_fields=["agenda", "minutes", "updated_at"])
    _add_decisions(meeting, new_decisions)
    return meeting


def _add_decisions(meeting: PanelMeeting, texts) -> None:
    """The meeting's decisions, one per non-empty line of text given (at most 300 characters each)."""
    PanelDecision.objects.bulk_create(
        [PanelDecision(meeting=meeting, text=text.strip()[:300]) for text in texts if text and text.strip()]
    )


@transaction.atomic
def add_action(*, meeting: PanelMeeting, by, text: str, owner: str, due_on) -> PanelAction:
    _check_panel_manager(by)
    if not (text or "").strip() or not (owner or "").strip():
        raise ValidationError(_("Say what the action is and who will do it."), code="empty")
    if due_on is None:
        raise ValidationError(_("Give a due date."), code="no_due_date")
    return PanelAction.objects.create(
        meeting=meeting, text=text.strip()[:300], owner=owner.strip()[:120], due_on=due_on
    )


@transaction.atomic
def set_action_status(*, action: PanelAction, by, status: str) -> PanelAction:
    _check_panel_manager(by)
    if status not in PanelAction.Status.values:
        raise ValidationError(_("Choose a status."), code="invalid_status")
    action.status = status
    action.save(update_fields=["status", "updated_at"])
    return action


@transaction.atomic
def publish_decision(*, decision: PanelDecision, by, publish: bool = True) -> PanelDecision:
    """Show a panel decision on /voice/ (or take it off)."""
    _check_panel_manager(by)
    decision.published_at = timezone.now() if publish else None
    decision.save(update_fields=["published_at"])
    return decision


@transaction.atomic
def record_young_leader(
    *, young_person, by, role: str, started_on, ended_on=None, opportunity=None
) -> YoungLeader:
    """Record a young person as a young leader from `started_on` (to `ended_on`). Raises PermissionDenied,
    ValidationError "dates"."""
    if not can(by, "voice.record_young_leaders"):
        raise PermissionDenied
    if ended_on is not None and ended_on < started_on:
        raise ValidationError(_("Choose an end date on or after the start date."), code="dates")
    leader = YoungLeader.objects.create(
        young_person=young_person,
        role=role,
        started_on=started_on,
        ended_on=ended_on,
        opportunity=opportunity,
        recorded_by=by,
    )
    record_audit(actor=by, action="voice.young_leader_recorded", obj=young_person, detail=role)
    return leader


# ---- Identity profile ------------------------------------------------------------------------------------------


@transaction.atomic
def save_profile(*, young_person: YoungPerson, instruments=(), genres=(), **fields) -> MusicianProfile:
    """A young person's own musician profile and who sees each part of it."""
    profile, _created = MusicianProfile.objects.get_or_create(young_person=young_person)
    for name, value in fields.items():
        setattr(profile, name, value.strip() if isinstance(value, str) else value)
    profile.full_clean(exclude=["young_person"])
    profile.save()
    profile.instruments.set(instruments)
    profile.genres.set(genres)
    return profile


# ---- A guardian's approval for an under-13 ---------------------------------------------------------------------


def _check_own_child(guardian, young_person: YoungPerson) -> None:
    if (
        not can(guardian, "voice.approve_child")
        or not children_of(guardian).filter(pk=young_person.pk).exists()
    ):
        raise PermissionDenied


@transaction.atomic
def approve_child_voice(
    *, guardian, young_person: YoungPerson, username: str = "", password: str = "", email: str = ""
) -> VoiceApproval:
    """A guardian lets their under-13 child have their say, creating the child's account if they have none.
    The guardian is never shown the child's posts. Raises PermissionDenied (not their child), ValidationError
    "not_under_13", "already_approved", "username_taken", "account_needed", "email_taken"."""
    _check_own_child(guardian, young_person)
    young_person = (
        YoungPerson.objects.select_for_update(of=("self",)).select_related("user").get(pk=young_person.pk)
    )
    if age_band(young_person) != AgeBand.UNDER_13:
        raise ValidationError(
            _("%(name)s is 13 or over and can have their say on their own account.")
            % {"name": young_person.first_name},
            code="not_under_13",
        )
    if VoiceApproval.objects.filter(young_person=young_person, withdrawn_at__isnull=True).exists():
        raise ValidationError(
            _("You have already said yes for %(name)s.") % {"name": young_person.first_name},
            code="already_approved",
        )
    if young_person.user_id is None:
        username = (username or "").strip()
        if not username or not password:
            raise ValidationError(
                _("Choose a username and a password for their account."), code="account_needed"
            )
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("That username is taken: choose another."), code="username_taken")
        email = (email or "").strip()
        if email and User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account already uses this email address."), code="email_taken")
        user = User(
            username=username,
            email=email,
            first_name=young_person.first_name,
            password=make_password(password),
        )
        user.save()
        set_role(user=user, role=Role.YOUNG_PERSON)
        young_person.user = user
        young_person.save(update_fields=["user", "updated_at"])
    approval = VoiceApproval.objects.create(
        young_person=young_person,
        approved_by=guardian,
        approved_by_name=(guardian.get_full_name() or guardian.username)[:160],
    )
    record_audit(actor=guardian, action="voice.guardian_approved", obj=young_person)
    return approval


@transaction.atomic
def withdraw_child_voice(*, guardian, young_person: YoungPerson) -> None:
    """A guardian withdraws their approval: the child can no longer post, support or answer polls."""
    _check_own_child(guardian, young_person)
    updated = VoiceApproval.objects.filter(young_person=young_person, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("There is no approval to withdraw."), code="not_approved")
    record_audit(actor=guardian, action="voice.guardian_withdrew", obj=young_person)


# ---- Erasure ---------------------------------------------------------------------------------------------------


def erase_voice_details(young_person: YoungPerson) -> None:
    """On erasure: the profile goes; published posts stay as anonymous voices (their answers are the hub's
    record); anything never published is blanked."""
    MusicianProfile.objects.filter(young_person=young_person).delete()
    posts = Post.objects.filter(young_person=young_person)
    posts.update(display_name=str(_("A young musician")), posted_by=None)
    posts.exclude(moderation=Post.Moderation.PUBLISHED).update(title="—", text="", flags=[])
    AuthorNotice.objects.filter(post__young_person=young_person).delete()
