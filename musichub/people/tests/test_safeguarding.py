"""The safeguarding lead's queue: the order of concerns, the concern page, the actions, and the secrecy rule
(nobody but the designated safeguarding lead sees a concern, anywhere)."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from musichub.core.models import AuditEntry
from musichub.core.navigation import navigation_for
from musichub.core.roles import Role
from musichub.people.models import SafeguardingAction, SafeguardingConcern
from musichub.people.safeguarding import raise_concern
from musichub.people.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db

SECRET = "Said someone at home hurts them; bruise on the left arm"
Status = SafeguardingConcern.Status


@pytest.fixture
def lead(make_user):
    return make_user(Role.SAFEGUARDING_LEAD, username="dsl")


@pytest.fixture
def leader(make_user):
    return make_user(Role.MUSIC_LEADER, first_name="Marcus")


@pytest.fixture
def child():
    return YoungPersonFactory(first_name="Zara", last_name="Lowe")


@pytest.fixture
def concern(leader, child):
    return raise_concern(
        raised_by=leader, details=SECRET, source="register", source_ref="session:42", young_person=child
    )


def _concern_aged(days, status=Status.OPEN, **fields):
    concern = SafeguardingConcern.objects.create(details=f"Concern {days} days old", status=status, **fields)
    SafeguardingConcern.objects.filter(pk=concern.pk).update(created_at=timezone.now() - timedelta(days=days))
    SafeguardingAction.objects.create(concern=concern, action="raised")
    return concern


def _act(client, concern, action, note=""):
    return client.post(reverse("people:concern_act", args=[concern.pk, action]), {f"{action}-note": note})


# ---- The queue -----------------------------------------------------------------------------------------------


def test_the_queue_shows_new_concerns_first_oldest_first_then_those_in_hand(client, lead):
    in_hand_old = _concern_aged(30, Status.IN_HAND)
    open_new = _concern_aged(1)
    open_old = _concern_aged(10)
    closed = _concern_aged(20, Status.CLOSED)
    client.force_login(lead)
    page = client.get(reverse("people:safeguarding_queue"))
    assert [c.pk for c in page.context["page"].object_list] == [open_old.pk, open_new.pk, in_hand_old.pk]
    closed_page = client.get(reverse("people:safeguarding_queue") + "?show=closed")
    assert [c.pk for c in closed_page.context["page"].object_list] == [closed.pk]
    odd = client.get(reverse("people:safeguarding_queue") + "?show=everything")
    assert odd.status_code == 200 and odd.context["show"] == "current"


def test_looking_at_the_queue_is_audited(client, lead):
    client.force_login(lead)
    client.get(reverse("people:safeguarding_queue"))
    assert AuditEntry.objects.filter(actor=lead, action="safeguarding.queue_viewed").count() == 1


def test_the_queue_takes_a_fixed_number_of_queries(client, lead, django_assert_num_queries):
    _concern_aged(3)
    client.force_login(lead)
    with django_assert_num_queries(6):  # session, user, count, page, audit, hub identity
        client.get(reverse("people:safeguarding_queue"))
    for days in range(4, 40):
        _concern_aged(days, raised_by=lead, young_person=YoungPersonFactory())
    with django_assert_num_queries(6):
        response = client.get(reverse("people:safeguarding_queue"))
    assert "Page 1 of 2" in response.content.decode()


def test_an_empty_queue_says_so(client, lead):
    client.force_login(lead)
    assert "No concern is waiting" in client.get(reverse("people:safeguarding_queue")).content.decode()


# ---- A concern ----------------------------------------------------------------------------------------------


def test_a_concern_page_shows_what_was_said_where_by_whom_and_about_whom(client, lead, concern, child):
    client.force_login(lead)
    page = client.get(reverse("people:concern_detail", args=[concern.pk])).content.decode()
    assert SECRET in page
    assert "A session&#x27;s register" in page and "session:42" in page
    assert "Marcus" in page
    assert reverse("people:detail", args=[child.pk]) in page and "Zara Lowe" in page
    assert "<strong>Raised</strong>" in page  # the log starts with the raising
    assert AuditEntry.objects.filter(
        actor=lead, action="safeguarding.viewed", object_id=str(concern.pk)
    ).exists()


def test_a_concern_page_takes_a_fixed_number_of_queries(client, lead, concern, django_assert_num_queries):
    client.force_login(lead)
    url = reverse("people:concern_detail", args=[concern.pk])
    with django_assert_num_queries(7):  # session, user, concern, audit, log count, log page, hub identity
        client.get(url)
    for n in range(30):
        SafeguardingAction.objects.create(concern=concern, by=lead, action="note", note=f"Call {n}")
    with django_assert_num_queries(7):
        response = client.get(url)
    assert "Page 1 of 2" in response.content.decode()


def test_acknowledging_puts_a_new_concern_in_hand_once(client, lead, concern):
    client.force_login(lead)
    response = _act(client, concern, "acknowledged")
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == Status.IN_HAND
    assert concern.actions.filter(action="acknowledged", by=lead).exists()
    assert AuditEntry.objects.filter(actor=lead, action="safeguarding.acknowledged").exists()
    again = _act(client, concern, "acknowledged")
    assert again.status_code == 400 and "already been acknowledged" in again.content.decode()
    assert concern.actions.filter(action="acknowledged").count() == 1


def test_a_note_needs_text_and_keeps_the_status(client, lead, concern):
    client.force_login(lead)
    refused = _act(client, concern, "note", "   ")
    assert refused.status_code == 400 and "Write the note." in refused.content.decode()
    assert _act(client, concern, "note", "Spoke to the class teacher.").status_code == 302
    concern.refresh_from_db()
    assert concern.status == Status.OPEN
    assert concern.actions.get(action="note").note == "Spoke to the class teacher."


def test_a_referral_is_recorded_with_where_it_went(client, lead, concern):
    client.force_login(lead)
    refused = _act(client, concern, "referred")
    assert refused.status_code == 400 and "Say who it was referred to" in refused.content.decode()
    assert _act(client, concern, "referred", "Children's services (MASH), ref 2231").status_code == 302
    concern.refresh_from_db()
    assert concern.status == Status.IN_HAND
    assert concern.actions.get(action="referred").note == "Children's services (MASH), ref 2231"
    # The audit log (read by hub admins) says a referral happened, never where or why.
    entry = AuditEntry.objects.get(action="safeguarding.referred")
    assert entry.object_id == str(concern.pk) and "2231" not in entry.detail


def test_closing_needs_an_outcome_and_a_closed_concern_can_be_reopened(client, lead, concern):
    client.force_login(lead)
    assert _act(client, concern, "closed").status_code == 400
    assert (
        _act(client, concern, "closed", "Family supported by early help; no further action.").status_code
        == 302
    )
    concern.refresh_from_db()
    assert concern.status == Status.CLOSED
    refused = _act(client, concern, "referred", "Police")
    assert refused.status_code == 400 and "reopen it" in refused.content.decode()
    assert _act(client, concern, "reopened", "New information from school.").status_code == 302
    concern.refresh_from_db()
    assert concern.status == Status.IN_HAND
    assert list(concern.actions.values_list("action", flat=True)) == ["raised", "closed", "reopened"]


def test_an_unknown_concern_or_action_is_not_found(client, lead, concern):
    client.force_login(lead)
    assert client.get(reverse("people:concern_detail", args=[999999])).status_code == 404
    assert client.post(reverse("people:concern_act", args=[concern.pk, "delete"])).status_code == 404


# ---- Secrecy: nobody else sees a concern, anywhere -------------------------------------------------------------

OTHER_ROLES = [role for role in Role if role != Role.SAFEGUARDING_LEAD]


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_every_other_role_is_refused_the_queue_and_the_concern(client, make_user, concern, role):
    client.force_login(make_user(role))
    assert client.get(reverse("people:safeguarding_queue")).status_code == 403
    assert client.get(reverse("people:concern_detail", args=[concern.pk])).status_code == 403
    response = client.post(
        reverse("people:concern_act", args=[concern.pk, "closed"]), {"closed-note": "Closing it myself"}
    )
    assert response.status_code == 403
    concern.refresh_from_db()
    assert concern.status == Status.OPEN and concern.actions.count() == 1


def test_visitors_are_sent_to_sign_in(client, concern):
    response = client.get(reverse("people:concern_detail", args=[concern.pk]))
    assert response.status_code == 302 and "login" in response.url


def test_the_person_who_raised_it_does_not_see_it_afterwards(client, leader, concern):
    client.force_login(leader)
    assert client.get(reverse("people:concern_detail", args=[concern.pk])).status_code == 403


def test_a_hub_admin_never_sees_a_concern_anywhere(client, hub_admin, concern, child):
    client.force_login(hub_admin)
    record = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert SECRET not in record
    audit_log = client.get(reverse("core:audit_log")).content.decode()
    assert SECRET not in audit_log
    for export in ("people:subject_access", "people:subject_access_json"):
        assert SECRET not in client.get(reverse(export, args=[child.pk])).content.decode()
    assert "Safeguarding" not in [entry["label"] for entry in navigation_for(hub_admin)]


def test_concerns_are_not_in_the_django_admin(client, hub_admin, concern):
    assert SafeguardingConcern not in admin.site._registry
    assert SafeguardingAction not in admin.site._registry
    client.force_login(hub_admin)
    index = client.get(reverse("admin:index")).content.decode()
    assert "safeguarding concern" not in index.lower()
    assert client.get("/admin/people/safeguardingconcern/").status_code == 404


def test_only_the_lead_has_the_menu_entry(lead, make_user):
    assert "Safeguarding" in [entry["label"] for entry in navigation_for(lead)]
    for role in OTHER_ROLES:
        assert "Safeguarding" not in [entry["label"] for entry in navigation_for(make_user(role))]
