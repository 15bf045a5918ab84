"""The form of "Walk-ins to follow up": the note staff write when they mark a walk-in as followed up."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .walkins import NOTE_MAX_LENGTH


class FollowedUpForm(forms.Form):
    note = forms.CharField(
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: Spoke to dad, registering tonight."),
        error_messages={
            "required": _("Write a short note of what happened"),
            "max_length": _("Keep the note under %(limit_value)s characters"),
        },
    )

    def __init__(self, *args, name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = _("Follow-up note for %(name)s") % {"name": name} if name else _("Note")
