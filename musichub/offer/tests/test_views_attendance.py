"""Attendance pages: an opportunity's grid, a session's register, paper registers, families' attendance."""

import re
import uuid

import pytest
from django.urls import reverse

from musichub.core.models import AuditEntry
from musichub.core.roles import Role
from musichub.offer.models import Attendance, AttendanceChange, Register, RegisterSubmission
from musichub.offer.registers import RegisterMark, submit_register
from musichub.offer.tests.factories import OpportunityFactory
from musichub.partners.tests.factories import PartnerMembershipFactory
from musichub.people.tests.factories import YoungPersonFactory

from .attendance_helpers import M, add_enrolled, build_band, mark, past_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def band(make_user):
    return build_band(make_user)


def grid_url(band):
    return reverse("offer:opportunity_attendance", args=[band.opportunity.slug])


def paper_url(band, *sessions):
    query = "&".join(f"sessions={s.pk}" for s in sessions)
    return reverse("offer:paper_register", args=[band.opportunity.slug]) + (f"?{query}" if query else "")


# ---- Who may see an opportunity's attendance -------------------------------------------------------------------


def test_staff_see_the_grid_with_rates_and_sessions_without_a_register(client, band, staff):
    client.force_login(staff)
    page = client.get(grid_url(band)).content.decode()
    assert "Amara" in page and "Dev" in page and "Erin" not in page
    assert "67%" in page and "33%" in page and "100%" in page and "no marks yet" in page
    assert "No register" in page and "Cancelled" in page
    assert reverse("offer:session_attendance", args=[band.sessions["w3"].pk]) in page
    assert reverse("offer:paper_register", args=[band.opportunity.slug]) in page
    assert AuditEntry.objects.filter(actor=staff, action="attendance.viewed").count() == 1


def test_the_partners_members_and_the_leader_see_it_without_the_paper_register(client, band):
    for user in (band.member, band.leader):
        client.force_login(user)
        response = client.get(grid_url(band))
        assert response.status_code == 200 and "Amara" in response.content.decode()
        assert reverse("offer:paper_register", args=[band.opportunity.slug]) not in response.content.decode()


def test_another_partners_member_and_another_leader_are_refused(client, band, make_user):
    outsider = make_user(Role.PARTNER_MEMBER)
    PartnerMembershipFactory(user=outsider)
    for user in (outsider, make_user(Role.MUSIC_LEADER)):
        client.force_login(user)
        assert client.get(grid_url(band)).status_code == 403
        assert (
            client.get(reverse("offer:session_attendance", args=[band.sessions["w3"].pk])).status_code == 403
        )
    assert client.get(reverse("offer:opportunity_attendance", args=["no-such-band"])).status_code == 404


def test_families_and_school_contacts_cannot_open_staff_attendance(client, band, make_user):
    for role in (Role.GUARDIAN, Role.YOUNG_PERSON, Role.SCHOOL_CONTACT):
        client.force_login(make_user(role))
        assert client.get(grid_url(band)).status_code == 403
        assert client.get(reverse("offer:attendance_list")).status_code == 403


def test_the_grid_takes_a_fixed_number_of_queries(client, band, staff, django_assert_num_queries):
    client.force_login(staff)
    # session, user, opportunity, sessions, count, page, cells, audit, hub identity
    with django_assert_num_queries(9):
        client.get(grid_url(band))
    add_enrolled(band.opportunity, 30, session=band.sessions["w2"])
    with django_assert_num_queries(9):
        response = client.get(grid_url(band))
    assert "Page 1 of 2" in response.content.decode()


def test_the_grid_for_a_partner_member_takes_a_fixed_number_of_queries(
    client, band, django_assert_num_queries
):
    client.force_login(band.member)
    # as for staff, and the delivery check: is a leader?, is a member?
    with django_assert_num_queries(11):
        client.get(grid_url(band))
    add_enrolled(band.opportunity, 30, session=band.sessions["w2"])
    with django_assert_num_queries(11):
        client.get(grid_url(band))


