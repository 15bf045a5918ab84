"""Demo page texts and news for the demo hub (Southampton Music Hub, see shared/hub-profile.md).

Idempotent: page texts are found by key and news posts by slug, then updated, never duplicated.
The news is made up: every event, workshop and organisation in it is fictional.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from musichub.core.models import ContentBlock

from .models import NewsPost, PageText

PAGE_TEXTS = {
    PageText.HOME: (
        "Music for every young person in the city",
        """\
Whatever music you love – from grime to gamelan, brass band to beat-making – there is a place to make it
here. Our partners run groups, lessons, workshops and performances in schools, community centres and
venues across Southampton, and many of them cost little or nothing.

If something stands in your way, such as cost, getting there, or a group that doesn't feel like yours,
tell us. Finding ways round those barriers is what we are for.
""",
    ),
    PageText.ABOUT: (
        "About the partnership",
        """\
Southampton Music Hub is not one organisation but many. Since 2012 the city's music service has worked
alongside charities, venues, schools, community groups and national arts organisations to plan
music-making for children and young people together, rather than side by side.

Between us we teach instruments and singing in schools, run ensembles and bands after school and in the
holidays, put on concerts, and train the people who lead music. We want the music young people make
with us to reflect the many cultures of the city they live in.

We believe music does more than build musical skill: it helps young people feel well, make friends and
find their voice. That is why we measure more than exam results, and why we ask young people
themselves what the hub should do next.
""",
    ),
    PageText.INCLUSION: (
        "Our inclusion strategy",
        """\
We don't think of inclusion as a box to tick or a finish line to cross. It is a direction of travel:
we will always have more to learn, and we expect to keep changing how we work.

Every young person meets barriers at some point. Some last for years and some for a few weeks; some
are obvious and some nobody sees; often several arrive together. Our job is to understand those
barriers and to change what we do, so that none of them stops a young person from reaching their
musical ambitions.

Our strategy has five aims. Each one shapes what we offer and what we measure, and we report on all
of them every year.
""",
    ),
    PageText.BECOME_PARTNER: (
        "Becoming a hub partner",
        """\
Any organisation that makes music with children and young people in Southampton, or wants to, can
apply to join the hub. Partners range from large national ensembles to a single volunteer-led
community choir.

**What we ask of partners**

- A shared commitment to the hub's five inclusion aims, and a willingness to show how your work
  contributes to them.
- Safe practice: a written safeguarding policy, a named safeguarding lead, and checks for everyone
  who works with young people.
- Sharing data on who you reach – in numbers, never names – so the hub can see which young people
  are missing out and act on it.

**What partners get**

- A place in the partner directory, and the chance to publish your opportunities to families across
  the city.
- Access to the hub's network: other partners, schools, venues and funders.
- Support from the hub team, including training for your music leaders and help with reaching young
  people facing barriers.

Applying takes about twenty minutes. We will reply within four weeks.
""",
    ),
}

# (slug, title, summary, body, days ago it was published, or None for a draft)
NEWS = [
    (
        "summer-concert-at-the-guildhall",
        "Six hundred young musicians fill the Guildhall for our summer concert",
        "Orchestras, choirs, steel pans and a grime collective shared one stage for the hub's biggest "
        "concert yet.",
        """\
On a warm July evening, around six hundred children and young people from thirty schools and
community groups performed together in the hub's summer concert.

The programme ran from a massed primary school choir to a set by the Northam Youth Grime Collective,
and finished with every performer on stage for a new piece written with young composers from the
hub's songwriting programme.

Thank you to the families, teachers and volunteers who made the evening possible. Photographs are
shared only where families gave their consent.
""",
        330,
    ),
    (
        "new-grime-and-mc-workshops",
        "New grime and MC workshops start in Bitterne and Shirley",
        "Free weekly sessions for 13 to 18 year olds, led by working artists, with studio time to record "
        "your own tracks.",
        """\
Young people told us they wanted more chances to make the music they actually listen to. From
September, two free weekly workshops in grime, MC-ing and production will run at youth centres in
Bitterne and Shirley.

