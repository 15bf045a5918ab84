from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from musichub.core.models import AuditEntry, OutgoingEmail, User
from musichub.core.roles import Role
from musichub.core.services import create_invited_user, queue_email, record_audit, retry_email, set_role


def _queue(**overrides):
    return queue_email(
        **{
            "to": "someone@example.org",
            "subject": "Hello",
            "template": "core/emails/invitation.txt",
            "context": {"user": User(first_name="Ana", username="ana"), "link": "https://x/y"},
            **overrides,
        }
    )


@pytest.mark.django_db(transaction=True)
def test_a_queued_email_is_sent_after_the_transaction_commits():
    with transaction.atomic():
        email = _queue()
        assert mail.outbox == []  # nothing leaves before the data it is about is safely stored
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert email.attempts == 1
    assert mail.outbox[0].to == ["someone@example.org"]
    assert "Hello Ana" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_an_email_the_mail_server_refuses_stays_queued_with_its_error():
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError("no server")):
        email = _queue()
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.QUEUED
    assert email.attempts == 1
    assert "ConnectionRefusedError: no server" in email.last_error


@pytest.mark.django_db(transaction=True)
def test_an_email_is_marked_failed_after_the_last_attempt(settings):
    settings.EMAIL_MAX_ATTEMPTS = 1
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")):
        email = _queue()
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_staff_can_send_a_failed_email_again():
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")):
        email = _queue()
    OutgoingEmail.objects.filter(pk=email.pk).update(status=OutgoingEmail.Status.FAILED)
    email.refresh_from_db()
    retry_email(email=email)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_hub_admins_get_the_admin_and_nobody_else_does(make_user):
    user = make_user(Role.HUB_ADMIN)
    assert user.is_staff and user.is_superuser
    set_role(user=user, role=Role.HUB_STAFF)
    user.refresh_from_db()
    assert not user.is_staff and not user.is_superuser


@pytest.mark.django_db(transaction=True)
def test_an_invited_person_gets_an_account_without_a_password_and_a_link_to_choose_one():
    user = create_invited_user(
        email="lee@example.org", first_name="Lee", last_name="Tan", role=Role.PARTNER_MEMBER
    )
    user.refresh_from_db()
    assert user.role == Role.PARTNER_MEMBER
    assert not user.has_usable_password()
    assert "/accounts/reset/" in mail.outbox[0].body


def test_invited_usernames_never_clash(make_user):
    make_user(Role.GUARDIAN, username="lee", email="someone.else@example.org")
    user = create_invited_user(email="lee@example.org", first_name="Lee", last_name="Tan", role=Role.GUARDIAN)
    assert user.username == "lee2"


def test_the_audit_log_records_who_saw_what(make_user):
    staff = make_user(Role.HUB_STAFF)
    entry = record_audit(actor=staff, action="viewed", obj=staff, detail="account page")
    assert AuditEntry.objects.get() == entry
    assert (entry.object_type, entry.object_id, entry.actor) == ("core.user", str(staff.pk), staff)


def test_nobody_is_invited_twice_with_the_same_email(make_user):
    make_user(Role.GUARDIAN, email="Lee@Example.org")
    with pytest.raises(ValidationError) as error:
        create_invited_user(email="lee@example.org", first_name="Lee", last_name="Tan", role=Role.GUARDIAN)
    assert error.value.code == "email_taken"
