"""schema.org data for an opportunity's page: an `Event` for a one-off, a `Course` with its instance otherwise.

Search engines and other sites read it; it is rendered in a `<script type="application/ld+json">` block.
"""

import datetime
import json
from zoneinfo import ZoneInfo

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .models import Opportunity

LONDON = ZoneInfo("Europe/London")
SCHEMA_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# The same escapes as django.utils.html.json_script: no "<", ">" or "&" survives, so a title containing
# "</script>" or "<!--" cannot end the block early.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _local(day: datetime.date, time: datetime.time) -> str:
    return datetime.datetime.combine(day, time, tzinfo=LONDON).isoformat()


def _place(opportunity: Opportunity) -> dict:
    if opportunity.setting == "online":
        return {"@type": "VirtualLocation", "name": "Online"}
    venue = opportunity.venue
    if venue is None:
        return {
            "@type": "Place",
            "name": "In school" if opportunity.setting == "in_school" else "To be confirmed",
        }
    return {
        "@type": "Place",
        "name": venue.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": ", ".join(line.strip() for line in venue.address.splitlines() if line.strip()),
            "postalCode": venue.postcode,
            "addressCountry": "GB",
        },
    }


def _offer(opportunity: Opportunity, url: str) -> dict:
    return {
        "@type": "Offer",
        "price": f"{opportunity.cost_pence / 100:.2f}",
        "priceCurrency": "GBP",
        "url": url,
        "category": "Free" if opportunity.is_free else "Paid",
    }


def _organisation(opportunity: Opportunity, partner_url: str | None) -> dict:
    organisation = {"@type": "Organization", "name": opportunity.partner.name}
    if partner_url:
        organisation["url"] = partner_url
    return organisation


def opportunity_jsonld(opportunity: Opportunity, *, url: str, partner_url: str | None = None) -> dict:
    """The schema.org dict for `opportunity`, whose page is at the absolute `url`."""
    common = {
        "@context": "https://schema.org",
        "name": opportunity.title,
        "description": opportunity.summary,
        "url": url,
        "typicalAgeRange": f"{opportunity.min_age}-{opportunity.max_age}",
        "offers": _offer(opportunity, url),
    }
    attendance = (
        "https://schema.org/OnlineEventAttendanceMode"
        if opportunity.setting == "online"
        else "https://schema.org/OfflineEventAttendanceMode"
    )
    status = (
        "https://schema.org/EventCancelled"
        if opportunity.status == Opportunity.Status.CANCELLED
        else "https://schema.org/EventScheduled"
    )
    if opportunity.schedule == Opportunity.Schedule.ONE_OFF:
        return {
            **common,
            "@type": "Event",
            "startDate": _local(opportunity.first_date, opportunity.starts_at),
            "endDate": _local(opportunity.last_date, opportunity.ends_at),
            "eventStatus": status,
            "eventAttendanceMode": attendance,
            "location": _place(opportunity),
            "organizer": _organisation(opportunity, partner_url),
        }
    schedule = {
        "@type": "Schedule",
        "startDate": opportunity.first_date.isoformat(),
        "endDate": opportunity.last_date.isoformat(),
        "startTime": opportunity.starts_at.strftime("%H:%M"),
        "endTime": opportunity.ends_at.strftime("%H:%M"),
        "scheduleTimezone": "Europe/London",
    }
    if opportunity.schedule == Opportunity.Schedule.WEEKLY and opportunity.weekday is not None:
        schedule.update(repeatFrequency="P1W", byDay=f"https://schema.org/{SCHEMA_DAYS[opportunity.weekday]}")
    else:
        schedule["repeatFrequency"] = "P1D"
    instance = {
        "@type": "CourseInstance",
        "courseMode": "online" if opportunity.setting == "online" else "onsite",
        "courseSchedule": schedule,
        "location": _place(opportunity),
        "eventStatus": status,
        "eventAttendanceMode": attendance,
    }
    return {
        **common,
        "@type": "Course",
        "provider": _organisation(opportunity, partner_url),
        "hasCourseInstance": [instance],
    }


def jsonld_script(data: dict) -> SafeString:
    """`<script type="application/ld+json">…</script>`, escaped as django.utils.html.json_script escapes."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
