"""Account forms, with messages a person can act on."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _


class HubAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Enter a correct username and password. Both are case-sensitive."),
        "inactive": _("This account is not active. Contact the hub team."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
