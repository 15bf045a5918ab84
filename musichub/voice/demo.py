"""Youth voice in the demo hub: a year of voices and the hub's answers (a few overdue), endorsements, two polls,
quick feedback at recent sessions, and a youth panel with meetings, decisions, actions and young leaders.

Idempotent (nothing is added once the demo panel exists), seeded, and relative to today. Some demo young people
aged 13 and over get an account (no usable password) so they can author posts, support ideas and answer polls.
"""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from musichub.core.models import Genre, User
from musichub.core.roles import Role
from musichub.offer.demo import VENUE_PLACES
from musichub.offer.models import Opportunity, Session
from musichub.people.models import YoungPerson

from . import moderation
from .deadlines import add_working_days, holidays_between
from .forms import years_ago
from .models import (
    AuthorNotice,
    Endorsement,
    PanelAction,
    PanelDecision,
    PanelMeeting,
    PanelMember,
    Poll,
    PollAnswer,
    PollOption,
    Post,
    Response,
    SessionFeedback,
    VoiceSettings,
    YoungLeader,
    YouthPanel,
)

SEED = 66
PANEL_NAME = "Youth music panel"
ACCOUNTS = 40
VOICES = 140
HUB_TEAM = "The hub team"

IDEAS = [
    (
        "idea",
        "music",
        "We want a {genre} workshop in {place}",
        "Loads of us make {genre} at home but there's nowhere to do it together.",
    ),
    (
        "request",
        "places",
        "Can there be a session in {place} after school?",
        "Getting into town takes ages on the bus.",
    ),
    (
        "idea",
        "performing",
        "A showcase gig for young bands in the summer",
        "We practise all year and want a real stage to play on.",
    ),
    ("problem", "cost", "The bus to {place} is too expensive", "Some of us stop coming because of the fare."),
    (
        "request",
        "music",
        "More {genre} in the holiday courses",
        "The courses are great but always the same styles.",
    ),
    (
        "feedback",
        "sessions",
        "The leaders at {place} are brilliant",
        "They let us choose what we play. More of that please!",
    ),
    (
        "idea",
        "music",
        "A beat-making club using free software",
        "You don't need an expensive laptop to produce {genre}.",
    ),
    (
        "problem",
        "places",
        "The room in {place} is too small for the band",
        "We can't all fit with the drum kit.",
    ),
    (
        "request",
        "sessions",
        "Sessions for people who are nervous to start",
        "A quiet taster before joining a big group would help.",
    ),
    (
        "idea",
        "performing",
        "Play at the city's festival with a {genre} set",
        "It would show what young people here can do.",
    ),
    ("feedback", "sessions", "Loved the songwriting weekend", "Can it run every term?"),
    ("request", "cost", "Instrument loans for longer", "A term is not long enough to save up for my own."),
]
DISPLAY_NAMES = [
    "BeatsByAsh", "Cello K", "Lyric Lou", "DJ Nova", "Riff Raff", "Violet Keys", "MC Sol", "Drum Dex", "Harmony J",
    "Tempo T", "Bass Face", "Quaver Q",
]  # fmt: skip
DONE_TEXTS = [
    "We ran it: the workshop now runs every Saturday from March, with two young co-leaders.",
    "Done: a new weekly session started in the area last month.",
    "We booked a stage for a youth showcase; twelve bands played.",
    "We now pay bus fares for anyone who asks, no questions asked.",
]
PLANNED_TEXTS = [
    "We are planning it with a partner for next term.",
    "Planned: we have found a room and are booking leaders.",
]
NOT_POSSIBLE_TEXTS = [
    "We looked hard, but no venue in the area can host a loud band in the evening. We will keep trying."
]
WAITING_FOR_A_MODERATOR = [
    (
        "A grime workshop in Thornhill please",
        "Me and my mates would all come. Text me on 07700 900123 if it happens.",
    ),
    ("More ukulele!", "The ukulele group is the best thing I do all week."),
    ("Steel pans at the summer showcase", "We learnt three songs this term and want to play them to people."),
]
DECISIONS = [
    "Ask the hub to run a grime workshop next term",
    "Hold the summer showcase in a city-centre venue",
    "Ask partners for Saturday sessions in Thornhill",
    "Run a songwriting weekend every term",
    "Pay bus fares for anyone who asks",
    "Open the youth panel to two new members each term",
]
WORDS = [
    "fun",
    "loud",
    "brilliant",
    "tired",
    "chill",
    "awesome",
    "hard",
    "happy",
    "fire",
    "proud",
    "boring",
    "vibes",
]
PLAY_NEXT = [
    "grime",
    "film music",
    "Taylor Swift",
    "jazz standards",
    "our own song",
    "samba",
    "drum and bass",
    "K-pop",
]


