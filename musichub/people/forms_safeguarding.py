"""The safeguarding lead's actions on a concern: acknowledge, add a note, record a referral, close, reopen.

ACTIONS says, for each, which statuses it applies to, whether it needs a note, and the status it leads to;
the view passes the result to people.safeguarding.act_on_concern (which logs and audits it).
"""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SafeguardingConcern

Status = SafeguardingConcern.Status


@dataclass(frozen=True)
class ConcernAction:
    label: str
    needs_note: bool
    applies_to: tuple[str, ...]
    becomes: str  # "" keeps the status
    refused: str  # what to tell the lead when the concern's status does not allow it


ACTIONS: dict[str, ConcernAction] = {
    "acknowledged": ConcernAction(
        _("Acknowledge: I am dealing with it"),
        needs_note=False,
        applies_to=(Status.OPEN,),
        becomes=Status.IN_HAND,
        refused=_("This concern has already been acknowledged."),
    ),
    "note": ConcernAction(
        _("Add a note"),
        needs_note=True,
        applies_to=(Status.OPEN, Status.IN_HAND, Status.CLOSED),
        becomes="",
        refused="",
    ),
    "referred": ConcernAction(
        _("Record a referral"),
        needs_note=True,
        applies_to=(Status.OPEN, Status.IN_HAND),
        becomes=Status.IN_HAND,
        refused=_("This concern is closed: reopen it before recording a referral."),
    ),
    "closed": ConcernAction(
        _("Close the concern"),
        needs_note=True,
        applies_to=(Status.OPEN, Status.IN_HAND),
        becomes=Status.CLOSED,
        refused=_("This concern is already closed."),
    ),
    "reopened": ConcernAction(
        _("Reopen the concern"),
        needs_note=True,
        applies_to=(Status.CLOSED,),
        becomes=Status.IN_HAND,
        refused=_("Only a closed concern can be reopened."),
    ),
}

NOTE_REQUIRED = {
    "note": _("Write the note."),
    "referred": _("Say who it was referred to (for example children's services) and any reference."),
    "closed": _("Say why it is closed and what the outcome was."),
    "reopened": _("Say why it is reopened."),
}


NOTE_LABELS = {
    "acknowledged": _("Note"),
    "note": _("Note"),
    "referred": _("Referred to, and any reference"),
    "closed": _("Why it is closed, and the outcome"),
    "reopened": _("Why it is reopened"),
}


class ConcernActionForm(forms.Form):
    """One action on one concern (the action is chosen by the form's address; its prefix keeps the fields of
    the page's several forms apart)."""

    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Keep the note under %(limit_value)d characters.")},
    )

    def __init__(self, *args, concern: SafeguardingConcern, action: str, **kwargs):
        super().__init__(*args, prefix=action, **kwargs)
        self.concern, self.key, self.action = concern, action, ACTIONS[action]
        self.fields["note"].label = NOTE_LABELS[action]
        self.fields["note"].required = self.action.needs_note
        self.fields["note"].error_messages["required"] = NOTE_REQUIRED.get(action, "")

    def clean(self):
        cleaned = super().clean()
        if self.concern.status not in self.action.applies_to:
            raise forms.ValidationError(self.action.refused, code="wrong_status")
        cleaned["note"] = (cleaned.get("note") or "").strip()
        return cleaned

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if self.action.needs_note and not note:
            raise forms.ValidationError(NOTE_REQUIRED[self.key], code="required")
        return note
