"""Youth voice: what young people say (posts), how the hub answers, endorsements, reports, quick session feedback,
polls, the youth panel, young leaders and musician identity profiles.

Everything a young person writes is checked by a moderator before anyone else sees it (Post.Moderation); the
public sees only published posts, under a display name. Safeguarding concerns are not stored here: they are
raised through musichub.people.safeguarding and seen only by the designated safeguarding lead.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from musichub.core.models import Genre, Instrument, TimeStampedModel
from musichub.offer.models import Opportunity, Session
from musichub.partners.models import PartnerMembership
from musichub.people.models import Barrier, YoungPerson

MAX_TITLE = 120
MAX_TEXT = 1500


class VoiceSettings(models.Model):
    """The hub's youth voice settings (one row; edited in the back office)."""

    response_working_days = models.PositiveSmallIntegerField(
        _("working days to answer a voice"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Weekends and the city's school holidays (term dates) are not counted."),
    )

    class Meta:
        verbose_name = _("youth voice settings")
        verbose_name_plural = _("youth voice settings")

    def __str__(self):
        return str(_("Youth voice settings"))

    @classmethod
    def current(cls) -> "VoiceSettings":
        row, _created = cls.objects.get_or_create(pk=1)
        return row


# ---- Posts: what young people say ---------------------------------------------------------------------------


class Post(TimeStampedModel):
    """Something a young person (or a leader, for a group) said: an idea, a request, feedback or a problem."""

    class Kind(models.TextChoices):
        IDEA = "idea", _("An idea")
        REQUEST = "request", _("A request")
        FEEDBACK = "feedback", _("Feedback on something I go to")
        PROBLEM = "problem", _("A problem")

    class Topic(models.TextChoices):
        MUSIC = "music", _("Music and genres")
        PLACES = "places", _("Places and times")
        COST = "cost", _("Cost and getting there")
        SESSIONS = "sessions", _("Sessions and leaders")
        PERFORMING = "performing", _("Performing and events")
        OTHER = "other", _("Something else")

    class Moderation(models.TextChoices):
        PENDING = "pending", _("Being checked")
        PUBLISHED = "published", _("Published")
        DECLINED = "declined", _("Not published")
        # Held for the safeguarding lead: never published, left out of every list but the author's own.
        WITHHELD = "withheld", _("Being checked")

    class Answer(models.TextChoices):
        RECEIVED = "received", _("Received")
        CONSIDERING = "considering", _("Being considered")
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        NOT_POSSIBLE = "not_possible", _("Not possible")

    class ShowAs(models.TextChoices):
        DISPLAY_NAME = "display_name", _("My display name")
        FIRST_NAME = "first_name", _("My first name")
        ANONYMOUS = "anonymous", _("No name: just ‘a young musician’")

    kind = models.CharField(_("what it is"), max_length=10, choices=Kind, default=Kind.IDEA)
    topic = models.CharField(_("topic"), max_length=12, choices=Topic, default=Topic.OTHER)
    title = models.CharField(_("in a few words"), max_length=MAX_TITLE)
    text = models.TextField(_("tell us more"), blank=True)
    # Optional tags.
    genre = models.ForeignKey(
        Genre, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("genre")
    )
    place = models.CharField(_("place"), max_length=60, blank=True)
    opportunity = models.ForeignKey(
        Opportunity,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="voice_posts",
        verbose_name=_("opportunity"),
    )
    barrier = models.ForeignKey(
        Barrier, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("barrier")
    )
    # Who said it. A young person's own post has `young_person`; a leader's post for a group has `group_name`.
    young_person = models.ForeignKey(
        YoungPerson,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="voice_posts",
        verbose_name=_("young person"),
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="voice_posts"
    )
    group_name = models.CharField(_("posted for the group"), max_length=120, blank=True)
    display_name = models.CharField(_("shown as"), max_length=80)
    # Moderation.
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=Moderation, default=Moderation.PENDING
    )
    flags = models.JSONField(_("automatic flags"), default=list, blank=True)
    reported = models.BooleanField(_("reopened after a report"), default=False)
    details_edited = models.BooleanField(_("personal details edited out"), default=False)
    decline_reason = models.TextField(_("why it was not published"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Answering: the latest published response's status, and the dates the indicators use.
    answer = models.CharField(_("answer"), max_length=12, choices=Answer, blank=True)
    received_on = models.DateField(_("received"))
    response_due_on = models.DateField(_("answer due by"))
    answered_on = models.DateField(_("first answered"), null=True, blank=True)
    last_answered_at = models.DateTimeField(_("last answered"), null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("voice")
        verbose_name_plural = _("voices")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["idea", "request", "feedback", "problem"]), name="post_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(topic__in=["music", "places", "cost", "sessions", "performing", "other"]),
                name="post_topic_valid",
            ),
            models.CheckConstraint(
                condition=Q(moderation__in=["pending", "published", "declined", "withheld"]),
                name="post_moderation_valid",
            ),
            models.CheckConstraint(
                condition=Q(answer__in=["", "received", "considering", "planned", "done", "not_possible"]),
                name="post_answer_valid",
            ),
            # Only a published voice is answered.
            models.CheckConstraint(
                condition=Q(answer="") | Q(moderation="published") | Q(reported=True),
                name="post_answer_only_when_published",
            ),
            models.CheckConstraint(
                condition=~Q(moderation="declined") | ~Q(decline_reason=""), name="post_decline_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("received_on")),
                name="post_answered_after_received",
            ),
        ]
        indexes = [
            models.Index(fields=["moderation", "received_on"]),
            models.Index(fields=["moderation", "answer", "response_due_on"]),
            models.Index(fields=["moderation", "topic"]),
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.moderation == self.Moderation.PUBLISHED

    @property
    def is_for_group(self) -> bool:
        return bool(self.group_name)

    def is_managed_by(self, user) -> bool:
        """Object-level rule for core.permissions: a partner member answers voices about their own partner's
        opportunities."""
        return (
            self.opportunity_id is not None
            and PartnerMembership.objects.filter(
                user=user, partner__opportunities=self.opportunity_id
            ).exists()
        )


class ModerationEvent(models.Model):
    """What happened to a post before and after publication: flagged, published, edited, declined, reported."""

    post = models.ForeignKey(Post, models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    action = models.CharField(_("what happened"), max_length=30)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("moderation event")

    def __str__(self):
        return f"{self.action} ({self.at:%Y-%m-%d %H:%M})"


class Report(models.Model):
    """Someone reported a published post: moderation reopens at once."""

    post = models.ForeignKey(Post, models.CASCADE, related_name="reports")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.CharField(_("what is wrong"), max_length=300)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled = models.BooleanField(_("handled"), default=False)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("report")

    def __str__(self):
        return f"Report on {self.post_id}"


class Response(TimeStampedModel):
    """The hub's (or the partner's) answer to a voice, with a status. A post may have several: each status change,
    and each step forward of a planned item, is a new response, and the author is told each time."""

    class State(models.TextChoices):
        AWAITING_COSIGN = "awaiting_cosign", _("Waiting for the youth panel to co-sign")
        PUBLISHED = "published", _("Published")

    post = models.ForeignKey(Post, models.CASCADE, related_name="responses")
    status = models.CharField(_("status"), max_length=12, choices=Post.Answer)
    text = models.TextField(_("what we say"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State, default=State.PUBLISHED)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who the answer is from, as shown in public: "The hub team" or the partner's name.
    from_name = models.CharField(_("from"), max_length=150)
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cosigned_at = models.DateTimeField(_("co-signed"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("response")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["received", "considering", "planned", "done", "not_possible"]),
                name="response_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["awaiting_cosign", "published"]), name="response_state_valid"
            ),
            # "Done" says what was done; "not possible" says why.
            models.CheckConstraint(
                condition=~Q(status__in=["done", "not_possible"]) | ~Q(text=""), name="response_explains"
            ),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False), name="response_published_at"
            ),
        ]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self):
        return f"{self.get_status_display()}: {self.post_id}"


class Endorsement(models.Model):
    """A young person supports a published idea (one per person per post)."""

    post = models.ForeignKey(Post, models.CASCADE, related_name="endorsements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("endorsement")
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="one_endorsement_per_person")]

    def __str__(self):
        return f"Support for {self.post_id}"


class AuthorNotice(models.Model):
    """What the author is told on their page (the same news goes by email where they have an address)."""

    post = models.ForeignKey(Post, models.CASCADE, related_name="notices")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    text = models.TextField(_("what we told them"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("notice to the author")

    def __str__(self):
        return self.text[:60]


# ---- Guardians' approval for under-13s ---------------------------------------------------------------------


class VoiceApproval(TimeStampedModel):
    """A guardian lets their child (under 13) have their say on their own account. The guardian gives consent;
    they are never shown the child's posts."""

    young_person = models.ForeignKey(YoungPerson, models.CASCADE, related_name="voice_approvals")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("approved by")
    )
    approved_by_name = models.CharField(_("name of the guardian"), max_length=160)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("guardian's approval for youth voice")
        constraints = [
            models.UniqueConstraint(
                fields=["young_person"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_voice_approval",
            )
        ]


# ---- Quick feedback at a session ----------------------------------------------------------------------------


class SessionFeedback(models.Model):
    """An answer given at the end of a session, without signing in: linked to the session, never to a person."""

    class Face(models.IntegerChoices):
        LOVED = 5, _("Loved it")
        GOOD = 4, _("Good")
        OK = 3, _("OK")
        NOT_GREAT = 2, _("Not great")
        DISLIKED = 1, _("Didn't like it")

    session = models.ForeignKey(Session, models.CASCADE, related_name="voice_feedback")
    face = models.PositiveSmallIntegerField(_("how was it?"), choices=Face)
    word = models.CharField(_("one word for today"), max_length=30, blank=True)
    play_next = models.CharField(_("what should we play next?"), max_length=100, blank=True)
    # Free text that tripped an automatic check is kept back from the leader's view.
    held_back = models.BooleanField(_("held back"), default=False)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("session feedback")
        verbose_name_plural = _("session feedback")
        constraints = [
            models.CheckConstraint(condition=Q(face__gte=1, face__lte=5), name="feedback_face_1_to_5")
        ]
        indexes = [models.Index(fields=["session", "at"])]

    def __str__(self):
        return f"Feedback on session {self.session_id}: {self.face}"


# ---- Polls -------------------------------------------------------------------------------------------------


class Poll(TimeStampedModel):
    """A question for young people, created by staff or the youth panel; results shown after answering."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    question = models.CharField(_("question"), max_length=200)
    description = models.TextField(_("more about it"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    by_youth_panel = models.BooleanField(_("asked by the youth panel"), default=False)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("poll")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "open", "closed"]), name="poll_status_valid"
            )
        ]

    def __str__(self):
        return self.question


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, models.CASCADE, related_name="options")
    text = models.CharField(_("answer"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("poll answer option")
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="poll_option_position_unique")
        ]

    def __str__(self):
        return self.text


class PollAnswer(models.Model):
    """One account's answer to a poll (one per account)."""

    poll = models.ForeignKey(Poll, models.CASCADE, related_name="answers")
    option = models.ForeignKey(PollOption, models.CASCADE, related_name="answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("poll answer")
        constraints = [models.UniqueConstraint(fields=["poll", "user"], name="one_poll_answer_per_account")]

    def __str__(self):
        return f"Answer to poll {self.poll_id}"


# ---- The youth panel and young leaders --------------------------------------------------------------------


class YouthPanel(models.Model):
    """The youth panel: young people who shape the hub's music-making with staff."""

    name = models.CharField(_("name"), max_length=120)
    about = models.TextField(_("what it does"), blank=True)

    class Meta:
        verbose_name = _("youth panel")

    def __str__(self):
        return self.name

    def has_member(self, user) -> bool:
        """Object-level rule for core.permissions: a young person sees the panel they are a current member of."""
        return self.members.filter(young_person__user=user, left_on__isnull=True).exists()


class PanelMember(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice chair")

    panel = models.ForeignKey(YouthPanel, models.CASCADE, related_name="members")
    young_person = models.ForeignKey(YoungPerson, models.CASCADE, related_name="panel_memberships")
    role = models.CharField(_("role"), max_length=12, choices=Role, default=Role.MEMBER)
    joined_on = models.DateField(_("joined"))
    left_on = models.DateField(_("left"), null=True, blank=True)

    class Meta:
        ordering = ["joined_on", "pk"]
        verbose_name = _("panel member")
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "young_person"],
                condition=Q(left_on__isnull=True),
                name="one_current_membership",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="member_left_after_joined",
            ),
        ]

    def __str__(self):
        return f"{self.young_person_id} on {self.panel_id}"


class PanelMeeting(TimeStampedModel):
    panel = models.ForeignKey(YouthPanel, models.CASCADE, related_name="meetings")
    date = models.DateField(_("date"))
    agenda = models.TextField(_("agenda"), help_text=_("Markdown."))
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("Markdown."))

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("panel meeting")

    def __str__(self):
        return f"{self.panel} {self.date:%Y-%m-%d}"


