"""The calendar (iCalendar) and Atom feeds of an opportunity and of a search."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from musichub.offer.feeds import escape_text, fold
from musichub.offer.models import Opportunity

from . import finder_helpers as h

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def unfold(text):
    return text.replace("\r\n ", "")


def events(text):
    return re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", unfold(text), re.S)


# ---- The iCalendar writer ----------------------------------------------------------------------------


def test_text_escapes_backslashes_semicolons_commas_and_newlines():
    assert escape_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "é" * 100  # two octets each
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert len(pieces) > 1
    assert all(len(piece.encode()) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert unfold(folded) == line


def test_an_opportunitys_calendar_lists_its_sessions_with_stable_uids_and_cancellations(client):
    days = [h.today() + datetime.timedelta(days=7 * n) for n in range(3)]
    opportunity = h.opportunity("Band, with; commas\\", sessions=days, summary="x" * 200)
    opportunity.sessions.filter(date=days[1]).update(is_cancelled=True)
    url = reverse("offer:detail_ics", args=[opportunity.slug])
    response = client.get(url)
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/London" in text
    found = events(text)
    assert len(found) == 3
    assert "SUMMARY:Band\\, with\\; commas\\\\\r\n" in found[0]
    assert f"DTSTART;TZID=Europe/London:{days[0]:%Y%m%d}T163000" in found[0]
    assert [("STATUS:CANCELLED" in event) for event in found] == [False, True, False]
    assert events(client.get(url).content.decode()) == found  # same UIDs (and all else) next time
    assert len({re.search(r"UID:(\S+)", event).group(1) for event in found}) == 3


def test_a_drafts_calendar_is_not_public(client):
    draft = h.opportunity(status=Opportunity.Status.DRAFT, sessions=[h.today()])
    assert client.get(reverse("offer:detail_ics", args=[draft.slug])).status_code == 404


def test_the_search_calendar_has_only_matching_sessions_in_the_next_eight_weeks(client):
    soon, far = h.today() + datetime.timedelta(days=3), h.today() + datetime.timedelta(weeks=9)
    h.opportunity("Free band", sessions=[soon, far], last_date=far)
    h.opportunity("Paid band", cost_pence=300, sessions=[soon])
    h.opportunity("Draft band", status=Opportunity.Status.DRAFT, sessions=[soon])
    text = client.get(reverse("offer:finder_ics"), {"cost": "free"}).content.decode()
    found = events(text)
    assert len(found) == 1 and "SUMMARY:Free band" in found[0]
    everything = events(client.get(reverse("offer:finder_ics")).content.decode())
    assert sorted(re.search(r"SUMMARY:(.*)\r\n", e).group(1) for e in everything) == [
        "Free band",
        "Paid band",
    ]


# ---- Atom ------------------------------------------------------------------------------------------------


def atom_titles(response):
    root = ET.fromstring(response.content)
    return [entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")]


def test_the_atom_feed_follows_the_same_search_as_the_finder(client, hub):
    h.opportunity("Free choir", min_age=5, max_age=9)
    h.opportunity("Paid band", cost_pence=300)
    h.opportunity("Draft band", status=Opportunity.Status.DRAFT)
    response = client.get(reverse("offer:finder_atom"), {"cost": "free", "age": "7"})
    assert response["Content-Type"].startswith("application/atom+xml")
    assert atom_titles(response) == ["Free choir"]
    assert sorted(atom_titles(client.get(reverse("offer:finder_atom")))) == ["Free choir", "Paid band"]
    root = ET.fromstring(response.content)
    alternate = [link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
    assert alternate[0].endswith("/opportunities/?cost=free&age=7")


def test_the_atom_feed_ignores_malformed_parameters(client, hub):
    h.opportunity("Band")
    response = client.get(reverse("offer:finder_atom"), {"age": "x", "genre": "nope", "area": "!!"})
    assert atom_titles(response) == ["Band"]
