"""Account forms, with messages a person can act on."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _


class HubAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Enter a correct username (or email address) and password. The password is case-sensitive."
        ),
        "inactive": _("This account is not active. Contact the hub team."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username or email address")
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class HubPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter a real email address"),
        },
    )

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        """Queue the reset email in the outbox instead of talking to the mail server in the request."""
        from django.template.loader import render_to_string

        from .services import queue_email

        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        queue_email(
            to=to_email,
            subject=subject,
            template=email_template_name,
            context=context,
            about=context.get("user"),
        )


class HubSetPasswordForm(SetPasswordForm):
    pass


class AuditSearchForm(forms.Form):
    """Filters for the audit log; anything unexpected falls back to no filter."""

    object_type = forms.ChoiceField(label=_("Kind of record"), required=False)
    object_id = forms.CharField(label=_("Record number"), required=False, max_length=40)
    actor = forms.CharField(label=_("Username of who did it"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, object_types=(), actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("Any")), *[(t, t) for t in object_types]]
        self.fields["action"].choices = [("", _("Any")), *[(a, a) for a in actions]]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("Choose a date on or after the ‘From’ date"))
        return cleaned

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


def catalogue_filter(model, label, empty_label) -> forms.ModelChoiceField:
    """A GET filter on a shared catalogue (genre, instrument, kind of activity), by slug so links read well."""
    return forms.ModelChoiceField(
        model.objects.all(), label=label, required=False, to_field_name="slug", empty_label=empty_label
    )
