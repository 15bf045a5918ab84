"""The automatic checks that help moderators: each kind of flag, and harmless text left alone."""

import pytest

from musichub.voice import moderation
from musichub.voice.moderation import flags_for


def codes(*texts):
    return {f.code for f in flags_for(*texts)}


@pytest.mark.parametrize(
    "text",
    ["ring 07700 900123 after six", "my number is +44 7700 900 123", "call (023) 8083 3000", "07700-900-123"],
)
def test_phone_numbers_are_flagged(text):
    assert moderation.PHONE in codes(text)


@pytest.mark.parametrize("text", ["the 2025-03-03 session", "year 10 and 11", "we were 12 in the band"])
def test_dates_years_and_small_numbers_are_not_phone_numbers(text):
    assert moderation.PHONE not in codes(text)


def test_email_addresses_are_flagged_and_not_taken_for_handles():
    found = flags_for("email me at jay.nowak@example.org")
    assert moderation.EMAIL in {f.code for f in found}
    assert [f.found for f in found if f.code == moderation.EMAIL] == ["jay.nowak@example.org"]
    assert not [f for f in found if f.code == moderation.CONTACT and f.found.startswith("@")]


@pytest.mark.parametrize(
    "text", ["I live at SO14 7LY", "come to 12 Harbour Road", "it's at 3a Portswood Street"]
)
def test_postcodes_and_street_addresses_are_flagged(text):
    assert moderation.ADDRESS in codes(text)


def test_full_names_of_others_are_flagged_but_places_and_groups_are_not():
    assert moderation.FULL_NAME in codes("Jordan Smith was mean to me")
    assert moderation.FULL_NAME not in codes("Jordan said the Youth Orchestra was great")
    assert moderation.FULL_NAME not in codes("Sam Band rehearsals on Monday Music Club")


@pytest.mark.parametrize(
    "text", ["add me on snap", "DM me", "my insta is beats", "follow @beats_by_ash", "meet me after"]
)
def test_contact_attempts_are_flagged(text):
    assert moderation.CONTACT in codes(text)


def test_abusive_words_are_flagged_whole_words_only():
    assert moderation.ABUSIVE in codes("the leader is a total idiot")
    assert moderation.ABUSIVE in codes("shut up about it")
    assert moderation.ABUSIVE not in codes("Scunthorpe has a great brass band")  # not a word match


def test_words_that_may_mean_a_child_is_at_risk_are_flagged():
    found = flags_for("I am scared to go home after band")
    assert moderation.is_at_risk(found)
    assert not moderation.is_at_risk(flags_for("We want more grime workshops"))


def test_an_ordinary_idea_has_no_flags():
    assert flags_for("We want a grime workshop in Thornhill", "Loads of us would come every week.") == []