def test_the_attendance_list_takes_a_fixed_number_of_queries(client, band, staff, django_assert_num_queries):
    client.force_login(staff)
    with django_assert_num_queries(5):  # session, user, count, page, hub identity
        page = client.get(reverse("offer:attendance_list")).content.decode()
    assert "Harbour Samba Band" in page and "1 missing" in page
    for weeks in range(6, 12):
        past_session(band.other, weeks)
    with django_assert_num_queries(5):
        client.get(reverse("offer:attendance_list"))


# ---- A session's register --------------------------------------------------------------------------------------


def test_a_sessions_page_shows_its_register_notes_and_change_history(client, band, staff, make_user):
    session = band.sessions["w3"]
    leader = band.leader
    Register.objects.filter(session=session).update(taken_by=leader, what_we_did="Samba <b>reggae</b> groove")
    submit_register(
        session=session,
        by=leader,
        key=uuid.uuid4(),
        marks=[RegisterMark(young_person_id=band.people["ben"].pk, mark=M.LATE)],
    )
    client.force_login(staff)
    page = client.get(reverse("offer:session_attendance", args=[session.pk])).content.decode()
    assert "Amara" in page and "Dev" in page and "walk-in" in page
    assert "Samba &lt;b&gt;reggae&lt;/b&gt; groove" in page  # user text is escaped
    assert str(leader) in page
    history = page.split("Changes after the first marks")[1]
    assert "Ben" in history and "Absent" in history and "Late" in history
    assert AuditEntry.objects.filter(
        actor=staff, action="register.viewed", object_id=str(session.pk)
    ).exists()


def test_a_session_without_a_register_says_so(client, band, staff):
    client.force_login(staff)
    page = client.get(reverse("offer:session_attendance", args=[band.sessions["w1"].pk])).content.decode()
    assert "No register was taken for this session" in page
    assert paper_url(band, band.sessions["w1"]) in page.replace("&amp;", "&")


def test_the_session_page_takes_a_fixed_number_of_queries(client, band, staff, django_assert_num_queries):
    session = band.sessions["w2"]
    client.force_login(staff)
    # session, user, session+opportunity, register, genres, audit, counts, marks count, marks, changes count,
    # hub identity
    with django_assert_num_queries(11):
        client.get(reverse("offer:session_attendance", args=[session.pk]))
    add_enrolled(band.opportunity, 30, session=session)
    with django_assert_num_queries(11):
        client.get(reverse("offer:session_attendance", args=[session.pk]))


# ---- Families ----------------------------------------------------------------------------------------------------


def test_a_guardian_sees_only_their_own_childs_attendance(client, band, make_user):
    client.force_login(band.guardian)
    page = client.get(reverse("offer:family_attendance")).content.decode()
    assert "Amara" in page and "Harbour Samba Band" in page and "Other Choir" in page
    assert "Ben" not in page and "Dev" not in page
    child = client.get(reverse("offer:child_attendance", args=[band.people["amara"].pk])).content.decode()
    assert "Came to 3 of 4 sessions (75%)" in child
    assert AuditEntry.objects.filter(
        actor=band.guardian, action="young_person.viewed", object_id=str(band.people["amara"].pk)
    ).exists()
    assert client.get(reverse("offer:child_attendance", args=[band.people["ben"].pk])).status_code == 404


def test_a_young_person_sees_their_own_attendance_only(client, band, make_user):
    young = make_user(Role.YOUNG_PERSON)
    ben = band.people["ben"]
    ben.user = young
    ben.save(update_fields=["user"])
    client.force_login(young)
    page = client.get(reverse("offer:family_attendance")).content.decode()
    assert "Ben" in page and "Amara" not in page
    assert client.get(reverse("offer:child_attendance", args=[ben.pk])).status_code == 200
    assert client.get(reverse("offer:child_attendance", args=[band.people["amara"].pk])).status_code == 404


