"""Reads for youth voice: the public "you said, we did" list, the moderation and answer queues, a young person's
own posts, polls, quick feedback, the youth panel, and the indicators for the inclusion dashboard.

The indicators take any period (`start`, `end`, both included) and are computed by the database (aggregate,
conditional counts). Every count leaving this module for a public page goes through small-number suppression
(musichub.core.privacy): counts of 1 to 4 become "fewer than 5", and no percentage is given on a base under 10.

The median days to a first answer is computed portably, the same way on SQLite and PostgreSQL: the database
counts the answered voices, orders them by days to answer (date arithmetic in SQL) and returns only the middle
one or two values (LIMIT/OFFSET); Python averages those two numbers at most. No rows are looped over.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from musichub.core.permissions import STAFF, role_of
from musichub.core.privacy import is_small, percentage_or_none, suppress_count, suppress_series
from musichub.core.roles import Role
from musichub.offer.models import Enrolment, Session
from musichub.people.choices import NOT_KNOWN, PREFER_NOT
from musichub.people.models import YoungPerson

from .models import (
    ModerationEvent,
    MusicianProfile,
    PanelAction,
    PanelDecision,
    PanelMeeting,
    PanelMember,
    Poll,
    Post,
    Response,
    SessionFeedback,
    YouthPanel,
)

PUBLISHED = Post.Moderation.PUBLISHED
WAITING = "waiting"  # the public and staff filter for "not answered yet"


def school_year_start(today: date) -> date:
    """1 September of the current school year: the public page's "this year"."""
    return date(today.year if today.month >= 9 else today.year - 1, 9, 1)


# ---- Public: you said, we did --------------------------------------------------------------------------------


def _published_responses() -> Prefetch:
    return Prefetch(
        "responses",
        queryset=Response.objects.filter(state=Response.State.PUBLISHED).order_by("published_at", "pk"),
        to_attr="published_responses",
    )


def published_posts(*, answer: str = "", topic: str = "", kind: str = "") -> QuerySet[Post]:
    """Published voices with their public answers and how many support them, newest first. Unknown filter values
    are ignored."""
    posts = Post.objects.filter(moderation=PUBLISHED)
    if answer == WAITING:
        posts = posts.filter(answer="")
    elif answer in Post.Answer.values:
        posts = posts.filter(answer=answer)
    if topic in Post.Topic.values:
        posts = posts.filter(topic=topic)
    if kind in Post.Kind.values:
        posts = posts.filter(kind=kind)
    return (
        posts.select_related("genre", "opportunity")
        .annotate(supporters=Count("endorsements"))
        .prefetch_related(_published_responses())
        .order_by("-published_at", "-pk")
    )


def published_post(pk: int) -> Post | None:
    return published_posts().filter(pk=pk).first()


def published_decisions(limit: int = 5) -> list[PanelDecision]:
    return list(
        PanelDecision.objects.filter(published_at__isnull=False)
        .select_related("meeting", "meeting__panel")
        .order_by("-published_at", "-pk")[:limit]
    )


# ---- A young person's own posts ---------------------------------------------------------------------------------


def posts_of(user) -> QuerySet[Post]:
    """What `user` posted (never anyone else's: a guardian is not shown their child's posts)."""
    return (
        Post.objects.filter(posted_by=user)
        .select_related("opportunity")
        .prefetch_related(_published_responses(), "notices")
        .order_by("-created_at", "-pk")
    )


# ---- Moderation and answering ------------------------------------------------------------------------------------


def moderation_queue() -> QuerySet[Post]:
    """Posts waiting for a moderator: reported ones first, then the oldest. Posts held for the safeguarding lead
    are not here."""
    return (
        Post.objects.filter(moderation=Post.Moderation.PENDING)
        .select_related("young_person", "opportunity", "genre", "barrier")
        .order_by("-reported", "created_at", "pk")
    )


QUEUE_VIEWS = {
    WAITING: _("Waiting for a first answer, most overdue first"),
    "open": _("Answered, still open (received, being considered, planned)"),
    "supported": _("Most supported"),
    "all": _("All published"),
}


