"""Register pages: my sessions, the register (plain form and JSON), walk-ins, concerns, the service worker, and
who may open them."""

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from musichub.core.models import AuditEntry
from musichub.core.roles import Role
from musichub.offer.models import Attendance, AttendanceChange, Register, RegisterSubmission, WalkInContact
from musichub.offer.registers import submit_register
from musichub.partners.tests.factories import GenreFactory
from musichub.people.models import SafeguardingConcern, YoungPerson
from musichub.people.tests.factories import YoungPersonFactory, born_years_ago

from .register_helpers import days_ago, group, key, leader_of, marks, member_of, session_on

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def session():
    return session_on()


@pytest.fixture
def leader(make_user, session):
    return leader_of(make_user, session.opportunity, username="leader-1")


def register_url(session):
    return reverse("offer:register", args=[session.pk])


def page_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def form_key(page):
    return re.search(r'name="key" value="([0-9a-f-]{36})"', page).group(1)


def posted(page, **marks_by_pk):
    """The register form as a phone without JavaScript posts it: the key, the shown marks and the new ones."""
    data = {"key": form_key(page)}
    for pk, was in re.findall(r'name="was_(\d+)" value="(\w*)"', page):
        data[f"was_{pk}"] = was
        if was:
            data[f"mark_{pk}"] = was
    for pk, mark in marks_by_pk.items():
        data[f"mark_{pk}"] = mark
    return data


# ---- My sessions ---------------------------------------------------------------------------------------------


def test_a_leader_sees_todays_sessions_with_their_register_state(client, session, leader):
    people = group(session.opportunity, 3)
    later = session_on(timezone.localdate() + timedelta(days=1), opportunity=session.opportunity)
    other = session_on()
    client.force_login(leader)
    page = page_of(client, reverse("offer:my_sessions"))
    assert session.opportunity.title in page and other.opportunity.title not in page
    assert "Today" in page and "Not taken" in page and "3 enrolled" in page
    assert register_url(session) in page
    assert register_url(later) not in page  # a register opens on the day
    submit_register(
        session=session, by=leader, key=key(), marks=marks(people[:2]) + marks(people[2:], "absent")
    )
    page = page_of(client, reverse("offer:my_sessions"))
    assert "3 marks, 2 came" in page and "Open the register" in page


def test_my_sessions_has_an_empty_state_and_weeks_to_move_between(client, make_user):
    client.force_login(make_user(Role.MUSIC_LEADER))
    page = page_of(client, reverse("offer:my_sessions"))
    assert "You have no sessions this week" in page and "ask the hub's staff to add you" in page
    last_week = session_on(days_ago(7))
    last_week.opportunity.leaders.add(make_user(Role.MUSIC_LEADER, username="lw"))
    client.force_login(last_week.opportunity.leaders.get())
    assert last_week.opportunity.title in page_of(client, reverse("offer:my_sessions") + "?week=-1")
    assert "no sessions this week" in page_of(client, reverse("offer:my_sessions") + "?week=nonsense")


def card(session):
    return f'<h3 class="session-card__title">{session.opportunity.title}</h3>'


def test_staff_see_every_session_and_filter_by_partner(client, staff, session):
    other = session_on()
    client.force_login(staff)
    page = page_of(client, reverse("offer:my_sessions"))
    assert session.opportunity.title in page and other.opportunity.title in page
    page = page_of(client, reverse("offer:my_sessions") + f"?partner={other.opportunity.partner_id}")
    assert card(session) not in page and card(other) in page
    page = page_of(client, reverse("offer:my_sessions") + "?partner=999999")  # unknown: every session
    assert card(session) in page and card(other) in page


@pytest.mark.parametrize("role", ["leader", "staff"])
def test_my_sessions_takes_a_fixed_number_of_queries(client, make_user, django_assert_num_queries, role):
    user = make_user(Role.MUSIC_LEADER if role == "leader" else Role.HUB_STAFF)
    expected = 5 if role == "leader" else 7  # session, user, count, page, hub; staff: partners, opportunities

    def add_sessions(n):
        for _ in range(n):
            session = session_on()
            session.opportunity.leaders.add(user)
            people = group(session.opportunity, 2, consents=False)
            submit_register(session=session, by=user, key=key(), marks=marks(people))

    add_sessions(2)
    client.force_login(user)
    with django_assert_num_queries(expected):
        client.get(reverse("offer:my_sessions"))
    add_sessions(6)
    with django_assert_num_queries(expected):
        page = client.get(reverse("offer:my_sessions")).content.decode()
    assert page.count("2 marks, 2 came") == 8