def test_staff_and_partners_do_not_use_the_family_pages(client, band, staff):
    for user in (staff, band.member, band.leader):
        client.force_login(user)
        assert client.get(reverse("offer:family_attendance")).status_code == 403


def test_the_family_page_takes_a_fixed_number_of_queries(client, band, django_assert_num_queries):
    client.force_login(band.guardian)
    with django_assert_num_queries(5):  # session, user, count, page, hub identity
        client.get(reverse("offer:family_attendance"))
    family = band.people["amara"].family
    for _n in range(3):
        mark(band.sessions["w2"], YoungPersonFactory(family=family), M.PRESENT)
    with django_assert_num_queries(5):
        client.get(reverse("offer:family_attendance"))


def test_a_childs_page_takes_a_fixed_number_of_queries(client, band, django_assert_num_queries):
    amara = band.people["amara"]
    client.force_login(band.guardian)
    url = reverse("offer:child_attendance", args=[amara.pk])
    with django_assert_num_queries(8):  # session, user, child, audit, totals, count, page, hub identity
        client.get(url)
    for weeks in range(6, 40):
        mark(past_session(band.opportunity, weeks), amara, M.PRESENT)
    with django_assert_num_queries(8):
        response = client.get(url)
    assert "Page 1 of 2" in response.content.decode()


# ---- Paper registers --------------------------------------------------------------------------------------------


def _grid(client, url):
    """GET the grid and return its form data as the browser would send it (keys and current selections)."""
    page = client.get(url).content.decode()
    data = dict(re.findall(r'<input type="hidden" name="(key_\d+)" value="([^"]+)"', page))
    for name in re.findall(r'<select name="(mark_\d+_\d+)"', page):
        selected = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
        chosen = re.search(r'<option value="([^"]*)" selected>', selected)
        data[name] = chosen.group(1) if chosen else ""
    return data


def test_only_staff_enter_paper_registers(client, band):
    for user in (band.member, band.leader):
        client.force_login(user)
        assert client.get(paper_url(band)).status_code == 403
        assert client.post(paper_url(band, band.sessions["w1"]), {}).status_code == 403
    assert not Register.objects.filter(session=band.sessions["w1"]).exists()


def test_the_session_choice_offers_past_sessions_not_cancelled(client, band, staff):
    client.force_login(staff)
    page = client.get(paper_url(band)).content.decode()
    for key in ("w1", "w2", "w3", "w4"):
        assert f'value="{band.sessions[key].pk}"' in page
    assert f'value="{band.sessions["cancelled"].pk}"' not in page
    assert f'value="{band.sessions["next"].pk}"' not in page
    assert "register taken" in page


@pytest.mark.parametrize("which", ["cancelled", "next"])
def test_a_cancelled_or_future_session_cannot_be_chosen(client, band, staff, which):
    client.force_login(staff)
    response = client.get(paper_url(band, band.sessions[which]))
    assert response.status_code == 400
    assert "on or before today that were not cancelled" in response.content.decode()


def test_at_most_six_sessions_at_a_time(client, band, staff):
    sessions = [band.sessions[k] for k in ("w1", "w2", "w3", "w4")] + [
        past_session(band.opportunity, w) for w in (5, 6, 7)
    ]
    client.force_login(staff)
    response = client.get(paper_url(band, *sessions))
    assert response.status_code == 400 and "at most 6 sessions" in response.content.decode()