def response_queue(user, *, show: str = WAITING) -> QuerySet[Post]:
    """Published voices for staff (all) or a partner member (their partner's opportunities), in the order `show`
    asks for; unanswered ones sorted by how overdue they are."""
    posts = Post.objects.filter(moderation=PUBLISHED)
    if role_of(user) == Role.PARTNER_MEMBER:
        posts = posts.filter(opportunity__partner__memberships__user=user)
    elif role_of(user) not in STAFF:
        return posts.none()
    posts = posts.select_related("opportunity", "opportunity__partner").annotate(
        supporters=Count("endorsements")
    )
    if show == "open":
        return posts.filter(answer__in=["received", "considering", "planned"]).order_by(
            "last_answered_at", "pk"
        )
    if show == "supported":
        return posts.order_by("-supporters", "received_on", "pk")
    if show == "all":
        return posts.order_by("-received_on", "-pk")
    return posts.filter(answer="").order_by("response_due_on", "received_on", "pk")


def post_for_staff(pk: int) -> Post | None:
    """A post as a moderator or staff member sees it; held ones (safeguarding) are never returned."""
    return (
        Post.objects.exclude(moderation=Post.Moderation.WITHHELD)
        .select_related(
            "young_person", "opportunity", "opportunity__partner", "genre", "barrier", "posted_by"
        )
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=Response.objects.select_related("cosigned_by").order_by("created_at", "pk"),
            ),
            Prefetch("events", queryset=ModerationEvent.objects.select_related("by")),
            "reports",
        )
        .annotate(supporters=Count("endorsements"))
        .filter(pk=pk)
        .first()
    )


def awaiting_cosign() -> QuerySet[Response]:
    return (
        Response.objects.filter(state=Response.State.AWAITING_COSIGN, post__moderation=PUBLISHED)
        .select_related("post")
        .order_by("created_at", "pk")
    )


# ---- Polls -----------------------------------------------------------------------------------------------------


def open_polls(today: date | None = None) -> QuerySet[Poll]:
    today = today or timezone.localdate()
    return (
        Poll.objects.filter(status=Poll.Status.OPEN)
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))
        .order_by("closes_on", "-created_at", "pk")
    )


def answered_poll_ids(user, polls) -> set[int]:
    return set(
        Poll.objects.filter(pk__in=[p.pk for p in polls], answers__user=user).values_list("pk", flat=True)
    )


@dataclass
class PollResult:
    text: str
    count: object  # an int, or "fewer than 5"
    percentage: float | None


def poll_results(poll: Poll) -> tuple[list[PollResult], object]:
    """Each answer's count (suppressed under 5, with secondary suppression so none can be worked out from the
    total) and the total."""
    options = list(poll.options.annotate(n=Count("answers")).order_by("position", "pk"))
    counts = [o.n for o in options]
    total = sum(counts)
    shown = suppress_series(counts)
    results = [
        PollResult(
            text=o.text,
            count=value,
            percentage=None if value != o.n else percentage_or_none(o.n, total),
        )
        for o, value in zip(options, shown, strict=True)
    ]
    return results, suppress_count(total)


# ---- Quick feedback ------------------------------------------------------------------------------------------------


def sessions_for_feedback(user, today: date | None = None) -> QuerySet[Session]:
    """Sessions from a week ago to a week ahead that `user` runs (staff: all), with how many answered."""
    today = today or timezone.localdate()
    sessions = Session.objects.filter(date__range=(today - timedelta(days=7), today + timedelta(days=7)))
    role = role_of(user)
    if role == Role.MUSIC_LEADER:
        sessions = sessions.filter(opportunity__leaders=user)
    elif role == Role.PARTNER_MEMBER:
        sessions = sessions.filter(opportunity__partner__memberships__user=user)
    elif role not in STAFF:
        return sessions.none()
    return (
        sessions.select_related("opportunity")
        .annotate(answers=Count("voice_feedback"))
        .order_by("-date", "starts_at", "pk")
    )


def feedback_summary(session: Session) -> dict:
    """Faces counted (suppressed under 5), the average, and the words and wishes that passed the checks."""
    faces = SessionFeedback.objects.filter(session=session).aggregate(
        total=Count("pk"),
        average=Avg("face"),
        **{f"face_{value}": Count("pk", filter=Q(face=value)) for value in SessionFeedback.Face.values},
    )
    values = list(SessionFeedback.Face.values)  # 5 (loved it) first
    counts = [faces[f"face_{value}"] for value in values]
    shown = suppress_series(counts)
    clean = SessionFeedback.objects.filter(session=session, held_back=False)
    words = list(clean.exclude(word="").values("word").annotate(n=Count("pk")).order_by("-n", "word")[:30])
    wishes = list(clean.exclude(play_next="").order_by("-at").values_list("play_next", flat=True)[:30])
    return {
        "total": faces["total"],
        "average": round(faces["average"], 1) if faces["average"] and not is_small(faces["total"]) else None,
        "faces": [(SessionFeedback.Face(v).label, c) for v, c in zip(values, shown, strict=True)],
        "words": words,
        "wishes": wishes,
        "held_back": SessionFeedback.objects.filter(session=session, held_back=True).count(),
    }


