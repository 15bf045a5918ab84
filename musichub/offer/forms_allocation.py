"""Forms for fair allocation: running it (with an optional seed), moving an applicant, the priority rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .allocation import MAX_POINTS, MAX_SEED


class RunForm(forms.Form):
    seed = forms.IntegerField(
        label=_("Lottery seed (optional)"),
        required=False,
        min_value=0,
        max_value=MAX_SEED,
        help_text=_("Leave empty for a new draw. Enter the seed of an earlier run to reproduce it."),
        error_messages={
            "invalid": _("Enter the seed as a whole number, like 183746529"),
            "min_value": _("Enter a seed of 0 or more"),
            "max_value": _("Enter a smaller seed"),
        },
    )


class OverrideForm(forms.Form):
    new_rank = forms.IntegerField(
        label=_("New position"),
        min_value=1,
        error_messages={
            "required": _("Enter the new position"),
            "invalid": _("Enter the new position as a number, like 3"),
            "min_value": _("Enter a position of 1 or more"),
        },
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        error_messages={
            "required": _("Enter the reason for moving this applicant: it is recorded with the allocation"),
        },
    )


class PriorityRuleForm(forms.Form):
    points = forms.IntegerField(
        label=_("Points"),
        min_value=0,
        max_value=MAX_POINTS,  # 20, as the messages say
        error_messages={
            "required": _("Enter the points, from 0 to 20"),
            "invalid": _("Enter the points as a number, like 3"),
            "min_value": _("Enter points of 0 or more"),
            "max_value": _("Enter points of 20 or fewer"),
        },
    )
    is_active = forms.BooleanField(label=_("In use"), required=False)
    explanation = forms.CharField(label=_("Why, in plain words"), max_length=300, required=False)
