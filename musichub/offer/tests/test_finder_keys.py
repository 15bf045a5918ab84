"""The finder's sort keys kept on the opportunity's row: right after every kind of change, and fresh each day."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from musichub.core.models import Genre
from musichub.offer import finder_keys
from musichub.offer.models import Opportunity, Session
from musichub.offer.services import generate_sessions

from . import finder_helpers as h

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def keys(opportunity) -> tuple:
    return Opportunity.objects.values_list("next_session_on", "taste_keys").get(pk=opportunity.pk)


def test_genres_and_instruments_are_keyed_whichever_side_changes_them():
    grime, folk, drums = h.genre("Grime"), h.genre("Folk"), h.instrument("Drums")
    opportunity = h.opportunity(genres=[grime], instruments=[drums])
    taste_keys = keys(opportunity)[1]
    assert finder_keys.taste_key("genres", grime.pk) in taste_keys
    assert finder_keys.taste_key("instruments", drums.pk) in taste_keys
    assert finder_keys.taste_key("genres", folk.pk) not in taste_keys

    folk.opportunities.add(opportunity)  # from the genre's side
    assert finder_keys.taste_key("genres", folk.pk) in keys(opportunity)[1]
    grime.opportunities.clear()
    assert finder_keys.taste_key("genres", grime.pk) not in keys(opportunity)[1]
    opportunity.instruments.remove(drums)
    assert finder_keys.taste_key("instruments", drums.pk) not in keys(opportunity)[1]


def test_a_genre_key_never_matches_a_longer_id_or_an_instrument_with_the_same_id():
    short = Genre.objects.create(pk=9001, name="Short id", slug="short-id")
    long = Genre.objects.create(pk=90011, name="Long id", slug="long-id")
    opportunity = h.opportunity(genres=[long])
    taste_keys = keys(opportunity)[1]
    assert finder_keys.taste_key("genres", long.pk) in taste_keys
    assert finder_keys.taste_key("genres", short.pk) not in taste_keys
    assert finder_keys.taste_key("instruments", long.pk) not in taste_keys


def test_the_next_session_follows_sessions_added_cancelled_and_deleted():
    today = h.today()
    opportunity = h.opportunity(sessions=[today + 7 * DAY, today + 14 * DAY])
    assert keys(opportunity)[0] == today + 7 * DAY
    first = Session.objects.get(opportunity=opportunity, date=today + 7 * DAY)
    first.is_cancelled = True
    first.save()
    assert keys(opportunity)[0] == today + 14 * DAY
    Session.objects.filter(opportunity=opportunity, date=today + 14 * DAY).get().delete()
    assert keys(opportunity)[0] is None


def test_generating_sessions_in_bulk_sets_the_next_session(hub):
    opportunity = h.opportunity()
    Opportunity.objects.filter(pk=opportunity.pk).update(next_session_on=None)
    from musichub.offer.models import Term

    Term.objects.create(name="Term", starts_on=h.today(), ends_on=h.today() + 70 * DAY)
    generate_sessions(opportunity=opportunity)
    assert keys(opportunity)[0] == h.today()


def test_the_first_search_of_a_day_moves_past_sessions_on_then_no_more_work_that_day():
    today = h.today()
    opportunity = h.opportunity(sessions=[today - 7 * DAY, today + 7 * DAY])
    # As if last computed a fortnight ago: its next session then is now in the past.
    Opportunity.objects.filter(pk=opportunity.pk).update(next_session_on=today - 7 * DAY)
    never = h.opportunity(sessions=[today + DAY])
    Opportunity.objects.filter(pk=never.pk).update(taste_keys="", next_session_on=None)
    cache.clear()

    finder_keys.ensure_fresh(today)
    assert keys(opportunity)[0] == today + 7 * DAY
    assert keys(never)[0] == today + DAY and keys(never)[1] != ""

    Opportunity.objects.filter(pk=opportunity.pk).update(next_session_on=today - 7 * DAY)
    with CaptureQueriesContext(connection) as captured:
        finder_keys.ensure_fresh(today)
    assert len(captured) == 0
    assert keys(opportunity)[0] == today - 7 * DAY  # left for tomorrow's first search


def test_tastes_rank_the_finder_from_the_keys(client, hub, make_user):
    from .test_views_finder import titles, young_person_user

    h.opportunity("Folk club", genres=["Folk"], sessions=[h.today() + DAY])
    h.opportunity("Grime and drums", genres=["Grime"], instruments=["Drums"], sessions=[h.today() + 3 * DAY])
    h.opportunity("Grime night", genres=["Grime"], sessions=[h.today() + 2 * DAY])
    client.force_login(young_person_user(make_user, genres=["Grime"], instruments=["Drums"]))
    response = client.get("/opportunities/")
    assert titles(response) == ["Grime and drums", "Grime night", "Folk club"]


def test_the_command_recomputes_every_row():
    from io import StringIO

    from django.core.management import call_command

    opportunity = h.opportunity(genres=["Grime"], sessions=[h.today() + DAY])
    Opportunity.objects.update(taste_keys="", next_session_on=None)
    out = StringIO()
    call_command("refresh_finder_keys", stdout=out)
    assert "1 opportunity refreshed." in out.getvalue()
    assert keys(opportunity)[0] == h.today() + DAY and ",g" in keys(opportunity)[1]
