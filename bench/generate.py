"""Data at realistic scale for the benchmarks: the demo hub's catalogues and texts, then many partners.

Everything goes through `bulk_create(batch_size=500)` in one transaction, as imports do (CONVENTIONS.md §4).
Seeded, so every run builds the same data.
"""

import random

from django.db import transaction

from musichub.core.demo import load_demo_hub
from musichub.core.models import ActivityKind, Genre, InclusionAim, Instrument
from musichub.pages.demo import load_demo_content
from musichub.partners.models import OrganisationType, Partner

BATCH_SIZE = 500
SEED = 20240601

# Invented words: combined with a kind of organisation and a number they make plainly fictional names.
WORDS = [
    "Saltmarsh", "Lantern", "Kestrel", "Tideline", "Copperbeech", "Moonrise", "Wavecrest", "Skylark",
    "Harbourlight", "Fernhill", "Bluebell", "Driftwood", "Larkspur", "Marram", "Oakfern", "Heronsgate",
]  # fmt: skip
ENDINGS = {
    OrganisationType.CHARITY: ["Youth Music Trust", "Sound Futures Charity"],
    OrganisationType.COMMUNITY_GROUP: ["Steel Pan Collective", "Community Choir", "Drum Circle"],
    OrganisationType.SCHOOL: ["Primary Academy", "Academy Trust"],
    OrganisationType.VENUE: ["Arts Centre", "Music Rooms"],
    OrganisationType.BUSINESS: ["Recording Studios", "Guitar Workshop"],
    OrganisationType.EDUCATION_PROVIDER: ["College of Music", "Institute of Sound"],
    OrganisationType.PERFORMING_GROUP: ["Youth Orchestra", "Brass Band", "Jazz Ensemble"],
    OrganisationType.PUBLIC_BODY: ["Ward Arts Team", "Library Music Service"],
}
# Roughly the spread of a large hub: mostly local partners, some regional and national ones.
LEVEL_WEIGHTS = {Partner.Level.LOCAL: 70, Partner.Level.REGIONAL: 20, Partner.Level.NATIONAL: 10}
PUBLISHED_SHARE = 0.9


def make_hub(partners: int) -> None:
    """The demo hub's identity, aims, catalogues, page texts and news, then `partners` generated partners."""
    load_demo_hub()
    load_demo_content()
    make_partners(partners)


@transaction.atomic
def make_partners(n: int, *, seed: int = SEED) -> list[Partner]:
    """Create n partners with genres, instruments, kinds of activity and aims.

    The first is the lead partner unless the hub has one; about nine in ten are published. Needs the
    catalogues of `load_demo_hub()`.
    """
    rng = random.Random(seed)  # noqa: S311 -- benchmark data, not secrets
    genres = list(Genre.objects.order_by("pk"))
    instruments = list(Instrument.objects.order_by("pk"))
    kinds = list(ActivityKind.objects.order_by("pk"))
    aims = list(InclusionAim.objects.order_by("number"))
    if not (genres and instruments and kinds):
        raise RuntimeError("make_partners needs the catalogues: call load_demo_hub() first")

    has_lead = Partner.objects.filter(level=Partner.Level.LEAD).exists()
    types = list(ENDINGS)
    levels, weights = zip(*LEVEL_WEIGHTS.items(), strict=True)
    rows = []
    for i in range(n):
        organisation_type = types[i % len(types)]
        name = f"{rng.choice(WORDS)} {rng.choice(ENDINGS[organisation_type])} {i + 1}"
        slug = f"bench-{i + 1}-" + name.lower().replace(" ", "-")
        lead = i == 0 and not has_lead
        type_label = OrganisationType(organisation_type).label.lower()
        rows.append(
            Partner(
                name=name,
                slug=slug[:160],
                level=Partner.Level.LEAD if lead else rng.choices(levels, weights)[0],
                organisation_type=organisation_type,
                summary=f"An invented {type_label} for the benchmarks, running music-making for young people.",
                description=(
                    f"{name} is made up for the benchmarks.\n\n- Friendly, open sessions\n"
                    "- No experience needed\n- Instruments lent free of charge\n"
                ),
                role_in_hub="It brings its own music-making to the hub's offer and shares what it learns.",
                website=f"https://{slug[:60]}.example.org",
                public_email=f"hello@{slug[:60]}.example.org",
                is_published=lead or rng.random() < PUBLISHED_SHARE,
                offers_in_school=rng.random() < 0.5 or organisation_type == OrganisationType.SCHOOL,
                offers_out_of_school=rng.random() < 0.8,
                offers_online=rng.random() < 0.25,
            )
        )
    partners = Partner.objects.bulk_create(rows, batch_size=BATCH_SIZE)

    links = {
        "genres": (genres, 1, 4),
        "instruments": (instruments, 1, 5),
        "activity_kinds": (kinds, 1, 3),
        "aims": (aims, 1, 3),
    }
    for field, (choices, low, high) in links.items():
        relation = getattr(Partner, field)
        through = relation.through
        source = relation.field.m2m_field_name()  # "partner"
        target = relation.field.m2m_reverse_field_name()  # "genre", "instrument", …
        through.objects.bulk_create(
            [
                through(**{f"{source}_id": partner.pk, f"{target}_id": choice.pk})
                for partner in partners
                for choice in rng.sample(choices, min(len(choices), rng.randint(low, high)))
            ],
            batch_size=BATCH_SIZE,
        )
    return partners
