"""Demo partners: the lead partner, invented partner organisations of every type, and some applications.

Idempotent: partners are found by slug and applications by organisation and contact email, then updated.
Every organisation here except the lead partner is invented; their web and email addresses use example.org.
Call after `musichub.core.demo.load_demo_hub()`, which creates the aims and catalogues used here.
"""

import random
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from musichub.core.models import ActivityKind, Genre, InclusionAim, Instrument

from .models import ApplicationNote, OrganisationType, Partner, PartnerApplication

LEAD = {
    "slug": "southampton-music-service",
    "name": "Southampton Music Service",
    "organisation_type": OrganisationType.PUBLIC_BODY,
    "summary": (
        "The city's main provider of music education, and the hub's lead partner: a team of professional "
        "music teachers and instrumental specialists working in schools and centres across Southampton."
    ),
    "description": (
        "Southampton Music Service teaches music in the city's schools, runs ensembles, bands and choirs "
        "out of school, and lends instruments so that cost is never the reason a child stops playing.\n\n"
        "Its teachers and instrumental specialists work with children of all ages and backgrounds, from "
        "first steps in whole-class lessons to young people preparing for music college."
    ),
    "role_in_hub": (
        "As lead partner, the Music Service holds the hub's funding, coordinates the partnership and runs "
        "its core programme. It aims at the highest quality of musical learning and at a lifelong love of "
        "music for children of all ages and backgrounds, and it brings partners together so that every child "
        "in the city can find music-making that fits them."
    ),
}

# Invented first words; combined with a kind of organisation they make plainly fictional names.
MOTIFS = [
    "Saltmarsh", "Lantern", "Kestrel", "Tideline", "Copperbeech", "Moonrise", "Wavecrest", "Skylark",
    "Harbourlight", "Fernhill", "Bluebell", "Quayside Lark",
]  # fmt: skip
NAME_ENDINGS = {
    OrganisationType.CHARITY: ["Youth Music Trust", "Music for All Foundation", "Sound Futures Charity"],
    OrganisationType.COMMUNITY_GROUP: ["Steel Pan Collective", "Community Choir", "Drum Circle", "Folk Club"],
    OrganisationType.SCHOOL: ["Primary Academy", "Community School", "Academy Trust"],
    OrganisationType.VENUE: ["Arts Centre", "Music Rooms", "Live Lounge"],
    OrganisationType.BUSINESS: ["Recording Studios", "Music Shop", "Guitar Workshop"],
    OrganisationType.EDUCATION_PROVIDER: ["College of Music", "Sixth Form College", "Institute of Sound"],
    OrganisationType.PERFORMING_GROUP: ["Youth Orchestra", "Brass Band", "Chamber Players", "Jazz Ensemble"],
    OrganisationType.PUBLIC_BODY: ["Ward Arts Team", "Library Music Service", "Youth Service"],
}
PER_TYPE = 12
DECLINE_REASON = "We are not taking on partners offering only this kind of activity this year."
# The partner the demo partner-member login acts for.
LOGIN_PARTNER_SLUG = "lantern-steel-pan-collective"

APPLICATIONS = [
    ("Driftwood Ukulele Orchestra", OrganisationType.COMMUNITY_GROUP, "submitted", 2),
    ("Tidewater Beats Charity", OrganisationType.CHARITY, "submitted", 5),
    ("Larkspur Sound Studios", OrganisationType.BUSINESS, "more_information", 12),
    ("Oakfern Theatre", OrganisationType.VENUE, "declined", 30),
    ("Marram Music Academy", OrganisationType.EDUCATION_PROVIDER, "declined", 45),
]


