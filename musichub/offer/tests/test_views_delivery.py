"""The keeping-in and school pages through the client: drop-outs and follow-ups, messages to families,
whole-class programmes and figures, the school contact's page. Query counts pinned on every list page."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from musichub.core.models import AuditEntry, OutgoingEmail
from musichub.core.roles import Role
from musichub.offer.models import DeliverySettings, DropOutReason, FollowUp, Message, WholeClassProgramme
from musichub.offer.tests.delivery_helpers import enrol, group, leader_of, marks, member_of, young_person
from musichub.offer.tests.factories import SessionFactory
from musichub.offer.tests.wholeclass_helpers import build_schools
from musichub.partners.tests.factories import InstrumentFactory, PartnerFactory
from musichub.people.tests.factories import (
    FamilyFactory,
    NamedBarrierFactory,
    SchoolContactFactory,
    SchoolFactory,
    SupportRequestFactory,
    YoungPersonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def band():
    return group(title="Saturday band", slug="saturday-band")


def stopped_coming(band, n=1, **fields):
    """`n` young people with a place on `band` who missed the last three sessions."""
    people = []
    for _n in range(n):
        person = young_person(**fields)
        enrol(person, band)
        marks(band, person, "PAAA")
        people.append(person)
    return people


# ---- Drop-outs ----------------------------------------------------------------------------------------------


def test_the_drop_out_list_shows_who_stopped_with_their_barriers_and_support(client, staff, band):
    (amara,) = stopped_coming(band, first_name="Amara", last_name="Okafor")
    NamedBarrierFactory(young_person=amara, barrier__name="Transport", note="No bus on Saturdays")
    SupportRequestFactory(young_person=amara, kind__name="Bursary")
    client.force_login(staff)
    page = client.get(reverse("offer:dropouts")).content.decode()
    assert "Amara Okafor" in page
    assert "Missed 3 sessions in a row" in page
    assert "Transport: No bus on Saturdays" in page
    assert "Bursary: Requested" in page


def test_the_drop_out_list_takes_a_fixed_number_of_queries(client, staff, band, django_assert_num_queries):
    for person in stopped_coming(band, 2):
        NamedBarrierFactory(young_person=person)
    DeliverySettings.current()  # made on the site's first visit
    client.force_login(staff)
    # session, user, settings, count, page, barriers, support, hub identity
    with django_assert_num_queries(8):
        client.get(reverse("offer:dropouts"))
    for person in stopped_coming(band, 4):
        SupportRequestFactory(young_person=person)
    with django_assert_num_queries(8):
        response = client.get(reverse("offer:dropouts"))
    assert response.content.decode().count("Record a follow-up") == 6


def test_another_partners_member_neither_sees_nor_opens_them(client, make_user, band):
    (amara,) = stopped_coming(band, first_name="Amara")
    place = amara.enrolments.get()
    stranger = member_of(make_user, PartnerFactory())
    client.force_login(stranger)
    assert "Amara" not in client.get(reverse("offer:dropouts")).content.decode()
    assert client.get(reverse("offer:follow_up", args=[place.pk])).status_code == 404
    response = client.post(
        reverse("offer:follow_up", args=[place.pk]), {"contacted": "yes", "outcome": "left"}
    )
    assert response.status_code == 404
    assert not FollowUp.objects.exists()


def test_the_leader_records_a_follow_up_and_the_young_person_leaves_the_list(client, make_user, band):
    (amara,) = stopped_coming(band, first_name="Amara")
    place = amara.enrolments.get()
    cost = DropOutReason.objects.create(name="Cost", slug="cost")
    leader = leader_of(make_user, band)
    client.force_login(leader)
    assert "Amara" in client.get(reverse("offer:dropouts")).content.decode()

    page = client.get(reverse("offer:follow_up", args=[place.pk]))
    assert "Why did they stop coming?" in page.content.decode()
    assert AuditEntry.objects.filter(
        action="young_person.viewed", object_id=str(amara.pk), actor=leader
    ).exists()
    response = client.post(
        reverse("offer:follow_up", args=[place.pk]),
        {"contacted": "yes", "reason": cost.pk, "outcome": "support", "note": "Bursary form sent."},
    )

    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    assert (follow_up.enrolment, follow_up.reason, follow_up.outcome, follow_up.recorded_by) == (
        place,
        cost,
        "support",
        leader,
    )
    assert "Record a follow-up" not in client.get(reverse("offer:dropouts")).content.decode()


def test_the_follow_up_form_works_with_an_empty_catalogue(client, staff, band):
    (amara,) = stopped_coming(band)
    place = amara.enrolments.get()
    client.force_login(staff)
    page = client.get(reverse("offer:follow_up", args=[place.pk])).content.decode()
    assert "Why did they stop coming?" not in page
    response = client.post(
        reverse("offer:follow_up", args=[place.pk]), {"contacted": "no", "outcome": "no_reply"}
    )
    assert response.status_code == 302
    assert FollowUp.objects.get().reason is None


def test_a_follow_up_form_with_problems_says_what_to_fix(client, staff, band):
    (amara,) = stopped_coming(band)
    place = amara.enrolments.get()
    client.force_login(staff)
    response = client.post(
        reverse("offer:follow_up", args=[place.pk]), {"contacted": "no", "outcome": "left"}
    )
    assert response.status_code == 400
    assert "If you have not reached them yet, choose “No reply yet”" in response.content.decode()
    response = client.post(reverse("offer:follow_up", args=[place.pk]), {})
    assert "Say whether you reached them" in response.content.decode()
    assert "Choose what happens next" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_staff_see_the_reasons_counted_and_partners_may_not(client, staff, make_user, band):
    cost = DropOutReason.objects.create(name="Cost", slug="cost")
    for person in stopped_coming(band, 6):
        FollowUp.objects.create(enrolment=person.enrolments.get(), reason=cost, outcome="left")
    client.force_login(staff)
    page = client.get(reverse("offer:dropout_reasons")).content.decode()
    assert '<th scope="row">Cost</th><td>6</td>' in page
    client.force_login(member_of(make_user, band.partner))
    assert client.get(reverse("offer:dropout_reasons")).status_code == 403


# ---- Messages ---------------------------------------------------------------------------------------------------


def families(band, make_user, n, start=0):
    for index in range(start, start + n):
        guardian = make_user(Role.GUARDIAN, email=f"family{index}-{band.pk}@example.org")
        enrol(YoungPersonFactory(family=FamilyFactory(guardians=[guardian])), band)


def test_leaders_choose_from_the_groups_they_deliver_in_a_fixed_number_of_queries(
    client, make_user, band, django_assert_num_queries
):
    other = group(title="Choir", slug="choir")
    families(band, make_user, 2)
    leader = leader_of(make_user, band)
    client.force_login(leader)
    url = reverse("offer:message_groups")
    # session, user, count, page, hub identity
    with django_assert_num_queries(5):
        page = client.get(url).content.decode()
    assert reverse("offer:family_messages", args=[band.slug]) in page
    assert reverse("offer:family_messages", args=[other.slug]) not in page
    for n in range(3):
        group(title=f"Band {n}", slug=f"band-{n}").leaders.add(leader)
    with django_assert_num_queries(5):
        page = client.get(url, {"q": "band"}).content.decode()
    shown = {
        slug
        for slug in ("saturday-band", "band-0", "band-1", "band-2", "choir")
        if f"/{slug}/messages/" in page
    }
    assert shown == {"saturday-band", "band-0", "band-1", "band-2"}


def test_the_messages_page_previews_then_sends_to_the_families(client, staff, make_user, band):
    families(band, make_user, 3)
    client.force_login(staff)
    url = reverse("offer:family_messages", args=[band.slug])
    page = client.get(url).content.decode()
    assert "A message goes to 3 email addresses" in page

    fields = {"kind": "event", "subject": "Concert on Friday", "body": "Doors open at 6."}
    preview = client.post(url, {**fields, "action": "preview"})
    assert "This is what 3 email addresses will get." in preview.content.decode()
    assert not Message.objects.exists()

    response = client.post(url, {**fields, "action": "send"})
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.emails.count() == 3
    assert OutgoingEmail.objects.filter(subject="Concert on Friday").count() == 3


def test_a_message_with_problems_is_not_sent(client, staff, make_user, band):
    families(band, make_user, 1)
    client.force_login(staff)
    response = client.post(
        reverse("offer:family_messages", args=[band.slug]),
        {"kind": "", "subject": " ", "body": "", "action": "send"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "Choose what the message is about" in page
        and "Enter a subject" in page
        and "Write the message" in page
    )
    assert not OutgoingEmail.objects.exists()


def test_the_log_shows_each_message_and_each_emails_status(client, staff, make_user, band):
    from musichub.offer.messaging import send_message

    families(band, make_user, 2)
    message = send_message(opportunity=band, sent_by=staff, kind="venue", subject="New room", body="Room 2.")
    first, second = message.emails.order_by("to")
    OutgoingEmail.objects.filter(pk=first.pk).update(status="sent")
    OutgoingEmail.objects.filter(pk=second.pk).update(status="failed")
    client.force_login(staff)
    log = client.get(reverse("offer:family_messages", args=[band.slug])).content.decode()
    assert "New room" in log and "1 sent" in log and "1 failed" in log
    detail = client.get(reverse("offer:family_message", args=[band.slug, message.pk])).content.decode()
    assert f"{first.to}</th>" in detail and f"{second.to}</th>" in detail
    assert '<span class="tag tag--failed">Failed</span>' in detail


def test_leaders_and_the_partners_members_message_their_group_and_others_may_not(client, make_user, band):
    families(band, make_user, 1)
    url = reverse("offer:family_messages", args=[band.slug])
    for allowed in (leader_of(make_user, band), member_of(make_user, band.partner)):
        client.force_login(allowed)
        assert client.get(url).status_code == 200
    client.force_login(member_of(make_user, PartnerFactory()))
    assert client.get(url).status_code == 403
    client.force_login(make_user(Role.MUSIC_LEADER))
    response = client.post(url, {"kind": "other", "subject": "Hi", "body": "Hello", "action": "send"})
    assert response.status_code == 403
    assert not OutgoingEmail.objects.exists()
    client.force_login(make_user(Role.GUARDIAN))
    assert client.get(url).status_code == 403


def test_a_cancelled_sessions_message_is_ready_to_send(client, staff, band):
    session = SessionFactory(opportunity=band, date=date(2030, 1, 7))
    client.force_login(staff)
    page = client.get(
        reverse("offer:family_messages", args=[band.slug]) + f"?session={session.pk}"
    ).content.decode()
    assert "Saturday band on Monday 7 January is cancelled" in page


def test_the_messages_pages_take_a_fixed_number_of_queries(
    client, staff, make_user, band, django_assert_num_queries
):
    from musichub.offer.messaging import send_message

    families(band, make_user, 2)
    message = send_message(opportunity=band, sent_by=staff, kind="venue", subject="One", body="1")
    client.force_login(staff)
    url = reverse("offer:family_messages", args=[band.slug])
    detail = reverse("offer:family_message", args=[band.slug, message.pk])
    # session, user, opportunity, audience (2), count, page, hub identity
    with django_assert_num_queries(8):
        client.get(url)
    with django_assert_num_queries(7):  # session, user, opportunity, message, count, hub identity, page
        client.get(detail)
    families(band, make_user, 3, start=2)
    for n in range(3):
        send_message(opportunity=band, sent_by=staff, kind="venue", subject=f"More {n}", body="2")
    message = send_message(opportunity=band, sent_by=staff, kind="venue", subject="Last", body="3")
    with django_assert_num_queries(8):
        client.get(url)
    with django_assert_num_queries(7):
        client.get(reverse("offer:family_message", args=[band.slug, message.pk]))


# ---- Whole-class programmes -------------------------------------------------------------------------------------


def test_the_programme_list_filters_and_takes_a_fixed_number_of_queries(
    client, staff, django_assert_num_queries
):
    fixture = build_schools()
    client.force_login(staff)
    url = reverse("offer:whole_class")
    # session, user, schools (filter), years, count, page, instruments, hub identity
    with django_assert_num_queries(8):
        page = client.get(url).content.decode()
    assert page.count("Pupil list") == 6
    filtered = client.get(url, {"school": fixture.elm.pk, "year": fixture.year}).content.decode()
    assert "3R" in filtered and "3S" not in filtered and "4B" not in filtered
    for n in range(4):
        programme = WholeClassProgramme.objects.create(
            school=fixture.oak, partner=fixture.partner, year_group="6", class_name=f"6{n}", pupils=20,
            starts_on=date(fixture.year, 9, 5), ends_on=date(fixture.year, 12, 5),
        )  # fmt: skip
        programme.instruments.set([InstrumentFactory(name="Cornet")])
    with django_assert_num_queries(8):
        page = client.get(url).content.decode()
    assert page.count("Pupil list") == 10
    assert client.get(url, {"school": "nonsense", "year": "x"}).status_code == 200


def test_a_partner_member_records_a_programme_for_their_partner(client, make_user):
    partner = PartnerFactory()
    member = member_of(make_user, partner)
    school = SchoolFactory(name="Ash Primary")
    violin = InstrumentFactory(name="Violin")
    client.force_login(member)
    response = client.post(
        reverse("offer:whole_class_create"),
        {
            "school": school.pk, "year_group": "4", "class_name": "4B", "pupils": "28", "instruments": [violin.pk],
            "starts_on": "2030-09-10", "ends_on": "2031-07-15", "weeks_delivered": "0", "next_steps": "",
            "opportunity": "",
        },
    )  # fmt: skip
    programme = WholeClassProgramme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("offer:whole_class_pupils", args=[programme.pk])
    assert (programme.partner, programme.school, programme.pupils) == (partner, school, 28)


def test_the_programme_form_explains_what_to_fix(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("offer:whole_class_create"),
        {"school": "", "year_group": "", "class_name": "", "pupils": "70", "starts_on": "2030-09-10",
         "ends_on": "2030-09-01", "weeks_delivered": "3"},
    )  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    for text in (
        "Choose the school",
        "Choose the year group",
        "Enter the class",
        "A class has at most 60 pupils",
        "Choose at least one instrument",
        "The last session must be on or after the first",
        "Choose the partner that teaches it",
    ):
        assert text in page, text
    assert not WholeClassProgramme.objects.exists()


def test_weeks_taught_cannot_exceed_the_weeks_between_the_dates(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("offer:whole_class_create"),
        {"school": SchoolFactory().pk, "partner": PartnerFactory().pk, "year_group": "4", "class_name": "4B",
         "pupils": "20", "instruments": [InstrumentFactory().pk], "starts_on": "2030-09-10",
         "ends_on": "2030-09-30", "weeks_delivered": "5"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "there are at most 3 weeks" in response.content.decode()


def test_another_partners_programme_cannot_be_edited(client, make_user):
    fixture = build_schools()
    stranger = member_of(make_user, PartnerFactory())
    client.force_login(stranger)
    programme = fixture.programmes["P1"]
    assert client.get(reverse("offer:whole_class_edit", args=[programme.pk])).status_code == 403
    assert client.get(reverse("offer:whole_class_pupils", args=[programme.pk])).status_code == 403
    assert "4B" not in client.get(reverse("offer:whole_class")).content.decode()


def test_staff_set_the_pupil_list_from_pupils_at_the_school_in_that_year(client, staff):
    fixture = build_schools()
    programme = fixture.programmes["P2"]
    client.force_login(staff)
    page = client.get(reverse("offer:whole_class_pupils", args=[programme.pk])).content.decode()
    assert "P1 " in page and "Q1 " not in page  # Oak's Year 4 pupils, not Elm's
    p1, p2 = fixture.pupils["p1"], fixture.pupils["p2"]
    response = client.post(
        reverse("offer:whole_class_pupils", args=[programme.pk]), {"pupils": [p1.pk, p2.pk]}
    )
    assert response.status_code == 302
    assert set(programme.pupil_list.all()) == {p1, p2}
    assert AuditEntry.objects.filter(
        action="whole_class.pupil_list_set", object_id=str(programme.pk)
    ).exists()


def test_the_figures_page_shows_the_year_and_takes_a_fixed_number_of_queries(
    client, staff, django_assert_num_queries
):
    fixture = build_schools()
    client.force_login(staff)
    url = reverse("offer:whole_class_figures")
    with django_assert_num_queries(7):  # session, user, years, three figures queries, hub identity
        page = client.get(url, {"year": fixture.year}).content.decode()
    assert "<dd>103</dd>" in page and "61.5%" in page
    assert "fewer than 5" in page
    WholeClassProgramme.objects.create(
        school=SchoolFactory(), partner=fixture.partner, year_group="2", class_name="2A", pupils=12,
        starts_on=date(fixture.year, 9, 20), ends_on=date(fixture.year, 12, 1),
    )  # fmt: skip
    with django_assert_num_queries(7):
        page = client.get(url, {"year": fixture.year}).content.decode()
    assert "<dd>115</dd>" in page


# ---- The school's page ------------------------------------------------------------------------------------------


def test_the_school_contact_sees_their_schools_work_and_no_pupil(client, make_user):
    fixture = build_schools()
    contact = make_user(Role.SCHOOL_CONTACT)
    SchoolContactFactory(user=contact, school=fixture.oak)
    fixture.programmes["P1"].next_steps = "Join the **Junior Strings** on Saturdays."
    fixture.programmes["P1"].save()
    SessionFactory(opportunity=fixture.opportunities["O1"], date=timezone.localdate())
    client.force_login(contact)
    page = client.get(reverse("offer:school_work")).content.decode()
    assert "work at Oak Primary" in page
    assert "4B" in page and "5A" in page and "3R" not in page  # Elm's class is not theirs
    assert "<dd>83</dd>" in page  # pupils reached this year
    assert "fewer than 5" in page  # 3 went on: suppressed
    assert "<strong>Junior Strings</strong>" in page
    assert "Whole-class violin at Oak" in page
    for pupil in fixture.pupils.values():
        assert pupil.last_name not in page


def test_a_school_contact_without_a_school_is_told_what_to_do(client, make_user):
    client.force_login(make_user(Role.SCHOOL_CONTACT))
    assert "not linked to a school yet" in client.get(reverse("offer:school_work")).content.decode()


def test_staff_choose_a_school(client, staff):
    fixture = build_schools()
    client.force_login(staff)
    assert "Choose a school to see" in client.get(reverse("offer:school_work")).content.decode()
    page = client.get(reverse("offer:school_work"), {"school": fixture.elm.urn}).content.decode()
    assert "work at Elm Primary" in page and "3R" in page


def test_partners_and_families_may_not_open_the_school_page(client, make_user):
    for role in (Role.PARTNER_MEMBER, Role.MUSIC_LEADER, Role.GUARDIAN):
        client.force_login(make_user(role))
        assert client.get(reverse("offer:school_work")).status_code == 403


def test_the_school_page_takes_a_fixed_number_of_queries(client, make_user, django_assert_num_queries):
    fixture = build_schools()
    contact = make_user(Role.SCHOOL_CONTACT)
    SchoolContactFactory(user=contact, school=fixture.oak)
    SessionFactory(opportunity=fixture.opportunities["O1"], date=timezone.localdate())
    client.force_login(contact)
    url = reverse("offer:school_work")
    # session, user, contact's school, figures (3), counts (3), next steps, ages, postcode, nearby,
    # hub identity, programmes, their instruments, opportunities, sessions
    with django_assert_num_queries(18):
        client.get(url)
    for n in range(3):
        programme = WholeClassProgramme.objects.create(
            school=fixture.oak, partner=fixture.partner, year_group="6", class_name=f"6{n}", pupils=20,
            starts_on=date(fixture.year, 9, 5), ends_on=date(fixture.year + 1, 7, 5), next_steps="Band!",
        )  # fmt: skip
        programme.instruments.set([InstrumentFactory(name="Cornet")])
        SessionFactory(
            opportunity=fixture.opportunities["O1"], date=timezone.localdate(), starts_at=f"0{n + 1}:00"
        )
    with django_assert_num_queries(18):
        client.get(url)


# ---- The back office ----------------------------------------------------------------------------------------------


def test_hub_admins_extend_the_reasons_and_set_the_number_in_the_back_office(client, hub_admin):
    client.force_login(hub_admin)
    response = client.post(reverse("admin:offer_dropoutreason_add"), {"name": "Exams", "slug": "exams"})
    assert response.status_code == 302
    assert DropOutReason.objects.filter(slug="exams").exists()
    settings_row = DeliverySettings.current()
    response = client.post(
        reverse("admin:offer_deliverysettings_change", args=[settings_row.pk]), {"missed_in_a_row": "4"}
    )
    assert response.status_code == 302
    assert DeliverySettings.current().missed_in_a_row == 4
    assert client.get(reverse("admin:offer_deliverysettings_add")).status_code == 403  # one row only
