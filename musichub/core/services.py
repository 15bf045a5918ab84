"""Writes for the hub's core: roles, the audit log, the email outbox, invitations."""

import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import AuditEntry, OutgoingEmail, User
from .roles import Role

logger = logging.getLogger(__name__)


def record_audit(*, actor, action: str, obj, detail: str = "") -> AuditEntry:
    """Write who did (or saw) what to the audit log."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        detail=detail[:300],
    )


def queue_email(*, to: str, subject: str, template: str, context: dict, about=None) -> OutgoingEmail:
    """Store an email and send it in the background once the current transaction commits.

    The row is written in the caller's transaction, so the thing the email is about is never lost
    when the mail server is down: the task retries, and staff see failures in the outbox.
    """
    from .tasks import send_outgoing_email

    body = render_to_string(template, {"site_url": settings.SITE_URL, **context}).strip()
    email = OutgoingEmail.objects.create(
        to=to,
        subject=subject[:200],
        body=body,
        about=f"{about._meta.label_lower}#{about.pk}" if about is not None else "",
    )
    transaction.on_commit(lambda: send_outgoing_email.enqueue(email.pk))
    return email


def retry_email(*, email: OutgoingEmail) -> OutgoingEmail:
    """Put a failed email back in the queue (staff, from the outbox)."""
    from .tasks import send_outgoing_email

    email.status = OutgoingEmail.Status.QUEUED
    email.attempts = 0
    email.save(update_fields=["status", "attempts", "updated_at"])
    transaction.on_commit(lambda: send_outgoing_email.enqueue(email.pk))
    return email


def set_role(*, user: User, role: Role) -> User:
    """Give a person a role. Hub admins also get the Django admin; nobody else does."""
    user.role = role
    user.is_staff = role == Role.HUB_ADMIN
    user.is_superuser = role == Role.HUB_ADMIN
    user.save(update_fields=["role", "is_staff", "is_superuser"])
    return user


@transaction.atomic
def create_invited_user(*, email: str, first_name: str, last_name: str, role: Role) -> User:
    """Create an account with no password yet and email its owner a link to choose one.

    Raises ValidationError (code "email_taken") when an account already uses the email address.
    """
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(_("An account already uses this email address."), code="email_taken")
    username = free_username(email.split("@")[0])
    user = User(username=username, email=email, first_name=first_name, last_name=last_name, role=role)
    user.set_unusable_password()
    user.save()
    set_role(user=user, role=role)
    send_invitation(user=user)
    return user


def send_invitation(*, user: User) -> OutgoingEmail:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = settings.SITE_URL + reverse("core:password_reset_confirm", args=[uid, token])
    return queue_email(
        to=user.email,
        subject=str(_("Your account on the hub's platform")),
        template="core/emails/invitation.txt",
        context={"user": user, "link": link},
        about=user,
    )


def free_username(base: str) -> str:
    """A username made from `base` (an email's local part) that nobody has yet."""
    base = "".join(ch for ch in base.lower() if ch.isalnum() or ch in "._-")[:30] or "user"
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate
