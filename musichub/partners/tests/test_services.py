"""The rules of partner applications, their review and partner entries, tested through the services."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from musichub.core.models import OutgoingEmail, Setting, User
from musichub.core.roles import Role
from musichub.partners.models import (
    ApplicationNote,
    OrganisationType,
    Partner,
    PartnerApplication,
    PartnerMembership,
)
from musichub.partners.services import (
    add_application_note,
    add_partner_member,
    approve_partner_application,
    ask_for_more_information,
    create_partner,
    decline_partner_application,
    submit_partner_application,
    update_own_partner_entry,
    update_partner,
)

from .factories import (
    ActivityKindFactory,
    GenreFactory,
    InclusionAimFactory,
    InstrumentFactory,
    PartnerApplicationFactory,
    PartnerFactory,
    PartnerMembershipFactory,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


def application_answers(**changes):
    answers = {
        "organisation_name": "Lantern Steel Pan Collective",
        "organisation_type": OrganisationType.COMMUNITY_GROUP,
        "website": "https://lantern.example.org",
        "contact_name": "Robin Fairweather",
        "contact_email": "robin@lantern.example.org",
        "contact_phone": "",
        "genres": [GenreFactory(name="Steel pan", slug="steel-pan")],
        "instruments": [InstrumentFactory(name="Steel pans", slug="steel-pans")],
        "activity_kinds": [ActivityKindFactory(name="Band", slug="band")],
        "settings": [Setting.OUT_OF_SCHOOL, Setting.ONLINE],
        "aims": [InclusionAimFactory(number=3, slug="barriers", title="Breaking down barriers")],
        "aims_contribution": "Free sessions on the estates.",
        "young_people_reached": "Sixty young people a week.",
        "safeguarding_lead_name": "Sam Safe",
        "safeguarding_lead_email": "safe@lantern.example.org",
        "safeguarding_policy": pdf_upload("Robin Fairweather private policy.pdf"),
        "consent_to_contact": True,
    }
    answers.update(changes)
    return answers


# ---- Submitting -----------------------------------------------------------------------------------------


def test_submitting_stores_the_application_with_its_offering_aims_and_policy(hub):
    application = submit_partner_application(**application_answers())
    application.refresh_from_db()
    assert application.status == PartnerApplication.Status.SUBMITTED
    assert [g.slug for g in application.genres.all()] == ["steel-pan"]
    assert [i.slug for i in application.instruments.all()] == ["steel-pans"]
    assert [k.slug for k in application.activity_kinds.all()] == ["band"]
    assert [a.number for a in application.aims.all()] == [3]
    assert (application.offers_in_school, application.offers_out_of_school, application.offers_online) == (
        False,
        True,
        True,
    )
    with application.safeguarding_policy.open("rb") as handle:
        assert handle.read(8) == b"%PDF-1.4"


def test_the_stored_policy_file_is_not_named_after_the_uploaded_file(hub):
    application = submit_partner_application(**application_answers())
    assert "Fairweather" not in application.safeguarding_policy.name
    assert application.safeguarding_policy.name.startswith("safeguarding-policies/")


def test_submitting_queues_an_acknowledgement_and_tells_the_hub_about_the_stored_application(hub):
    application = submit_partner_application(**application_answers())
    emails = {email.to: email for email in OutgoingEmail.objects.all()}
    assert set(emails) == {"robin@lantern.example.org", hub.contact_email}
    assert all(email.about == f"partners.partnerapplication#{application.pk}" for email in emails.values())
    assert "Lantern Steel Pan Collective" in emails["robin@lantern.example.org"].body
    assert f"/manage/partners/applications/{application.pk}/" in emails[hub.contact_email].body


def test_without_a_hub_identity_only_the_applicant_is_emailed(db):
    submit_partner_application(**application_answers())
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == ["robin@lantern.example.org"]


def test_an_application_without_consent_to_be_contacted_is_refused(hub):
    with pytest.raises(ValidationError) as error:
        submit_partner_application(**application_answers(consent_to_contact=False))
    assert error.value.code == "no_consent"
    assert not PartnerApplication.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_an_application_without_an_inclusion_aim_is_refused(hub):
    with pytest.raises(ValidationError) as error:
        submit_partner_application(**application_answers(aims=[]))
    assert error.value.code == "no_aims"
    assert not PartnerApplication.objects.exists()


def test_a_policy_that_is_not_a_pdf_is_refused_whatever_its_name(hub):
    fake = SimpleUploadedFile("policy.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        submit_partner_application(**application_answers(safeguarding_policy=fake))
    assert error.value.code == "not_pdf"
    assert not PartnerApplication.objects.exists()


# ---- Reviewing ------------------------------------------------------------------------------------------


def test_a_note_is_added_to_the_timeline_even_after_a_decision(staff):
    application = PartnerApplicationFactory(status=PartnerApplication.Status.DECLINED)
    note = add_application_note(application=application, author=staff, text="  Phoned them back.  ")
    assert note.kind == ApplicationNote.Kind.NOTE
    assert list(application.notes.values_list("text", flat=True)) == ["Phoned them back."]


def test_asking_for_more_information_emails_the_question_and_marks_the_application(staff, hub):
    application = PartnerApplicationFactory()
    ask_for_more_information(application=application, asked_by=staff, message="How do you fund free places?")
    application.refresh_from_db()
    assert application.status == PartnerApplication.Status.MORE_INFORMATION
    assert application.notes.get().kind == ApplicationNote.Kind.INFORMATION_REQUEST
    email = OutgoingEmail.objects.get()
    assert email.to == application.contact_email
    assert "How do you fund free places?" in email.body


def test_approving_creates_an_unpublished_local_partner_with_the_applications_offering(staff, hub):
    genre, aim = GenreFactory(), InclusionAimFactory()
    application = PartnerApplicationFactory(
        organisation_name="Lantern Steel Pan Collective", offers_in_school=True, aims=[aim]
    )
    application.genres.set([genre])
    partner = approve_partner_application(
        application=application, approved_by=staff, message="Welcome aboard"
    )
    partner.refresh_from_db()
    assert (partner.name, partner.level, partner.is_published) == (
        "Lantern Steel Pan Collective",
        Partner.Level.LOCAL,
        False,
    )
    assert partner.slug == "lantern-steel-pan-collective"
    assert list(partner.genres.all()) == [genre]
    assert list(partner.aims.all()) == [aim]
    assert partner.offers_in_school and partner.offers_out_of_school and not partner.offers_online
    application.refresh_from_db()
    assert application.status == PartnerApplication.Status.APPROVED
    assert (application.partner, application.decided_by) == (partner, staff)
    assert application.decided_at is not None


def test_approving_invites_the_contact_as_a_member_of_the_new_partner(staff, hub):
    application = PartnerApplicationFactory(
        contact_name="Robin van Fairweather", contact_email="robin@x.example.org"
    )
    partner = approve_partner_application(application=application, approved_by=staff)
    user = User.objects.get(email="robin@x.example.org")
    assert (user.role, user.first_name, user.last_name) == (Role.PARTNER_MEMBER, "Robin", "van Fairweather")
    assert not user.has_usable_password()
    assert user.partner_membership.partner == partner
    subjects = set(OutgoingEmail.objects.filter(to="robin@x.example.org").values_list("subject", flat=True))
    assert "Your account on the hub's platform" in subjects  # the invitation
    assert "Welcome to the hub: your partner application is approved" in subjects


def test_approving_links_an_existing_account_without_a_membership_instead_of_making_one(
    staff, make_user, hub
):
    existing = make_user(Role.PARTNER_MEMBER, email="Robin@X.example.org")
    application = PartnerApplicationFactory(contact_email="robin@x.example.org")
    partner = approve_partner_application(application=application, approved_by=staff)
    assert User.objects.filter(email__iexact="robin@x.example.org").count() == 1
    assert PartnerMembership.objects.get(user=existing).partner == partner
    approval = OutgoingEmail.objects.get(subject__startswith="Welcome")
    assert "existing account" in approval.body


def test_approving_is_refused_and_changes_nothing_when_the_contact_acts_for_another_partner(staff, make_user):
    existing = make_user(Role.PARTNER_MEMBER, email="robin@x.example.org")
    PartnerMembershipFactory(user=existing)
    application = PartnerApplicationFactory(contact_email="robin@x.example.org")
    partners_before = Partner.objects.count()
    with pytest.raises(ValidationError) as error:
        approve_partner_application(application=application, approved_by=staff)
    assert error.value.code == "already_member"
    application.refresh_from_db()
    assert application.status == PartnerApplication.Status.SUBMITTED
    assert Partner.objects.count() == partners_before
    assert not OutgoingEmail.objects.exists()


def test_approving_gives_the_partner_a_slug_of_its_own(staff):
    PartnerFactory(name="Lantern Band", slug="lantern-band")
    application = PartnerApplicationFactory(organisation_name="Lantern Band")
    partner = approve_partner_application(application=application, approved_by=staff)
    assert partner.slug == "lantern-band-2"


def test_declining_needs_a_reason(staff):
    application = PartnerApplicationFactory()
    with pytest.raises(ValidationError) as error:
        decline_partner_application(application=application, declined_by=staff, reason="   ")
    assert error.value.code == "empty"
    application.refresh_from_db()
    assert application.status == PartnerApplication.Status.SUBMITTED


def test_declining_records_the_decision_and_emails_the_reason(staff, hub):
    application = PartnerApplicationFactory()
    decline_partner_application(application=application, declined_by=staff, reason="We are full this year.")
    application.refresh_from_db()
    assert application.status == PartnerApplication.Status.DECLINED
    assert application.decision_reason == "We are full this year."
    assert application.notes.get().kind == ApplicationNote.Kind.DECISION
    email = OutgoingEmail.objects.get()
    assert email.to == application.contact_email
    assert "We are full this year." in email.body


DECISIONS = {
    "ask": lambda application, user: ask_for_more_information(
        application=application, asked_by=user, message="?"
    ),
    "approve": lambda application, user: approve_partner_application(
        application=application, approved_by=user
    ),
    "decline": lambda application, user: decline_partner_application(
        application=application, declined_by=user, reason="No."
    ),
}


@pytest.mark.parametrize("decided", [PartnerApplication.Status.APPROVED, PartnerApplication.Status.DECLINED])
@pytest.mark.parametrize("action", DECISIONS)
def test_a_decided_application_cannot_be_decided_again(staff, decided, action):
    application = PartnerApplicationFactory(status=decided)
    with pytest.raises(ValidationError) as error:
        DECISIONS[action](application, staff)
    assert error.value.code == "already_decided"
    application.refresh_from_db()
    assert application.status == decided
    assert not OutgoingEmail.objects.exists()
    assert not application.notes.exists()


def test_an_application_waiting_for_more_information_can_still_be_approved(staff):
    application = PartnerApplicationFactory(status=PartnerApplication.Status.MORE_INFORMATION)
    approve_partner_application(application=application, approved_by=staff)
    application.refresh_from_db()
    assert application.status == PartnerApplication.Status.APPROVED


# ---- Partner entries and members ------------------------------------------------------------------------


def test_a_new_partner_gets_a_unique_slug_that_never_clashes_with_the_apps_urls(staff):
    first = create_partner(created_by=staff, name="Become", organisation_type="charity", summary="S")
    second = create_partner(created_by=staff, name="Become", organisation_type="charity", summary="S")
    assert first.slug == "become-2"
    assert second.slug == "become-3"


def test_create_partner_sets_settings_and_offering(staff):
    genre = GenreFactory()
    partner = create_partner(
        created_by=staff,
        name="Skylark Choir",
        organisation_type="community_group",
        summary="A choir.",
        settings=[Setting.IN_SCHOOL],
        genres=[genre],
    )
    partner.refresh_from_db()
    assert partner.offered_settings == [Setting.IN_SCHOOL]
    assert list(partner.genres.all()) == [genre]


def test_a_second_lead_partner_is_refused_with_a_message_on_the_level(staff):
    lead = PartnerFactory(level=Partner.Level.LEAD)
    other = PartnerFactory()
    with pytest.raises(ValidationError) as error:
        update_partner(partner=other, edited_by=staff, level=Partner.Level.LEAD)
    assert error.value.error_dict["level"][0].code == "one_lead"
    other.refresh_from_db()
    lead.refresh_from_db()
    assert (other.level, lead.level) == (Partner.Level.LOCAL, Partner.Level.LEAD)


def test_staff_can_publish_and_change_the_level(staff):
    partner = PartnerFactory(is_published=False)
    update_partner(partner=partner, edited_by=staff, is_published=True, level=Partner.Level.NATIONAL)
    partner.refresh_from_db()
    assert partner.is_published and partner.level == Partner.Level.NATIONAL


@pytest.mark.parametrize(
    "field, value", [("level", Partner.Level.LEAD), ("is_published", True), ("name", "X")]
)
def test_a_partner_member_cannot_change_level_publication_or_name(make_user, field, value):
    partner = PartnerFactory(is_published=False)
    with pytest.raises(TypeError):
        update_own_partner_entry(partner=partner, edited_by=make_user(Role.PARTNER_MEMBER), **{field: value})
    partner.refresh_from_db()
    assert (partner.level, partner.is_published) == (Partner.Level.LOCAL, False)


def test_a_partner_member_updates_the_public_entry(make_user):
    partner = PartnerFactory()
    update_own_partner_entry(
        partner=partner,
        edited_by=make_user(Role.PARTNER_MEMBER),
        summary="New summary",
        settings=[Setting.ONLINE],
    )
    partner.refresh_from_db()
    assert partner.summary == "New summary"
    assert partner.offered_settings == [Setting.ONLINE]


def test_adding_a_member_twice_to_the_same_partner_changes_nothing(make_user):
    user, partner = make_user(Role.PARTNER_MEMBER), PartnerFactory()
    first = add_partner_member(user=user, partner=partner)
    assert add_partner_member(user=user, partner=partner) == first
    assert PartnerMembership.objects.count() == 1


def test_a_person_acts_for_one_partner_only(make_user):
    user = make_user(Role.PARTNER_MEMBER)
    add_partner_member(user=user, partner=PartnerFactory())
    with pytest.raises(ValidationError) as error:
        add_partner_member(user=user, partner=PartnerFactory())
    assert error.value.code == "already_member"
