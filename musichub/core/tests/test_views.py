import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.urls import reverse

from musichub.core.models import OutgoingEmail
from musichub.core.roles import Role

ROOT = Path(__file__).resolve().parents[3]


def test_healthz_says_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_says_503_when_the_database_does_not_answer(client, db):
    with mock.patch("musichub.core.views.connection.cursor", side_effect=OperationalError("gone")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_the_theme_carries_the_hubs_own_colours(client, hub):
    hub.primary_colour = "#123456"
    hub.save()
    response = client.get(reverse("core:theme_css"))
    assert "--colour-primary: #123456;" in response.content.decode()
    assert response["Content-Type"].startswith("text/css")


def test_pages_carry_a_content_security_policy_without_inline_script(client, hub):
    response = client.get("/healthz")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


def test_the_account_page_shows_the_role_and_the_tools_it_opens(client, make_user, hub):
    client.force_login(make_user(Role.HUB_STAFF, first_name="Sam"))
    page = client.get(reverse("core:account")).content.decode()
    assert "Hub staff" in page
    assert reverse("partners:review_queue") in page
    assert reverse("admin:index") not in page


def test_a_guardian_sees_no_staff_tools(client, make_user, hub):
    client.force_login(make_user(Role.GUARDIAN))
    page = client.get(reverse("core:account")).content.decode()
    assert reverse("partners:review_queue") not in page


def test_signing_in_is_locked_after_five_wrong_passwords(client, make_user, hub):
    right = "the-right-password"  # a test value, not a secret
    make_user(Role.HUB_STAFF, username="sam", password=right)
    for _ in range(5):
        client.post(reverse("core:login"), {"username": "sam", "password": "wrong"})
    response = client.post(reverse("core:login"), {"username": "sam", "password": right})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_shows_a_message_and_keeps_the_username(client, make_user, hub):
    make_user(Role.HUB_STAFF, username="sam")
    page = client.post(reverse("core:login"), {"username": "sam", "password": "wrong"}).content.decode()
    assert "Enter a correct username (or email address) and password" in page
    assert 'value="sam"' in page


@pytest.mark.django_db(transaction=True)
def test_a_password_reset_goes_through_the_outbox(client, make_user):
    make_user(Role.GUARDIAN, email="grace@example.org")
    response = client.post(reverse("core:password_reset"), {"email": "grace@example.org"})
    assert response.status_code == 302
    email = OutgoingEmail.objects.get()
    assert email.to == "grace@example.org"
    assert "/accounts/reset/" in email.body


def test_the_outbox_lists_emails_in_a_fixed_number_of_queries(client, staff, hub, django_assert_num_queries):
    OutgoingEmail.objects.bulk_create(
        OutgoingEmail(to=f"p{i}@example.org", subject="Hi", body="x") for i in range(30)
    )
    client.force_login(staff)
    # session, user, count, page of emails, hub identity (layout)
    with django_assert_num_queries(5):
        response = client.get(reverse("core:outbox"), {"status": "queued"})
    assert response.context["page"].paginator.count == 30
    assert len(response.context["page"].object_list) == 25


def test_an_unknown_status_filter_falls_back_to_every_email(client, staff, hub):
    OutgoingEmail.objects.create(to="a@example.org", subject="Hi", body="x", status="sent")
    client.force_login(staff)
    response = client.get(reverse("core:outbox"), {"status": "<script>"})
    assert response.context["page"].paginator.count == 1


def test_django_reports_no_deployment_problems_with_production_settings(tmp_path):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; a deployment never has it.
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {
        "DEBUG": "0",
        "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-" + "z" * 20,
        "ALLOWED_HOSTS": "hub.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_site_refuses_to_start_in_production_without_a_secret_key(tmp_path):
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_the_language_switcher_remembers_the_choice_and_returns_to_the_page(client, hub):
    response = client.post("/i18n/setlang/", {"language": "en-gb", "next": "/about/"})
    assert response.status_code == 302
    assert response["Location"] == "/about/"
    assert response.cookies["django_language"].value == "en-gb"


def test_every_page_offers_the_language_switcher_and_says_its_language(client, hub):
    page = client.get("/about/").content.decode()
    assert '<html lang="en-gb">' in page
    assert 'action="/i18n/setlang/"' in page


def test_hub_admins_search_the_audit_log_by_record(client, hub_admin, staff, hub):
    from musichub.core.services import record_audit

    record_audit(actor=staff, action="viewed", obj=staff)
    record_audit(actor=staff, action="exported", obj=hub_admin, detail="subject access request")
    client.force_login(hub_admin)
    response = client.get(
        reverse("core:audit_log"), {"object_type": "core.user", "object_id": str(hub_admin.pk)}
    )
    entries = list(response.context["page"].object_list)
    assert [(e.action, e.detail) for e in entries] == [("exported", "subject access request")]


def test_the_audit_log_lists_entries_in_a_fixed_number_of_queries(
    client, hub_admin, hub, django_assert_num_queries
):
    from musichub.core.models import AuditEntry

    AuditEntry.objects.bulk_create(
        AuditEntry(actor=hub_admin, action="viewed", object_type="people.youngperson", object_id=str(i))
        for i in range(80)
    )
    client.force_login(hub_admin)
    # session, user, two distinct lists for the filters, count, page (with actors), hub identity
    with django_assert_num_queries(7):
        response = client.get(reverse("core:audit_log"))
    assert len(response.context["page"].object_list) == 50


def test_an_audit_search_with_dates_the_wrong_way_round_says_so_and_shows_everything(client, hub_admin, hub):
    from musichub.core.services import record_audit

    record_audit(actor=hub_admin, action="viewed", obj=hub_admin)
    client.force_login(hub_admin)
    response = client.get(reverse("core:audit_log"), {"since": "2026-05-01", "until": "2026-04-01"})
    assert "Choose a date on or after" in response.content.decode()
    assert response.context["page"].paginator.count == 1


def test_people_sign_in_with_their_email_address_too(client, make_user, hub):
    make_user(Role.GUARDIAN, username="grace", email="Grace@Example.org", password="a-long-test-password")
    client.post(reverse("core:login"), {"username": "grace@example.org", "password": "a-long-test-password"})
    assert client.session.get("_auth_user_id")
