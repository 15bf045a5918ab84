"""Messages to families: who gets them, one email per address, the outbox, the log (offer/messaging.py)."""

from datetime import date, time

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from musichub.core.models import AuditEntry, OutgoingEmail
from musichub.core.roles import Role
from musichub.offer import messaging
from musichub.offer.models import Enrolment, Message
from musichub.offer.tests.delivery_helpers import enrol, group
from musichub.offer.tests.factories import SessionFactory
from musichub.people.tests.factories import FamilyFactory, YoungPersonFactory, born_years_ago

pytestmark = pytest.mark.django_db

S = Enrolment.Status


@pytest.fixture
def band():
    return group(title="Saturday band", slug="saturday-band")


def child_of(guardian, **fields):
    family = FamilyFactory(guardians=[guardian] if guardian else [])
    return YoungPersonFactory(family=family, **fields)


def send(band, staff, **changes):
    fields = {"kind": Message.Kind.VENUE, "subject": "New room", "body": "We meet in Room 2 from now on."}
    fields.update(changes)
    return messaging.send_message(opportunity=band, sent_by=staff, **fields)


def test_guardians_of_enrolled_young_people_get_it_and_waiting_or_withdrawn_do_not(make_user, band):
    enrolled_parent = make_user(Role.GUARDIAN, email="enrolled@example.org")
    waiting_parent = make_user(Role.GUARDIAN, email="waiting@example.org")
    withdrawn_parent = make_user(Role.GUARDIAN, email="withdrawn@example.org")
    offered_parent = make_user(Role.GUARDIAN, email="offered@example.org")
    enrol(child_of(enrolled_parent), band)
    enrol(child_of(waiting_parent), band, status=S.WAITING)
    enrol(child_of(withdrawn_parent), band, status=S.WITHDRAWN)
    Enrolment.objects.create(
        young_person=child_of(offered_parent),
        opportunity=band,
        status=S.OFFERED,
        offer_expires_at="2030-01-01T00:00:00Z",
    )
    enrol(child_of(make_user(Role.GUARDIAN, email="elsewhere@example.org")), group(title="Choir"))

    assert messaging.recipient_addresses(band) == ["enrolled@example.org"]


def test_a_guardian_with_two_children_in_the_group_gets_one_email(make_user, band, staff):
    parent = make_user(Role.GUARDIAN, email="Pat@Example.org")
    family = FamilyFactory(guardians=[parent])
    enrol(YoungPersonFactory(family=family), band)
    enrol(YoungPersonFactory(family=family), band)
    enrol(YoungPersonFactory(family=family, date_of_birth=born_years_ago(15)), band)

    message = send(band, staff)

    assert messaging.recipient_addresses(band) == ["pat@example.org"]
    assert list(message.emails.values_list("to", flat=True)) == ["pat@example.org"]
    assert messaging.audience(band) == {"addresses": 1, "young_people": 3, "unreachable": 0}


def test_young_people_13_or_over_with_their_own_account_get_it_younger_ones_do_not(make_user, band):
    teen_account = make_user(Role.YOUNG_PERSON, email="teen@example.org")
    young_account = make_user(Role.YOUNG_PERSON, email="young@example.org")
    enrol(YoungPersonFactory(user=teen_account, date_of_birth=born_years_ago(14)), band)
    enrol(YoungPersonFactory(user=young_account, date_of_birth=born_years_ago(12)), band)
    assert messaging.recipient_addresses(band) == ["teen@example.org"]
    assert messaging.audience(band) == {"addresses": 1, "young_people": 2, "unreachable": 1}


def test_inactive_accounts_blank_addresses_and_erased_records_are_left_out(make_user, band):
    gone = make_user(Role.GUARDIAN, email="gone@example.org", is_active=False)
    blank = make_user(Role.GUARDIAN, email="")
    erased_parent = make_user(Role.GUARDIAN, email="erased@example.org")
    enrol(child_of(gone), band)
    enrol(child_of(blank), band)
    erased = child_of(erased_parent)
    erased.anonymised_at = "2026-01-01T00:00:00Z"
    erased.save()
    enrol(erased, band)
    assert messaging.recipient_addresses(band) == []
    assert messaging.audience(band)["unreachable"] == 2  # the erased record is not counted at all