# ---- The youth panel -----------------------------------------------------------------------------------------------


def panel_for(user) -> YouthPanel | None:
    """The panel a young person is a current member of; for staff, the hub's (first) panel."""
    if role_of(user) in STAFF:
        return YouthPanel.objects.order_by("pk").first()
    return (
        YouthPanel.objects.filter(members__young_person__user=user, members__left_on__isnull=True)
        .order_by("pk")
        .first()
    )


def current_members(panel: YouthPanel) -> QuerySet[PanelMember]:
    return (
        panel.members.filter(left_on__isnull=True)
        .select_related("young_person")
        .order_by("young_person__first_name", "pk")
    )


def meetings_of(panel: YouthPanel) -> QuerySet[PanelMeeting]:
    return panel.meetings.annotate(
        decision_count=Count("decisions", distinct=True), action_count=Count("actions", distinct=True)
    ).order_by("-date", "-pk")


def open_actions(panel: YouthPanel) -> QuerySet[PanelAction]:
    return (
        PanelAction.objects.filter(meeting__panel=panel, status__in=["to_do", "doing"])
        .select_related("meeting")
        .order_by("due_on", "pk")
    )


# ---- Identity ------------------------------------------------------------------------------------------------------


def visible_profile(young_person: YoungPerson, *, viewer_is_owner: bool) -> dict | None:
    """The parts of a musician profile the viewer may see: everything for the young person; for staff and
    their leaders only the parts set to "hub staff and the leaders of my groups"."""
    profile = (
        MusicianProfile.objects.filter(young_person=young_person)
        .prefetch_related("instruments", "genres")
        .first()
    )
    if profile is None:
        return None
    leaders = MusicianProfile.Visibility.LEADERS

    def shown(visibility):
        return viewer_is_owner or visibility == leaders

    return {
        "chosen_name": profile.chosen_name,
        "pronouns": profile.pronouns if shown(profile.pronouns_visible_to) else None,
        "instruments": list(profile.instruments.all()) if shown(profile.music_visible_to) else None,
        "genres": list(profile.genres.all()) if shown(profile.music_visible_to) else None,
        "next_steps": profile.next_steps if shown(profile.next_steps_visible_to) else None,
    }


# ---- Indicators for the inclusion dashboard -------------------------------------------------------------------------

DAYS_TO_ANSWER = ExpressionWrapper(F("answered_on") - F("received_on"), output_field=DurationField())

# Characteristics compared between voices and participants: (key, label, condition on a young person, given
# the path to the young person: "" on YoungPerson, "young_person__" on Post).
CHARACTERISTICS = [
    ("fsm", _("Free school meals or Pupil Premium"), lambda p: Q(**{f"{p}fsm": "yes"})),
    ("send", _("Special educational needs"), lambda p: Q(**{f"{p}send__in": ["sen_support", "ehcp"]})),
    ("disability", _("Disabled"), lambda p: Q(**{f"{p}disability": "yes"})),
    ("care_experienced", _("Care-experienced"), lambda p: Q(**{f"{p}care_experienced": "yes"})),
    ("young_carer", _("Young carer"), lambda p: Q(**{f"{p}young_carer": "yes"})),
    ("eal", _("English as an additional language"), lambda p: Q(**{f"{p}eal": "yes"})),
    (
        "global_majority",
        _("Black, Asian, mixed or other ethnic group"),
        lambda p: (
            ~Q(**{f"{p}ethnicity__startswith": "white"})
            & ~Q(**{f"{p}ethnicity__in": [NOT_KNOWN, PREFER_NOT]})
        ),
    ),
    (
        "deprived_area",
        _("Lives in one of the city's most deprived areas (deciles 1–2)"),
        lambda p: Q(**{f"{p}imd_decile__lte": 2}),
    ),
]


def _received(start: date, end: date) -> QuerySet[Post]:
    return Post.objects.filter(received_on__range=(start, end))


