"""Staff review of partner applications: the queue, an application's page, its forms, the policy download."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from musichub.core.models import AuditEntry, OutgoingEmail
from musichub.core.roles import Role
from musichub.partners.models import ApplicationNote, Partner, PartnerApplication

from .factories import ApplicationNoteFactory, GenreFactory, PartnerApplicationFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("partners:review_queue")
Status = PartnerApplication.Status


def url(name, application):
    return reverse(f"partners:{name}", args=[application.pk])


def made_days_ago(application, days):
    PartnerApplication.objects.filter(pk=application.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


# ---- The queue -------------------------------------------------------------------------------------------


def test_the_queue_shows_applications_awaiting_a_decision_oldest_first(staff_client):
    newer = PartnerApplicationFactory(organisation_name="Newer Band")
    older = PartnerApplicationFactory(organisation_name="Older Choir", status=Status.MORE_INFORMATION)
    PartnerApplicationFactory(organisation_name="Approved Trust", status=Status.APPROVED)
    PartnerApplicationFactory(organisation_name="Declined Club", status=Status.DECLINED)
    made_days_ago(older, 10)
    made_days_ago(newer, 1)
    response = staff_client.get(QUEUE)
    html = response.text
    assert "Approved Trust" not in html and "Declined Club" not in html
    assert html.index("Older Choir") < html.index("Newer Band")
    assert "More information asked for" in html
    assert 'class="tag tag--more_information"' in html


@pytest.mark.parametrize(
    "status, shown", [("declined", {"Declined Club"}), ("all", {"Newer Band", "Declined Club"})]
)
def test_the_queue_filters_by_status(staff_client, status, shown):
    PartnerApplicationFactory(organisation_name="Newer Band")
    PartnerApplicationFactory(organisation_name="Declined Club", status=Status.DECLINED)
    response = staff_client.get(QUEUE, {"status": status})
    assert {name for name in ("Newer Band", "Declined Club") if name in response.text} == shown


def test_an_unknown_status_shows_the_applications_awaiting_a_decision(staff_client):
    PartnerApplicationFactory(organisation_name="Newer Band")
    PartnerApplicationFactory(organisation_name="Declined Club", status=Status.DECLINED)
    response = staff_client.get(QUEUE, {"status": "bogus", "page": "-3"})
    assert response.status_code == 200
    assert "Newer Band" in response.text and "Declined Club" not in response.text


def test_an_empty_queue_says_nothing_is_waiting(staff_client):
    PartnerApplicationFactory(status=Status.DECLINED)
    response = staff_client.get(QUEUE)
    assert "No applications are waiting for a decision." in response.text


@pytest.mark.parametrize("count", [20, 40])
def test_the_queue_query_count_does_not_grow_with_the_number_of_applications(
    staff_client, django_assert_num_queries, count
):
    PartnerApplicationFactory.create_batch(count)
    # session, user, hub identity, count, page of applications
    with django_assert_num_queries(5):
        response = staff_client.get(QUEUE)
    assert response.text.count('<th scope="row">') == 20


def test_partner_members_cannot_see_the_queue_and_visitors_must_sign_in(client, make_user):
    client.force_login(make_user(Role.PARTNER_MEMBER))
    assert client.get(QUEUE).status_code == 403
    client.logout()
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ---- The application page --------------------------------------------------------------------------------


def test_the_application_page_shows_everything_the_applicant_sent_and_the_notes(staff_client, staff):
    application = PartnerApplicationFactory(
        organisation_name="Lantern Collective",
        contact_name="Robin Fairweather",
        contact_phone="023 8000 1111",
        young_people_reached="Sixty young people a week.",
        safeguarding_lead_email="safe@lantern.example.org",
    )
    application.genres.set([GenreFactory(name="Calypso")])
    ApplicationNoteFactory(application=application, author=staff, text="Called the safeguarding lead.")
    response = staff_client.get(url("application_detail", application))
    for text in [
        "Lantern Collective",
        "Robin Fairweather",
        "023 8000 1111",
        "Sixty young people a week.",
        "safe@lantern.example.org",
        "Calypso",
        "Called the safeguarding lead.",
        application.aims.get().title,
        url("application_policy", application),
    ]:
        assert text in response.text, text


def test_opening_an_application_is_written_to_the_audit_log(staff_client, staff):
    application = PartnerApplicationFactory()
    staff_client.get(url("application_detail", application))
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_id) == (
        staff,
        "partner_application.viewed",
        str(application.pk),
    )


def test_the_application_page_keeps_to_a_fixed_number_of_queries(
    staff_client, django_assert_num_queries, staff
):
    application = PartnerApplicationFactory()
    ApplicationNoteFactory.create_batch(5, application=application, author=staff)
    # session, user, hub, application, 4 offering/aim prefetches, notes with authors, audit insert
    with django_assert_num_queries(10):
        staff_client.get(url("application_detail", application))


def test_an_unknown_application_is_not_found(staff_client):
    assert staff_client.get(reverse("partners:application_detail", args=[999999])).status_code == 404
    assert staff_client.get(reverse("partners:application_policy", args=[999999])).status_code == 404


def test_a_decided_application_shows_the_decision_instead_of_the_decision_forms(staff_client):
    application = PartnerApplicationFactory(status=Status.DECLINED, decision_reason="Full this year.")
    response = staff_client.get(url("application_detail", application))
    assert "Full this year." in response.text
    assert url("application_approve", application) not in response.text
    assert url("application_note", application) in response.text


# ---- The safeguarding policy -----------------------------------------------------------------------------


def test_staff_download_the_safeguarding_policy_as_a_pdf_attachment_and_it_is_audited(staff_client, staff):
    application = PartnerApplicationFactory()
    response = staff_client.get(url("application_policy", application))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action) == (staff, "partner_application.policy_downloaded")


@pytest.mark.parametrize("role", [Role.PARTNER_MEMBER, Role.GUARDIAN, Role.MUSIC_LEADER])
def test_nobody_but_staff_can_download_a_safeguarding_policy(client, make_user, role):
    application = PartnerApplicationFactory()
    client.force_login(make_user(role))
    assert client.get(url("application_policy", application)).status_code == 403
    assert not AuditEntry.objects.exists()


def test_a_policy_missing_from_storage_is_not_found_rather_than_an_error(staff_client):
    application = PartnerApplicationFactory()
    application.safeguarding_policy.storage.delete(application.safeguarding_policy.name)
    assert staff_client.get(url("application_policy", application)).status_code == 404


# ---- The review forms ------------------------------------------------------------------------------------


def test_adding_a_note(staff_client, staff):
    application = PartnerApplicationFactory()
    response = staff_client.post(url("application_note", application), {"note-text": "Looks strong."})
    assert response.status_code == 302
    note = application.notes.get()
    assert (note.text, note.author, note.kind) == ("Looks strong.", staff, ApplicationNote.Kind.NOTE)


def test_an_empty_note_is_refused_with_a_message_beside_the_field(staff_client):
    application = PartnerApplicationFactory()
    response = staff_client.post(url("application_note", application), {"note-text": ""})
    assert response.status_code == 200
    assert 'href="#id_note-text"' in response.text
    assert '<p class="error-message" id="id_note-text_error">' in response.text
    assert not application.notes.exists()


def test_asking_for_more_information_emails_the_applicant(staff_client):
    application = PartnerApplicationFactory()
    response = staff_client.post(url("application_ask", application), {"ask-message": "Who leads the band?"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.MORE_INFORMATION
    assert OutgoingEmail.objects.filter(
        to=application.contact_email, body__contains="Who leads the band?"
    ).exists()


def test_approving_makes_the_partner_and_invites_the_contact(staff_client, hub):
    application = PartnerApplicationFactory(organisation_name="Lantern Collective")
    response = staff_client.post(url("application_approve", application), {"approve-message": ""})
    assert response.status_code == 302
    partner = Partner.objects.get(name="Lantern Collective")
    assert not partner.is_published
    assert partner.memberships.get().user.email == application.contact_email
    follow = staff_client.get(response["Location"])
    assert "The application is approved." in follow.text
    assert reverse("partners:edit", args=[partner.slug]) in follow.text


def test_declining_without_a_reason_is_refused_and_changes_nothing(staff_client):
    application = PartnerApplicationFactory()
    response = staff_client.post(url("application_decline", application), {"decline-reason": "  "})
    assert response.status_code == 200
    assert "Enter the reason for declining the application" in response.text
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert not OutgoingEmail.objects.exists()


def test_declining_emails_the_reason(staff_client):
    application = PartnerApplicationFactory()
    staff_client.post(url("application_decline", application), {"decline-reason": "Outside our area."})
    application.refresh_from_db()
    assert application.status == Status.DECLINED
    assert OutgoingEmail.objects.get().body.count("Outside our area.") == 1


def test_deciding_a_decided_application_again_shows_why_not(staff_client):
    application = PartnerApplicationFactory(status=Status.DECLINED)
    response = staff_client.post(url("application_approve", application), {"approve-message": ""})
    assert response.status_code == 200
    assert "This application has already been declined." in response.text
    application.refresh_from_db()
    assert application.status == Status.DECLINED
    assert not Partner.objects.exists()


@pytest.mark.parametrize(
    "action", ["application_note", "application_ask", "application_approve", "application_decline"]
)
def test_the_review_actions_only_take_posts(staff_client, action):
    application = PartnerApplicationFactory()
    assert staff_client.get(url(action, application)).status_code == 405


@pytest.mark.parametrize("action", ["application_ask", "application_approve", "application_decline"])
def test_a_partner_member_cannot_decide_applications(client, make_user, action):
    application = PartnerApplicationFactory()
    client.force_login(make_user(Role.PARTNER_MEMBER))
    data = {"ask-message": "x", "approve-message": "", "decline-reason": "x"}
    assert client.post(url(action, application), data).status_code == 403
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
