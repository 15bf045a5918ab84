"""Background tasks of the core: sending the email outbox."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import OutgoingEmail

logger = logging.getLogger(__name__)


@task()
def send_outgoing_email(email_id: int) -> str:
    """Send one stored email; on failure, try again later with a growing delay, then mark it failed."""
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status != OutgoingEmail.Status.QUEUED:
            return "skipped"
        email.attempts += 1
        try:
            EmailMessage(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to]).send()
        except Exception as exc:  # any transport error: record it, retry, never lose the email
            email.last_error = f"{type(exc).__name__}: {exc}"[:300]
            if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
                email.status = OutgoingEmail.Status.FAILED
                logger.error(
                    "email %s failed after %s attempts: %s", email.pk, email.attempts, email.last_error
                )
            email.save(update_fields=["attempts", "last_error", "status", "updated_at"])
            if email.status == OutgoingEmail.Status.QUEUED:
                _retry_later(email)
            return email.status
        email.status = OutgoingEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "last_error", "status", "sent_at", "updated_at"])
        return email.status


def _retry_later(email: OutgoingEmail) -> None:
    delay = timedelta(minutes=2**email.attempts)
    logger.warning("email %s attempt %s failed; retrying in %s", email.pk, email.attempts, delay)
    if not send_outgoing_email.get_backend().supports_defer:
        # A backend that runs tasks at once (tests, development) cannot wait: the email stays queued
        # and `manage.py send_queued_emails` (or staff, from the outbox) sends it later.
        return
    deferred = send_outgoing_email.using(run_after=timezone.now() + delay)
    transaction.on_commit(lambda: deferred.enqueue(email.pk))