class PanelDecision(models.Model):
    meeting = models.ForeignKey(PanelMeeting, models.CASCADE, related_name="decisions")
    text = models.CharField(_("decision"), max_length=300)
    published_at = models.DateTimeField(_("published on /voice/"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("panel decision")

    def __str__(self):
        return self.text


class PanelAction(TimeStampedModel):
    class Status(models.TextChoices):
        TO_DO = "to_do", _("To do")
        DOING = "doing", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    meeting = models.ForeignKey(PanelMeeting, models.CASCADE, related_name="actions")
    text = models.CharField(_("action"), max_length=300)
    owner = models.CharField(_("who will do it"), max_length=120)
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.TO_DO)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("panel action")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["to_do", "doing", "done", "dropped"]),
                name="panel_action_status_valid",
            )
        ]

    def __str__(self):
        return self.text


class YoungLeader(models.Model):
    """A young person who co-leads sessions or sits on the panel, from when to when (counted later in the
    workforce and achievements)."""

    class Role(models.TextChoices):
        CO_LEADER = "co_leader", _("Co-leads sessions")
        PANEL = "panel", _("Youth panel member")
        AMBASSADOR = "ambassador", _("Young ambassador")
        PRODUCER = "producer", _("Young producer or programmer")

    young_person = models.ForeignKey(YoungPerson, models.CASCADE, related_name="young_leader_roles")
    role = models.CharField(_("role"), max_length=12, choices=Role)
    opportunity = models.ForeignKey(
        Opportunity, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("where")
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_on", "pk"]
        verbose_name = _("young leader")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["co_leader", "panel", "ambassador", "producer"]),
                name="young_leader_role_valid",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="young_leader_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.young_person_id}: {self.role}"


