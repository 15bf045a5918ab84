"""Walk-ins to follow up: who is on the list, inviting the family, marking a walk-in as followed up."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from musichub.core.demo import load_demo_hub
from musichub.core.models import AuditEntry, OutgoingEmail
from musichub.core.roles import Role
from musichub.offer import registers, walkins
from musichub.offer.models import WalkInContact
from musichub.people.models import Consent
from musichub.people.services import create_family_for_guardian, merge_young_people
from musichub.people.tests.factories import YoungPersonFactory, born_years_ago

from .register_helpers import days_ago, key, leader_of, marks, session_on


@pytest.fixture
def session(db):
    return session_on(days_ago(21))


@pytest.fixture
def leader(make_user, session):
    return leader_of(make_user, session.opportunity, first_name="Lee", last_name="Leader")


def walk_in(session, leader, first_name="Kai", **changes):
    fields = {
        "first_name": first_name,
        "last_name": "Nowak",
        "date_of_birth": born_years_ago(9),
        "consent_given_by": Consent.GivenBy.GUARDIAN,
        "guardian_name": "Ola Nowak",
        "guardian_email": "ola@example.org",
        "guardian_phone": "07700 900123",
    }
    fields.update(changes)
    return registers.register_walk_in(session=session, by=leader, **fields)


def listed(**kwargs):
    return [contact.young_person.first_name for contact in walkins.walk_ins_to_follow_up(**kwargs)]


# ---- Who is on the list ----------------------------------------------------------------------------------


def test_new_walk_ins_with_a_contact_are_listed_oldest_first(session, leader):
    kai = walk_in(session, leader, "Kai")
    walk_in(session, leader, "Zoe")
    WalkInContact.objects.filter(young_person=kai).update(created_at=timezone.now() - timedelta(days=3))
    assert listed() == ["Kai", "Zoe"]
    assert walkins.walk_ins_to_follow_up().first().walked_in_on == session.date


def test_a_walk_in_whose_family_has_registered_them_is_not_listed(session, leader, make_user):
    kai = walk_in(session, leader, "Kai")
    walk_in(session, leader, "Zoe")
    kai.family = create_family_for_guardian(guardian=make_user(Role.GUARDIAN))
    kai.save()
    assert listed() == ["Zoe"]


def test_a_family_without_a_parents_account_does_not_count_as_registered(session, leader):
    from musichub.people.models import Family

    kai = walk_in(session, leader, "Kai")
    kai.family = Family.objects.create()
    kai.save()
    assert listed() == ["Kai"]


def test_merging_the_record_the_family_made_online_takes_the_walk_in_off_the_list(
    session, leader, make_user, staff
):
    kai = walk_in(session, leader, "Kai")
    online = YoungPersonFactory(
        first_name="Kai",
        last_name="Nowak",
        date_of_birth=kai.date_of_birth,
        family=create_family_for_guardian(guardian=make_user(Role.GUARDIAN)),
    )
    # Before the merge the walk-in is still listed, with a hint that the family registered a twin record.
    (contact,) = walkins.walk_ins_to_follow_up()
    assert contact.possible_duplicate
    merge_young_people(keep=online, merge=kai, merged_by=staff)
    assert listed() == []
    assert WalkInContact.objects.get().young_person == online  # the contact is kept, on the kept record


def test_a_walk_in_with_their_own_account_is_not_listed(session, leader, make_user):
    jo = walk_in(session, leader, "Jo", date_of_birth=born_years_ago(14))
    jo.user = make_user(Role.YOUNG_PERSON)
    jo.save()
    assert listed() == []


def test_a_followed_up_walk_in_is_listed_only_when_asked(session, leader, staff):
    kai = walk_in(session, leader, "Kai")
    walk_in(session, leader, "Zoe")
    walkins.mark_walk_in_followed_up(
        contact=kai.walk_in_contact, by=staff, note="Spoke to dad, registering tonight"
    )
    assert listed() == ["Zoe"]
    assert listed(show=walkins.SHOW_FOLLOWED_UP) == ["Kai"]


def test_sessions_attended_since_walking_in_are_counted(session, leader):
    kai = walk_in(session, leader, "Kai")
    later = session_on(days_ago(14), opportunity=session.opportunity)
    absent_at = session_on(days_ago(7), opportunity=session.opportunity)
    registers.submit_register(session=later, by=leader, key=key(), marks=marks([kai], walk_in=True))
    registers.submit_register(
        session=absent_at, by=leader, key=key(), marks=marks([kai], "absent", walk_in=True)
    )
    assert walkins.walk_ins_to_follow_up().get().sessions_since == 1


# ---- Inviting the family -----------------------------------------------------------------------------------


def test_inviting_the_family_emails_them_the_registration_link_through_the_outbox(
    session, leader, staff, settings
):
    load_demo_hub()
    settings.SITE_URL = "https://hub.example"
    kai = walk_in(session, leader, "Kai")
    contact = walkins.invite_walk_in_family(contact=kai.walk_in_contact, invited_by=staff)
    email = OutgoingEmail.objects.get()
    assert email.to == "ola@example.org"
    assert f"https://hub.example{reverse('people:register')}" in email.body
    assert "Kai" in email.subject and "Ola Nowak" in email.body
    assert email.about == f"offer.walkincontact#{contact.pk}"
    contact.refresh_from_db()
    assert contact.invited_by == staff and contact.invited_at is not None
    assert AuditEntry.objects.filter(action="walk_in.invited", object_id=str(kai.pk), actor=staff).exists()
    assert listed() == ["Kai"]  # invited is not registered: they stay on the list until the family does


def test_a_family_is_not_invited_twice_within_a_day(session, leader, staff):
    kai = walk_in(session, leader, "Kai")
    walkins.invite_walk_in_family(contact=kai.walk_in_contact, invited_by=staff)
    with pytest.raises(ValidationError) as refused:
        walkins.invite_walk_in_family(contact=kai.walk_in_contact, invited_by=staff)
    assert refused.value.code == "invited_recently"
    assert OutgoingEmail.objects.count() == 1
    # A day later they may be reminded.
    WalkInContact.objects.update(invited_at=timezone.now() - timedelta(hours=24, minutes=1))
    walkins.invite_walk_in_family(contact=kai.walk_in_contact, invited_by=staff)
    assert OutgoingEmail.objects.count() == 2


def test_a_family_with_only_a_phone_number_cannot_be_invited(session, leader, staff):
    kai = walk_in(session, leader, "Kai", guardian_email="")
    with pytest.raises(ValidationError) as refused:
        walkins.invite_walk_in_family(contact=kai.walk_in_contact, invited_by=staff)
    assert refused.value.code == "no_email"
    assert not OutgoingEmail.objects.exists()
    assert WalkInContact.objects.get().invited_at is None


def test_a_family_that_has_registered_is_not_invited(session, leader, staff, make_user):
    kai = walk_in(session, leader, "Kai")
    kai.family = create_family_for_guardian(guardian=make_user(Role.GUARDIAN))
    kai.save()
    with pytest.raises(ValidationError) as refused:
        walkins.invite_walk_in_family(contact=kai.walk_in_contact, invited_by=staff)
    assert refused.value.code == "already_registered"
    assert not OutgoingEmail.objects.exists()


# ---- Following up ------------------------------------------------------------------------------------------


def test_following_up_needs_a_note_and_keeps_the_record(session, leader, staff):
    kai = walk_in(session, leader, "Kai")
    with pytest.raises(ValidationError) as refused:
        walkins.mark_walk_in_followed_up(contact=kai.walk_in_contact, by=staff, note="   ")
    assert refused.value.code == "note_required"
    assert WalkInContact.objects.get().followed_up_at is None
    walkins.mark_walk_in_followed_up(contact=kai.walk_in_contact, by=staff, note=" Spoke to dad ")
    contact = WalkInContact.objects.get()
    assert (contact.follow_up_note, contact.followed_up_by) == ("Spoke to dad", staff)
    assert contact.guardian_email == "ola@example.org"
    assert AuditEntry.objects.filter(action="walk_in.followed_up", object_id=str(kai.pk)).exists()
    with pytest.raises(ValidationError) as refused:
        walkins.mark_walk_in_followed_up(contact=contact, by=staff, note="Again")
    assert refused.value.code == "followed_up"