def _accounts(rng: random.Random, today) -> list[User]:
    """Demo accounts for young people aged 13 to 18 who have none."""
    people = list(
        YoungPerson.objects.filter(
            user__isnull=True,
            anonymised_at__isnull=True,
            date_of_birth__lte=years_ago(today, 13),
            date_of_birth__gt=years_ago(today, 19),
        ).order_by("pk")[: ACCOUNTS * 3]
    )
    chosen = rng.sample(people, min(ACCOUNTS, len(people)))
    password = make_password(None)  # unusable: these accounts cannot sign in
    users = User.objects.bulk_create(
        [
            User(
                username=f"voice-demo-{n:02d}",
                first_name=person.first_name,
                role=Role.YOUNG_PERSON,
                password=password,
                display_name=DISPLAY_NAMES[n % len(DISPLAY_NAMES)],
            )
            for n, person in enumerate(chosen, start=1)
        ]
    )
    for person, user in zip(chosen, users, strict=True):
        person.user = user
        user.yp_pk = person.pk
    YoungPerson.objects.bulk_update(chosen, ["user"])
    return users


def _voices(rng, today, users, genres, opportunities) -> list[Post]:
    working_days = VoiceSettings.current().response_working_days
    start = today - timedelta(days=365)
    holidays = holidays_between(start, today + timedelta(days=200))
    posts = []
    for _n in range(VOICES):
        kind, topic, title, text = rng.choice(IDEAS)
        genre = rng.choice(genres) if genres else None
        place = rng.choice(VENUE_PLACES)
        user = rng.choice(users)
        received_on = start + timedelta(days=int(rng.triangular(0, 365, 300)))
        age_in_days = (today - received_on).days
        roll = rng.random()
        if age_in_days < 3 and roll < 0.6:
            state = Post.Moderation.PENDING
        elif roll < 0.07:
            state = Post.Moderation.DECLINED
        else:
            state = Post.Moderation.PUBLISHED
        words = {"genre": genre.name if genre else "music", "place": place}
        published_at = None
        if state != Post.Moderation.PENDING:
            published_at = timezone.make_aware(
                datetime.combine(received_on + timedelta(days=min(age_in_days, rng.randint(0, 2))), time())
            ) + timedelta(hours=10)
        posts.append(
            Post(
                kind=kind,
                topic=topic,
                title=title.format(**words),
                text=text.format(**words),
                genre=genre if "{genre}" in title or "{genre}" in text else None,
                place=place if "{place}" in title or "{place}" in text else "",
                opportunity=rng.choice(opportunities) if kind == "feedback" and opportunities else None,
                young_person_id=user.yp_pk,
                posted_by=user,
                display_name=user.display_name if rng.random() < 0.7 else "A young musician",
                moderation=state,
                decline_reason=(
                    "It had personal details we could not take out without changing what you meant."
                    if state == Post.Moderation.DECLINED
                    else ""
                ),
                published_at=published_at if state == Post.Moderation.PUBLISHED else None,
                moderated_at=published_at,
                received_on=received_on,
                response_due_on=add_working_days(received_on, working_days, holidays=holidays),
            )
        )
    # A few waiting for a moderator, one of them with a phone number the automatic checks flag.
    for n, (title, text) in enumerate(WAITING_FOR_A_MODERATOR):
        user = users[n % len(users)]
        flags = [f.as_dict() for f in moderation.flags_for(title, text)]
        posts.append(
            Post(
                kind="idea",
                topic="music",
                title=title,
                text=text,
                young_person_id=user.yp_pk,
                posted_by=user,
                display_name=user.display_name,
                flags=flags,
                received_on=today,
                response_due_on=add_working_days(today, working_days, holidays=holidays),
            )
        )
    return Post.objects.bulk_create(posts, batch_size=500)


