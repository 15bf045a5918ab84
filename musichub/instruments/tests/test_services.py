"""The library's rules, through its services: each refusal has a clear message and saves nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from musichub.core.models import AuditEntry
from musichub.core.roles import Role
from musichub.instruments.agreement_texts import CURRENT_VERSION
from musichub.instruments.models import (
    AgreementGivenBy,
    AgreementMethod,
    Condition,
    LibraryInstrument,
    Loan,
    Location,
)
from musichub.instruments.services import (
    accept_agreement,
    add_instrument,
    lend_instrument,
    record_paper_agreement,
    record_repair_back,
    return_loan,
    send_for_repair,
    update_instrument,
)
from musichub.people.models import SupportRequest
from musichub.people.privacy import ERASED_NAME, erase_young_person
from musichub.people.tests.factories import (
    FamilyFactory,
    SchoolFactory,
    SupportKindFactory,
    YoungPersonFactory,
    born_years_ago,
)

from .factories import (
    LibraryInstrumentFactory,
    LoanFactory,
    RepairFactory,
    days_ago,
    instrument_support,
    violin,
    whole_class_programme,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def child():
    return YoungPersonFactory()


def lend(instrument, staff, young_person=None, **changes):
    fields = {"starts_on": days_ago(0), "due_on": days_ago(-200)}
    if "school" not in changes:
        fields["young_person"] = young_person or YoungPersonFactory()
    fields.update(changes)
    return lend_instrument(instrument=instrument, lent_by=staff, **fields)


def refused(code, call):
    with pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.code == code, caught.value
    return " ".join(caught.value.messages)


# ---- Lending ------------------------------------------------------------------------------------------------


def test_lending_records_the_loan_moves_the_instrument_and_audits_it(staff, child):
    instrument = LibraryInstrumentFactory(condition=Condition.EXCELLENT)
    loan = lend(instrument, staff, child, condition_out=Condition.GOOD, notes="Bow and case")
    instrument.refresh_from_db()
    assert (loan.young_person, loan.starts_on, loan.lent_by, loan.agreement_accepted_at) == (
        child,
        days_ago(0),
        staff,
        None,
    )
    assert loan.needs_agreement
    assert instrument.location == Location.YOUNG_PERSON
    assert instrument.condition == Condition.GOOD  # as assessed when it went out
    entry = AuditEntry.objects.get(action="instrument.lent")
    assert (entry.object_type, entry.object_id, entry.actor) == ("people.youngperson", str(child.pk), staff)


def test_an_instrument_cannot_be_lent_twice_at_once(staff):
    instrument = LibraryInstrumentFactory(asset_number="VN-0042")
    first = lend(instrument, staff)
    message = refused("already_on_loan", lambda: lend(instrument, staff))
    assert "VN-0042 is already on loan to" in message and first.young_person.display_name in message
    assert Loan.objects.filter(instrument=instrument).count() == 1


def test_a_returned_instrument_can_be_lent_again(staff):
    instrument = LibraryInstrumentFactory()
    first = lend(instrument, staff, starts_on=days_ago(20))
    return_loan(loan=first, received_by=staff, returned_on=days_ago(1), condition_in=Condition.GOOD)
    second = lend(instrument, staff)
    assert second.is_open and instrument.loans.count() == 2


def test_a_written_off_instrument_cannot_be_lent(staff):
    instrument = LibraryInstrumentFactory(condition=Condition.WRITTEN_OFF)
    assert "written off" in refused("written_off", lambda: lend(instrument, staff))
    assert not Loan.objects.exists()


def test_an_instrument_that_needs_repair_cannot_be_lent(staff):
    instrument = LibraryInstrumentFactory(condition=Condition.NEEDS_REPAIR)
    refused("needs_repair", lambda: lend(instrument, staff))
    assert not Loan.objects.exists()


def test_an_instrument_at_the_repairer_cannot_be_lent(staff):
    repair = RepairFactory(instrument=LibraryInstrumentFactory(condition=Condition.GOOD))
    message = refused("in_repair", lambda: lend(repair.instrument, staff))
    assert "at the repairer (Hampshire Strings Workshop" in message
    assert not Loan.objects.exists()


def test_a_due_date_before_the_start_is_refused(staff):
    instrument = LibraryInstrumentFactory()
    refused("due_before_start", lambda: lend(instrument, staff, starts_on=days_ago(3), due_on=days_ago(4)))
    assert not Loan.objects.exists()
    assert lend(instrument, staff, starts_on=days_ago(3), due_on=days_ago(3)).pk  # the same day is fine


def test_a_loan_cannot_start_in_the_future(staff):
    refused("starts_in_future", lambda: lend(LibraryInstrumentFactory(), staff, starts_on=days_ago(-1)))
    assert not Loan.objects.exists()


def test_a_loan_goes_to_exactly_one_borrower(staff, child):
    instrument = LibraryInstrumentFactory()
    refused("borrower_required", lambda: lend_instrument(instrument=instrument, lent_by=staff,
                                                         starts_on=days_ago(0), due_on=days_ago(-9)))  # fmt: skip
    refused("one_borrower", lambda: lend_instrument(instrument=instrument, lent_by=staff, starts_on=days_ago(0),
                                                    due_on=days_ago(-9), young_person=child, school=SchoolFactory()))  # fmt: skip
    assert not Loan.objects.exists()


def test_lending_to_a_school_for_a_whole_class_programme(staff):
    programme = whole_class_programme()
    instrument = LibraryInstrumentFactory()
    loan = lend(instrument, staff, school=programme.school, programme=programme)
    instrument.refresh_from_db()
    assert (loan.school, loan.programme, loan.needs_agreement) == (programme.school, programme, False)
    assert instrument.location == Location.SCHOOL
    other = LibraryInstrumentFactory()
    refused("programme_elsewhere", lambda: lend(other, staff, school=SchoolFactory(), programme=programme))


# ---- Fulfilling "instrument provided" support --------------------------------------------------------------------


def test_lending_against_an_award_fulfils_it(staff, child):
    award = instrument_support(child)
    loan = lend(LibraryInstrumentFactory(), staff, child, support_request=award)
    assert list(award.instrument_loans.all()) == [loan]
    assert f"support_request={award.pk}" in AuditEntry.objects.get(action="instrument.lent").detail


def test_only_an_awarded_instrument_loan_for_that_young_person_can_be_fulfilled(staff, child):
    instrument = LibraryInstrumentFactory()
    waiting = instrument_support(child, status=SupportRequest.Status.REQUESTED)
    refused("request_not_awarded", lambda: lend(instrument, staff, child, support_request=waiting))
    someone_else = instrument_support()
    refused("request_for_someone_else", lambda: lend(instrument, staff, child, support_request=someone_else))
    bursary = instrument_support(child)
    bursary.kind = SupportKindFactory(slug="bursary", name="Bursary")
    bursary.save()
    refused("request_not_instrument", lambda: lend(instrument, staff, child, support_request=bursary))
    assert not Loan.objects.exists()


def test_an_award_already_fulfilled_by_an_open_loan_is_not_fulfilled_twice(staff, child):
    award = instrument_support(child)
    lend(LibraryInstrumentFactory(), staff, child, support_request=award)
    refused(
        "request_already_fulfilled",
        lambda: lend(LibraryInstrumentFactory(), staff, child, support_request=award),
    )


# ---- Returns ------------------------------------------------------------------------------------------------------


def test_a_return_records_the_condition_and_puts_the_instrument_back_in_the_store(staff):
    loan = LoanFactory(starts_on=days_ago(40))
    LibraryInstrument.objects.filter(pk=loan.instrument_id).update(location=Location.YOUNG_PERSON)
    return_loan(loan=loan, received_by=staff, returned_on=days_ago(2), condition_in=Condition.NEEDS_REPAIR,
                notes="Bridge cracked")  # fmt: skip
    loan.refresh_from_db()
    loan.instrument.refresh_from_db()
    assert (loan.returned_on, loan.condition_in, loan.return_notes, loan.received_by) == (
        days_ago(2),
        Condition.NEEDS_REPAIR,
        "Bridge cracked",
        staff,
    )
    assert (loan.instrument.location, loan.instrument.condition) == (Location.STORE, Condition.NEEDS_REPAIR)
    assert AuditEntry.objects.filter(action="instrument.returned", actor=staff).exists()


def test_a_return_date_before_the_loan_date_is_refused(staff):
    loan = LoanFactory(starts_on=days_ago(10))
    assert "before the loan started" in refused(
        "returned_before_start",
        lambda: return_loan(
            loan=loan, received_by=staff, returned_on=days_ago(11), condition_in=Condition.GOOD
        ),
    )
    loan.refresh_from_db()
    assert loan.returned_on is None and loan.condition_in == ""


def test_a_return_in_the_future_or_a_second_return_is_refused(staff):
    loan = LoanFactory()
    refused("returned_in_future", lambda: return_loan(loan=loan, received_by=staff, returned_on=days_ago(-1),
                                                      condition_in=Condition.GOOD))  # fmt: skip
    return_loan(loan=loan, received_by=staff, returned_on=days_ago(0), condition_in=Condition.GOOD)
    refused("already_returned", lambda: return_loan(loan=loan, received_by=staff, returned_on=days_ago(0),
                                                    condition_in=Condition.FAIR))  # fmt: skip
    loan.refresh_from_db()
    assert loan.condition_in == Condition.GOOD


# ---- The loan agreement -------------------------------------------------------------------------------------------


def family_with_child(make_user, age=10):
    guardian = make_user(Role.GUARDIAN, first_name="Grace", last_name="Mensah")
    child = YoungPersonFactory(family=FamilyFactory(guardians=[guardian]), date_of_birth=born_years_ago(age))
    return guardian, child


def test_a_guardian_accepts_their_childs_loan_agreement(make_user):
    guardian, child = family_with_child(make_user)
    loan = LoanFactory(young_person=child)
    accept_agreement(loan=loan, accepted_by=guardian)
    loan.refresh_from_db()
    assert loan.agreement_accepted_at is not None
    assert (loan.agreement_given_by, loan.agreement_accepted_by, loan.agreement_accepted_by_name) == (
        AgreementGivenBy.GUARDIAN,
        guardian,
        "Grace Mensah",
    )
    assert (loan.agreement_method, loan.agreement_version) == (AgreementMethod.ONLINE, CURRENT_VERSION)
    entry = AuditEntry.objects.get(action="instrument.agreement_accepted")
    assert entry.object_id == str(child.pk) and entry.actor == guardian
    refused("already_accepted", lambda: accept_agreement(loan=loan, accepted_by=guardian))


def test_another_familys_guardian_cannot_accept(make_user):
    _guardian, child = family_with_child(make_user)
    stranger, _other = family_with_child(make_user)
    loan = LoanFactory(young_person=child)
    with pytest.raises(PermissionDenied):
        accept_agreement(loan=loan, accepted_by=stranger)
    loan.refresh_from_db()
    assert loan.agreement_accepted_at is None


def test_a_young_person_accepts_their_own_agreement_from_sixteen_not_before(make_user):
    fifteen = make_user(Role.YOUNG_PERSON)
    loan = LoanFactory(young_person=YoungPersonFactory(user=fifteen, date_of_birth=born_years_ago(15)))
    assert "parent or guardian" in refused(
        "too_young_to_accept", lambda: accept_agreement(loan=loan, accepted_by=fifteen)
    )
    loan.refresh_from_db()
    assert loan.agreement_accepted_at is None

    sixteen = make_user(Role.YOUNG_PERSON, first_name="Jay", last_name="Nowak")
    own = LoanFactory(young_person=YoungPersonFactory(user=sixteen, date_of_birth=born_years_ago(16)))
    accept_agreement(loan=own, accepted_by=sixteen)
    own.refresh_from_db()
    assert (own.agreement_given_by, own.agreement_accepted_by_name) == (
        AgreementGivenBy.YOUNG_PERSON,
        "Jay Nowak",
    )


def test_a_young_person_cannot_accept_someone_elses_loan(make_user):
    sixteen = make_user(Role.YOUNG_PERSON)
    YoungPersonFactory(user=sixteen, date_of_birth=born_years_ago(17))
    loan = LoanFactory(young_person=YoungPersonFactory(date_of_birth=born_years_ago(17)))
    with pytest.raises(PermissionDenied):
        accept_agreement(loan=loan, accepted_by=sixteen)


def test_staff_record_a_signed_paper_agreement(staff):
    loan = LoanFactory()
    record_paper_agreement(
        loan=loan, recorded_by=staff, given_by=AgreementGivenBy.GUARDIAN, name="  Pat Jones "
    )
    loan.refresh_from_db()
    assert (loan.agreement_method, loan.agreement_accepted_by_name, loan.agreement_accepted_by) == (
        AgreementMethod.PAPER,
        "Pat Jones",
        staff,
    )


def test_a_paper_agreement_signed_by_an_under_sixteen_is_refused(staff):
    loan = LoanFactory(young_person=YoungPersonFactory(date_of_birth=born_years_ago(14)))
    refused("too_young_to_accept", lambda: record_paper_agreement(
        loan=loan, recorded_by=staff, given_by=AgreementGivenBy.YOUNG_PERSON, name="Kai"))  # fmt: skip
    refused("name_required", lambda: record_paper_agreement(
        loan=loan, recorded_by=staff, given_by=AgreementGivenBy.GUARDIAN, name="  "))  # fmt: skip
    loan.refresh_from_db()
    assert loan.agreement_accepted_at is None


def test_a_schools_loan_has_no_family_agreement(staff):
    loan = LoanFactory(young_person=None, school=SchoolFactory())
    refused("no_agreement_needed", lambda: record_paper_agreement(
        loan=loan, recorded_by=staff, given_by=AgreementGivenBy.GUARDIAN, name="Head teacher"))  # fmt: skip


# ---- Repairs ------------------------------------------------------------------------------------------------------


def test_a_repair_takes_the_instrument_out_of_lending_until_it_is_back(staff):
    instrument = LibraryInstrumentFactory(condition=Condition.NEEDS_REPAIR)
    repair = send_for_repair(instrument=instrument, sent_by=staff, sent_on=days_ago(7), repairer="Brass Doctor",
                             fault="Stuck valve")  # fmt: skip
    instrument.refresh_from_db()
    assert instrument.location == Location.REPAIRER
    refused("already_in_repair", lambda: send_for_repair(instrument=instrument, sent_by=staff, sent_on=days_ago(0),
                                                         repairer="Someone", fault="Again"))  # fmt: skip
    refused("back_before_sent", lambda: record_repair_back(repair=repair, recorded_by=staff, back_on=days_ago(8),
                                                           condition=Condition.GOOD))  # fmt: skip
    record_repair_back(
        repair=repair, recorded_by=staff, back_on=days_ago(1), condition=Condition.GOOD, cost_pence=4500
    )
    repair.refresh_from_db()
    instrument.refresh_from_db()
    assert (repair.back_on, repair.cost_pence) == (days_ago(1), 4500)
    assert (instrument.location, instrument.condition) == (Location.STORE, Condition.GOOD)
    assert lend(instrument, staff).pk


def test_an_instrument_on_loan_cannot_go_for_repair_until_it_is_returned(staff):
    loan = LoanFactory()
    refused("on_loan", lambda: send_for_repair(instrument=loan.instrument, sent_by=staff, sent_on=days_ago(0),
                                               repairer="Workshop", fault="Broken"))  # fmt: skip
    assert not loan.instrument.repairs.exists()


# ---- Instruments --------------------------------------------------------------------------------------------------


def test_asset_numbers_are_stored_in_capitals_and_used_once(staff):
    instrument = add_instrument(added_by=staff, asset_number=" vn-0007 ", instrument_type=violin(), size="3-4",
                                condition=Condition.GOOD, value_pence=12000)  # fmt: skip
    assert instrument.asset_number == "VN-0007"
    refused("asset_number_taken", lambda: add_instrument(added_by=staff, asset_number="Vn-0007",
                                                         instrument_type=violin(), value_pence=0))  # fmt: skip
    other = LibraryInstrumentFactory()
    refused(
        "asset_number_taken",
        lambda: update_instrument(instrument=other, updated_by=staff, asset_number="vn-0007"),
    )
    assert LibraryInstrument.objects.filter(asset_number="VN-0007").count() == 1


def test_an_instrument_on_loan_cannot_be_written_off(staff):
    loan = LoanFactory()
    refused("written_off_on_loan", lambda: update_instrument(instrument=loan.instrument, updated_by=staff,
                                                             condition=Condition.WRITTEN_OFF))  # fmt: skip
    loan.instrument.refresh_from_db()
    assert loan.instrument.condition == Condition.GOOD


# ---- Erasure ------------------------------------------------------------------------------------------------------


def test_erasing_a_young_person_keeps_the_loan_but_not_what_was_written_about_them(hub_admin, make_user):
    guardian, child = family_with_child(make_user)
    loan = LoanFactory(young_person=child, notes="Lives with gran on Tuesdays")
    accept_agreement(loan=loan, accepted_by=guardian)
    erase_young_person(young_person=child, erased_by=hub_admin, reason="Asked by the family")
    loan.refresh_from_db()
    assert (loan.notes, loan.agreement_accepted_by_name, loan.agreement_accepted_by) == (
        "",
        ERASED_NAME,
        None,
    )
    assert loan.instrument_id and loan.agreement_accepted_at


def test_a_young_persons_loans_are_in_their_subject_access_export(staff, child):
    from musichub.people.privacy import subject_access_data, subject_access_json, subject_access_report

    loan = lend(LibraryInstrumentFactory(asset_number="VN-0042"), staff, child)
    data = subject_access_data(child)
    assert [row["pk"] for row in data["related_records"]["instruments.loan"]] == [loan.pk]
    assert '"instruments.loan"' in subject_access_json(child)
    assert "VN-0042" in str(subject_access_report(child))