def test_my_sessions_is_paginated(client, make_user):
    user = make_user(Role.MUSIC_LEADER)
    for _ in range(27):
        session_on().opportunity.leaders.add(user)
    client.force_login(user)
    page = page_of(client, reverse("offer:my_sessions"))
    assert page.count('<li class="session-card') == 25 and "Page 1 of 2" in page


# ---- The register page ---------------------------------------------------------------------------------------


def test_the_register_page_lists_the_group_by_preferred_name_with_consent_notes(client, session, leader):
    amara, ben = group(session.opportunity, 2)
    YoungPerson.objects.filter(pk=amara.pk).update(preferred_name="Mara")
    no_consent = YoungPersonFactory(first_name="Cleo")
    from .register_helpers import enrol

    enrol(session.opportunity, no_consent)
    client.force_login(leader)
    page = page_of(client, register_url(session))
    assert f"Mara {amara.last_name}" in page and f"Cleo {no_consent.last_name}" in page
    assert page.count("No photo consent") == 1 and "No consent to keep their details" in page
    assert f'name="mark_{ben.pk}" value="present"' in page
    assert "Raise a safeguarding concern" in page and reverse("offer:walk_in", args=[session.pk]) in page
    assert form_key(page) != form_key(page_of(client, register_url(session)))  # a fresh key on each page
    assert (
        AuditEntry.objects.filter(action="register.viewed", actor=leader, object_id=str(session.pk)).count()
        == 2
    )


def test_a_register_sent_as_a_plain_form_saves_the_marks_and_says_so(client, session, leader):
    amara, ben, cleo = group(session.opportunity, 3)
    grime = GenreFactory(name="Grime")
    client.force_login(leader)
    data = posted(
        page_of(client, register_url(session)), **{str(amara.pk): "present", str(ben.pk): "excused"}
    )
    data |= {f"reason_{ben.pk}": "Hospital appointment", "what_we_did": "Riffs", "genres": [grime.pk]}
    response = client.post(register_url(session), data, follow=True)
    assert response.redirect_chain[-1][0] == register_url(session)
    assert "Register sent: 2 marks saved." in response.content.decode()
    assert dict(Attendance.objects.values_list("young_person_id", "mark")) == {
        amara.pk: "present",
        ben.pk: "excused",
    }
    assert Attendance.objects.get(young_person=ben).reason == "Hospital appointment"
    register = Register.objects.get(session=session)
    assert register.what_we_did == "Riffs" and list(register.genres.all()) == [grime]
    assert RegisterSubmission.objects.count() == 1


def test_resending_a_page_does_not_undo_a_later_change_made_on_another_phone(
    client, session, leader, make_user
):
    (amara,) = group(session.opportunity, 1)
    submit_register(session=session, by=leader, key=key(), marks=marks([amara], minutes_ago=30))
    client.force_login(leader)
    stale = page_of(client, register_url(session))  # shows "present"
    helper = leader_of(make_user, session.opportunity)
    submit_register(session=session, by=helper, key=key(), marks=marks([amara], "late", minutes_ago=1))
    response = client.post(register_url(session), posted(stale) | {"what_we_did": "Scales"})
    assert response.status_code == 302
    assert Attendance.objects.get().mark == "late"
    assert Register.objects.get().what_we_did == "Scales"


def test_a_mark_changed_on_the_page_without_javascript_is_saved_and_logged(client, session, leader):
    (amara,) = group(session.opportunity, 1)
    submit_register(session=session, by=leader, key=key(), marks=marks([amara], minutes_ago=30))
    client.force_login(leader)
    client.post(
        register_url(session), posted(page_of(client, register_url(session)), **{str(amara.pk): "absent"})
    )
    assert Attendance.objects.get().mark == "absent"
    assert AttendanceChange.objects.get().new_mark == "absent"


def test_a_register_sent_by_javascript_is_answered_with_json_once(client, session, leader):
    amara, ben = group(session.opportunity, 2)
    client.force_login(leader)
    tapped = (timezone.now() - timedelta(minutes=3)).isoformat().replace("+00:00", "Z")
    data = {
        "key": str(uuid.uuid4()),
        f"mark_{amara.pk}": "late",
        f"tapped_{amara.pk}": tapped,
        f"was_{amara.pk}": "",
    }
    first = client.post(register_url(session), data, **JSON)
    assert first.status_code == 200
    assert first.json()["status"] == "sent" and first.json()["saved"] == 1
    again = client.post(register_url(session), data, **JSON)
    assert again.json()["status"] == "already_received"
    marked_at = Attendance.objects.get().marked_at
    assert abs((timezone.now() - marked_at) - timedelta(minutes=3)) < timedelta(seconds=5)
    assert RegisterSubmission.objects.count() == 1 and Attendance.objects.count() == 1


