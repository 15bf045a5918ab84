"""Attendance figures (offer/attendance.py), checked against the hand-counted fixture in attendance_helpers."""

from datetime import timedelta

import pytest

from musichub.core.roles import Role
from musichub.offer import attendance
from musichub.offer.models import Opportunity
from musichub.offer.tests.factories import OpportunityFactory
from musichub.partners.tests.factories import PartnerMembershipFactory

from .attendance_helpers import build_band

pytestmark = pytest.mark.django_db


@pytest.fixture
def band(make_user):
    return build_band(make_user)


def _rows(band, user):
    return {p.first_name: p for p in attendance.attendance_rows(band.opportunity, user)}


def test_each_young_persons_marks_and_rate_are_counted_by_hand(band, staff):
    rows = _rows(band, staff)
    amara, ben, chloe, dev = rows["Amara"], rows["Ben"], rows["Chloe"], rows["Dev"]
    assert (amara.present, amara.late, amara.absent, amara.excused) == (1, 1, 1, 0)
    assert (amara.came, amara.marked, amara.rate) == (2, 3, 67)  # 66.7% rounds to 67
    assert (ben.present, ben.late, ben.absent, ben.excused) == (1, 0, 1, 1)
    assert (ben.came, ben.marked, ben.rate) == (1, 3, 33)
    assert (chloe.came, chloe.marked, chloe.rate) == (0, 0, None)
    assert (dev.came, dev.marked, dev.rate) == (1, 1, 100)


def test_the_group_is_the_enrolled_and_anyone_marked_but_nobody_else(band, staff):
    assert list(_rows(band, staff)) == [
        "Amara",
        "Ben",
        "Chloe",
        "Dev",
    ]  # by last name: Osei, Price, Quinn, Rao


def test_someone_who_left_still_shows_with_their_marks(band, staff):
    band.opportunity.enrolments.filter(young_person=band.people["ben"]).update(status="withdrawn")
    assert _rows(band, staff)["Ben"].marked == 3


def test_the_grid_shows_the_latest_sessions_up_to_today_newest_first(band):
    sessions = attendance.grid_sessions(band.opportunity, today=band.today)
    s = band.sessions
    assert [x.pk for x in sessions] == [s["cancelled"].pk, s["w1"].pk, s["w2"].pk, s["w3"].pk, s["w4"].pk]
    assert [x.has_register for x in sessions] == [False, False, True, True, True]
    assert len(attendance.grid_sessions(band.opportunity, today=band.today, limit=2)) == 2


def test_cells_say_mark_not_on_the_register_no_register_or_cancelled(band, staff):
    sessions = attendance.grid_sessions(band.opportunity, today=band.today)
    people = list(attendance.attendance_rows(band.opportunity, staff))
    attendance.grid_cells(people, sessions)
    by_name = {p.first_name: [c.mark for c in p.cells] for p in people}
    # columns: cancelled, 1 week ago (no register), 2, 3, 4 weeks ago
    assert by_name["Amara"] == ["cancelled", "none", "absent", "late", "present"]
    assert by_name["Ben"] == ["cancelled", "none", "present", "absent", "excused"]
    assert by_name["Chloe"] == ["cancelled", "none", "", "", ""]
    assert by_name["Dev"] == ["cancelled", "none", "", "present", ""]


def test_a_partner_member_sees_the_group_of_their_own_partners_opportunity(band):
    assert set(_rows(band, band.member)) == {"Amara", "Ben", "Chloe", "Dev"}


def test_a_leader_sees_the_group_they_lead_including_walk_ins(band):
    assert set(_rows(band, band.leader)) == {"Amara", "Ben", "Chloe", "Dev"}


def test_someone_elses_member_sees_nobody_in_the_group(band, make_user):
    outsider = make_user(Role.PARTNER_MEMBER)
    PartnerMembershipFactory(user=outsider)
    assert _rows(band, outsider) == {}


def test_a_guardian_sees_their_own_childs_attendance_per_opportunity(band, make_user):
    rows = list(attendance.family_attendance(band.guardian))
    assert [(r["young_person__first_name"], r["session__opportunity__title"]) for r in rows] == [
        ("Amara", "Harbour Samba Band"),
        ("Amara", "Other Choir"),
    ]
    samba = rows[0]
    assert (samba["came"], samba["late"], samba["absent"], samba["excused"], samba["rate"]) == (
        2,
        1,
        1,
        0,
        67,
    )
    assert samba["last_session"] == band.sessions["w2"].date
    assert list(attendance.family_attendance(make_user(Role.GUARDIAN))) == []


def test_a_childs_totals_cover_every_opportunity(band):
    totals = attendance.child_totals(band.people["amara"])
    assert (totals["came"], totals["marked"], totals["rate"]) == (3, 4, 75)


def test_the_attendance_list_is_scoped_and_counts_registers(band, staff, make_user):
    OpportunityFactory(
        title="Future band", status=Opportunity.Status.PUBLISHED
    )  # sessions only in 2030: none so far
    today = band.today
    everything = {
        o.title: o for o in attendance.opportunities_delivered_by(staff, is_staff=True, today=today)
    }
    assert set(everything) == {"Harbour Samba Band", "Other Choir"}
    samba = everything["Harbour Samba Band"]
    # sessions so far: 4, 3, 2, 1 weeks ago (the cancelled one does not count); registers at three of them
    assert (samba.sessions_so_far, samba.registers_taken, samba.registers_missing) == (4, 3, 1)
    assert [
        o.title for o in attendance.opportunities_delivered_by(band.leader, is_staff=False, today=today)
    ] == ["Harbour Samba Band"]
    assert [
        o.title for o in attendance.opportunities_delivered_by(band.member, is_staff=False, today=today)
    ] == ["Harbour Samba Band"]
    stranger = make_user(Role.MUSIC_LEADER)
    assert list(attendance.opportunities_delivered_by(stranger, is_staff=False, today=today)) == []


def test_a_session_counts_its_marks_and_walk_ins(band):
    counts = attendance.session_mark_counts(band.sessions["w3"])
    assert (counts["present"], counts["late"], counts["absent"], counts["walk_ins"], counts["marked"]) == (
        1,
        1,
        1,
        1,
        3,
    )


def test_sessions_after_today_are_not_in_the_grid(band):
    tomorrow_view = attendance.grid_sessions(band.opportunity, today=band.today + timedelta(weeks=1))
    assert tomorrow_view[0].pk == band.sessions["next"].pk