def voices_by_topic(start: date, end: date) -> dict:
    """Voices received in the period by topic (one query), each count and the total suppressed."""
    found = dict(_received(start, end).values_list("topic").annotate(n=Count("pk")).values_list("topic", "n"))
    counts = [found.get(topic, 0) for topic in Post.Topic.values]
    return {
        "rows": list(zip(Post.Topic.labels, suppress_series(counts), strict=True)),
        "total": suppress_count(sum(counts)),
    }


def _share(part: int, base: int):
    """A count and its percentage for a public table: both hidden when the count is 1 to 4."""
    if is_small(part):
        return suppress_count(part), None
    return part, percentage_or_none(part, base)


def voice_share_by_characteristic(start: date, end: date) -> dict:
    """For each characteristic: the share of voices (posts by young people received in the period) from young
    people with it, next to its share among the hub's participants (young people enrolled on an opportunity
    by the end of the period). Two queries."""
    voices = (
        _received(start, end)
        .filter(young_person__isnull=False)
        .aggregate(
            total=Count("pk"),
            **{
                key: Count("pk", filter=condition("young_person__"))
                for key, _label, condition in CHARACTERISTICS
            },
        )
    )
    participants = YoungPerson.objects.filter(
        anonymised_at__isnull=True,
        enrolments__status=Enrolment.Status.ENROLLED,
        enrolments__created_at__date__lte=end,
    ).aggregate(
        total=Count("pk", distinct=True),
        **{
            key: Count("pk", filter=condition(""), distinct=True)
            for key, _label, condition in CHARACTERISTICS
        },
    )
    rows = []
    for key, label, _condition in CHARACTERISTICS:
        voice_count, voice_pct = _share(voices[key], voices["total"])
        people_count, people_pct = _share(participants[key], participants["total"])
        rows.append(
            {
                "key": key,
                "label": label,
                "voices": voice_count,
                "voices_percentage": voice_pct,
                "participants": people_count,
                "participants_percentage": people_pct,
            }
        )
    return {
        "rows": rows,
        "voices_total": suppress_count(voices["total"]),
        "participants_total": suppress_count(participants["total"]),
    }


def median_days_to_first_answer(start: date, end: date) -> float | None:
    """Median calendar days from receiving a voice to its first published answer, for voices received in the
    period; None when fewer than 5 are answered (suppressed). Two queries (see the module docstring)."""
    answered = _received(start, end).filter(answered_on__isnull=False)
    n = answered.count()
    if n < 5:
        return None
    middle = list(
        answered.annotate(days=DAYS_TO_ANSWER)
        .order_by("days", "pk")
        .values_list("days", flat=True)[(n - 1) // 2 : n // 2 + 1]
    )
    total = sum((d if isinstance(d, timedelta) else timedelta(days=d) for d in middle), timedelta())
    return round(total.total_seconds() / 86400 / len(middle), 1)


def answered_in_deadline(start: date, end: date, today: date | None = None) -> dict:
    """Of the published voices received in the period that were answered or are past their deadline, how many
    were answered by the deadline (one query). The percentage is None on a base under 10."""
    today = today or timezone.localdate()
    figures = (
        _received(start, end)
        .filter(published_at__isnull=False)
        .filter(Q(answered_on__isnull=False) | Q(response_due_on__lt=today))
        .aggregate(base=Count("pk"), in_time=Count("pk", filter=Q(answered_on__lte=F("response_due_on"))))
    )
    return {
        "in_time": suppress_count(figures["in_time"]),
        "base": suppress_count(figures["base"]),
        "percentage": None
        if is_small(figures["in_time"])
        else percentage_or_none(figures["in_time"], figures["base"]),
    }


def acted_on(start: date, end: date) -> object:
    """Voices the hub acted on: answered "done" with the answer published in the period (one query)."""
    done = Response.objects.filter(
        post=OuterRef("pk"),
        status=Post.Answer.DONE,
        state=Response.State.PUBLISHED,
        published_at__date__range=(start, end),
    )
    return suppress_count(Post.objects.filter(Exists(done)).count())


def voice_figures(start: date, end: date, today: date | None = None) -> dict:
    """The public page's figures for a period: voices received, share answered in the deadline, median days to
    answer, ideas acted on."""
    return {
        "start": start,
        "end": end,
        "received": suppress_count(_received(start, end).count()),
        "in_deadline": answered_in_deadline(start, end, today),
        "median_days": median_days_to_first_answer(start, end),
        "acted_on": acted_on(start, end),
    }