def test_a_refused_register_is_answered_with_the_reason_and_saves_nothing(client, session, leader):
    (amara,) = group(session.opportunity, 1)
    outsider = YoungPersonFactory()
    client.force_login(leader)
    data = {"key": str(uuid.uuid4()), f"mark_{amara.pk}": "present", f"mark_{outsider.pk}": "present"}
    refused = client.post(register_url(session), data, **JSON)
    assert refused.status_code == 400
    assert refused.json()["status"] == "refused" and "not in this group" in refused.json()["errors"][0]
    plain = client.post(register_url(session), data)
    assert plain.status_code == 400 and "not in this group" in plain.content.decode()
    assert not Attendance.objects.exists() and not RegisterSubmission.objects.exists()
    bad_mark = client.post(
        register_url(session), {"key": str(uuid.uuid4()), f"mark_{amara.pk}": "asleep"}, **JSON
    )
    assert bad_mark.status_code == 400 and "Choose present, late, absent" in bad_mark.json()["errors"][0]


def test_a_cancelled_or_future_session_shows_why_and_refuses_marks(client, session, leader):
    (amara,) = group(session.opportunity, 1)
    session.is_cancelled = True
    session.save()
    client.force_login(leader)
    page = page_of(client, register_url(session))
    assert "was cancelled" in page and 'id="register-form"' not in page
    response = client.post(register_url(session), {"key": str(uuid.uuid4()), f"mark_{amara.pk}": "present"})
    assert response.status_code == 400 and not Attendance.objects.exists()
    future = session_on(timezone.localdate() + timedelta(days=2), opportunity=session.opportunity)
    assert "opens on the day" in page_of(client, register_url(future))


def test_a_whole_class_without_a_list_asks_for_a_headcount(client, session, leader):
    from .test_registers import whole_class

    whole_class(session)
    client.force_login(leader)
    page = page_of(client, register_url(session))
    assert "How many pupils were there?" in page and "mark_" not in page
    missing = client.post(register_url(session), {"key": form_key(page)})
    assert missing.status_code == 400 and "Enter how many pupils were there" in missing.content.decode()
    client.post(register_url(session), {"key": form_key(page), "headcount": "26"})
    assert (Register.objects.get().method, Register.objects.get().headcount) == ("headcount", 26)


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_register_takes_a_fixed_number_of_queries_whatever_the_group_size(
    client, make_user, django_assert_num_queries, method
):
    expected = {"get": 10, "post": 21}[method]
    for size in (3, 30):
        session = session_on()
        leader = leader_of(make_user, session.opportunity)
        people = group(session.opportunity, size)
        GenreFactory()
        client.force_login(leader)
        data = {"key": str(uuid.uuid4()), "what_we_did": "Scales"} | {
            f"mark_{p.pk}": "present" for p in people
        }
        with django_assert_num_queries(expected):
            if method == "get":
                page = client.get(register_url(session)).content.decode()
            else:
                client.post(register_url(session), data)
        if method == "get":
            assert page.count('class="register-row') == size
        else:
            assert Attendance.objects.filter(session=session).count() == size


# ---- Who may open it -----------------------------------------------------------------------------------------


def test_only_those_who_deliver_the_session_open_its_register(client, session, leader, make_user):
    (amara,) = group(session.opportunity, 1)
    urls = [register_url(session)] + [
        reverse(name, args=[session.pk]) for name in ("offer:walk_in", "offer:raise_concern")
    ]
    other_leader = leader_of(make_user, session_on().opportunity)
    other_member = member_of(make_user, session_on().opportunity.partner)
    for outsider in (other_leader, other_member):
        client.force_login(outsider)
        for url in urls:
            assert client.get(url).status_code == 403
        data = {"key": str(uuid.uuid4()), f"mark_{amara.pk}": "present"}
        assert client.post(register_url(session), data).status_code == 403
    assert not Attendance.objects.exists()
    client.force_login(make_user(Role.GUARDIAN))
    assert client.get(register_url(session)).status_code == 403
    client.force_login(member_of(make_user, session.opportunity.partner))
    assert amara.last_name in page_of(client, register_url(session))
    client.force_login(leader)
    assert client.get(reverse("offer:register", args=[999999])).status_code == 404
    client.logout()
    assert "/accounts/login/" in client.get(register_url(session))["Location"]


def test_a_partner_member_sees_the_marks_a_leader_sent(client, session, leader, make_user):
    amara, ben = group(session.opportunity, 2)
    submit_register(
        session=session, by=leader, key=key(), marks=marks([amara]) + marks([ben], "excused", reason="Ill")
    )
    client.force_login(member_of(make_user, session.opportunity.partner))
    page = page_of(client, register_url(session))
    assert re.search(rf'name="mark_{amara.pk}" value="present"[^>]*checked', page)
    assert re.search(rf'name="mark_{ben.pk}" value="excused"[^>]*checked', page)
    assert "Sent: 2 young people marked." in page


