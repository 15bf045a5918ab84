"""Staff pages of the library: finding instruments, lending, returns, agreements on paper, repairs, overdue,
support to fulfil. Query counts are pinned and shown not to grow with rows."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from musichub.core.models import AuditEntry
from musichub.core.roles import Role
from musichub.instruments.models import Condition, LibraryInstrument, Loan, Location, Size
from musichub.instruments.selectors import library_list
from musichub.partners.tests.factories import InstrumentFactory
from musichub.people.tests.factories import SchoolFactory, SupportKindFactory, YoungPersonFactory

from .factories import (
    LibraryInstrumentFactory,
    LoanFactory,
    RepairFactory,
    days_ago,
    instrument_support,
    violin,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, staff):
    client.force_login(staff)
    return client


def listed(response) -> list[str]:
    return [instrument.asset_number for instrument in response.context["page"].object_list]


def a_mixed_library():
    """Free and busy 3/4 violins, other sizes, and a free 3/4 cello."""
    free = [LibraryInstrumentFactory(asset_number=f"VN-010{n}") for n in range(3)]
    LoanFactory(instrument=LibraryInstrumentFactory(asset_number="VN-0200"))
    RepairFactory(instrument=LibraryInstrumentFactory(asset_number="VN-0201"))
    LibraryInstrumentFactory(asset_number="VN-0202", condition=Condition.NEEDS_REPAIR)
    LibraryInstrumentFactory(asset_number="VN-0203", condition=Condition.WRITTEN_OFF)
    LibraryInstrumentFactory(asset_number="VN-0300", size=Size.HALF)
    LibraryInstrumentFactory(
        asset_number="VC-0001", instrument_type=InstrumentFactory(name="Cello", slug="cello")
    )
    returned = LibraryInstrumentFactory(asset_number="VN-0204")
    LoanFactory(instrument=returned, returned_on=days_ago(1), condition_in=Condition.GOOD)
    return [i.asset_number for i in free] + ["VN-0204"]


# ---- Finding an instrument ----------------------------------------------------------------------------------------


def test_staff_find_a_free_three_quarter_violin(signed_in, django_assert_num_queries):
    free = a_mixed_library()
    url = reverse("instruments:library") + "?type=violin&size=3-4&available=yes"
    # session, user, the instrument type (from its slug), count, hub identity, the type filter's options, page
    with django_assert_num_queries(7):
        response = signed_in.get(url)
    assert listed(response) == sorted(free)
    assert "VN-0200" not in response.content.decode()
    for _n in range(30):
        LoanFactory(instrument=LibraryInstrumentFactory())
        LibraryInstrumentFactory()
    with django_assert_num_queries(7):
        response = signed_in.get(url)
    assert len(listed(response)) == 25 and response.context["page"].paginator.count == 34


def test_finding_a_free_instrument_by_type_and_size_uses_the_index(db):
    a_mixed_library()
    query = library_list(instrument_type=violin(), size=Size.THREE_QUARTERS, available=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # tiny tables: make the planner show what it would do at scale
            cursor.execute("SET LOCAL enable_seqscan = off")
    plan = query.explain()
    assert "library_type_size_cond" in plan, plan
    assert "one_open_loan_per_instrument" in plan or connection.vendor == "sqlite", plan


def test_the_list_filters_by_condition_and_by_where_it_is(signed_in):
    a_mixed_library()
    needs = signed_in.get(reverse("instruments:library") + "?condition=needs_repair")
    assert listed(needs) == ["VN-0202"]
    with_people = signed_in.get(reverse("instruments:library") + "?location=young_person")
    assert listed(with_people) == []  # made by a factory: where it is follows from the services
    LibraryInstrument.objects.filter(asset_number="VN-0200").update(location=Location.YOUNG_PERSON)
    assert listed(signed_in.get(reverse("instruments:library") + "?location=young_person")) == ["VN-0200"]


def test_the_list_finds_an_asset_number_from_its_start_in_any_case(signed_in):
    a_mixed_library()
    response = signed_in.get(reverse("instruments:library") + "?q=vn-02")
    assert listed(response) == ["VN-0200", "VN-0201", "VN-0202", "VN-0203", "VN-0204"]
    assert listed(signed_in.get(reverse("instruments:library") + "?q=VC")) == ["VC-0001"]


def test_unknown_filter_values_are_ignored(signed_in):
    a_mixed_library()
    response = signed_in.get(reverse("instruments:library") + "?type=banjo&size=huge&condition=x&page=99")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == LibraryInstrument.objects.count()


def test_other_roles_cannot_open_the_library(client, make_user):
    client.force_login(make_user(Role.GUARDIAN))
    assert client.get(reverse("instruments:library")).status_code == 403


# ---- Lending ------------------------------------------------------------------------------------------------------


def lend_form(young_person, **changes):
    data = {
        "young_person": young_person.pk,
        "starts_on": timezone.localdate().isoformat(),
        "due_on": (timezone.localdate() + timedelta(days=120)).isoformat(),
        "condition_out": Condition.GOOD,
        "notes": "",
    }
    data.update(changes)
    return data


def test_staff_find_the_young_person_then_lend(signed_in, staff):
    instrument = LibraryInstrumentFactory()
    kwame = YoungPersonFactory(first_name="Kwame", last_name="Mensah")
    YoungPersonFactory(first_name="Ama", last_name="Mensah")
    url = reverse("instruments:lend", args=[instrument.pk])
    found = signed_in.get(url + "?q=kwame mens")
    assert [p.pk for p in found.context["matches"]] == [kwame.pk]
    chosen = signed_in.get(url + f"?young_person={kwame.pk}")
    assert chosen.context["young_person"] == kwame
    response = signed_in.post(url + f"?young_person={kwame.pk}", lend_form(kwame))
    loan = Loan.objects.get(instrument=instrument)
    assert response.status_code == 302 and response["Location"] == reverse("instruments:loan", args=[loan.pk])
    assert (loan.young_person, loan.lent_by) == (kwame, staff)


def test_a_due_date_before_the_start_is_shown_and_nothing_is_saved(signed_in):
    instrument = LibraryInstrumentFactory()
    child = YoungPersonFactory()
    response = signed_in.post(
        reverse("instruments:lend", args=[instrument.pk]),
        lend_form(child, due_on=(timezone.localdate() - timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 400
    assert "Choose a due-back date on or after the day it is lent" in response.content.decode()
    assert not Loan.objects.exists()


def test_lending_an_instrument_already_on_loan_is_refused_with_a_clear_message(signed_in):
    loan = LoanFactory(instrument=LibraryInstrumentFactory(asset_number="VN-0042"))
    response = signed_in.post(
        reverse("instruments:lend", args=[loan.instrument.pk]), lend_form(YoungPersonFactory())
    )
    assert response.status_code == 400
    assert "VN-0042 is already on loan to" in response.content.decode()
    assert Loan.objects.count() == 1


def test_lending_to_a_school(signed_in):
    instrument = LibraryInstrumentFactory()
    school = SchoolFactory()
    data = lend_form(YoungPersonFactory(), school=school.pk, programme="")
    response = signed_in.post(reverse("instruments:lend", args=[instrument.pk]) + "?to=school", data)
    assert response.status_code == 302
    loan = Loan.objects.get()
    assert (loan.school, loan.young_person) == (school, None)


# ---- Support to fulfil --------------------------------------------------------------------------------------------


def test_awarded_instrument_support_shows_until_an_instrument_is_lent_against_it(
    signed_in, django_assert_num_queries
):
    award = instrument_support()
    instrument_support(status="requested")
    instrument_support(status="declined")
    bursary = instrument_support()
    bursary.kind = SupportKindFactory(slug="bursary", name="Bursary")
    bursary.save()
    url = reverse("instruments:to_fulfil")
    # session, user, count, hub identity, page, the young people's instruments (prefetched)
    with django_assert_num_queries(6):
        response = signed_in.get(url)
    assert [s.pk for s in response.context["page"].object_list] == [award.pk]
    for _n in range(5):
        instrument_support()
    with django_assert_num_queries(6):
        signed_in.get(url)

    instrument = LibraryInstrumentFactory()
    listing = signed_in.get(reverse("instruments:library") + f"?available=yes&for={award.pk}")
    assert listing.context["fulfilling"] == award
    lend_url = reverse("instruments:lend", args=[instrument.pk]) + f"?for={award.pk}"
    page = signed_in.get(lend_url)
    assert page.context["form"].initial["support_request"] == award.pk
    signed_in.post(lend_url, lend_form(award.young_person, support_request=award.pk))
    assert Loan.objects.get().support_request == award
    assert award.pk not in [s.pk for s in signed_in.get(url).context["page"].object_list]


# ---- Loans, returns, overdue --------------------------------------------------------------------------------------


def test_the_loan_page_is_audited_as_viewing_the_young_persons_loans(signed_in, staff):
    loan = LoanFactory()
    response = signed_in.get(reverse("instruments:loan", args=[loan.pk]))
    assert loan.young_person.display_name in response.content.decode()
    entry = AuditEntry.objects.get(action="young_person.loans_viewed")
    assert (entry.object_id, entry.actor) == (str(loan.young_person_id), staff)
    assert signed_in.get(reverse("instruments:loan", args=[999999])).status_code == 404


def test_a_young_persons_loans_page_is_audited(signed_in, staff, django_assert_num_queries):
    child = YoungPersonFactory()
    LoanFactory(young_person=child)
    url = reverse("instruments:young_person", args=[child.pk])
    # session, user, young person, audit entry, awards to fulfil, count, hub identity, page
    with django_assert_num_queries(8):
        response = signed_in.get(url)
    assert len(response.context["page"].object_list) == 1
    for _n in range(4):
        LoanFactory(
            young_person=child, returned_on=days_ago(1), condition_in=Condition.GOOD, starts_on=days_ago(9)
        )
    with django_assert_num_queries(8):
        signed_in.get(url)
    assert AuditEntry.objects.filter(action="young_person.loans_viewed", object_id=str(child.pk)).count() == 2


def test_recording_a_return_before_the_loan_date_is_refused(signed_in):
    loan = LoanFactory(starts_on=days_ago(10))
    url = reverse("instruments:return", args=[loan.pk])
    response = signed_in.post(url, {"returned_on": days_ago(11).isoformat(), "condition_in": Condition.GOOD})
    assert response.status_code == 400
    assert "The return date can’t be before the loan started" in response.content.decode()
    loan.refresh_from_db()
    assert loan.returned_on is None
    response = signed_in.post(url, {"returned_on": days_ago(0).isoformat(), "condition_in": Condition.FAIR})
    assert response.status_code == 302
    loan.refresh_from_db()
    assert (loan.returned_on, loan.condition_in) == (days_ago(0), Condition.FAIR)


def test_the_overdue_list_shows_the_most_overdue_first(signed_in, django_assert_num_queries):
    a_week = LoanFactory(starts_on=days_ago(100), due_on=days_ago(7))
    a_month = LoanFactory(
        young_person=None, school=SchoolFactory(), starts_on=days_ago(100), due_on=days_ago(30)
    )
    a_day = LoanFactory(starts_on=days_ago(100), due_on=days_ago(1))
    LoanFactory(starts_on=days_ago(100), due_on=days_ago(0))  # due today: not overdue yet
    LoanFactory(
        starts_on=days_ago(100), due_on=days_ago(20), returned_on=days_ago(2), condition_in=Condition.GOOD
    )
    url = reverse("instruments:overdue")
    with django_assert_num_queries(5):  # session, user, count, hub identity, page
        response = signed_in.get(url)
    assert [loan.pk for loan in response.context["page"].object_list] == [a_month.pk, a_week.pk, a_day.pk]
    assert "30 days overdue" in response.content.decode()
    for _n in range(5):
        LoanFactory(starts_on=days_ago(100), due_on=days_ago(3))
    with django_assert_num_queries(5):
        signed_in.get(url)


def test_the_loans_list_shows_those_waiting_for_their_agreement(signed_in, django_assert_num_queries):
    waiting = LoanFactory()
    LoanFactory(agreement_accepted_at=timezone.now(), agreement_given_by="guardian", agreement_accepted_by_name="Pat",
                agreement_method="online", agreement_version="2026-11")  # fmt: skip
    LoanFactory(young_person=None, school=SchoolFactory())
    url = reverse("instruments:loans") + "?status=agreement"
    with django_assert_num_queries(5):  # session, user, count, hub identity, page
        response = signed_in.get(url)
    assert [loan.pk for loan in response.context["page"].object_list] == [waiting.pk]
    assert signed_in.get(reverse("instruments:loans")).context["page"].paginator.count == 3


def test_staff_record_a_paper_agreement_on_the_loan_page(signed_in):
    loan = LoanFactory()
    url = reverse("instruments:paper_agreement", args=[loan.pk])
    response = signed_in.post(url, {"given_by": "guardian", "name": ""})
    assert (
        response.status_code == 400 and "Enter the name of the person who signed" in response.content.decode()
    )
    signed_in.post(url, {"given_by": "guardian", "name": "Pat Jones"})
    loan.refresh_from_db()
    assert (loan.agreement_accepted_by_name, loan.agreement_method) == ("Pat Jones", "paper")


# ---- Repairs ------------------------------------------------------------------------------------------------------


def test_staff_send_an_instrument_for_repair_and_record_it_back(signed_in):
    instrument = LibraryInstrumentFactory(condition=Condition.NEEDS_REPAIR)
    signed_in.post(
        reverse("instruments:repair", args=[instrument.pk]),
        {"sent_on": days_ago(3).isoformat(), "repairer": "Brass Doctor", "fault": "Stuck valve"},
    )
    repair = instrument.repairs.get()
    page = signed_in.get(reverse("instruments:detail", args=[instrument.pk])).content.decode()
    assert "At the repairer (Brass Doctor)" in page
    response = signed_in.post(
        reverse("instruments:repair_back", args=[repair.pk]),
        {"back_on": days_ago(4).isoformat(), "condition": Condition.GOOD, "cost": "45.00"},
    )
    assert response.status_code == 400 and "can’t be before it was sent" in response.content.decode()
    signed_in.post(
        reverse("instruments:repair_back", args=[repair.pk]),
        {"back_on": days_ago(0).isoformat(), "condition": Condition.GOOD, "cost": "45.50"},
    )
    repair.refresh_from_db()
    assert (repair.back_on, repair.cost_pence) == (days_ago(0), 4550)


# ---- Instruments and photos ---------------------------------------------------------------------------------------


def png_upload(name="violin.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "brown").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def instrument_form(**changes):
    data = {"asset_number": "vn-0777", "instrument_type": violin().pk, "size": Size.HALF, "make": "Stentor",
            "serial_number": "", "condition": Condition.GOOD, "value": "125.50", "location_note": "", "notes": ""}  # fmt: skip
    data.update(changes)
    return data


def test_staff_add_an_instrument_with_a_photo_only_staff_can_see(signed_in, client, make_user):
    response = signed_in.post(reverse("instruments:add"), instrument_form(photo=png_upload()))
    instrument = LibraryInstrument.objects.get()
    assert response.status_code == 302
    assert (instrument.asset_number, instrument.value_pence, instrument.location) == (
        "VN-0777",
        12550,
        "store",
    )
    assert instrument.photo.name.startswith("instruments/") and instrument.photo.name.endswith(".png")
    assert "violin" not in instrument.photo.name  # stored under a name of the platform's choosing
    photo = signed_in.get(reverse("instruments:photo", args=[instrument.pk]))
    assert photo["Content-Type"] == "image/png" and b"".join(photo.streaming_content).startswith(b"\x89PNG")
    client.force_login(make_user(Role.GUARDIAN))
    assert client.get(reverse("instruments:photo", args=[instrument.pk])).status_code == 403


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(signed_in):
    fake = SimpleUploadedFile("violin.png", b"#!/bin/sh\necho not a photo\n", content_type="image/png")
    response = signed_in.post(reverse("instruments:add"), instrument_form(photo=fake))
    assert response.status_code == 400
    assert "The photo must be a JPEG, PNG or WebP image." in response.content.decode()
    assert not LibraryInstrument.objects.exists()


def test_a_taken_asset_number_is_shown_against_its_field(signed_in):
    LibraryInstrumentFactory(asset_number="VN-0777")
    response = signed_in.post(reverse("instruments:add"), instrument_form())
    assert response.status_code == 400
    assert response.context["form"].errors["asset_number"] == [
        "Another instrument already has this asset number. Check the label, or choose another number."
    ]


def test_the_instrument_page_shows_its_loans_and_repairs(signed_in, django_assert_num_queries):
    instrument = LibraryInstrumentFactory()
    LoanFactory(
        instrument=instrument, starts_on=days_ago(90), returned_on=days_ago(60), condition_in=Condition.FAIR
    )
    RepairFactory(instrument=instrument, sent_on=days_ago(59), back_on=days_ago(50), cost_pence=2500)
    url = reverse("instruments:detail", args=[instrument.pk])
    # session, user, instrument, open loan, open repair, lendable? (open repair, open loan), hub identity,
    # loans (count, page), repairs (count, page)
    with django_assert_num_queries(12):
        response = signed_in.get(url)
    content = response.content.decode()
    assert "Good → Fair" in content and "£25.00" in content
    for n in range(3):
        LoanFactory(
            instrument=instrument, starts_on=days_ago(40 - n), returned_on=days_ago(30), condition_in="good"
        )
    with django_assert_num_queries(12):
        signed_in.get(url)


def test_removing_a_photo_deletes_the_file(signed_in, django_capture_on_commit_callbacks):
    signed_in.post(reverse("instruments:add"), instrument_form(photo=png_upload()))
    instrument = LibraryInstrument.objects.get()
    stored, storage = instrument.photo.name, instrument.photo.storage
    assert storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            reverse("instruments:edit", args=[instrument.pk]), instrument_form(remove_photo="on")
        )
    assert response.status_code == 302
    instrument.refresh_from_db()
    assert not instrument.photo and not storage.exists(stored)
    assert signed_in.get(reverse("instruments:photo", args=[instrument.pk])).status_code == 404


def test_the_library_list_says_which_loans_are_overdue(signed_in):
    late = LoanFactory(starts_on=days_ago(100), due_on=days_ago(3))
    on_time = LoanFactory(starts_on=days_ago(100), due_on=days_ago(-3))
    page = signed_in.get(reverse("instruments:library")).content.decode()
    assert f"Overdue: was due {late.due_on:%-d %b %Y}" in page
    assert f"On loan, due {on_time.due_on:%-d %b %Y}" in page
    assert page.count("Overdue: was due") == 1


def test_a_photo_is_stored_without_its_metadata_and_upright(signed_in):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # the camera's maker
    exif[0x0132] = "2026:11:20 18:02:11"  # when it was taken
    exif[0x0112] = 6  # orientation: turn 90° to show it upright
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (50.0, 54.0, 36.0)  # where: a family's kitchen table
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "brown").save(buffer, format="JPEG", exif=exif)
    assert Image.open(io.BytesIO(buffer.getvalue())).getexif()  # the upload has it
    upload = SimpleUploadedFile("IMG_2041.jpg", buffer.getvalue(), content_type="image/jpeg")

    assert signed_in.post(reverse("instruments:add"), instrument_form(photo=upload)).status_code == 302
    instrument = LibraryInstrument.objects.get()
    with instrument.photo.open("rb") as stored:
        data = stored.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and instrument.photo.name.endswith(".jpg")
    assert not image.getexif() and b"PhoneMaker" not in data and b"Exif" not in data
    assert image.size == (20, 40)  # turned upright before the orientation was dropped