def test_sending_queues_one_outbox_email_per_address_linked_to_the_message(
    make_user, band, staff, django_capture_on_commit_callbacks
):
    for n in range(3):
        enrol(child_of(make_user(Role.GUARDIAN, email=f"family{n}@example.org")), band)
    with django_capture_on_commit_callbacks(execute=True):
        message = send(band, staff, subject="Concert on Friday", body="Bring your instrument at 6.")

    emails = OutgoingEmail.objects.filter(about=f"offer.message#{message.pk}")
    assert emails.count() == 3
    assert set(message.emails.all()) == set(emails)
    email = emails.get(to="family0@example.org")
    assert email.subject == "Concert on Friday"
    assert "Bring your instrument at 6." in email.body
    assert "Saturday band" in email.body
    assert "<" not in email.body  # plain text, nothing escaped into entities
    assert sorted(m.to[0] for m in mail.outbox) == [f"family{n}@example.org" for n in range(3)]
    assert AuditEntry.objects.filter(action="message.sent", actor=staff).exists()


def test_the_text_is_not_escaped_in_the_email(make_user, band, staff):
    enrol(child_of(make_user(Role.GUARDIAN, email="a@example.org")), band)
    message = send(band, staff, body='Tom & Jerry\'s "big" <night>')
    assert 'Tom & Jerry\'s "big" <night>' in message.emails.get().body


def test_nobody_to_email_is_refused_and_nothing_is_stored(band, staff):
    enrol(YoungPersonFactory(), band)  # no family, no account
    with pytest.raises(ValidationError) as error:
        send(band, staff)
    assert error.value.code == "no_recipients"
    assert not Message.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_the_same_message_twice_in_a_row_is_sent_once(make_user, band, staff):
    enrol(child_of(make_user(Role.GUARDIAN, email="a@example.org")), band)
    send(band, staff)
    with pytest.raises(ValidationError) as error:
        send(band, staff)
    assert error.value.code == "already_sent"
    assert OutgoingEmail.objects.count() == 1
    send(band, staff, subject="Another thing")
    assert OutgoingEmail.objects.count() == 2


def test_the_log_counts_each_messages_emails_by_their_status_in_the_outbox(make_user, band, staff):
    for n in range(4):
        enrol(child_of(make_user(Role.GUARDIAN, email=f"family{n}@example.org")), band)
    message = send(band, staff)
    emails = list(message.emails.order_by("to"))
    OutgoingEmail.objects.filter(pk__in=[emails[0].pk, emails[1].pk]).update(status=OutgoingEmail.Status.SENT)
    OutgoingEmail.objects.filter(pk=emails[2].pk).update(status=OutgoingEmail.Status.FAILED)
    older = send(band, staff, subject="Earlier news")
    older.emails.update(status=OutgoingEmail.Status.SENT)

    log = list(messaging.message_log(band))

    assert [m.subject for m in log] == ["Earlier news", "New room"]
    assert [(m.recipients, m.sent, m.queued, m.failed) for m in log] == [(4, 4, 0, 0), (4, 2, 1, 1)]
    assert [e.status for e in messaging.message_recipients(message)] == ["sent", "sent", "failed", "queued"]


def test_a_cancelled_session_has_a_ready_made_message(band):
    session = SessionFactory(opportunity=band, date=date(2030, 1, 7), starts_at=time(17, 0))
    draft = messaging.cancellation_draft(session)
    assert draft["kind"] == "cancelled"
    assert draft["subject"] == "Saturday band on Monday 7 January is cancelled"
    assert "17:00" in draft["body"]


def test_unknown_kinds_are_refused(make_user, band, staff):
    enrol(child_of(make_user(Role.GUARDIAN, email="a@example.org")), band)
    with pytest.raises(ValidationError) as error:
        send(band, staff, kind="gossip")
    assert error.value.code == "kind"