# ---- Walk-ins ------------------------------------------------------------------------------------------------


def walk_in_url(session):
    return reverse("offer:walk_in", args=[session.pk])


def test_a_leader_finds_a_known_young_person_by_name_and_adds_them(client, session, leader):
    zara = YoungPersonFactory(first_name="Zara", last_name="Khan", year_group="8")
    client.force_login(leader)
    short = client.post(
        walk_in_url(session), {"action": "search", "find-first_name": "Z", "find-last_name": "Khan"}
    )
    assert short.status_code == 400 and "Type at least 2 letters" in short.content.decode()
    page = client.post(
        walk_in_url(session), {"action": "search", "find-first_name": "za", "find-last_name": "kh"}
    ).content.decode()
    assert "Zara K." in page and "Year 8" in page and "Khan" not in page
    assert AuditEntry.objects.filter(action="register.walk_in_search", actor=leader).count() == 1
    response = client.post(
        walk_in_url(session),
        {"action": "add", "find-first_name": "za", "find-last_name": "kh", "find-young_person": zara.pk},
    )
    assert response["Location"] == register_url(session)
    attendance = Attendance.objects.get()
    assert (attendance.young_person, attendance.mark, attendance.walk_in) == (zara, "present", True)
    page = page_of(client, register_url(session))
    assert "Zara Khan" in page and "Walk-in" in page


def test_a_walk_in_cannot_be_added_by_a_guessed_id(client, session, leader):
    YoungPersonFactory(first_name="Zara", last_name="Khan")
    someone = YoungPersonFactory(first_name="Ola", last_name="Smith")
    client.force_login(leader)
    response = client.post(
        walk_in_url(session),
        {"action": "add", "find-first_name": "za", "find-last_name": "kh", "find-young_person": someone.pk},
    )
    assert response.status_code == 400 and "Search for them by name again" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_leader_adds_someone_new_with_the_minimum_details(client, session, leader):
    client.force_login(leader)
    fields = {"action": "new"} | {
        f"new-{name}": value
        for name, value in {
            "first_name": "Kai",
            "last_name": "Nowak",
            "date_of_birth": born_years_ago(9).isoformat(),
            "consent_given_by": "guardian",
            "consent_method": "in_person",
            "data_consent": "on",
        }.items()
    }
    missing = client.post(walk_in_url(session), fields)
    text = missing.content.decode()
    assert missing.status_code == 400
    assert "Enter the name of their parent or carer" in text and "an email address or a phone number" in text
    response = client.post(
        walk_in_url(session),
        fields | {"new-guardian_name": "Ola Nowak", "new-guardian_email": "ola@example.org"},
    )
    assert response["Location"] == register_url(session)
    kai = YoungPerson.objects.get(first_name="Kai")
    assert WalkInContact.objects.get(young_person=kai).guardian_email == "ola@example.org"
    assert Attendance.objects.get(young_person=kai).walk_in
    assert "No photo consent" in page_of(client, register_url(session))


# ---- Safeguarding concerns -----------------------------------------------------------------------------------


def test_a_concern_goes_to_the_safeguarding_lead_and_is_not_shown_on_the_register(client, session, leader):
    (amara,) = group(session.opportunity, 1)
    client.force_login(leader)
    url = reverse("offer:raise_concern", args=[session.pk])
    empty = client.post(url, {"young_person": amara.pk, "details": " "})
    assert empty.status_code == 400 and "Say what happened" in empty.content.decode()
    outsider = YoungPersonFactory()
    assert client.post(url, {"young_person": outsider.pk, "details": "x"}).status_code == 400
    response = client.post(
        url, {"young_person": amara.pk, "details": "Bruise on the arm, said a brother did it."}, follow=True
    )
    page = response.content.decode()
    assert "designated safeguarding lead, who will act on it" in page
    assert "Bruise on the arm" not in page
    concern = SafeguardingConcern.objects.get()
    assert (concern.young_person, concern.source, concern.source_ref, concern.raised_by) == (
        amara,
        "register",
        f"session:{session.pk}",
        leader,
    )
    client.post(url, {"young_person": "", "details": "A stranger waited outside."})
    assert SafeguardingConcern.objects.filter(young_person__isnull=True).count() == 1


# ---- The service worker --------------------------------------------------------------------------------------


def test_the_service_worker_is_a_script_whose_scope_covers_the_register_pages(client):
    response = client.get(reverse("offer:register_service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == reverse("offer:my_sessions") == "/delivery/"
    assert reverse("offer:register_service_worker").startswith("/delivery/")
    assert b'addEventListener("fetch"' in response.content