def test_staff_enter_a_paper_register_for_two_sessions(client, band, staff):
    w1, w2 = band.sessions["w1"], band.sessions["w2"]
    amara, ben, chloe, dev = (band.people[k] for k in ("amara", "ben", "chloe", "dev"))
    client.force_login(staff)
    url = paper_url(band, w1, w2)
    data = _grid(client, url)
    assert data[f"mark_{w2.pk}_{amara.pk}"] == "absent"  # the grid starts from the marks already taken
    data.update(
        {
            f"mark_{w1.pk}_{amara.pk}": "present",
            f"mark_{w1.pk}_{ben.pk}": "excused",
            f"mark_{w1.pk}_{dev.pk}": "late",  # a walk-in at an earlier session, not enrolled
            f"mark_{w2.pk}_{chloe.pk}": "present",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == reverse(
        "offer:opportunity_attendance", args=[band.opportunity.slug]
    )
    register = Register.objects.get(session=w1)
    assert register.method == "paper" and register.taken_by == staff
    marks = dict(Attendance.objects.filter(session=w1).values_list("young_person__first_name", "mark"))
    assert marks == {"Amara": "present", "Ben": "excused", "Dev": "late"}
    assert Attendance.objects.get(session=w1, young_person=dev).walk_in
    assert Attendance.objects.get(session=w2, young_person=chloe).mark == "present"
    unchanged = Attendance.objects.get(session=w2, young_person=amara)
    assert (unchanged.mark, unchanged.marked_by) == ("absent", None)  # as it was: not sent again
    assert RegisterSubmission.objects.filter(session__in=[w1, w2]).count() == 2
    assert AuditEntry.objects.filter(actor=staff, action="register.paper_entered").count() == 1


def test_sending_the_same_page_again_doubles_nothing_and_does_not_undo_later_marks(client, band, staff):
    w1 = band.sessions["w1"]
    amara = band.people["amara"]
    client.force_login(staff)
    url = paper_url(band, w1)
    data = _grid(client, url)
    data[f"mark_{w1.pk}_{amara.pk}"] = "present"
    assert client.post(url, data).status_code == 302
    # Later the leader corrects the mark on the phone; then the old page is sent again (a double click, a resend).
    submit_register(
        session=w1,
        by=band.leader,
        key=uuid.uuid4(),
        marks=[RegisterMark(young_person_id=amara.pk, mark=M.LATE)],
    )
    response = client.post(url, data, follow=True)
    assert "already sent" in response.content.decode()
    assert Attendance.objects.get(session=w1, young_person=amara).mark == "late"
    assert Attendance.objects.filter(session=w1).count() == 1
    assert RegisterSubmission.objects.filter(session=w1).count() == 2  # the paper page once, the phone once
    assert AttendanceChange.objects.filter(session=w1).count() == 1  # present -> late, by the leader


def test_a_bad_cell_comes_back_with_everything_filled_in(client, band, staff):
    w1 = band.sessions["w1"]
    amara, ben = band.people["amara"], band.people["ben"]
    client.force_login(staff)
    url = paper_url(band, w1)
    data = _grid(client, url)
    data[f"mark_{w1.pk}_{amara.pk}"] = "present"
    data[f"mark_{w1.pk}_{ben.pk}"] = "asleep"
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose present, late, absent, absent with reason or not marked." in page
    assert f'href="#id_mark_{w1.pk}_{ben.pk}"' in page  # the error summary links to the cell
    amara_cell = re.search(rf'<select name="mark_{w1.pk}_{amara.pk}".*?</select>', page, re.S).group(0)
    assert '<option value="present" selected>' in amara_cell
    assert f'value="{data[f"key_{w1.pk}"]}"' in page  # the same key: sending the fixed page enters it once
    assert not Attendance.objects.filter(session=w1).exists()


def test_an_empty_grid_is_refused(client, band, staff):
    w1 = band.sessions["w1"]
    client.force_login(staff)
    url = paper_url(band, w1)
    response = client.post(url, _grid(client, url))
    assert response.status_code == 400 and "Mark at least one young person" in response.content.decode()
    assert not Register.objects.filter(session=w1).exists()


def test_a_missing_key_is_refused(client, band, staff):
    w1 = band.sessions["w1"]
    client.force_login(staff)
    url = paper_url(band, w1)
    data = _grid(client, url)
    data[f"mark_{w1.pk}_{band.people['amara'].pk}"] = "present"
    data[f"key_{w1.pk}"] = "not-a-key"
    response = client.post(url, data)
    assert response.status_code == 400 and "This page is out of date" in response.content.decode()
    assert not Attendance.objects.filter(session=w1).exists()


def test_the_whole_sheet_is_entered_or_none_of_it(client, band, staff):
    """Sessions are entered in date order. The later one's key was already used for another session, so
    submit_register refuses it; the earlier one's marks (applied just before, in the same transaction) are
    rolled back with it."""
    earlier, later = band.sessions["w2"], band.sessions["w1"]
    chloe, amara = band.people["chloe"], band.people["amara"]
    used = uuid.uuid4()
    submit_register(
        session=band.sessions["w4"],
        by=staff,
        key=used,
        marks=[RegisterMark(young_person_id=chloe.pk, mark=M.PRESENT)],
    )
    client.force_login(staff)
    url = paper_url(band, later, earlier)
    data = _grid(client, url)
    data[f"mark_{earlier.pk}_{chloe.pk}"] = "late"
    data[f"mark_{later.pk}_{amara.pk}"] = "present"
    data[f"key_{later.pk}"] = str(used)
    response = client.post(url, data)
    assert response.status_code == 400
    assert "belongs to another register" in response.content.decode()
    assert not Attendance.objects.filter(session=earlier, young_person=chloe).exists()
    assert not RegisterSubmission.objects.filter(session=earlier).exists()
    assert not Attendance.objects.filter(session=later).exists()
    assert not Register.objects.filter(session=later).exists()


def test_the_paper_grid_takes_a_fixed_number_of_queries(client, band, staff, django_assert_num_queries):
    url = paper_url(band, band.sessions["w1"], band.sessions["w2"])
    client.force_login(staff)
    # session, user, opportunity, chosen sessions, group, marks, hub identity
    with django_assert_num_queries(7):
        client.get(url)
    add_enrolled(band.opportunity, 20, session=band.sessions["w2"])
    with django_assert_num_queries(7):
        client.get(url)


def test_an_opportunity_with_nobody_in_it_says_what_to_do(client, staff):
    empty = OpportunityFactory(slug="empty-band")
    session = past_session(empty, 1)
    client.force_login(staff)
    url = reverse("offer:paper_register", args=["empty-band"]) + f"?sessions={session.pk}"
    page = client.get(url).content.decode()
    assert "Nobody is enrolled on this opportunity" in page and 'name="mark_' not in page


# ---- Ways in -----------------------------------------------------------------------------------------------------


def test_the_opportunitys_management_page_links_to_its_attendance_and_past_sessions(client, band, staff):
    client.force_login(staff)
    page = client.get(reverse("offer:opportunity_sessions", args=[band.opportunity.pk])).content.decode()
    assert grid_url(band) in page
    assert reverse("offer:session_attendance", args=[band.sessions["w2"].pk]) in page
    assert reverse("offer:session_attendance", args=[band.sessions["next"].pk]) not in page
    assert reverse("offer:session_attendance", args=[band.sessions["cancelled"].pk]) not in page


def test_the_leader_can_take_a_past_sessions_register_from_its_page_but_not_a_future_one(client, band):
    client.force_login(band.leader)
    page = client.get(reverse("offer:session_attendance", args=[band.sessions["w1"].pk])).content.decode()
    assert reverse("offer:register", args=[band.sessions["w1"].pk]) in page and "Take the register" in page
    future = client.get(reverse("offer:session_attendance", args=[band.sessions["next"].pk])).content.decode()
    assert reverse("offer:register", args=[band.sessions["next"].pk]) not in future
    assert "has not happened yet" in future


def test_the_attendance_menu_entry_follows_the_policy(band, staff, make_user):
    from musichub.core.navigation import navigation_for

    def labels(user):
        return [entry["label"] for entry in navigation_for(user)]

    assert "Attendance" in labels(staff) and "Attendance" in labels(band.leader)
    assert "Attendance" in labels(band.guardian)  # their family's attendance
    assert "Attendance" not in labels(make_user(Role.SCHOOL_CONTACT))