def tiny_pdf(title: str = "Safeguarding policy (demo)") -> bytes:
    """A one-page PDF with one line of text: small, valid, and starting with %PDF-1.4."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 18 Tf 72 760 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _demo_partners() -> list[dict]:
    rows = []
    for type_index, (organisation_type, endings) in enumerate(NAME_ENDINGS.items()):
        for n in range(PER_TYPE):
            motif = MOTIFS[(n + type_index) % len(MOTIFS)]
            name = f"{motif} {endings[n % len(endings)]}"
            rows.append(
                {"name": name, "organisation_type": organisation_type, "n": n, "type_index": type_index}
            )
    return rows


def _level(n: int) -> str:
    if n % 6 == 4:
        return Partner.Level.REGIONAL
    if n % 6 == 5:
        return Partner.Level.NATIONAL
    return Partner.Level.LOCAL


def _pick(rng: random.Random, items: list, low: int, high: int) -> list:
    return rng.sample(items, min(len(items), rng.randint(low, high))) if items else []


@transaction.atomic
def load_demo_partners() -> None:
    """Create or refresh the lead partner, 96 invented partners (12 of each type) and five applications."""
    genres = list(Genre.objects.order_by("pk"))
    instruments = list(Instrument.objects.order_by("pk"))
    kinds = list(ActivityKind.objects.order_by("pk"))
    aims = list(InclusionAim.objects.order_by("number"))

    # Only one lead partner may exist: in a demo database, ours takes the role.
    Partner.objects.filter(level=Partner.Level.LEAD).exclude(slug=LEAD["slug"]).update(
        level=Partner.Level.LOCAL
    )
    lead, _created = Partner.objects.update_or_create(
        slug=LEAD["slug"],
        defaults={
            **{key: value for key, value in LEAD.items() if key != "slug"},
            "level": Partner.Level.LEAD,
            "is_published": True,
            "offers_in_school": True,
            "offers_out_of_school": True,
            "offers_online": False,
        },
    )
    lead.genres.set(genres[:8])
    lead.instruments.set(instruments)
    lead.activity_kinds.set(kinds[:8])
    lead.aims.set(aims)

    for row in _demo_partners():
        slug = slugify(row["name"])
        rng = random.Random(slug)  # noqa: S311 -- demo data, seeded so every run makes the same choices
        n = row["n"]
        type_label = OrganisationType(row["organisation_type"]).label.lower()
        chosen_kinds = _pick(rng, kinds, 1, 3)
        kind_names = ", ".join(kind.name.lower() for kind in chosen_kinds)
        partner, _created = Partner.objects.update_or_create(
            slug=slug,
            defaults={
                "name": row["name"],
                "organisation_type": row["organisation_type"],
                "level": Partner.Level.LOCAL if slug == LOGIN_PARTNER_SLUG else _level(n),
                "summary": f"An invented {type_label} for the demo, offering {kind_names}.",
                "description": (
                    f"{row['name']} is a made-up organisation in the demo data. It runs {kind_names} for "
                    "children and young people.\n\n- Friendly, open sessions\n- No experience needed\n"
                ),
                "role_in_hub": "It brings its own music-making to the hub's offer and shares what it learns.",
                "website": f"https://{slug}.example.org",
                "public_email": f"hello@{slug}.example.org",
                # A few partners wait for staff to publish them.
                "is_published": slug == LOGIN_PARTNER_SLUG or (n + row["type_index"]) % 8 != 3,
                "offers_in_school": rng.random() < 0.5 or row["organisation_type"] == OrganisationType.SCHOOL,
                "offers_out_of_school": rng.random() < 0.8,
                "offers_online": rng.random() < 0.25,
            },
        )
        partner.genres.set(_pick(rng, genres, 1, 4))
        partner.instruments.set(_pick(rng, instruments, 1, 5))
        partner.activity_kinds.set(chosen_kinds)
        partner.aims.set(_pick(rng, aims, 1, 3))

    _load_demo_applications(genres, instruments, kinds, aims)


def _load_demo_applications(genres, instruments, kinds, aims) -> None:
    now = timezone.now()
    for index, (name, organisation_type, status, days_ago) in enumerate(APPLICATIONS):
        slug = slugify(name)
        contact_email = f"apply@{slug}.example.org"
        decided = status == PartnerApplication.Status.DECLINED
        application, _created = PartnerApplication.objects.update_or_create(
            organisation_name=name,
            contact_email=contact_email,
            defaults={
                "organisation_type": organisation_type,
                "website": f"https://{slug}.example.org",
                "contact_name": "Alex Example",
                "contact_phone": "",
                "aims_contribution": "We will open free taster sessions in the city's outer estates.",
                "young_people_reached": "About 60 young people aged 8 to 16 each week, mostly out of school.",
                "safeguarding_lead_name": "Sam Example",
                "safeguarding_lead_email": f"safeguarding@{slug}.example.org",
                "consent_to_contact": True,
                "status": status,
                "offers_out_of_school": True,
                "offers_in_school": index % 2 == 0,
                "decision_reason": DECLINE_REASON if decided else "",
                "decided_at": now - timedelta(days=days_ago - 3) if decided else None,
            },
        )
        if not application.safeguarding_policy or not application.safeguarding_policy.storage.exists(
            application.safeguarding_policy.name
        ):
            application.safeguarding_policy.save(
                "safeguarding-policy.pdf", ContentFile(tiny_pdf()), save=True
            )
        # Spread the dates so the queue's "oldest first" shows.
        PartnerApplication.objects.filter(pk=application.pk).update(created_at=now - timedelta(days=days_ago))
        application.genres.set(genres[index : index + 2])
        application.instruments.set(instruments[index : index + 3])
        application.activity_kinds.set(kinds[index : index + 2])
        application.aims.set(aims[index % len(aims) : index % len(aims) + 2] if aims else [])
        application.notes.all().delete()
        if status == PartnerApplication.Status.MORE_INFORMATION:
            ApplicationNote.objects.create(
                application=application,
                kind=ApplicationNote.Kind.INFORMATION_REQUEST,
                text="Could you tell us how you would reach young people who cannot pay for sessions?",
            )
        if decided:
            ApplicationNote.objects.create(
                application=application,
                kind=ApplicationNote.Kind.DECISION,
                text=f"Declined: {application.decision_reason}",
            )


def demo_partner_for_login() -> Partner:
    """The published local partner that the demo partner-member login acts for."""
    return Partner.objects.get(slug=LOGIN_PARTNER_SLUG)