def _answers(rng, today, posts) -> None:
    """Most published voices are answered (a few late, a few overdue and still waiting), some move on to planned
    and done."""
    responses, overdue_left = [], 4
    for post in posts:
        if post.moderation != Post.Moderation.PUBLISHED:
            continue
        due_passed = post.response_due_on < today
        if due_passed and overdue_left and rng.random() < 0.08:
            overdue_left -= 1
            continue  # overdue: still waiting for its first answer
        if not due_passed and rng.random() < 0.5:
            continue  # not due yet, not answered yet
        late = rng.random() < 0.15
        span = max((post.response_due_on - post.received_on).days, 1)
        first = post.received_on + timedelta(
            days=rng.randint(span + 1, span + 15) if late else rng.randint(1, span)
        )
        first = min(first, today)
        steps = rng.choice(
            [
                ["received"],
                ["considering"],
                ["received", "planned"],
                ["planned", "done"],
                ["considering", "not_possible"],
                ["received", "planned", "planned", "done"],
            ]
        )
        day = first
        for status in steps:
            if day > today:
                break
            text = {
                "received": "Thanks: we have read this and will look into it.",
                "considering": "We are talking to partners about this.",
                "planned": rng.choice(PLANNED_TEXTS),
                "done": rng.choice(DONE_TEXTS),
                "not_possible": rng.choice(NOT_POSSIBLE_TEXTS),
            }[status]
            at = timezone.make_aware(datetime.combine(day, time())) + timedelta(hours=14)
            responses.append(
                Response(
                    post=post,
                    status=status,
                    text=text,
                    from_name=HUB_TEAM,
                    state=Response.State.PUBLISHED,
                    published_at=at,
                )
            )
            post.answer, post.answered_on, post.last_answered_at = status, post.answered_on or day, at
            day += timedelta(days=rng.randint(10, 60))
    Response.objects.bulk_create(responses, batch_size=500)
    Post.objects.bulk_update(posts, ["answer", "answered_on", "last_answered_at"], batch_size=500)
    AuthorNotice.objects.bulk_create(
        [
            AuthorNotice(post=r.post, text=f"“{r.post.title}”: {Post.Answer(r.status).label}. {r.text}")
            for r in responses
        ],
        batch_size=500,
    )


def _endorsements(rng, posts, users) -> None:
    published = [p for p in posts if p.moderation == Post.Moderation.PUBLISHED]
    rows = []
    for post in published:
        supporters = rng.sample(users, rng.randint(0, min(12, len(users))))
        rows += [Endorsement(post=post, user=u) for u in supporters if u.pk != post.posted_by_id]
    Endorsement.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def _polls(rng, today, users, genres) -> None:
    genre_names = [g.name for g in genres[:6]] or ["Grime", "Folk", "Jazz", "Pop"]
    plans = [
        (
            "Which genres should we run next term?",
            genre_names,
            Poll.Status.OPEN,
            True,
            today + timedelta(days=21),
        ),
        (
            "When are the best times for holiday courses?",
            ["Mornings", "Afternoons", "All day", "Evenings"],
            Poll.Status.CLOSED,
            False,
            today - timedelta(days=40),
        ),
    ]
    answers = []
    for question, options, status, by_panel, closes_on in plans:
        poll = Poll.objects.create(
            question=question, status=status, by_youth_panel=by_panel, closes_on=closes_on
        )
        created = PollOption.objects.bulk_create(
            [PollOption(poll=poll, text=text, position=n) for n, text in enumerate(options, start=1)]
        )
        weights = [rng.random() ** 2 for _ in created]
        for user in rng.sample(users, int(len(users) * 0.8)):
            answers.append(PollAnswer(poll=poll, option=rng.choices(created, weights)[0], user=user))
    PollAnswer.objects.bulk_create(answers, batch_size=1000)