# ---- Identity: who they are as a musician -----------------------------------------------------------------


class MusicianProfile(TimeStampedModel):
    """A young person says who they are as a musician, in their words, and who may see each part."""

    class Visibility(models.TextChoices):
        ME = "me", _("Only me")
        LEADERS = "leaders", _("Hub staff and the leaders of my groups")

    young_person = models.OneToOneField(YoungPerson, models.CASCADE, related_name="musician_profile")
    chosen_name = models.CharField(
        _("the name you go by"),
        max_length=40,
        blank=True,
        help_text=_("Shown as your display name on things you post, once a moderator has checked it."),
    )
    pronouns = models.CharField(_("pronouns"), max_length=30, blank=True)
    pronouns_visible_to = models.CharField(
        _("who sees your pronouns"), max_length=10, choices=Visibility, default=Visibility.ME
    )
    instruments = models.ManyToManyField(
        Instrument, blank=True, related_name="+", verbose_name=_("instruments")
    )
    genres = models.ManyToManyField(Genre, blank=True, related_name="+", verbose_name=_("genres"))
    music_visible_to = models.CharField(
        _("who sees your instruments and genres"),
        max_length=10,
        choices=Visibility,
        default=Visibility.LEADERS,
    )
    next_steps = models.TextField(_("what you want to do next"), blank=True)
    next_steps_visible_to = models.CharField(
        _("who sees what you want to do next"), max_length=10, choices=Visibility, default=Visibility.LEADERS
    )

    class Meta:
        verbose_name = _("musician profile")
        constraints = [
            models.CheckConstraint(
                condition=Q(pronouns_visible_to__in=["me", "leaders"])
                & Q(music_visible_to__in=["me", "leaders"])
                & Q(next_steps_visible_to__in=["me", "leaders"]),
                name="profile_visibility_valid",
            )
        ]