The sessions are led by local artists and producers. No experience is needed, and everyone will get
time in a mobile studio to record a track by the end of term.

- **Who can come:** anyone aged 13 to 18 who lives or goes to school in Southampton.
- **Cost:** free, with bus fares paid for anyone who needs them.
""",
        290,
    ),
    (
        "youth-panel-recruiting",
        "Join the youth panel: help decide what the hub does next",
        "We're looking for twelve young people aged 11 to 21 to shape the hub's plans, interview new "
        "staff and run their own events.",
        """\
The hub's youth panel meets once a month, online or in person, to tell the hub what is working and
what isn't. Last year panel members chose two new genres for the holiday courses, sat on interview
panels for music leaders and ran a showcase night at a city venue.

We especially want to hear from young people who don't already take part in music with us. You don't
need to play an instrument. Panel members are paid for their time with vouchers, and we cover travel.
""",
        240,
    ),
    (
        "harbourside-strings-joins-the-hub",
        "Harbourside Strings Trust becomes a hub partner",
        "A community string orchestra with a free instrument library joins the partnership as a local "
        "partner.",
        """\
We are delighted to welcome the Harbourside Strings Trust as a local partner. The trust runs a
Saturday string orchestra for beginners and a free instrument library, so that no family has to buy
a violin or cello for their child to start.

As a partner, the trust has committed to the hub's five inclusion aims and will share figures on who
takes part, helping us see where string playing is still out of reach.
""",
        180,
    ),
    (
        "send-music-training-for-teachers",
        "Training day: music for pupils with special educational needs",
        "Forty teachers and music leaders spent a day learning to use accessible instruments and adapt "
        "group sessions.",
        """\
In March the hub ran a free training day for teachers and music leaders working with pupils with
special educational needs and disabilities.

Participants tried switch-operated and motion-sensing instruments, shared ways of adapting ensemble
sessions, and heard from young musicians about what makes a session work for them. A second day is
planned for the autumn term.
""",
        120,
    ),
    (
        "spring-holiday-course-report",
        "Spring holiday course: a week of bhangra, samba and songwriting",
        "Ninety young people aged 8 to 16 formed new bands in five days and played to a full house on the "
        "Friday.",
        """\
Over the Easter holidays, ninety young people spent a week at the hub's spring course. Groups tried
dhol drumming, samba, songwriting and music technology before forming bands of their own.

A third of the places were free for young people eligible for free school meals, and lunch was
provided for everyone.
""",
        75,
    ),
    (
        "you-said-we-did-saturday-sessions",
        "You said, we did: Saturday sessions move closer to home",
        "After feedback from families in the east of the city, our Saturday music centre now runs a second "
        "site in Woolston.",
        """\
Families told us the journey to the Saturday music centre was too long and too expensive for them.
From this term, a second site in Woolston offers the same ensembles and lessons, with places kept for
young people who have not played with us before.
""",
        30,
    ),
    (
        "autumn-showcase-draft",
        "Autumn showcase: save the date",
        "Young people from across the hub will perform at our autumn showcase. Details to follow.",
        """\
Our autumn showcase will bring together ensembles, bands and solo performers from across the hub.

*Draft: venue and ticket details still to be confirmed.*
""",
        None,
    ),
]


@transaction.atomic
def load_demo_content() -> None:
    """Create or refresh the demo hub's four page texts and eight news posts (one of them a draft)."""
    for key, (title, body) in PAGE_TEXTS.items():
        ContentBlock.objects.update_or_create(key=key.value, defaults={"title": title, "body": body})
    now = timezone.now()
    for slug, title, summary, body, days_ago in NEWS:
        published = days_ago is not None
        NewsPost.objects.update_or_create(
            slug=slug,
            defaults={
                "title": title,
                "summary": summary,
                "body": body,
                "status": NewsPost.Status.PUBLISHED if published else NewsPost.Status.DRAFT,
                "published_at": now - timedelta(days=days_ago) if published else None,
            },
        )
