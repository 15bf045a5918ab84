"""Feeds of the offer: iCalendar (RFC 5545) for one opportunity or a whole search, and Atom for a search.

The iCalendar is written by hand: a few line types, CRLF line endings, lines folded at 75 octets, text
escaped, times in Europe/London with its VTIMEZONE.
"""

import datetime
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from . import display, selectors
from .forms import FinderForm
from .models import Opportunity, Session

CRLF = "\r\n"
PRODID = "-//Music Education Hub//Opportunity finder//EN"
# Europe/London since 1996: BST from the last Sunday of March (01:00 UTC) to the last Sunday of October.
VTIMEZONE_LONDON = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/London",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0000",
    "TZOFFSETTO:+0100",
    "TZNAME:BST",
    "DTSTART:19700329T010000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0000",
    "TZNAME:GMT",
    "DTSTART:19701025T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets (RFC 5545 3.1), never splitting a UTF-8 character."""
    pieces, current, size = [], [], 0
    limit = 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            pieces.append("".join(current))
            current, size = [" "], 1  # continuation lines start with one space, which counts
        current.append(char)
        size += width
    pieces.append("".join(current))
    return CRLF.join(pieces)


def _stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(day: datetime.date, time: datetime.time) -> str:
    return f"{day:%Y%m%d}T{time:%H%M%S}"


def _location(opportunity: Opportunity) -> str:
    if opportunity.setting == "online":
        return _("Online")
    venue = opportunity.venue
    if venue is None:
        return display.where_text(opportunity)
    address = ", ".join(line.strip() for line in venue.address.splitlines() if line.strip())
    return ", ".join(part for part in [venue.name, address, venue.postcode] if part)


def session_event(session: Session, *, opportunity: Opportunity, url: str) -> list[str]:
    """The VEVENT lines of one session (unfolded). Its UID stays the same whatever else changes."""
    cancelled = session.is_cancelled or opportunity.status == Opportunity.Status.CANCELLED
    return [
        "BEGIN:VEVENT",
        f"UID:offer-session-{session.pk}@musichub",
        f"DTSTAMP:{_stamp(opportunity.updated_at or timezone.now())}",
        f"DTSTART;TZID=Europe/London:{_local(session.date, session.starts_at)}",
        f"DTEND;TZID=Europe/London:{_local(session.date, session.ends_at)}",
        f"SUMMARY:{escape_text(opportunity.title)}",
        f"DESCRIPTION:{escape_text(opportunity.summary + chr(10) + url)}",
        f"LOCATION:{escape_text(_location(opportunity))}",
        f"URL:{url}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
    ]


def calendar(*, name: str, events: list[list[str]]) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Europe/London",
        *VTIMEZONE_LONDON,
    ]
    for event in events:
        lines += event
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)


def calendar_response(text: str, *, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def opportunity_calendar(opportunity: Opportunity, *, url: str) -> str:
    events = [
        session_event(session, opportunity=opportunity, url=url)
        for session in selectors.sessions_for_calendar(opportunity)
    ]
    return calendar(name=opportunity.title, events=events)


def search_calendar(*, filters: dict, today: datetime.date, absolute) -> str:
    """Sessions of a search's opportunities in the next weeks; `absolute(path)` makes a full address."""
    events = []
    for session in selectors.sessions_for_search(filters=filters, today=today):
        opportunity = session.opportunity
        url = absolute(reverse("offer:detail", args=[opportunity.slug]))
        events.append(session_event(session, opportunity=opportunity, url=url))
    return calendar(name=_("Music-making near you"), events=events)


# ---- Atom ---------------------------------------------------------------------------------------------------

FEED_ITEMS = 50


class FinderAtomFeed(Feed):
    """The finder's search as an Atom feed: the same query-string parameters as the finder page."""

    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        _form, filters = FinderForm.from_query(request.GET)
        query = urlencode(
            [(key, value) for key, value in request.GET.lists() for value in value if key != "page"]
        )
        return {"filters": filters, "query": query, "today": timezone.localdate()}

    def title(self, search):
        return _("Music-making: your search") if search["filters"] else _("Music-making: everything on offer")

    def subtitle(self, search):
        return _("Opportunities to make music, newest search results from the hub's finder.")

    def link(self, search):
        finder = reverse("offer:finder")
        return f"{finder}?{search['query']}" if search["query"] else finder

    def feed_url(self, search):
        feed = reverse("offer:finder_atom")
        return f"{feed}?{search['query']}" if search["query"] else feed

    def items(self, search):
        return selectors.finder_results(filters=search["filters"], today=search["today"])[:FEED_ITEMS]

    def item_title(self, opportunity):
        return opportunity.title

    def item_description(self, opportunity):
        return " · ".join(
            [
                opportunity.summary,
                display.when_text(opportunity),
                display.where_text(opportunity),
                display.cost_text(opportunity),
            ]
        )

    def item_link(self, opportunity):
        return reverse("offer:detail", args=[opportunity.slug])

    def item_guid(self, opportunity):
        return f"offer-opportunity-{opportunity.pk}"

    def item_guid_is_permalink(self, opportunity):
        return False

    def item_author_name(self, opportunity):
        return opportunity.partner.name

    def item_pubdate(self, opportunity):
        return opportunity.published_at or opportunity.created_at

    def item_updateddate(self, opportunity):
        return opportunity.updated_at
