"""The "Walk-ins to follow up" page (/manage/walk-ins/): who may use it, what it shows, its two actions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from musichub.core.models import AuditEntry, OutgoingEmail
from musichub.core.navigation import navigation_for
from musichub.core.roles import Role
from musichub.offer import registers
from musichub.offer.models import WalkInContact
from musichub.people.models import Consent
from musichub.people.tests.factories import born_years_ago

from .register_helpers import days_ago, leader_of, session_on

LIST = reverse("offer:walk_ins")


@pytest.fixture
def session(db):
    return session_on(days_ago(7), title="Saturday Strings")


@pytest.fixture
def leader(make_user, session):
    return leader_of(make_user, session.opportunity, first_name="Lee", last_name="Leader")


@pytest.fixture
def signed_in(client, staff):
    client.force_login(staff)
    return client


def walk_in(session, leader, first_name="Kai", **changes):
    fields = {
        "first_name": first_name,
        "last_name": "Nowak",
        "date_of_birth": born_years_ago(9),
        "consent_given_by": Consent.GivenBy.GUARDIAN,
        "guardian_name": f"Parent of {first_name}",
        "guardian_email": f"{first_name.lower()}-family@example.org",
        "guardian_phone": "07700 900123",
    }
    fields.update(changes)
    return registers.register_walk_in(session=session, by=leader, **fields)


def invite_url(person):
    return reverse("offer:walk_in_invite", args=[person.walk_in_contact.pk])


def followed_up_url(person):
    return reverse("offer:walk_in_followed_up", args=[person.walk_in_contact.pk])


# ---- Who may use it ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.HUB_STAFF, Role.HUB_ADMIN, Role.SAFEGUARDING_LEAD])
def test_hub_staff_admins_and_the_safeguarding_lead_see_the_page_and_its_menu_entry(client, make_user, role):
    user = make_user(role)
    client.force_login(user)
    assert client.get(LIST).status_code == 200
    assert LIST in [entry["url"] for entry in navigation_for(user)]


@pytest.mark.parametrize(
    "role", [Role.PARTNER_MEMBER, Role.MUSIC_LEADER, Role.SCHOOL_CONTACT, Role.GUARDIAN, Role.YOUNG_PERSON]
)
def test_partners_leaders_schools_and_families_are_refused(client, make_user, role, session, leader):
    kai = walk_in(session, leader)
    user = make_user(role)
    client.force_login(user)
    assert client.get(LIST).status_code == 403
    assert client.post(invite_url(kai)).status_code == 403
    assert (
        client.post(followed_up_url(kai), {f"walk-in-{kai.walk_in_contact.pk}-note": "x"}).status_code == 403
    )
    assert LIST not in [entry["url"] for entry in navigation_for(user)]
    assert not OutgoingEmail.objects.exists()
    assert WalkInContact.objects.get().followed_up_at is None


def test_the_leader_who_recorded_the_walk_in_is_refused_too(client, session, leader):
    walk_in(session, leader)
    client.force_login(leader)
    assert client.get(LIST).status_code == 403


def test_visitors_are_sent_to_sign_in(client, db):
    response = client.get(LIST)
    assert response.status_code == 302 and "login" in response["Location"]


# ---- What it shows -------------------------------------------------------------------------------------------


def test_each_row_shows_the_child_the_session_who_recorded_it_and_the_familys_contact(
    signed_in, session, leader
):
    walk_in(session, leader, "Kai")
    page = signed_in.get(LIST).content.decode()
    assert "Kai Nowak" in page and "9 years old" in page
    assert "Saturday Strings" in page and "Recorded by Lee Leader" in page
    assert "Parent of Kai" in page and "kai-family@example.org" in page and "07700 900123" in page
    assert "Has not come back since" in page
    assert "Send a registration invitation" in page


def test_a_phone_only_contact_says_so_shows_the_number_and_offers_no_invitation(signed_in, session, leader):
    walk_in(session, leader, "Kai", guardian_email="")
    page = signed_in.get(LIST).content.decode()
    assert "No email address, so no invitation can be sent: phone them on 07700 900123" in page
    assert "Send a registration invitation" not in page


def test_the_empty_list_says_what_will_appear(signed_in):
    page = signed_in.get(LIST).content.decode()
    assert "No walk-in is waiting for a follow-up." in page


def test_every_view_is_written_to_the_audit_log_once_per_young_person_shown(
    signed_in, staff, session, leader
):
    kai, zoe = walk_in(session, leader, "Kai"), walk_in(session, leader, "Zoe")
    signed_in.get(LIST)
    entries = AuditEntry.objects.filter(action="young_person.viewed", actor=staff)
    assert sorted(entries.values_list("object_id", flat=True)) == sorted([str(kai.pk), str(zoe.pk)])
    assert all("walk-ins to follow up" in entry.detail for entry in entries)


def test_the_list_query_count_does_not_grow_with_the_rows(
    signed_in, session, leader, django_assert_num_queries
):
    for n in range(3):
        walk_in(session, leader, f"Kid{n}")
    # session, user, count, page (with its counts and hints), audit entries, the hub's identity (layout)
    with django_assert_num_queries(6):
        signed_in.get(LIST)
    for n in range(3, 12):
        walk_in(session, leader, f"Kid{n}")
    with django_assert_num_queries(6):
        assert signed_in.get(LIST).context["page"].paginator.count == 12


def test_an_unknown_view_or_page_falls_back_to_the_list(signed_in, session, leader):
    walk_in(session, leader, "Kai")
    response = signed_in.get(LIST, {"show": "everything", "page": "lots"})
    assert response.status_code == 200 and "Kai Nowak" in response.content.decode()


# ---- Inviting ----------------------------------------------------------------------------------------------


def test_sending_an_invitation_queues_the_email_and_the_list_says_when(signed_in, session, leader, staff):
    kai = walk_in(session, leader, "Kai")
    response = signed_in.post(invite_url(kai), follow=True)
    email = OutgoingEmail.objects.get()
    assert email.to == "kai-family@example.org" and reverse("people:register") in email.body
    page = response.content.decode()
    assert "An invitation to register Kai Nowak is on its way to kai-family@example.org." in page
    assert f"Invited on {date_format(timezone.localtime(), 'j F Y')}" in page
    assert "Send a registration invitation" not in page and "You can send another invitation from" in page


def test_a_second_invitation_the_same_day_is_refused(signed_in, session, leader):
    kai = walk_in(session, leader, "Kai")
    signed_in.post(invite_url(kai))
    response = signed_in.post(invite_url(kai), follow=True)
    assert "invited less than a day ago" in response.content.decode()
    assert OutgoingEmail.objects.count() == 1


def test_a_phone_only_contact_is_not_invited_even_by_a_forged_post(signed_in, session, leader):
    kai = walk_in(session, leader, "Kai", guardian_email="")
    response = signed_in.post(invite_url(kai), follow=True)
    assert "We have no email address for their parent or carer" in response.content.decode()
    assert not OutgoingEmail.objects.exists()


def test_an_action_keeps_the_list_where_it_was(signed_in, session, leader):
    kai = walk_in(session, leader, "Kai")
    response = signed_in.post(f"{invite_url(kai)}?page=2&next=https://evil.example")
    assert response["Location"] == f"{LIST}?page=2"


def test_opening_an_action_address_changes_nothing(signed_in, session, leader):
    kai = walk_in(session, leader, "Kai")
    assert signed_in.get(invite_url(kai))["Location"] == LIST
    assert not OutgoingEmail.objects.exists()
    assert signed_in.post(reverse("offer:walk_in_invite", args=[999999])).status_code == 404


# ---- Following up ------------------------------------------------------------------------------------------


def test_marking_as_followed_up_takes_the_row_off_the_list_and_keeps_it_under_followed_up(
    signed_in, session, leader, staff
):
    kai, _zoe = walk_in(session, leader, "Kai"), walk_in(session, leader, "Zoe")
    field = f"walk-in-{kai.walk_in_contact.pk}-note"
    response = signed_in.post(followed_up_url(kai), {field: "Spoke to dad, registering tonight"}, follow=True)
    page = response.content.decode()
    assert "Kai Nowak is marked as followed up" in page
    assert "Zoe Nowak" in page and "Parent of Kai" not in page
    contact = WalkInContact.objects.get(young_person=kai)
    assert (contact.follow_up_note, contact.followed_up_by) == ("Spoke to dad, registering tonight", staff)
    shown = signed_in.get(LIST, {"show": "followed_up"}).content.decode()
    assert "Kai Nowak" in shown and "Spoke to dad, registering tonight" in shown and "Zoe Nowak" not in shown


def test_following_up_without_a_note_is_refused_and_shows_the_error_at_the_row(signed_in, session, leader):
    kai = walk_in(session, leader, "Kai")
    field = f"walk-in-{kai.walk_in_contact.pk}-note"
    response = signed_in.post(followed_up_url(kai), {field: "  "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Write a short note of what happened" in page and f'href="#id_{field}"' in page
    assert WalkInContact.objects.get().followed_up_at is None


def test_a_too_long_note_is_refused_and_kept_for_correcting(signed_in, session, leader):
    kai = walk_in(session, leader, "Kai")
    field = f"walk-in-{kai.walk_in_contact.pk}-note"
    note = "Spoke to mum " + "x" * 300
    response = signed_in.post(followed_up_url(kai), {field: note})
    assert response.status_code == 400
    assert note in response.content.decode()
    assert WalkInContact.objects.get().followed_up_at is None


def test_an_old_invitation_allows_a_reminder(signed_in, session, leader):
    kai = walk_in(session, leader, "Kai")
    signed_in.post(invite_url(kai))
    WalkInContact.objects.update(invited_at=timezone.now() - timedelta(days=2))
    assert "Send a registration invitation" in signed_in.get(LIST).content.decode()
