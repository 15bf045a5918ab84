"""Registers: submitting marks (idempotent, later mark wins, changes logged, bad input refused), whole classes,
walk-ins, the group a leader sees, and "my sessions"."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from musichub.core.models import AuditEntry
from musichub.core.roles import Role
from musichub.offer import registers
from musichub.offer.models import (
    Attendance,
    AttendanceChange,
    Enrolment,
    Opportunity,
    Register,
    RegisterSubmission,
    WalkInContact,
    WholeClassProgramme,
)
from musichub.offer.registers import RegisterMark, RegisterNotes, submit_register
from musichub.offer.tests.factories import SessionFactory
from musichub.partners.tests.factories import GenreFactory, InstrumentFactory
from musichub.people.choices import ConsentPurpose, YearGroup
from musichub.people.models import Consent, YoungPerson
from musichub.people.privacy import erase_young_person
from musichub.people.tests.factories import SchoolFactory, YoungPersonFactory, born_years_ago

from .register_helpers import at, days_ago, enrol, group, key, leader_of, marks, member_of, session_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    return session_on()


@pytest.fixture
def leader(make_user, session):
    return leader_of(make_user, session.opportunity)


def stored(session):
    return dict(Attendance.objects.filter(session=session).values_list("young_person_id", "mark"))


def nothing_saved(session):
    return (
        not Attendance.objects.filter(session=session).exists()
        and not Register.objects.filter(session=session).exists()
        and not RegisterSubmission.objects.filter(session=session).exists()
    )


# ---- Submitting ----------------------------------------------------------------------------------------------


def test_a_register_saves_each_mark_the_register_and_its_submission(session, leader):
    amara, ben, cleo = group(session.opportunity, 3)
    result = submit_register(
        session=session,
        by=leader,
        key=key(),
        marks=marks([amara, ben]) + marks([cleo], "excused", reason="Dentist"),
        notes=RegisterNotes(what_we_did="Warm-ups, then a new riff.", pieces="Riff 2"),
    )
    assert result.saved == 3 and not result.duplicate
    assert stored(session) == {amara.pk: "present", ben.pk: "present", cleo.pk: "excused"}
    assert Attendance.objects.get(young_person=cleo).reason == "Dentist"
    assert Attendance.objects.filter(marked_by=leader, walk_in=False).count() == 3
    register = Register.objects.get(session=session)
    assert (register.taken_by, register.method, register.pieces) == (leader, "phone", "Riff 2")
    assert RegisterSubmission.objects.get(session=session).marks == 3
    audit = AuditEntry.objects.get(action="register.submit")
    assert audit.actor == leader and f"session={session.pk}" in audit.detail


def test_the_same_key_sent_again_is_acknowledged_and_changes_nothing(session, leader):
    amara, ben = group(session.opportunity, 2)
    submission_key = key()
    submit_register(session=session, by=leader, key=submission_key, marks=marks([amara, ben]))
    again = submit_register(
        session=session,
        by=leader,
        key=str(submission_key),
        marks=marks([amara, ben], "absent", minutes_ago=1),
    )
    assert again.duplicate
    assert "already received" in again.message
    assert stored(session) == {amara.pk: "present", ben.pk: "present"}
    assert RegisterSubmission.objects.count() == 1
    assert not AttendanceChange.objects.exists()


def test_a_key_used_for_another_session_is_refused(session, leader):
    (amara,) = group(session.opportunity, 1)
    other = SessionFactory(opportunity=session.opportunity, date=days_ago(7))
    submission_key = key()
    submit_register(session=session, by=leader, key=submission_key, marks=marks([amara]))
    with pytest.raises(ValidationError) as refused:
        submit_register(session=other, by=leader, key=submission_key, marks=marks([amara]))
    assert refused.value.code == "bad_key"
    assert not Attendance.objects.filter(session=other).exists()


@pytest.mark.parametrize("order", ["earlier first", "later first"])
def test_two_phones_agree_on_the_later_mark_whichever_arrives_first(session, leader, make_user, order):
    helper = leader_of(make_user, session.opportunity)
    amara, ben = group(session.opportunity, 2)
    phone_a = {"by": leader, "key": key(), "marks": [RegisterMark(amara.pk, "present", marked_at=at(10)),
                                                RegisterMark(ben.pk, "present", marked_at=at(10))]}  # fmt: skip
    phone_b = {"by": helper, "key": key(), "marks": [RegisterMark(amara.pk, "late", marked_at=at(2))]}
    sends = [phone_a, phone_b] if order == "earlier first" else [phone_b, phone_a]
    for send in sends:
        submit_register(session=session, **send)
    assert stored(session) == {amara.pk: "late", ben.pk: "present"}
    assert Attendance.objects.filter(session=session).count() == 2
    assert RegisterSubmission.objects.filter(session=session).count() == 2
    changes = list(
        AttendanceChange.objects.values_list("young_person_id", "old_mark", "new_mark", "changed_by")
    )
    if order == "earlier first":
        assert changes == [(amara.pk, "present", "late", helper.pk)]
    else:
        assert changes == []  # the earlier mark arrived late and was kept out: nothing changed


def test_a_late_arriving_older_mark_is_reported_as_kept(session, leader):
    (amara,) = group(session.opportunity, 1)
    submit_register(
        session=session, by=leader, key=key(), marks=[RegisterMark(amara.pk, "late", marked_at=at(1))]
    )
    result = submit_register(
        session=session, by=leader, key=key(), marks=[RegisterMark(amara.pk, "absent", marked_at=at(30))]
    )
    assert (result.saved, result.kept) == (0, 1)
    assert "nothing changed" in result.message
    assert stored(session) == {amara.pk: "late"}


def test_changing_a_mark_records_who_changed_it_from_what_to_what(session, leader, make_user):
    (amara,) = group(session.opportunity, 1)
    submit_register(session=session, by=leader, key=key(), marks=marks([amara], minutes_ago=20))
    staff = make_user(Role.HUB_STAFF)
    submit_register(session=session, by=staff, key=key(), marks=marks([amara], "late", minutes_ago=1))
    change = AttendanceChange.objects.get()
    assert (change.session, change.young_person, change.old_mark, change.new_mark, change.changed_by) == (
        session,
        amara,
        "present",
        "late",
        staff,
    )
    assert change.changed_at is not None
    # Sending the same mark again with a later time is not a change.
    submit_register(session=session, by=staff, key=key(), marks=marks([amara], "late", minutes_ago=0))
    assert AttendanceChange.objects.count() == 1


def test_a_mark_for_someone_not_in_the_group_refuses_the_whole_register(session, leader):
    (amara,) = group(session.opportunity, 1)
    waiting = enrol(session.opportunity, status=Enrolment.Status.WAITING)
    elsewhere = enrol(session_on().opportunity)
    for outsider in (waiting, elsewhere):
        with pytest.raises(ValidationError) as refused:
            submit_register(session=session, by=leader, key=key(), marks=marks([amara, outsider]))
        assert refused.value.code == "not_in_group"
        assert "not in this group" in refused.value.messages[0]
        assert nothing_saved(session)


def test_a_mark_for_an_unknown_young_person_is_refused(session, leader):
    with pytest.raises(ValidationError) as refused:
        submit_register(session=session, by=leader, key=key(), marks=[RegisterMark(999999, "present")])
    assert refused.value.code == "not_in_group"
    assert nothing_saved(session)


def test_a_withdrawn_young_person_is_no_longer_in_the_group(session, leader):
    (amara,) = group(session.opportunity, 1)
    Enrolment.objects.filter(young_person=amara).update(status=Enrolment.Status.WITHDRAWN)
    with pytest.raises(ValidationError, match="not in this group"):
        submit_register(session=session, by=leader, key=key(), marks=marks([amara]))


def test_an_unknown_mark_is_refused(session, leader):
    (amara,) = group(session.opportunity, 1)
    with pytest.raises(ValidationError) as refused:
        submit_register(session=session, by=leader, key=key(), marks=marks([amara], "asleep"))
    assert refused.value.code == "unknown_mark"
    assert nothing_saved(session)


def test_a_cancelled_session_has_no_register(leader, session):
    (amara,) = group(session.opportunity, 1)
    session.is_cancelled = True
    session.save()
    with pytest.raises(ValidationError) as refused:
        submit_register(session=session, by=leader, key=key(), marks=marks([amara]))
    assert refused.value.code == "cancelled"
    assert nothing_saved(session)


def test_a_session_of_a_cancelled_opportunity_has_no_register(leader, session):
    (amara,) = group(session.opportunity, 1)
    Opportunity.objects.filter(pk=session.opportunity_id).update(status=Opportunity.Status.CANCELLED)
    with pytest.raises(ValidationError, match="cancelled"):
        submit_register(session=session, by=leader, key=key(), marks=marks([amara]))
    assert nothing_saved(session)


def test_a_register_cannot_be_taken_before_the_day(make_user):
    tomorrow = session_on(timezone.localdate() + timedelta(days=1))
    leader = leader_of(make_user, tomorrow.opportunity)
    (amara,) = group(tomorrow.opportunity, 1)
    with pytest.raises(ValidationError) as refused:
        submit_register(session=tomorrow, by=leader, key=key(), marks=marks([amara]))
    assert refused.value.code == "future"
    assert nothing_saved(tomorrow)
    last_week = session_on(days_ago(7), opportunity=tomorrow.opportunity)
    assert submit_register(session=last_week, by=leader, key=key(), marks=marks([amara])).saved == 1


def test_a_bad_key_is_refused(session, leader):
    with pytest.raises(ValidationError) as refused:
        submit_register(session=session, by=leader, key="not-a-uuid", marks=[])
    assert refused.value.code == "bad_key"


def test_an_empty_register_is_refused(session, leader):
    with pytest.raises(ValidationError) as refused:
        submit_register(session=session, by=leader, key=key(), marks=[])
    assert refused.value.code == "empty"
    assert nothing_saved(session)


def test_a_mark_timed_in_the_future_counts_as_made_now(session, leader):
    (amara,) = group(session.opportunity, 1)
    before = timezone.now()
    submit_register(
        session=session,
        by=leader,
        key=key(),
        marks=[RegisterMark(amara.pk, "present", marked_at=timezone.now() + timedelta(days=1))],
    )
    marked_at = Attendance.objects.get().marked_at
    assert before <= marked_at <= timezone.now()


def test_a_reason_is_kept_only_for_absent_with_reason(session, leader):
    amara, ben = group(session.opportunity, 2)
    submit_register(
        session=session,
        by=leader,
        key=key(),
        marks=[
            RegisterMark(amara.pk, "present", reason="Poorly"),
            RegisterMark(ben.pk, "excused", reason="Ill"),
        ],
    )
    assert dict(Attendance.objects.values_list("young_person_id", "reason")) == {amara.pk: "", ben.pk: "Ill"}


def test_coming_to_a_session_counts_as_activity_for_retention(leader):
    session = session_on(days_ago(2))
    amara, ben = group(session.opportunity, 2)
    YoungPerson.objects.filter(pk=amara.pk).update(last_activity_on=days_ago(400))
    submit_register(
        session=session, by=leader_of_session(session, leader), key=key(),
        marks=marks([amara]) + marks([ben], "absent"),
    )  # fmt: skip
    amara.refresh_from_db()
    ben.refresh_from_db()
    assert amara.last_activity_on == session.date
    assert ben.last_activity_on is None


def leader_of_session(session, user):
    session.opportunity.leaders.add(user)
    return user


def test_notes_and_genres_are_saved_and_left_alone_when_not_given(session, leader):
    (amara,) = group(session.opportunity, 1)
    grime, folk = GenreFactory(name="Grime"), GenreFactory(name="Folk")
    submit_register(
        session=session, by=leader, key=key(), marks=marks([amara]),
        notes=RegisterNotes(what_we_did="Bars and beats", pieces="Own tracks", genres=[grime, folk.pk]),
    )  # fmt: skip
    submit_register(session=session, by=leader, key=key(), marks=marks([amara], "late", minutes_ago=1))
    register = Register.objects.get()
    assert register.what_we_did == "Bars and beats"
    assert set(register.genres.all()) == {grime, folk}
    with pytest.raises(ValidationError) as refused:
        submit_register(session=session, by=leader, key=key(), marks=[], notes=RegisterNotes(genres=[999999]))
    assert refused.value.code == "unknown_genre"


def test_the_submission_runs_a_fixed_number_of_queries_whatever_the_group_size(
    make_user, django_assert_num_queries
):
    genre = GenreFactory()
    for size in (4, 40):
        session = session_on()
        leader = leader_of(make_user, session.opportunity)
        people = group(session.opportunity, size, consents=False)
        notes = RegisterNotes(what_we_did="Scales", genres=[genre.pk])
        # A first register, then a second one changing every mark.
        with django_assert_num_queries(17):
            submit_register(
                session=session, by=leader, key=key(), marks=marks(people, minutes_ago=9), notes=notes
            )
        with django_assert_num_queries(17):
            result = submit_register(
                session=session, by=leader, key=key(), marks=marks(people, "late", minutes_ago=1), notes=notes
            )
        assert result.changed == size
        assert Attendance.objects.filter(session=session, mark="late").count() == size


# ---- Whole classes --------------------------------------------------------------------------------------------


def whole_class(session, *, pupils=()):
    programme = WholeClassProgramme.objects.create(
        school=SchoolFactory(),
        partner=session.opportunity.partner,
        opportunity=session.opportunity,
        year_group=YearGroup.Y4,
        class_name="4B",
        pupils=28,
        starts_on=days_ago(30),
        ends_on=days_ago(-60),
    )
    programme.instruments.add(InstrumentFactory())
    programme.pupil_list.add(*pupils)
    return programme


def test_a_whole_class_without_a_pupil_list_gives_a_headcount(session, leader):
    whole_class(session)
    assert registers.takes_headcount(session)
    result = submit_register(session=session, by=leader, key=key(), marks=[], headcount=27)
    assert (result.register.method, result.register.headcount) == ("headcount", 27)
    for bad, code in [(None, "headcount_required"), (-1, "bad_headcount"), (999, "bad_headcount")]:
        with pytest.raises(ValidationError) as refused:
            submit_register(session=session, by=leader, key=key(), marks=[], headcount=bad)
        assert refused.value.code == code
    (amara,) = group(session.opportunity, 1)
    with pytest.raises(ValidationError) as refused:
        submit_register(session=session, by=leader, key=key(), marks=marks([amara]), headcount=3)
    assert refused.value.code == "headcount_only"


def test_a_whole_class_with_a_pupil_list_is_marked_by_name(session, leader):
    pupils = [YoungPersonFactory(), YoungPersonFactory()]
    whole_class(session, pupils=pupils)
    assert not registers.takes_headcount(session)
    assert {m.pk for m in registers.register_group(session, leader)} == {p.pk for p in pupils}
    submit_register(session=session, by=leader, key=key(), marks=marks(pupils))
    assert Attendance.objects.filter(session=session, walk_in=False).count() == 2


# ---- Walk-ins -------------------------------------------------------------------------------------------------


def test_a_walk_in_joins_the_group_when_marked_as_one(session, leader):
    (amara,) = group(session.opportunity, 1)
    visitor = YoungPersonFactory()
    submit_register(session=session, by=leader, key=key(), marks=marks([visitor], walk_in=True))
    assert Attendance.objects.get(young_person=visitor).walk_in
    assert AuditEntry.objects.filter(
        action="register.walk_in", object_id=str(visitor.pk), actor=leader
    ).exists()
    # Now in the group: a later register marks them without the walk-in flag, and they stay a walk-in.
    submit_register(
        session=session, by=leader, key=key(), marks=marks([amara, visitor], "late", minutes_ago=1)
    )
    assert Attendance.objects.get(young_person=visitor).walk_in
    assert not Attendance.objects.get(young_person=amara).walk_in
    assert visitor.pk in {m.pk for m in registers.register_group(session, leader)}


def test_an_enrolled_young_person_marked_as_a_walk_in_is_not_stored_as_one(session, leader):
    (amara,) = group(session.opportunity, 1)
    submit_register(session=session, by=leader, key=key(), marks=marks([amara], walk_in=True))
    assert not Attendance.objects.get(young_person=amara).walk_in


def named(first, last, **fields):
    return YoungPersonFactory(first_name=first, last_name=last, **fields)


def test_finding_a_walk_in_needs_two_letters_of_each_name_and_shows_little(session, leader):
    named("Amara", "Okonjo", year_group=YearGroup.Y7)
    named("Amari", "Okafor", preferred_name="Ari")
    named("Amara", "Smith")
    for first, last in [("A", "Okonjo"), ("Amara", "O"), ("", "")]:
        with pytest.raises(ValidationError) as refused:
            registers.find_walk_ins(session=session, by=leader, first_name=first, last_name=last)
        assert refused.value.code == "name_too_short"
    matches, more = registers.find_walk_ins(session=session, by=leader, first_name="am", last_name="ok")
    assert sorted((m.name, m.year_group) for m in matches) == [("Amara O.", "Year 7"), ("Ari O.", "")]
    assert not more
    audit = AuditEntry.objects.get(action="register.walk_in_search")
    assert audit.actor == leader and audit.detail == "matches=2"
    assert "Am" not in audit.detail and "Ok" not in audit.detail


def test_a_walk_in_search_shows_at_most_ten_matches(session, leader):
    for n in range(12):
        named(f"Sam{n}", "Jones")
    matches, more = registers.find_walk_ins(session=session, by=leader, first_name="Sam", last_name="Jones")
    assert len(matches) == 10 and more
    assert AuditEntry.objects.get(action="register.walk_in_search").detail == "matches=10+"


def test_adding_a_known_walk_in_needs_them_to_be_found_by_name(session, leader):
    zara = named("Zara", "Khan")
    other = named("Tom", "Brown")
    with pytest.raises(ValidationError) as refused:
        registers.add_walk_in(
            session=session, by=leader, young_person_id=other.pk, first_name="Za", last_name="Kh"
        )
    assert refused.value.code == "not_found"
    assert not Attendance.objects.exists()
    registers.add_walk_in(
        session=session, by=leader, young_person_id=zara.pk, first_name="Za", last_name="Kh"
    )
    attendance = Attendance.objects.get()
    assert (attendance.young_person, attendance.mark, attendance.walk_in) == (zara, "present", True)


def new_walk_in(session, by, **changes):
    fields = {
        "first_name": "Kai",
        "last_name": "Nowak",
        "date_of_birth": born_years_ago(9),
        "consent_given_by": Consent.GivenBy.GUARDIAN,
        "guardian_name": "Ola Nowak",
        "guardian_phone": "07700 900123",
    }
    fields.update(changes)
    return registers.register_walk_in(session=session, by=by, **fields)


def test_a_new_walk_in_under_13_is_registered_with_their_parents_consent_and_contact(session, leader):
    kai = new_walk_in(session, leader, media_consent=False)
    consent = Consent.objects.get(young_person=kai)
    assert (consent.purpose, consent.given_by, consent.given_by_name, consent.method) == (
        ConsentPurpose.DATA_PROCESSING,
        "guardian",
        "Ola Nowak",
        "in_person",
    )
    contact = WalkInContact.objects.get(young_person=kai)
    assert (contact.guardian_name, contact.guardian_phone, contact.session, contact.recorded_by) == (
        "Ola Nowak",
        "07700 900123",
        session,
        leader,
    )
    attendance = Attendance.objects.get(young_person=kai)
    assert (attendance.mark, attendance.walk_in, attendance.session) == ("present", True, session)
    member = next(m for m in registers.register_group(session, leader) if m.pk == kai.pk)
    assert member.walk_in and member.consent_notes == ["No photo consent"]


def test_a_new_walk_in_under_13_needs_a_parent_to_reach_and_to_agree(session, leader):
    with pytest.raises(ValidationError) as refused:
        new_walk_in(session, leader, guardian_phone="")
    assert refused.value.code == "guardian_details_required"
    with pytest.raises(ValidationError) as refused:
        new_walk_in(session, leader, consent_given_by=Consent.GivenBy.YOUNG_PERSON)
    assert refused.value.code == "guardian_consent_required"
    assert not YoungPerson.objects.exists() and not Attendance.objects.exists()


def test_a_new_walk_in_of_13_or_over_may_agree_for_themself(session, leader):
    jo = new_walk_in(
        session, leader, first_name="Jo", date_of_birth=born_years_ago(15), consent_given_by="young_person",
        guardian_name="", guardian_phone="", media_consent=True,
    )  # fmt: skip
    assert set(Consent.objects.filter(young_person=jo).values_list("purpose", "given_by")) == {
        ("data_processing", "young_person"),
        ("media", "young_person"),
    }
    assert not WalkInContact.objects.exists()


def test_a_new_walk_in_already_known_to_the_hub_is_found_instead(session, leader):
    named("Kai", "Nowak", date_of_birth=born_years_ago(9))
    with pytest.raises(ValidationError) as refused:
        new_walk_in(session, leader, last_name="NOWAK")
    assert refused.value.code == "already_known"


def test_no_walk_in_is_registered_at_a_cancelled_session(session, leader):
    session.is_cancelled = True
    session.save()
    with pytest.raises(ValidationError, match="cancelled"):
        new_walk_in(session, leader)
    assert not YoungPerson.objects.exists()


def test_erasing_a_young_person_drops_their_family_contact_and_reasons(session, leader, hub_admin):
    kai = new_walk_in(session, leader)
    submit_register(
        session=session, by=leader, key=key(), marks=marks([kai], "excused", minutes_ago=0, reason="Ill")
    )
    erase_young_person(young_person=kai, erased_by=hub_admin, reason="Asked by the family")
    assert not WalkInContact.objects.exists()
    assert Attendance.objects.get(young_person=kai).reason == ""


# ---- The group a person sees ----------------------------------------------------------------------------------


def test_the_group_is_the_enrolled_plus_walk_ins_with_marks_and_consent_notes(session, leader):
    amara, ben = group(session.opportunity, 2)
    no_photos = enrol(session.opportunity, preferred_name="Cee")
    Consent.objects.create(
        young_person=no_photos, purpose=ConsentPurpose.DATA_PROCESSING, given_by="guardian",
        given_by_name="P", wording_version="1", given_at=timezone.now(),
    )  # fmt: skip
    enrol(session.opportunity, status=Enrolment.Status.WAITING)
    submit_register(session=session, by=leader, key=key(), marks=marks([amara], "excused", reason="Ill"))
    rows = {m.pk: m for m in registers.register_group(session, leader)}
    assert set(rows) == {amara.pk, ben.pk, no_photos.pk}
    assert (rows[amara.pk].mark, rows[amara.pk].reason) == ("excused", "Ill")
    assert rows[ben.pk].mark == "" and rows[ben.pk].consent_notes == []
    assert rows[no_photos.pk].name == f"Cee {no_photos.last_name}"
    assert rows[no_photos.pk].consent_notes == ["No photo consent"]


def test_a_partner_member_sees_walk_ins_at_their_partners_sessions(session, leader, make_user):
    visitor = YoungPersonFactory()
    submit_register(session=session, by=leader, key=key(), marks=marks([visitor], walk_in=True))
    member = member_of(make_user, session.opportunity.partner)
    assert [m.pk for m in registers.register_group(session, member)] == [visitor.pk]
    outsider = member_of(make_user, session_on().opportunity.partner)
    assert registers.register_group(session, outsider) == []


# ---- My sessions -------------------------------------------------------------------------------------------


def test_sessions_are_those_a_person_leads_or_their_partner_runs_or_all_for_staff(
    session, leader, make_user, staff
):
    other = session_on()
    draft = session_on(status=Opportunity.Status.DRAFT)
    start, end = registers.week_of(timezone.localdate())

    def seen(user):
        return set(registers.sessions_for(user, start=start, end=end))

    assert seen(leader) == {session}
    assert seen(member_of(make_user, other.opportunity.partner)) == {other}
    assert seen(staff) == {session, other}
    assert draft not in seen(staff)
    assert seen(make_user(Role.GUARDIAN)) == set()
    assert set(
        registers.sessions_for(staff, start=start, end=end, partner_id=other.opportunity.partner_id)
    ) == {other}


def test_sessions_carry_their_register_state_counted_by_the_database(session, leader):
    amara, ben, cleo = group(session.opportunity, 3)
    start, end = registers.week_of(timezone.localdate())
    fresh = registers.sessions_for(leader, start=start, end=end).get()
    assert (fresh.marks_count, fresh.came_count, fresh.group_size) == (0, 0, 3)
    submit_register(
        session=session, by=leader, key=key(), marks=marks([amara, ben]) + marks([cleo], "absent")
    )
    taken = registers.sessions_for(leader, start=start, end=end).get()
    assert (taken.marks_count, taken.came_count, taken.group_size) == (3, 2, 3)
    assert taken.register.taken_by == leader


def test_a_week_runs_from_monday_to_sunday():
    assert registers.week_of(date(2030, 1, 9)) == (date(2030, 1, 7), date(2030, 1, 13))
    assert registers.week_of(date(2030, 1, 7)) == (date(2030, 1, 7), date(2030, 1, 13))


# ---- Phones sending at the same moment (PostgreSQL) ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_phones_sending_at_the_same_moment_never_double_or_lose_a_mark(make_user):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("Row locks need a real database server: run this on PostgreSQL (CI does).")
    session = session_on()
    leader = leader_of(make_user, session.opportunity)
    people = group(session.opportunity, 5, consents=False)
    shared_key = key()  # two of the sends are the same submission, retried
    sends = [(shared_key, "present", 9), (shared_key, "present", 9)] + [
        (key(), mark, minutes)
        for mark, minutes in [("late", 1), ("absent", 5), ("excused", 3), ("present", 7)]
    ]
    start = threading.Barrier(len(sends))
    errors: list[BaseException] = []

    def send(submission_key, mark, minutes):
        try:
            start.wait()
            submit_register(session=session, by=leader, key=submission_key,
                            marks=[RegisterMark(p.pk, mark, marked_at=at(minutes)) for p in people])  # fmt: skip
        except BaseException as error:  # reported by the main thread below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=args) for args in sends]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert stored(session) == {p.pk: "late" for p in people}  # the mark made last, one minute ago
    assert RegisterSubmission.objects.filter(session=session).count() == len(sends) - 1
    assert Attendance.objects.filter(session=session).count() == len(people)
