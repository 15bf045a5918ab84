"""Writes of the insights app: the "what we learned" log."""

from django.db import transaction

from .models import Learning

LEARNING_FIELDS = ("title", "aim", "indicator", "what_we_saw", "what_we_changed", "changed_on")


@transaction.atomic
def record_learning(*, recorded_by, **fields) -> Learning:
    """Add an entry to the "what we learned" log. The form has checked the fields; raises nothing."""
    return Learning.objects.create(
        recorded_by=recorded_by, **{name: fields[name] for name in LEARNING_FIELDS}
    )


@transaction.atomic
def update_learning(*, learning: Learning, **fields) -> Learning:
    """Correct an entry of the log (who first recorded it stays)."""
    for name in LEARNING_FIELDS:
        setattr(learning, name, fields[name])
    learning.save()
    return learning
