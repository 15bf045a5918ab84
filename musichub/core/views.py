"""Accounts, health check, theme, and the staff email outbox."""

import logging

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .forms import AuditSearchForm, HubAuthenticationForm, HubPasswordResetForm, HubSetPasswordForm
from .models import OutgoingEmail
from .permissions import public, requires
from .selectors import audit_entries, audit_filter_choices, hub_identity, outbox
from .services import retry_email

logger = logging.getLogger(__name__)


@public
@never_cache
@require_GET
def healthz(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: database did not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@public
@require_GET
def theme_css(request):
    """The hub's colours as CSS custom properties, so a hub rebrands by editing data (no inline styles)."""
    css = render_to_string("core/theme.css", {"hub": hub_identity()})
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


@requires("core.use_account")
def account(request):
    return render(request, "core/account.html")


@requires("core.view_outbox")
def outbox_list(request):
    status = request.GET.get("status", "")
    page = Paginator(outbox(status=status), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "core/outbox.html",
        {"page": page, "status": status, "statuses": OutgoingEmail.Status.choices},
    )


@requires("core.view_outbox")
@require_POST
def outbox_retry(request, pk):
    email = get_object_or_404(OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT), pk=pk)
    retry_email(email=email)
    messages.success(request, _("The email to %(to)s is queued again.") % {"to": email.to})
    return redirect("core:outbox")


@requires("core.view_audit_log")
def audit_log(request):
    """Search the audit log. It is read-only: nothing in the app edits or deletes an entry."""
    object_types, actions = audit_filter_choices()
    form = AuditSearchForm(request.GET or None, object_types=object_types, actions=actions)
    page = Paginator(audit_entries(**form.filters()), 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"form": form, "page": page})


login = public(auth_views.LoginView.as_view(authentication_form=HubAuthenticationForm))
logout = public(auth_views.LogoutView.as_view())
password_reset = public(
    auth_views.PasswordResetView.as_view(
        form_class=HubPasswordResetForm,
        success_url="/accounts/password-reset/sent/",
        email_template_name="registration/password_reset_email.txt",
        subject_template_name="registration/password_reset_subject.txt",
    )
)
password_reset_done = public(auth_views.PasswordResetDoneView.as_view())
password_reset_confirm = public(
    auth_views.PasswordResetConfirmView.as_view(
        form_class=HubSetPasswordForm, success_url="/accounts/reset/done/"
    )
)
password_reset_complete = public(auth_views.PasswordResetCompleteView.as_view())