def _session_feedback(rng, today) -> None:
    sessions = list(
        Session.objects.filter(
            date__range=(today - timedelta(days=7), today - timedelta(days=1)), is_cancelled=False
        ).order_by("date", "pk")[:12]
    )
    rows = []
    for session in sessions:
        for _n in range(rng.randint(6, 15)):
            rows.append(
                SessionFeedback(
                    session=session,
                    face=rng.choices([5, 4, 3, 2, 1], [5, 4, 2, 1, 0.5])[0],
                    word=rng.choice(WORDS) if rng.random() < 0.7 else "",
                    play_next=rng.choice(PLAY_NEXT) if rng.random() < 0.5 else "",
                )
            )
    SessionFeedback.objects.bulk_create(rows, batch_size=1000)


def _panel(rng, today, users, opportunities) -> None:
    panel = YouthPanel.objects.create(
        name=PANEL_NAME,
        about="Young people who shape the hub's music-making: we meet every month, decide things and co-sign the hub's answers.",
    )
    members = rng.sample(users, min(8, len(users)))
    roles = [PanelMember.Role.CHAIR, PanelMember.Role.VICE_CHAIR] + [PanelMember.Role.MEMBER] * 6
    joined = today - timedelta(days=300)
    PanelMember.objects.bulk_create(
        [
            PanelMember(panel=panel, young_person_id=u.yp_pk, role=r, joined_on=joined)
            for u, r in zip(members, roles, strict=False)
        ]
    )
    leaders = [
        YoungLeader(young_person_id=u.yp_pk, role=YoungLeader.Role.PANEL, started_on=joined) for u in members
    ]
    for user in rng.sample([u for u in users if u not in members], 3):
        leaders.append(
            YoungLeader(
                young_person_id=user.yp_pk,
                role=YoungLeader.Role.CO_LEADER,
                opportunity=rng.choice(opportunities) if opportunities else None,
                started_on=today - timedelta(days=rng.randint(30, 200)),
            )
        )
    YoungLeader.objects.bulk_create(leaders)
    agendas = [
        "1. Welcome\n2. The hub's answers to this month's ideas\n3. The summer showcase",
        "1. Poll results\n2. Holiday courses: what should change?\n3. Any other business",
        "1. Bus fares\n2. Planning the festival set\n3. New members",
    ]
    for n in range(6):
        date = today - timedelta(days=30 * (6 - n) - 5)
        meeting = PanelMeeting.objects.create(
            panel=panel,
            date=date,
            agenda=agendas[n % len(agendas)],
            minutes="We talked about what young people asked for this month and agreed what to do next.",
        )
        decisions = PanelDecision.objects.bulk_create(
            [
                PanelDecision(
                    meeting=meeting,
                    text=DECISIONS[n % len(DECISIONS)],
                ),
                PanelDecision(meeting=meeting, text="Co-sign the answers about bus fares"),
            ]
        )
        if n >= 4:
            decisions[0].published_at = timezone.now() - timedelta(days=(6 - n) * 30)
            decisions[0].save(update_fields=["published_at"])
        PanelAction.objects.bulk_create(
            [
                PanelAction(
                    meeting=meeting,
                    text="Write to the partners about Saturday sessions",
                    owner="The chair",
                    due_on=date + timedelta(days=21),
                    status=PanelAction.Status.DONE if n < 4 else PanelAction.Status.DOING,
                ),
                PanelAction(
                    meeting=meeting,
                    text="Make a poster for the showcase",
                    owner="Two panel members",
                    due_on=date + timedelta(days=28),
                    status=PanelAction.Status.DONE if n < 5 else PanelAction.Status.TO_DO,
                ),
            ]
        )


@transaction.atomic
def load_demo_voice() -> None:
    """The youth voice demo (see the module docstring). Does nothing once the demo panel exists."""
    if YouthPanel.objects.filter(name=PANEL_NAME).exists():
        return
    rng = random.Random(SEED)  # noqa: S311 -- invented data, seeded so every run makes the same choices
    today = timezone.localdate()
    users = _accounts(rng, today)
    if not users:
        return
    genres = list(Genre.objects.order_by("name"))
    opportunities = list(Opportunity.objects.filter(status=Opportunity.Status.PUBLISHED).order_by("pk")[:40])
    posts = _voices(rng, today, users, genres, opportunities)
    _answers(rng, today, posts)
    _endorsements(rng, posts, users)
    _polls(rng, today, users, genres)
    _session_feedback(rng, today)
    _panel(rng, today, users, opportunities)
