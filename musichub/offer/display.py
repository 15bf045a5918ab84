"""How an opportunity is described to families in words: when, where, cost, support, why it is suggested.

Shared by the finder's cards, the opportunity page and the feeds. Nothing here queries the database beyond
what the selectors fetched (select_related, prefetch_related and annotations).
"""

import datetime

from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import Opportunity, Venue

WEEKDAYS_PLURAL = [
    gettext_lazy("Mondays"),
    gettext_lazy("Tuesdays"),
    gettext_lazy("Wednesdays"),
    gettext_lazy("Thursdays"),
    gettext_lazy("Fridays"),
    gettext_lazy("Saturdays"),
    gettext_lazy("Sundays"),
]


def clock(time: datetime.time, *, suffix: bool = True) -> str:
    """16:30 -> '4:30pm', 10:00 -> '10am', 12:00 -> '12pm' (the way UK families write times)."""
    hour = time.hour % 12 or 12
    text = f"{hour}:{time.minute:02d}" if time.minute else f"{hour}"
    return text + (("am" if time.hour < 12 else "pm") if suffix else "")


def time_range(starts_at: datetime.time, ends_at: datetime.time) -> str:
    """'4:30–5:30pm', '10am–12pm'."""
    same_half = (starts_at.hour < 12) == (ends_at.hour < 12)
    return f"{clock(starts_at, suffix=not same_half)}–{clock(ends_at)}"


def day_month(day: datetime.date) -> str:
    return date_format(day, "j F")


def when_text(opportunity: Opportunity) -> str:
    """'Tuesdays 4:30–5:30pm in term time, from 8 September', 'Saturday 14 March, 10am–12pm', …"""
    times = time_range(opportunity.starts_at, opportunity.ends_at)
    if opportunity.schedule == Opportunity.Schedule.WEEKLY and opportunity.weekday is not None:
        return _("%(days)s %(times)s in term time, from %(first)s") % {
            "days": WEEKDAYS_PLURAL[opportunity.weekday],
            "times": times,
            "first": day_month(opportunity.first_date),
        }
    if (
        opportunity.schedule == Opportunity.Schedule.HOLIDAY_COURSE
        or opportunity.first_date != opportunity.last_date
    ):
        return _("Every day %(first)s to %(last)s, %(times)s") % {
            "first": day_month(opportunity.first_date),
            "last": day_month(opportunity.last_date),
            "times": times,
        }
    return _("%(day)s, %(times)s") % {"day": date_format(opportunity.first_date, "l j F Y"), "times": times}


def where_text(opportunity: Opportunity) -> str:
    """'Northam Hall, SO14', 'In school: 3 schools', 'Online'. Uses the `school_count` annotation if present."""
    if opportunity.setting == "online":
        return _("Online")
    if opportunity.setting == "in_school":
        count = getattr(opportunity, "school_count", None)
        if count is None:
            count = len(opportunity.schools.all())
        if count:
            return ngettext("In school: %(count)d school", "In school: %(count)d schools", count) % {
                "count": count
            }
        return _("In school")
    venue = opportunity.venue
    if venue is None:
        return _("Venue to be confirmed")
    return f"{venue.name}, {venue.postcode_district}" if venue.postcode_district else venue.name


def pounds(pence: int) -> str:
    """300 -> '£3', 350 -> '£3.50'."""
    return f"£{pence // 100}" if pence % 100 == 0 else f"£{pence / 100:.2f}"


def cost_text(opportunity: Opportunity) -> str:
    """'Free', or '£3 a session' (and 'free with free school meals' where that applies)."""
    if opportunity.cost_pence == 0:
        return _("Free")
    text = _("%(amount)s a session") % {"amount": pounds(opportunity.cost_pence)}
    if opportunity.free_for_fsm:
        text = _("%(cost)s; free with free school meals") % {"cost": text}
    return text


def support_tags(opportunity: Opportunity) -> list[str]:
    """The help on offer, as short tags for a card."""
    tags = []
    if opportunity.free_for_fsm and opportunity.cost_pence:
        tags.append(_("Free with free school meals"))
    if opportunity.bursary_available:
        tags.append(_("Bursaries available"))
    if opportunity.instrument_provided:
        tags.append(_("Instrument provided"))
    if opportunity.transport_help:
        tags.append(_("Help with transport"))
    return tags


def access_facts(venue: Venue | None) -> list[str]:
    """The accessibility facts a venue has, in words."""
    if venue is None:
        return []
    return [
        str(Venue._meta.get_field(name).verbose_name).capitalize()
        for name in Venue.ACCESS_FIELDS
        if getattr(venue, name)
    ]


def _in_a_sentence(name: str) -> str:
    """'Grime' -> 'grime' mid-sentence, but 'R&B and soul' and 'Decks (DJ)'-like names keep their capitals."""
    return name[0].lower() + name[1:] if len(name) > 1 and name[1].islower() else name


def because_text(opportunity: Opportunity, tastes: dict, *, whose: str = "") -> str:
    """'Because you like grime and drums' from the opportunity's (prefetched) genres and instruments."""
    names = [g.name for g in opportunity.genres.all() if g.pk in tastes["genres"]]
    names += [i.name for i in opportunity.instruments.all() if i.pk in tastes["instruments"]]
    if not names:
        return ""
    liked = get_text_list([_in_a_sentence(name) for name in names], _("and"))
    if whose:
        return _("Because %(name)s likes %(liked)s") % {"name": whose, "liked": liked}
    return _("Because you like %(liked)s") % {"liked": liked}
