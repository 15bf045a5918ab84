"""Forms for privacy operations: the reason for a subject access export and for an erasure. Nothing here saves."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .privacy import contains_personal_data

REASON_MAX = 200


class ReasonForm(forms.Form):
    """A reason that goes into the audit log, so it must not name anyone or hold contact details."""

    reason = forms.CharField(
        label=_("Why"),
        max_length=REASON_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    required_message = _("Enter the reason")

    def __init__(self, *args, young_person, **kwargs):
        super().__init__(*args, **kwargs)
        self.young_person = young_person
        self.fields["reason"].error_messages = {
            "required": self.required_message,
            "max_length": _("The reason must be %(limit)s characters or fewer") % {"limit": REASON_MAX},
        }

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if contains_personal_data(reason, self.young_person):
            raise forms.ValidationError(
                _(
                    "Leave out names, email addresses, phone numbers and postcodes: the reason is kept in the "
                    "audit log. Say who asked in general words, like \u201cparent, by email\u201d."
                ),
                code="personal_data_in_reason",
            )
        return reason


class SubjectAccessForm(ReasonForm):
    required_message = _(
        "Enter why you are exporting this record, like \u201crequest from parent by email, 3 March\u201d"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Why are you exporting this record?")
        self.fields["reason"].help_text = _(
            "For example: \u201crequest from parent by email, 3 March\u201d. It is kept in the audit log with the "
            "export, so do not write names or contact details."
        )


class ErasureForm(ReasonForm):
    required_message = _(
        "Enter why you are erasing this record, like \u201crequest from the young person, 3 March\u201d"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Why are you erasing this record?")
        self.fields["reason"].help_text = _(
            "For example: \u201crequest from the young person, 3 March\u201d. It is kept in the audit log, so do not "
            "write names or contact details."
        )
