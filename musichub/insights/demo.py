"""The demo hub's "what we learned" log: changes the hub made to its offer because of what the figures showed.

Idempotent: each entry is found by its title and updated. Dates are relative to today, so the log always
reads as this year's and last year's story.
"""

from datetime import timedelta

from django.utils import timezone

from musichub.core.models import InclusionAim, User
from musichub.core.roles import Role

from .models import Indicator, Learning

# (aim number, indicator, days ago, title, what the figures showed, what we changed and why)
LEARNINGS = [
    (
        3,
        Indicator.REPRESENTATION,
        40,
        "Free places for pupils on free school meals at the Saturday music centre",
        "The representation index showed pupils on free school meals at **0.6** in our out-of-school "
        "ensembles: far fewer than in the city's schools.",
        "Every Saturday music centre group now keeps a third of its places free for pupils on free school "
        "meals, and schools can refer pupils directly. We expect the index to reach 0.9 by the summer.",
    ),
    (
        3,
        Indicator.GENRE_DEMAND,
        75,
        "A new steel pan and Latin percussion group in the city centre",
        "Young people asking for Latin and steel pan far outnumbered the places we offered: several young "
        "people for every place, and voices on the board asked for it twice.",
        "With a partner we started a weekly group on a bus route, with instruments provided, and moved one "
        "classical ensemble's budget to it.",
    ),
    (
        3,
        Indicator.BARRIERS_SUPPORT,
        130,
        "Transport help offered with every bursary",
        "Transport was the second most named barrier, and fewer than one in five young people who named it "
        "had support awarded.",
        "Bursaries now come with a bus pass by default, and the joining form asks about getting there.",
    ),
    (
        2,
        Indicator.CONTINUATION,
        200,
        "A taster band for every whole-class school",
        "Only a third of pupils on whole-class lists went on to another hub activity, and almost none from "
        "schools more than two miles from a music centre.",
        "Each whole-class programme now ends with a term of taster band in the school, run by the same "
        "leader, before pupils are invited to the nearest centre.",
    ),
    (
        1,
        Indicator.VOICE_RESPONSE,
        260,
        "Answers to youth voice within two weeks",
        "The median time to a first answer was over three weeks, and fewer voices came in as a result.",
        "A named member of staff now triages the board every Monday; partners answer voices about their own "
        "groups. We publish the median every term.",
    ),
    (
        4,
        Indicator.GENRE_DEMAND,
        320,
        "Music technology and grime with young leaders",
        "Grime and electronic music were among the most loved genres but had few places, all led by the "
        "same two leaders.",
        "Two young leaders from the youth panel now co-lead a production and MC group, trained and paid "
        "through the hub's young leader scheme.",
    ),
]


def load_demo_insights() -> None:
    """Create or refresh the demo "what we learned" entries (needs the demo hub's aims and staff login, when
    there is one)."""
    today = timezone.localdate()
    aims = {aim.number: aim for aim in InclusionAim.objects.all()}
    recorded_by = User.objects.filter(role=Role.HUB_STAFF).order_by("pk").first()
    for number, indicator, days_ago, title, saw, changed in LEARNINGS:
        aim = aims.get(number)
        if aim is None:
            continue
        Learning.objects.update_or_create(
            title=title,
            defaults={
                "aim": aim,
                "indicator": indicator,
                "what_we_saw": saw,
                "what_we_changed": changed,
                "changed_on": today - timedelta(days=days_ago),
                "recorded_by": recorded_by,
            },
        )
