"""The demo hub's identity, inclusion strategy and catalogues (facts from shared/hub-profile.md).

Idempotent: every row is found by its natural key and updated, never duplicated.
"""

from django.db import transaction
from django.utils.text import slugify

from .models import ActivityKind, AimPoint, Genre, HubIdentity, InclusionAim, Instrument, User
from .roles import Role

HUB = {
    "name": "Southampton Music Hub",
    "short_name": "Music Hub",
    "strapline": "Delivering life-changing music for every child in Southampton",
    "area": "the city of Southampton",
    "founded_year": 2012,
    "summary": (
        "We are a growing partnership of local, regional and national organisations. Together we run an "
        "inclusive programme of music-making that reflects the cultural diversity of our city, so that music "
        "can enrich the lives, health and well-being of its children and of the wider community."
    ),
    "contact_email": "hello@musichub.example.org",
    "contact_phone": "023 8000 0000",
    "address": "Southampton Music Service\nCivic Centre\nSouthampton",
    "primary_colour": "#1d4f91",
    "accent_colour": "#b3185b",
}

AIMS = [
    (
        "Young people shaping and leading the music-making available to them",
        "Young people shaping",
        "Young people decide what music-making the hub offers and lead some of it themselves.",
        [
            "Under-represented young people have their voices heard, and responded to",
            "Young people have their unique identities recognised and valued",
            "Young people are empowered to make change",
        ],
    ),
    (
        "Recognising and working towards a wider set of musical and additional outcomes",
        "Wider outcomes",
        "We value more kinds of progress than exam grades, and we grow the people who teach and lead.",
        [
            "Developing the workforce",
            "Sharing with a wider set of stakeholders",
            "Working towards a broader set of accreditations",
        ],
    ),
    (
        "Breaking down the barriers young people in the most challenging circumstances face",
        "Breaking down barriers",
        "We find out what stops young people taking part and change what we do so that it no longer does.",
        [
            "Music-making opportunities align with the musical tastes of young people",
            "Music-making opportunities are available in school, and out of school",
            "Sharing this learning to make the core offer more inclusive",
        ],
    ),
    (
        "Young people taking part in music led and made by people who are like them, "
        "and people who are different from them",
        "Led by people like them",
        "Young people meet music leaders who share their background and ones who open new worlds to them.",
        [
            "Diversify the workforce — changing what we look for, to change who we find",
            "Diversifying musical styles and genres",
            "Workforce contribute to creating and changing the organisational culture",
        ],
    ),
    (
        "Celebrating the achievements of young people, and having them contribute to the cultural life "
        "of their communities",
        "Celebrating achievements",
        "Young people's music is heard, recognised and shared in the places they live.",
        [
            "Engaging with a wider set of stakeholders",
            "Young people are empowered to bring about social change",
            "Young people are empowered to share their achievements",
        ],
    ),
]

GENRES = [
    "Classical", "Jazz", "Folk", "Rock", "Pop", "Grime", "Hip hop", "Drill", "R&B and soul", "Gospel",
    "Reggae", "Afrobeats", "Bhangra", "South Asian classical", "Latin", "Electronic and dance", "Musical theatre",
    "Brass band", "Steel pan", "World music",
]  # fmt: skip
INSTRUMENTS = [
    "Voice", "Piano and keyboards", "Guitar", "Bass guitar", "Drums and percussion", "Violin", "Viola", "Cello",
    "Double bass", "Flute", "Clarinet", "Saxophone", "Trumpet", "Trombone", "Tuba", "Ukulele", "Steel pans",
    "Tabla", "Dhol", "Decks (DJ)", "Music technology", "Accessible instruments",
]  # fmt: skip
ACTIVITY_KINDS = [
    "Ensemble", "Band", "Choir", "Whole-class teaching in school", "Small-group lessons", "Individual lessons",
    "Workshop", "Holiday course", "Music technology and production", "Songwriting", "DJ and MC", "Early years",
    "Inclusive and SEND-specific group", "Youth panel", "Performance",
]  # fmt: skip


def _catalogue(model, names):
    for name in names:
        model.objects.update_or_create(slug=slugify(name), defaults={"name": name})


@transaction.atomic
def load_demo_hub() -> HubIdentity:
    """Create or refresh the demo hub's identity, its five aims with fifteen points, and the catalogues."""
    identity = HubIdentity.objects.order_by("pk").first()
    if identity is None:
        identity = HubIdentity.objects.create(**HUB)
    else:
        for field, value in HUB.items():
            setattr(identity, field, value)
        identity.save()
    for number, (title, short_title, description, points) in enumerate(AIMS, start=1):
        aim, _ = InclusionAim.objects.update_or_create(
            number=number,
            defaults={
                "slug": slugify(short_title),
                "title": title,
                "short_title": short_title,
                "description": description,
            },
        )
        for position, text in enumerate(points, start=1):
            AimPoint.objects.update_or_create(aim=aim, position=position, defaults={"text": text})
    _catalogue(Genre, GENRES)
    _catalogue(Instrument, INSTRUMENTS)
    _catalogue(ActivityKind, ACTIVITY_KINDS)
    return identity


# Well-known demo logins, one per role. `seed_demo` refuses to create them when DEBUG is off unless told
# --i-know-this-is-public, because anyone who reads this file can sign in with them.
DEMO_PASSWORD = "music-hub-demo"
DEMO_LOGINS = [
    ("admin", Role.HUB_ADMIN, "Ada", "Okafor"),
    ("staff", Role.HUB_STAFF, "Sam", "Patel"),
    ("safeguarding", Role.SAFEGUARDING_LEAD, "Dana", "Reid"),
    ("partner", Role.PARTNER_MEMBER, "Priya", "Shah"),
    ("leader", Role.MUSIC_LEADER, "Marcus", "Bell"),
    ("school", Role.SCHOOL_CONTACT, "Sian", "Hughes"),
    ("parent", Role.GUARDIAN, "Grace", "Mensah"),
    ("young", Role.YOUNG_PERSON, "Jay", "Nowak"),
]


@transaction.atomic
def load_demo_logins() -> dict[Role, User]:
    """One account per role, all with DEMO_PASSWORD."""
    from .services import set_role

    users = {}
    for username, role, first_name, last_name in DEMO_LOGINS:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@demo.musichub.example.org",
                "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        users[role] = set_role(user=user, role=role)
    return users
